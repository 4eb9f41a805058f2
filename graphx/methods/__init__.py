"""Method extraction: which methods each paper mentions, and which it introduces.

    catalog entries + names the corpus introduces  ->  one Matcher  ->  mentions per paper

`extract` is a pure function of (papers, catalog); discovery and `extract_batch` are per-paper
functions that run in parallel over cores for large corpora.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain

from graphx.methods.catalog import CatalogEntry, load_catalog, slug
from graphx.methods.discover import Introduced, discover
from graphx.methods.matcher import Matcher, is_case_sensitive
from graphx.model import Mention, Method
from graphx.papers import Paper
from graphx.parallel import iter_batches
from graphx.speed import no_gc

__all__ = ["extract", "load_catalog", "Extraction"]

# below this many papers a process pool costs more than it saves
PARALLEL_THRESHOLD = 5000


@dataclass
class Extraction:
    methods: dict[str, Method]
    mentions: list[Mention]
    discovered: list[Introduced]  # what discovery found (or was given), in paper order


# paper id -> (title, abstract, the names discovery found in them): an earlier build's findings
Known = dict[str, tuple[str, str, list[Introduced]]]


def extract_batch(batch: Sequence[tuple[str, str]], matcher: Matcher) -> list[list[tuple[str, str]]]:
    """For each (title, abstract): the (method_id, surface) pairs found, first occurrence each."""
    first = matcher.first_surfaces
    # one object per distinct pair ("LoRA" is found as "LoRA" in many papers): a worker's results
    # are pickled to the parent, and pickle writes an object it has seen as a two-byte reference
    # (20k papers: 5.0 -> 2.0 MB; pickling and unpickling them halves)
    shared: dict[tuple[str, str], tuple[str, str]] = {}
    return [[shared.setdefault(pair, pair) for pair in first(((title, True), (abstract, False))).items()]
            for title, abstract in batch]


def _match_all(matcher: Matcher, papers: list[Paper], jobs: int,
               threshold: int = PARALLEL_THRESHOLD) -> Iterator[list[tuple[str, str]]]:
    """extract_batch over every paper, in `jobs` processes when there are `threshold` or more;
    each paper's pairs as soon as its batch is done."""
    texts = [(p.title, p.abstract) for p in papers]
    return chain.from_iterable(
        iter_batches(functools.partial(extract_batch, matcher=matcher), texts, jobs, threshold))


_PARTS = re.compile(r"[-_ ]")


def _key(name: str) -> str:
    """How names are compared with catalog forms: case, hyphens and spacing folded."""
    return " ".join(name.casefold().replace("-", " ").split())


def _known(names: list[str], by_form: dict[str, str], key: Callable[[str], str]) -> str | None:
    """The method the first known name already is, by its key or the key of a plural acronym
    or name without its "s" ("CNNs" -> "cnn")."""
    for name in names:
        k = key(name)
        if k in by_form:
            return by_form[k]
        if k.endswith("s") and len(k) > 3 and k[:-1] in by_form:
            return by_form[k[:-1]]
    return None


def _discovered_form(name: str) -> str | tuple[str, str]:
    """A discovered name made of ordinary words ("Lookahead", "Fast Forward") matches elsewhere
    only as a proper name: exact case, not at the start of a sentence."""
    return name if is_case_sensitive(name) else (name, "proper")


def _choose_introducer(claims: list[Introduced], when: dict[str, tuple[str, int]]) -> Introduced:
    """Several papers claim one name: the one whose title names it, then the earliest (`when`:
    paper id -> (publication date, place in the input)), wins."""
    return min(claims, key=lambda claim: (0 if claim.in_title else 1, when[claim.paper_id]))


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


def _mentions(papers: list[Paper], found: Iterable[list[tuple[str, str]]],
              introduced: dict[str, list[str]], inner: dict[str, list[tuple[str, str]]]
              ) -> tuple[list[Mention], set[str]]:
    """Each paper's mentions: the methods found in it, the catalog methods inside those
    (`inner`), and the methods it introduces (`introduced`: paper id -> method ids); and the ids
    of the methods found or introduced."""
    mentions: list[Mention] = []
    used: set[str] = set()
    add = mentions.append
    for paper, hits in zip(papers, found, strict=True):
        paper_id = paper.id
        mine = introduced.get(paper_id, ())
        ids = None  # the paper's method ids: only wanted for inner methods and introduced ones
        for method_id, surface in hits:
            add(Mention(paper_id, method_id, method_id in mine, surface))
            used.add(method_id)
            if method_id in inner:
                ids = ids or {found_id for found_id, _ in hits}
                for inner_id, inner_surface in inner[method_id]:
                    if inner_id not in ids:  # "time-aware rotary positional embedding" mentions RoPE
                        ids.add(inner_id)
                        add(Mention(paper_id, inner_id, False, inner_surface))
        if mine:
            ids = ids or {found_id for found_id, _ in hits}
            for method_id in mine:
                if method_id not in ids:
                    add(Mention(paper_id, method_id, True, None))
                    used.add(method_id)
    return mentions, used


