"""One compiled Aho-Corasick automaton over every surface form of every catalog method.

Text is folded before matching so that a single pass finds every form:
- hyphens and dashes become spaces ("low-rank adaptation" = "low rank adaptation");
- the automaton runs over lower-cased text; forms that must match case (acronyms like "LoRA",
  "BERT", "vLLM") are checked against the original text at the match position;
- plural forms are generated ("LLMs", "diffusion models", "adapters");
- a match must start and end at word boundaries (no "LoRA" inside "exploration"),
  and overlapping matches resolve leftmost-longest ("E-Branchformer" over "Branchformer");
- a form given as (form, "proper") matches only with its exact case and not at the start of a
  sentence: a discovered name that is also an ordinary word ("Lookahead") is not found in
  "Lookahead search is ...".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import ahocorasick

_FOLD_CHARS = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212_/"
# both tables list every ASCII character, most as itself: for each character a table lacks,
# str.translate raises and catches a KeyError inside (three times slower on ASCII text)
_ASCII = {i: i for i in range(128)}
_FOLD = _ASCII | str.maketrans({c: " " for c in _FOLD_CHARS})
# every ASCII character that is not a letter or a digit; _NOT_WORD for the rest of Unicode
_BLANK = _ASCII | str.maketrans({chr(i): " " for i in range(128) if not chr(i).isalnum()})
_NOT_WORD = re.compile(r"[^\w ]|_")
_PARTS = re.compile(r"[\s\-]")
# _BLANK for ASCII text as a bytes.translate table (only the first 128 are read), which also
# lower-cases: one pass makes the automaton's input
_BLANK_BYTES = bytes(ord(chr(c).lower().translate(_BLANK)) for c in range(128)) + bytes(range(128, 256))


def _padded(key: str) -> str:
    """An automaton key: the form with everything but letters and digits blanked, a space either
    side (so it only matches whole words in text blanked the same way)."""
    blanked = key.translate(_BLANK)
    return f" {blanked if blanked.isascii() else _NOT_WORD.sub(' ', blanked)} "


def fold(text: str) -> str:
    """Hyphens and dashes to spaces, keeping every character's position."""
    return text.translate(_FOLD)


