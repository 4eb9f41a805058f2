"""Method extraction: which methods each paper mentions, and which it introduces.

    catalog entries + names the corpus introduces  ->  one Matcher  ->  mentions per paper

`extract` is a pure function of (papers, catalog); discovery and `extract_batch` are per-paper
functions that run in parallel over cores for large corpora.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from graphx.methods.catalog import CatalogEntry, load_catalog, slug
from graphx.methods.discover import Introduced, discover
from graphx.methods.matcher import Matcher, is_case_sensitive
from graphx.model import Mention, Method
from graphx.papers import Paper
from graphx.parallel import map_batches
from graphx.speed import no_gc

__all__ = ["extract", "load_catalog", "Extraction"]

# below this many papers a process pool costs more than it saves
PARALLEL_THRESHOLD = 5000


@dataclass
class Extraction:
    methods: dict[str, Method]
    mentions: list[Mention]


def extract_batch(batch: Sequence[tuple[str, str]], matcher: Matcher) -> list[list[tuple[str, str]]]:
    """For each (title, abstract): the (method_id, surface) pairs found, first occurrence each."""
    results = []
    for title, abstract in batch:
        seen: dict[str, str] = {}
        for text, is_title in ((title, True), (abstract, False)):
            for hit in matcher.find(text, title=is_title):
                seen.setdefault(hit.method_id, hit.surface)
        results.append(list(seen.items()))
    return results


def _match_all(matcher: Matcher, papers: list[Paper], jobs: int,
               threshold: int = PARALLEL_THRESHOLD) -> list[list[tuple[str, str]]]:
    """extract_batch over every paper, in `jobs` processes when there are `threshold` or more."""
    texts = [(p.title, p.abstract) for p in papers]
    return map_batches(functools.partial(extract_batch, matcher=matcher), texts, jobs, threshold)


_PARTS = re.compile(r"[-_ ]")


def _key(name: str) -> str:
    """How names are compared with catalog forms: case, hyphens and spacing folded."""
    return " ".join(name.casefold().replace("-", " ").split())


def _singular(name: str) -> str:
    """The lookup key of a plural acronym or name: "CNNs" -> "cnn"."""
    key = _key(name)
    return key[:-1] if key.endswith("s") and len(key) > 3 else key


def _discovered_form(name: str) -> str | tuple[str, str]:
    """A discovered name made of ordinary words ("Lookahead", "Fast Forward") matches elsewhere
    only as a proper name: exact case, not at the start of a sentence."""
    return name if is_case_sensitive(name) else (name, "proper")


def _choose_introducer(claims: list[Introduced], papers: dict[str, Paper],
                       order: dict[str, int]) -> Introduced:
    """Several papers claim one name: the one whose title names it, then the earliest, wins."""
    def rank(claim: Introduced) -> tuple[int, str, int]:
        paper = papers[claim.paper_id]
        return (0 if claim.in_title else 1, paper.published or "9999", order[claim.paper_id])

    return min(claims, key=rank)


def _inner_methods(methods: dict[str, Method], by_form: dict[str, str], catalog_ids: set[str]
                   ) -> dict[str, list[tuple[str, str]]]:
    """Catalog methods named inside a discovered phrase, by its words ("skip-join Multi-Level
    Feedback Queue scheduler" -> MLFQ): a paper that mentions the phrase mentions them too."""
    inner: dict[str, list[tuple[str, str]]] = {}
    for method_id, method in methods.items():
        words = method.name.split()
        if method.origin != "discovered" or len(words) < 2:
            continue
        found: list[tuple[str, str]] = []
        for size in range(len(words) - 1, 0, -1):
            for start in range(len(words) - size + 1):
                span = " ".join(words[start:start + size])
                other = by_form.get(_key(span))
                if other in catalog_ids and other != method_id and all(o != other for o, _ in found):
                    found.append((other, span))
        if found:
            inner[method_id] = found
    return inner


def extract(papers: list[Paper], catalog: list[CatalogEntry] | None = None, jobs: int = 1,
            parallel_threshold: int = PARALLEL_THRESHOLD) -> Extraction:
    """Find every paper's methods and the methods papers introduce.

    With `jobs` > 1 and at least `parallel_threshold` papers, discovery and matching run in `jobs`
    processes (graphx.parallel); the result is the same as with one.
    """
    with no_gc():  # hundreds of thousands of claims and mentions, no cycles among them
        return _extract(papers, catalog, jobs, parallel_threshold)


def _extract(papers: list[Paper], catalog: list[CatalogEntry] | None, jobs: int,
             parallel_threshold: int) -> Extraction:
    catalog = catalog if catalog is not None else load_catalog()
    methods: dict[str, Method] = {}
    forms: dict[str, list[str | tuple[str, str]]] = {}
    sensitivity: dict[str, bool | None] = {}  # per-method override of the per-form rule
    by_form: dict[str, str] = {}
    for entry in catalog:
        methods[entry.id] = Method(entry.id, entry.name, entry.category, entry.generic,
                                   [f for f in entry.forms if f != entry.name], entry.origin)
        if entry.case_sensitive == "proper":
            forms[entry.id] = [(f, "proper") for f in entry.forms]
        else:
            forms[entry.id] = list(entry.forms)
            sensitivity[entry.id] = entry.case_sensitive
        for form in entry.forms:
            by_form.setdefault(_key(form), entry.id)

    paper_by_id = {p.id: p for p in papers}
    order = {p.id: i for i, p in enumerate(papers)}
    claims: dict[str, list[Introduced]] = {}
    catalog_ids = set(methods)
    # discovery is per paper, so it runs over the same processes as matching
    for claim in map_batches(discover, papers, jobs, parallel_threshold):
        names = [claim.name, *claim.aliases]
        method_id = next((by_form[k] for n in names for k in (_key(n), _singular(n))
                          if k in by_form), None)
        if method_id is None and claim.how == "compared" and any(
                _key(part) in by_form for part in _PARTS.split(claim.name) if part != claim.name):
            continue  # "Conformer-CTC", "Llama-3-8B": the catalog finds its parts
        if method_id in catalog_ids:
            # a catalog method: the paper may introduce it (Conformer: ...), never redefine it
            if (methods[method_id].generic or claim.kind != "method" or not claim.introduced
                    or claim.how not in ("title", "intro", "apposition")):
                continue
        elif method_id is None:
            method_id = slug(claim.name)
            methods[method_id] = Method(method_id, claim.name, "other", False, list(claim.aliases),
                                        "discovered", claim.kind)
            forms[method_id] = [_discovered_form(claim.name), *claim.aliases]
            for name in names:
                by_form.setdefault(_key(name), method_id)
        else:  # another paper's discovered name: merge the forms it adds
            known = methods[method_id]
            for alias in claim.aliases:
                if alias not in known.aliases and alias != known.name:
                    known.aliases.append(alias)
                    forms[method_id].append(alias)
                    by_form.setdefault(_key(alias), method_id)
        if claim.introduced:
            claims.setdefault(method_id, []).append(claim)
    introducer: dict[str, str] = {}
    for method_id, method_claims in claims.items():
        winner = _choose_introducer(method_claims, paper_by_id, order)
        methods[method_id].introduced_by = winner.paper_id
        introducer[method_id] = winner.paper_id

    matcher = Matcher(forms.items(), sensitivity)
    found = _match_all(matcher, papers, jobs, parallel_threshold)
    inner = _inner_methods(methods, by_form, catalog_ids)
    introduced: dict[str, list[str]] = {}  # paper id -> methods it introduces (one dict lookup per paper)
    for method_id, paper_id in introducer.items():
        introduced.setdefault(paper_id, []).append(method_id)
    mentions: list[Mention] = []
    used: set[str] = set()
    for paper, hits in zip(papers, found, strict=True):
        paper_id = paper.id
        ids = {method_id for method_id, _ in hits}
        for method_id, surface in hits:
            mentions.append(Mention(paper_id, method_id, introducer.get(method_id) == paper_id, surface))
            used.add(method_id)
            for inner_id, inner_surface in inner.get(method_id, ()):
                if inner_id not in ids:  # "time-aware rotary positional embedding" mentions RoPE
                    ids.add(inner_id)
                    mentions.append(Mention(paper_id, inner_id, False, inner_surface))
        for method_id in introduced.get(paper_id, ()):
            if method_id not in ids:
                mentions.append(Mention(paper_id, method_id, True, None))
                used.add(method_id)
    # keep every catalog method (so `graphx method X` can say "no papers") but only used discoveries
    kept = {k: m for k, m in methods.items() if m.origin != "discovered" or k in used}
    return Extraction(kept, mentions)