def extract(papers: list[Paper], catalog: list[CatalogEntry] | None = None, jobs: int = 1,
            parallel_threshold: int = PARALLEL_THRESHOLD, known: Known | None = None
            ) -> Extraction:
    """Find every paper's methods and the methods papers introduce.

    With `jobs` > 1 and at least `parallel_threshold` papers, discovery and matching run in `jobs`
    processes (graphx.parallel); the result is the same as with one. `known` (from an earlier
    build with the same discovery rules) spares discovery the papers whose id, title and
    abstract it lists.
    """
    with no_gc():  # hundreds of thousands of claims and mentions, no cycles among them
        return _extract(papers, catalog, jobs, parallel_threshold, known or {})


def _discovered(papers: list[Paper], jobs: int, threshold: int, known: Known
                ) -> Iterator[Introduced]:
    """Every paper's names in paper order: from `known` where its text is the same, the
    others discovered (each batch's as soon as it is done)."""
    reused: dict[int, list[Introduced]] = {}
    unknown: list[Paper] = []
    for index, paper in enumerate(papers):
        before = known.get(paper.id)
        if before is not None and before[0] == paper.title and before[1] == paper.abstract:
            reused[index] = before[2]
        else:
            unknown.append(paper)
    found = chain.from_iterable(iter_batches(discover, unknown, jobs, threshold))
    if not reused:
        yield from found
        return
    pending = next(found, None)
    for index, paper in enumerate(papers):
        if index in reused:
            yield from reused[index]
            continue
        while pending is not None and pending.paper_id == paper.id:  # its names, if any
            yield pending
            pending = next(found, None)
    if pending is not None:  # only if two papers shared an id: nothing is lost
        yield pending
        yield from found


def _extract(papers: list[Paper], catalog: list[CatalogEntry] | None, jobs: int,
             parallel_threshold: int, known: Known) -> Extraction:
    catalog = catalog if catalog is not None else load_catalog()
    methods: dict[str, Method] = {}
    forms: dict[str, list[str | tuple[str, str]]] = {}
    sensitivity: dict[str, bool | None] = {}  # per-method override of the per-form rule
    by_form: dict[str, str] = {}
    for entry in catalog:
        entry_id, entry_forms = entry.id, entry.forms  # both computed on each access
        methods[entry_id] = Method(entry_id, entry.name, entry.category, entry.generic,
                                   [f for f in entry_forms if f != entry.name], entry.origin)
        if entry.case_sensitive == "proper":
            forms[entry_id] = [(f, "proper") for f in entry_forms]
        else:
            forms[entry_id] = entry_forms
            sensitivity[entry_id] = entry.case_sensitive
        for form in entry_forms:
            by_form.setdefault(_key(form), entry_id)

    claims: dict[str, list[Introduced]] = {}
    catalog_ids = set(methods)
    keys: dict[str, str] = {}  # name -> _key(name): papers claim the same names (42k, 9k distinct)

    def key(name: str) -> str:
        k = keys.get(name)
        if k is None:
            k = keys[name] = _key(name)
        return k

    # discovery is per paper, so it runs over the same processes as matching; each batch's
    # claims are taken while the next batches are discovered
    discovered: list[Introduced] = []
    for claim in _discovered(papers, jobs, parallel_threshold, known):
        discovered.append(claim)
        names = [claim.name, *claim.aliases]
        method_id = _known(names, by_form, key)
        if method_id is None and claim.how == "compared" and any(
                key(part) in by_form for part in _PARTS.split(claim.name) if part != claim.name):
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
                by_form.setdefault(key(name), method_id)
        else:  # another paper's discovered name: merge the forms it adds
            known = methods[method_id]
            for alias in claim.aliases:
                if alias not in known.aliases and alias != known.name:
                    known.aliases.append(alias)
                    forms[method_id].append(alias)
                    by_form.setdefault(key(alias), method_id)
        if claim.introduced:
            claims.setdefault(method_id, []).append(claim)
    when = {p.id: (p.published or "9999", i) for i, p in enumerate(papers)}
    introducer: dict[str, str] = {}
    for method_id, method_claims in claims.items():
        winner = _choose_introducer(method_claims, when)
        methods[method_id].introduced_by = winner.paper_id
        introducer[method_id] = winner.paper_id

    inner = _inner_methods(methods, by_form, catalog_ids)
    introduced: dict[str, list[str]] = {}  # paper id -> methods it introduces (one dict lookup per paper)
    for method_id, paper_id in introducer.items():
        introduced.setdefault(paper_id, []).append(method_id)
    matcher = Matcher(forms.items(), sensitivity)
    # each batch's mentions are built while the next batches are matched
    mentions, used = _mentions(papers, _match_all(matcher, papers, jobs, parallel_threshold),
                               introduced, inner)
    # keep every catalog method (so `graphx method X` can say "no papers") but only used discoveries
    kept = {k: m for k, m in methods.items() if m.origin != "discovered" or k in used}
    return Extraction(kept, mentions, discovered)