def lower_same_length(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def is_case_sensitive(form: str) -> bool:
    """Acronyms and mixed-case names match case exactly; ordinary words and phrases do not.

    A capital that starts a hyphenated part is not "inner": "U-Net" also matches "U-net".

    >>> [is_case_sensitive(f) for f in ["LoRA", "BERT", "vLLM", "Conformer", "beam search", "T5",
    ...                                 "U-Net", "Pre-LN"]]
    [True, True, True, False, False, True, False, True]
    """
    if not any(map(str.isalpha, form)) or len(form.replace(" ", "")) <= 3:
        return True  # no letters, or short
    if any(map(str.isdigit, form)):
        return True
    # an inner capital: a capital after the first character of a word or hyphenated part
    return any(map(str.isupper, form[1:])) and any(
        any(map(str.isupper, part[1:])) for part in _PARTS.split(form))


def plural_forms(form: str) -> list[str]:
    """The form and its plural(s): LLM -> LLMs, diffusion model -> diffusion models."""
    forms = [form]
    last = form[-1]
    if not last.isalpha():
        return forms
    if form.endswith(("s", "x", "sh", "ch")) and not form.isupper():
        forms.append(form + "es")
    elif form.endswith("y") and len(form) > 3 and form[-2] not in "aeiou" and form.islower():
        forms.append(form[:-1] + "ies")
    elif not form.endswith("s"):
        forms.append(form + "s")
    return forms


# a version after a family name: "Llama 3.1", "Qwen2.5-Math", "DeepSeek-R1", "QwQ-32B" (kept in the
# surface)
# a link names a repository or a page, not a method: "github.com/k2-fsa/icefall" is code, while
# "implemented in icefall" is a mention
_URL = re.compile(r"(?:https?://|www\.|github\.com/)\S+", re.IGNORECASE)
_VERSION = re.compile(r"(?:[ \-]?v?\d+(?:\.\d+)*[a-z]?(?![\w%]|\.\d))?(?:-(?:[A-Z][a-z]+|[A-Z]\d+(?:\.\d+)?|\d+(?:\.\d+)?[BMK])(?![\w]))*")
# "tensor, pipeline, and data parallelism", "greedy/beam search": modifiers sharing one head. The
# list is the leftmost match of
#     ((?:[A-Za-z][\w\-]*,\s+)*[A-Za-z][\w\-]*)(?:,?\s+(?:and|or|&)\s+|/)$
# ending at the hit; searched from the left that tries every position of the 80 characters before
# it, so it is read from the hit backwards: this pattern, reversed, matched once on reversed text
_COORDINATED_REVERSED = re.compile(r"(?:\s+(?:dna|ro|&)\s+,?|/)([\w\-]*[A-Za-z](?:\s+,[\w\-]*[A-Za-z])*)")


def _sentence_start(text: str, start: int) -> bool:
    """Whether only spaces lie between `start` and the start of the text or a sentence's end."""
    i = start - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    return i < 0 or text[i] in ".!?:;\"'(*"


class Hit(NamedTuple):  # a tuple: a million are built for 100k papers
    method_id: str
    start: int
    end: int  # exclusive
    surface: str


class Matcher:
    """Finds catalog methods in text. Build once, call `find` on any number of texts.

    >>> m = Matcher([("m-lora", ["LoRA", "low-rank adaptation"])])
    >>> [h.method_id for h in m.find("We apply Low-Rank Adaptation; LoRAs help. No exploration.")]
    ['m-lora', 'm-lora']
    """

    def __init__(self, methods: Iterable[tuple[str, Sequence[str | tuple[str, str]]]],
                 case_sensitive: dict[str, bool | None] | None = None) -> None:
        self._automaton = ahocorasick.Automaton()
        patterns: dict[str, list[tuple[str, str | None, bool]]] = {}
        overrides = case_sensitive or {}
        for method_id, forms in methods:
            override = overrides.get(method_id)
            for item in forms:
                form, mode = item if isinstance(item, tuple) else (item, "")
                proper = mode == "proper"
                rule = override
                if rule and " " in form and form == form.lower():
                    rule = None  # an entry exact for its acronym ("ICT") still matches its
                    # lower-case phrases in any case ("the Inverse Cloze Task")
                sensitive = proper or (is_case_sensitive(form) if rule is None else rule)
                for variant in plural_forms(form):
                    folded = " ".join(fold(variant).split())
                    if not folded:
                        continue
                    key = lower_same_length(folded)
                    patterns.setdefault(key, [])
                    entry = (method_id, folded if sensitive else None, proper)
                    if entry not in patterns[key]:
                        patterns[key].append(entry)
        # the automaton's keys are the forms with punctuation blanked and a space either side
        # (_padded); a few forms share one ("c++" and "c#+"), so each key lists its forms
        variants: dict[str, list[tuple[str, tuple[tuple[str, str | None, bool], ...]]]] = {}
        for key, entries in patterns.items():
            variants.setdefault(_padded(key), []).append((key, tuple(entries)))
        for padded, forms in variants.items():
            self._automaton.add_word(padded, _value(padded, forms))
        self.size = len(patterns)
        if patterns:
            self._automaton.make_automaton()

    def _entries(self, key: str) -> tuple[tuple[str, str | None, bool], ...]:
        """The (method id, exact form, proper) entries of a folded, lower-cased form."""
        value = self._automaton.get(_padded(key), None)
        if value is not None:
            for form, entries in value[-1]:
                if form == key:
                    return entries
        return ()

    def find(self, text: str, title: bool = False) -> list[Hit]:
        """Every method occurrence in `text`, leftmost-longest, at word boundaries.

        In a title (`title=True`, capitalised words) "proper" forms are not matched."""
        if not self.size or not text:
            return []
        text, spans = self._spans(text, title)
        hits = [Hit(method_id, start, end, _surface(text, start, end)) for start, end, method_id in spans]
        if any(" " in hit.surface for hit in hits):
            hits.extend(self._coordinated(text, spans))
        return hits

    def first_surfaces(self, texts: Iterable[tuple[str, bool]]) -> dict[str, str]:
        """Method id -> surface of its first hit over (text, is_title) pairs, as `find` gives them
        in order; builds no Hit and no surface for later occurrences of a method."""
        seen: dict[str, str] = {}
        if not self.size:
            return seen
        for text, title in texts:
            if not text:
                continue
            text, spans = self._spans(text, title)
            phrases = False  # whether any surface has a space: only then can coordination add names
            for start, end, method_id in spans:
                if method_id not in seen:
                    surface = seen[method_id] = _surface(text, start, end)
                    if not phrases:
                        phrases = " " in surface
                elif not phrases:
                    phrases = " " in _surface(text, start, end)
            if phrases:
                for hit in self._coordinated(text, spans):
                    seen.setdefault(hit.method_id, hit.surface)
        return seen

    def _spans(self, text: str, title: bool) -> tuple[str, list[tuple[int, int, str]]]:
        """The text with links blanked, and its (start, end, method id) hits, leftmost-longest."""
        text, folded, lowered, padded = _prepare(text)
        candidates: list[tuple[int, int, str]] = []
        for end, (length, method_id, form, exact, proper, forms) in self._automaton.iter(padded):
            start = end - length + 1  # the form's first character in `text`: padding counted
            if method_id is None:  # a key several forms share
                method_id = _accept(forms, folded, lowered, start, title)
                if method_id is None:
                    continue
            elif (form is not None and not lowered.startswith(form, start)
                  or exact is not None and not folded.startswith(exact, start)
                  or proper and (title or _sentence_start(folded, start))):
                continue
            candidates.append((start, 1 - end, method_id))  # longest first
        candidates.sort()  # no two candidates cover the same span
        spans: list[tuple[int, int, str]] = []
        covered_to = -1
        for start, negative_end, method_id in candidates:
            if start >= covered_to:
                covered_to = -negative_end
                spans.append((start, covered_to, method_id))
        return text, spans

    def _coordinated(self, text: str, spans: list[tuple[int, int, str]]) -> list[Hit]:
        """Methods named by coordination: in "tensor, pipeline, and data parallelism" the hit is
        "data parallelism"; "tensor parallelism" and "pipeline parallelism" are looked up too."""
        found = []
        for hit_start, hit_end, _ in spans:
            if not text.endswith((" and ", " or ", "/", " & "), 0, hit_start):
                continue
            head = fold(text[hit_start:hit_end]).split(" ", 1)
            if len(head) < 2:
                continue
            match = _COORDINATED_REVERSED.match(text[max(0, hit_start - 80):hit_start][::-1])
            if not match:
                continue
            first = hit_start - match.end(1)
            listed = text[first:hit_start - match.start(1)]
            for modifier in re.split(r",\s+", listed):
                form = f"{modifier} {head[1]}"
                folded = " ".join(fold(form).split())
                for method_id, exact, _proper in self._entries(lower_same_length(folded)):
                    if exact is None or exact == folded:
                        start = first + listed.find(modifier)
                        found.append(Hit(method_id, start, start + len(modifier), form))
                        break
        return found


def _value(padded: str, forms: list[tuple[str, tuple[tuple[str, str | None, bool], ...]]]
           ) -> tuple[int, str | None, str | None, str | None, bool, tuple]:
    """An automaton key's value: (length, method id, form to check, exact form, proper, forms).

    Most keys have one form naming one method: its id and only the checks it needs are stored
    ready, so a hit costs a few comparisons. A key several forms or methods share has method id
    None and is resolved from `forms` (_accept)."""
    if len(forms) > 1 or len(forms[0][1]) > 1:
        return (len(padded), None, None, None, False, tuple(forms))
    form, ((method_id, exact, proper),) = forms[0]
    # the blanked key already proves a form that blanking leaves alone (one word of letters and
    # digits), and an ASCII exact form proves its lower-case one
    if padded == f" {form} " and " " not in form or exact is not None and exact.isascii():
        form = None  # type: ignore[assignment]
    return (len(padded), method_id, form, exact, proper, tuple(forms))


def _accept(forms: tuple[tuple[str, tuple[tuple[str, str | None, bool], ...]], ...], folded: str,
            lowered: str, start: int, title: bool) -> str | None:
    """The method a shared key names at `start`, if any: the first form there, its first entry
    whose case and place fit."""
    for form, entries in forms:
        # the form itself, not only its blanked key ("language,model")
        if not lowered.startswith(form, start):
            continue
        for method_id, exact, proper in entries:
            if exact is not None and not folded.startswith(exact, start):
                continue
            if proper and (title or _sentence_start(folded, start)):
                continue
            return method_id
        return None
    return None


def _prepare(text: str) -> tuple[str, str, str, str]:
    """(text with links blanked, folded, folded lower-case, the automaton's input), all of one
    length but the last, which is blanked to letters and digits and padded with a space."""
    if "://" in text or "www." in text or "github.com" in text:
        text = _blank_links(text)
    # abstracts and titles arrive with whitespace already collapsed
    if text.isascii():
        # bytes.translate is one table lookup a byte, str.translate a dict lookup a character;
        # the ASCII characters _FOLD changes are "-", "_" and "/", which replace() finds by memchr
        folded = text.replace("-", " ").replace("_", " ").replace("/", " ")
        padded = (b" " + text.encode() + b" ").translate(_BLANK_BYTES).decode()
        return text, folded, folded.lower(), padded
    folded = fold(text)
    lowered = lower_same_length(folded)
    # the automaton runs over the text with every character that is not a letter or a digit
    # blanked, one space added either side: its padded keys then only match whole words, and
    # the C loop skips the many matches inside words ("tr" in "transformer") that Python would
    # otherwise have to reject one by one
    blanked = _NOT_WORD.sub(" ", lowered.translate(_BLANK))
    return text, folded, lowered, f" {blanked} "


def _blank_links(text: str) -> str:
    """The text with every link blanked, positions kept."""
    first = 0
    if text.isascii():
        # the regex tries each position: start it where the first link can (at most 5 characters
        # before "://", at "www." or "github.com/"); lower() keeps ASCII positions
        lowered = text.lower()
        found = [at - back for anchor, back in (("://", 5), ("www.", 0), ("github.com/", 0))
                 if (at := lowered.find(anchor)) >= 0]
        first = max(0, min(found, default=0))
    return text[:first] + _URL.sub(lambda m: " " * len(m.group()), text[first:])


def _surface(text: str, start: int, end: int) -> str:
    """A hit's text, with the version that follows a family name ("Llama 3.1", "Qwen2.5-Math")."""
    # a version can only follow as "-", "v", a digit or a space before one of those
    after = text[end:end + 2]
    if after and (after[0] in "-v" or after[0].isdigit() or after[0] == " " and len(after) == 2 and (
            after[1] == "v" or after[1].isdigit())):
        version = _VERSION.match(text, end)
        if version and version.end() > end:
            return text[start:version.end()]
    return text[start:end]
