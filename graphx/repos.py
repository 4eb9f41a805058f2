"""GitHub repository links: find them in text and normalise them to owner/name."""

from __future__ import annotations

import re
from collections.abc import Iterator

_URL = re.compile(r"github\.com/[^\s<>\"'`]+", re.IGNORECASE)
_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")
_REPO = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
# first path segments that are GitHub pages, not users or organisations
_NOT_OWNERS = {
    "orgs", "settings", "topics", "marketplace", "features", "sponsors", "collections",
    "explore", "about", "pricing", "login", "join", "search", "notifications", "apps",
    "enterprise", "site", "security", "trending", "readme", "customer-stories", "issues", "pulls",
}


def parse_repo_url(url: str) -> str | None:
    """owner/name for a github.com repository URL, None for anything else.

    >>> parse_repo_url("https://github.com/OpenLMLab/LEval}.")
    'OpenLMLab/LEval'
    >>> parse_repo_url("github.com/k2-fsa/icefall/tree/master/egs.")
    'k2-fsa/icefall'
    >>> parse_repo_url("https://github.com/orgs/pytorch/repositories") is None
    True
    """
    match = re.match(r"^(?:https?://)?(?:www\.)?github\.com/(.*)$", url.strip(), re.IGNORECASE)
    if not match:
        return None
    path = re.split(r"[?#]", match.group(1), maxsplit=1)[0]
    parts = [p for p in path.split("/") if p]
    if len(parts) < 2:
        return None
    owner, name = parts[0], parts[1]
    name = name.rstrip(".,;:)]}>'\"")
    if name.lower().endswith(".git"):
        name = name[:-4]
    owner = owner.strip()
    if owner.lower() in _NOT_OWNERS or not _NAME.match(owner) or not name:
        return None
    if not _REPO.match(name) or name in {".", ".."}:
        return None
    return f"{owner}/{name}"


def find_repos(text: str) -> list[str]:
    """Every distinct GitHub repository linked in `text`, in order of appearance."""
    found: list[str] = []
    seen: set[str] = set()
    lowered = text.lower() if text else ""
    if "github.com" not in lowered:
        return found
    for url in _urls(text, lowered):
        repo = parse_repo_url(url)
        if repo and repo.lower() not in seen:
            seen.add(repo.lower())
            found.append(repo)
    return found


def _urls(text: str, lowered: str) -> Iterator[str]:
    """What `_URL.finditer(text)` finds. The case-blind regex tries a match at every character
    (~70% of reading a record that has a link); where lower-casing kept every character in place
    it only has to try where "github.com" is."""
    if len(lowered) != len(text):  # some character lower-cased to several
        yield from (match.group(0) for match in _URL.finditer(text))
        return
    start = lowered.find("github.com")
    while start >= 0:
        match = _URL.match(text, start)
        if match:
            yield match.group(0)
        start = lowered.find("github.com", match.end() if match else start + 1)
