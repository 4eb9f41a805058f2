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
_FOLD = str.maketrans({c: " " for c in _FOLD_CHARS})
# every ASCII character that is not a letter or a digit; _NOT_WORD for the rest of Unicode
_BLANK = str.maketrans({chr(i): " " for i in range(128) if not chr(i).isalnum()})
_NOT_WORD = re.compile(r"[^\w ]|_")


def _padded(key: str) -> str:
    """An automaton key: the form with everything but letters and digits blanked, a space either
    side (so it only matches whole words in text blanked the same way)."""
    return f" {_NOT_WORD.sub(' ', key.translate(_BLANK))} "


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
    letters = [c for c in form if c.isalpha()]
    if not letters:
        return True
    inner_upper = any(c.isupper() for part in re.split(r"[\s\-]", form) for c in part[1:])
    has_digit = any(c.isdigit() for c in form)
    short = len(form.replace(" ", "")) <= 3
    return inner_upper or has_digit or short


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
# "tensor, pipeline, and data parallelism", "greedy/beam search": modifiers sharing one head
_COORDINATED = re.compile(r"((?:[A-Za-z][\w\-]*,\s+)*[A-Za-z][\w\-]*)(?:,?\s+(?:and|or|&)\s+|/)$")


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
            self._automaton.add_word(padded, (len(padded), tuple(forms)))
        self.size = len(patterns)
        if patterns:
            self._automaton.make_automaton()

    def _entries(self, key: str) -> tuple[tuple[str, str | None, bool], ...]:
        """The (method id, exact form, proper) entries of a folded, lower-cased form."""
        value = self._automaton.get(_padded(key), None)
        if value is not None:
            for form, entries in value[1]:
                if form == key:
                    return entries
        return ()

    def find(self, text: str, title: bool = False) -> list[Hit]:
        """Every method occurrence in `text`, leftmost-longest, at word boundaries.

        In a title (`title=True`, capitalised words) "proper" forms are not matched."""
        if not self.size or not text:
            return []
        if "://" in text or "www." in text or "github.com" in text:
            text = _URL.sub(lambda m: " " * len(m.group()), text)  # positions kept
        folded = fold(text)  # abstracts and titles arrive with whitespace already collapsed
        lowered = lower_same_length(folded)
        # the automaton runs over the text with every character that is not a letter or a digit
        # blanked, one space added either side: its padded keys then only match whole words, and
        # the C loop skips the many matches inside words ("tr" in "transformer") that Python would
        # otherwise have to reject one by one
        blanked = lowered.translate(_BLANK)
        if not blanked.isascii():
            blanked = _NOT_WORD.sub(" ", blanked)
        candidates: list[tuple[int, int, str]] = []
        for end, (length, forms) in self._automaton.iter(f" {blanked} "):
            start = end - length + 1  # the form's first character in `text`: padding counted
            for form, entries in forms:
                # the form itself, not only its blanked key ("language,model")
                if not lowered.startswith(form, start):
                    continue
                for method_id, exact, proper in entries:
                    if exact is not None and not folded.startswith(exact, start):
                        continue
                    if proper and (title or _sentence_start(folded, start)):
                        continue
                    candidates.append((start, 1 - end, method_id))  # longest first
                    break
                break
        candidates.sort()  # no two candidates cover the same span
        hits: list[Hit] = []
        covered_to = -1
        phrases = False
        for start, negative_end, method_id in candidates:
            end = -negative_end
            if start >= covered_to:
                surface = text[start:end]
                # a version can only follow as "-", "v", a digit or a space before one of those
                after = text[end:end + 2]
                if after and (after[0] in "-v" or after[0].isdigit() or after[0] == " " and len(
                        after) == 2 and (after[1] == "v" or after[1].isdigit())):
                    version = _VERSION.match(text, end)
                    if version and version.end() > end:
                        surface = text[start:version.end()]
                hits.append(Hit(method_id, start, end, surface))
                phrases = phrases or " " in surface
                covered_to = end
        if phrases:
            hits.extend(self._coordinated(text, hits))
        return hits

    def _coordinated(self, text: str, hits: list[Hit]) -> list[Hit]:
        """Methods named by coordination: in "tensor, pipeline, and data parallelism" the hit is
        "data parallelism"; "tensor parallelism" and "pipeline parallelism" are looked up too."""
        found = []
        for hit in hits:
            if not text.endswith((" and ", " or ", "/", " & "), 0, hit.start):
                continue
            head = fold(text[hit.start:hit.end]).split(" ", 1)
            if len(head) < 2:
                continue
            match = _COORDINATED.search(text, max(0, hit.start - 80), hit.start)
            if not match:
                continue
            for modifier in re.split(r",\s+", match.group(1)):
                form = f"{modifier} {head[1]}"
                folded = " ".join(fold(form).split())
                for method_id, exact, _proper in self._entries(lower_same_length(folded)):
                    if exact is None or exact == folded:
                        start = match.start(1) + match.group(1).find(modifier)
                        found.append(Hit(method_id, start, start + len(modifier), form))
                        break
        return found

