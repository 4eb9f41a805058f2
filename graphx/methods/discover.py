"""Discovery of names a paper introduces, which no catalog can know yet.

Read from the title and abstract, one sentence at a time, with a few regular expressions:
- the name before a title's colon or dash: "Zipformer: A faster ...", "GECToR -- ...";
- "we propose / present / introduce X", "this paper introduces X", "a method called X";
- "X, a novel / new ..." appositions;
- defined acronyms "Web Rephrase Augmented Pre-training (WRAP)" (the expansion becomes an alias),
  introduced when the sentence introduces them, otherwise kept only when the expansion's head word
  names a technique ("... neural network (MANN)", not "word error rate (WER)");
- lower-case techniques a paper introduces, when they end in a technique's head word ("a novel
  pre-gating router"), "our proposed X", "we extend our method to X", enumerated contributions
  ("(2) present X"), and parts of the paper's own method ("X's masked batching technique",
  "X employs chunked-prefills, which ...", "block-sparse X");
- names other methods go by where the paper compares with them ("outperforms FastServe"), kept as
  mentions, not introductions.

Abstracts come from the web: every rule must stay linear in the text (see
test_discovery_stays_fast_on_hostile_abstracts): patterns run once over the text, and work done
at each hit reads a bounded window, never the rest of the sentence again.

Each name gets a kind: "method", or "dataset" / "benchmark" / "metric" / "task" when the words that
describe it say so ("X, a benchmark for ...", "X: A Dataset of ...", names ending in -Bench); graph
edges are only made through methods. Precision comes first: a title phrase of ordinary words
("Little Giants: ...") is not a name.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from graphx.methods.catalog import non_methods
from graphx.methods.matcher import lower_same_length
from graphx.papers import Paper


@dataclass
class Introduced:
    """A name one paper introduces (or defines); `kind` says whether it is a method or e.g. a dataset."""

    name: str
    paper_id: str
    kind: str = "method"
    aliases: list[str] = field(default_factory=list)
    in_title: bool = True
    introduced: bool = True  # False: an acronym the paper only defines ("... network (MANN)")
    how: str = "title"  # title | intro ("we propose X") | apposition | definition


# words that describe what a name is; the first one found decides its kind
_KIND_WORDS = {
    "benchmark": "benchmark", "benchmarks": "benchmark", "leaderboard": "benchmark",
    "suite": "benchmark", "testbed": "benchmark", "arena": "benchmark", "evaluation": "benchmark",
    "challenge": "benchmark", "test": "benchmark", "dataset": "dataset", "datasets": "dataset",
    "corpus": "dataset", "corpora": "dataset", "collection": "dataset", "resource": "dataset",
    "questions": "dataset", "set": "dataset", "problems": "dataset", "examples": "dataset",
    "samples": "dataset", "pairs": "dataset", "documents": "dataset", "trajectories": "dataset", "instructions": "dataset", "annotations": "dataset",
    "metric": "metric", "metrics": "metric", "score": "metric", "measure": "metric",
    "task": "task", "tasks": "task", "problem": "task", "survey": "survey", "review": "survey",
    "study": "study", "analysis": "study", "investigation": "study",
}
# words that describe a method: seeing one first settles the kind as "method"
_METHOD_WORDS = {
    "method", "methods", "approach", "framework", "model", "models", "architecture", "algorithm",
    "technique", "system", "engine", "library", "toolkit", "pipeline", "network", "strategy",
    "mechanism", "module", "recipe", "scheme", "paradigm", "optimizer", "decoder", "encoder",
    "transformer", "tokenizer", "agent", "policy", "procedure", "protocol", "attention", "layer",
    "detector", "retriever", "reranker", "generator", "compiler", "scheduler", "kernel", "family",
    "estimator", "planner", "solver", "backbone", "objective", "loss", "formulation", "variant",
    "extension", "design", "implementation", "tool", "platform", "solution", "server", "runtime",
}
# head words of an acronym's expansion that name a technique (for acronyms a paper only defines)
_METHOD_HEADS = {
    "network", "networks", "attention", "decoding", "optimization", "tuning", "training",
    "algorithm", "search", "sampling", "distillation", "pruning", "quantization", "parallelism",
    "queue", "scheduling", "caching", "embedding", "embeddings", "encoding", "normalization",
    "regularization", "transformer", "transformers", "machine", "machines", "augmentation",
    "adaptation", "optimizer", "descent", "propagation", "perceptron", "autoencoder",
    "autoencoders", "pretraining", "pre-training", "prompting", "decomposition",
    "factorization", "estimation", "architecture",
    "mechanism", "layer", "layers", "block", "module", "policy", "alignment", "merging", "inference", "compression", "initialization",
    "dropout", "pooling", "convolution", "gating", "routing", "scaling", "ranking", "reranking",
    "reasoning", "planning", "tokenization", "parameterization", "parametrization", "sharding",
    "offloading", "checkpointing", "batching", "prefill", "cache", "decoder", "encoder",
}
_METHOD_HEAD_STEMS = {h.rstrip("s") for h in _METHOD_HEADS}
# expansions whose last words are a task, metric or hardware, never a method
_NOT_METHOD_TAILS = (
    "rate", "error", "score", "accuracy", "ratio", "recognition", "answering", "classification",
    "detection", "segmentation", "summarisation", "summarization", "understanding", "processing",
    "processing unit", "processing units", "language model", "language models", "time",
    "latency", "throughput", "benchmark", "dataset", "corpus", "set", "task", "evaluation",
    "metric", "machine translation", "translation", "vision", "intelligence", "interface",
    "reality", "system", "systems", "pairs", "questions", "retrieval task", "retrieval tasks",
    "generation task", "generation tasks", "answer", "answers", "analysis", "modeling",
    "modelling", "agent", "agents", "function", "functions", "operations", "token", "tokens",
    "length", "window", "size", "distance", "divergence",
)


def _ends_with_any(tails: Iterable[str]) -> Callable[[str], bool]:
    """A test whether a text ends with one of `tails` (any case; a tail may end a longer word,
    "generate" ends with "rate"). It matches the reversed text at its start: one place to try,
    where searching for "(?:rate|error|...)$" tries every alternative at every character."""
    reversed_tails = re.compile("|".join(re.escape(tail[::-1]) for tail in tails), re.IGNORECASE)
    return lambda text: reversed_tails.match(text[::-1]) is not None


_not_method_tail = _ends_with_any(_NOT_METHOD_TAILS)
_kind_suffix = _ends_with_any(("bench", "arena", "leaderboard", "eval", "qa", "set"))

# title openers that are not names ("Towards ...:", "Rethinking ...:")
_NOT_NAMES = {
    "towards", "toward", "beyond", "rethinking", "revisiting", "on", "the", "a", "an", "position",
    "survey", "review", "tutorial", "overview", "introduction", "report", "note", "case", "study",
    "why", "how", "what", "when", "where", "which", "who", "is", "are", "do", "does", "can",
    "should", "scaling", "benchmarking", "evaluating", "understanding", "exploring", "analyzing",
    "analysing", "investigating", "measuring", "demystifying", "unlocking", "unleashing",
    "bridging", "learning", "training", "improving", "enhancing", "boosting", "accelerating",
    "efficient", "fast", "faster", "simple", "better", "less", "more", "all", "from", "not",
    "no", "yes", "one", "two", "three", "every", "each", "abstract", "editorial", "preface",
    "appendix", "chapter", "part", "keynote", "erratum", "corrigendum", "comment", "reply",
    "perspective", "perspectives", "vision", "opinion", "discussion", "lessons", "insights",
}
_BAD_SUFFIX = re.compile(r"-(?:based|style|like|aware|free|level|wise|scale|only|specific|driven)$",
                         re.IGNORECASE)

_DIGIT = re.compile(r"\d")
# where a title's name ends: "Zipformer: ...", "GECToR -- ...", "X — ..."
_TITLE_SPLIT = re.compile(r"\s*(?::|\s--?\s|\s—\s|—)\s*")
# a sentence ends at . ! ? before a capital, a quote or a parenthesis ("e.g. the" does not end one)
_SENTENCE = re.compile(r"[.!?]\s+(?=[A-Z\"'(*])")
_SENTENCE_AFTER_DOT = re.compile(r"\.\s+(?=[A-Z\"'(*])")  # the same, in a text without ! and ?
# words keep inner hyphens, dots, slashes and a final + ("Pre-training", "Llama-3.1", "C++");
# ** (markdown bold) and , : ; ( ) are tokens of their own
_WORD_TOKEN = r"[^\W_][\w\-+./'&]*[\w+]|[^\W_]"
_TOKEN = re.compile(rf"\*\*|{_WORD_TOKEN}|[,:;()]")
_SUBJECT = r"(?:[Ww]e|[Tt]his (?:paper|work|article|study|report)|[Oo]ur (?:work|paper))"
_VERB = (r"(?:propose|present|introduce|develop|design|build|release|describe|devise|create|"
         r"call|name|term|dub|open-source|unveil|offer|contribute|construct|curate)(?:s|d|ed)?")
# "we propose", matched as the verb (found by the trigger automaton) and the subject before it
_INTRO_VERB = re.compile(rf"{_VERB}\b\s*,?\s*")
_SUBJECT_BEFORE = re.compile(rf"\b{_SUBJECT}\s+(?:\(\w{{1,4}}\)\s+)?(?:(?:\w+ly|also|further|then|"
                             rf"first|next|here|now|finally|therefore|thus|hence)\s+)?"
                             rf"(?:(?:can|will)\s+)?$")
_INTRO_GERUND = re.compile(r"(?:introducing|proposing)\s+")  # "(2) introducing X" (_ENUMERATED)
_ENUMERATED = re.compile(r"\(\w{1,3}\)\s+(?:also\s+)?$")  # "(2) present ...", after "we" in the sentence
# "we further extend our method to CheckFree+"
_EXTEND_TO = re.compile(r"extend(?:s|ed)?\s+(?:our|this)\s+(?:\w+\s+)?(?:method|approach|model|framework|"
                        r"system|algorithm|technique|idea|design)s?\s+(?:to|into)\s+")
_A_NOVEL = re.compile(r"\b(?:a|an|the)\s+$")  # before "novel": "a novel pre-gating router"
_WE = re.compile(r"\b[Ww]e\b")
_PROPOSED = re.compile(r"\b(?:[Oo]ur|[Tt]he)\s+(?:newly\s+)?$")  # "our proposed X", "the introduced X"
# "a method called X", "namely X", "we call our method X", "we call this metric X" (noun: its kind)
_CALLED = re.compile(r"\b(?:called|named|termed|dubbed|coined|namely|call(?:s|ed)?\s+(?:our|the|this)"
                     r"\s+(?:\w+\s+)?(?:method|approach|model|framework|system|technique|algorithm)|"
                     r"(?:call|dub|term)\s+(?:(?:it|them)\s+|(?:this|these|our|the|such)\s+(?P<noun>\w+)\s+)?(?:as\s+)?)"
                     r"\s*,?\s*")
# "new activation functions SwooshR and SwooshL": names right after "novel" / "new" and a few words
_NOVEL = re.compile(r"(?:novel|new)\s+(?:[a-z][\w\-]*\s+){0,4}(?P<rest>[^.;:]{0,120})")
# "Dynamic SplitFuse, a novel ... strategy": the capitalised words before the comma
_APPOSITION = re.compile(r",\s+(?:a|an|the)\s+(?:\w+\s+){0,2}?(?:novel|new)\b")
# contexts that name other methods a paper uses or compares with: "outperforms FastServe and Orca"
_COMPARED = re.compile(
    r"\b(?:compared? (?:with|to|against)|comparisons? (?:with|to|against)|outperform(?:s|ing|ed)?|"
    r"surpass(?:es|ing|ed)?|beats?|than|versus|vs\.?|baselines?(?: such as| including| like)?|"
    r"built (?:on|upon)|on top of|extends|extending|"
    r"state-of-the-art (?:methods?|systems?|models?|baselines?)(?: such as| including)?|"
    r"(?:such as|including))\s*,?\s+(?P<rest>[^.;:]{0,160})")
# "such as" / "including" list methods only after a word that says so ("systems such as ...")
_LIST_HEAD = re.compile(r"\b(?:methods?|systems?|models?|frameworks?|approaches|techniques|"
                        r"engines?|libraries|baselines?|architectures?|optimizers?)\s*,?\s*$")
# The first words of the patterns above. A regular expression that starts with a word boundary
# and alternatives costs a step at every character; one Aho-Corasick pass over the lower-cased
# text finds where they can start, and each pattern is then only tried there.
_TRIGGER_WORDS = {
    "intro": ("propose", "present", "introduce", "introducing", "proposing", "develop", "design",
              "build", "release",
              "describe", "devise", "create", "call", "name", "term", "dub", "open-source",
              "unveil", "offer", "contribute", "construct", "curate"),
    "called": ("called", "named", "termed", "dubbed", "coined", "namely", "call", "dub", "term"),
    "novel": ("novel", "new"),
    "compared": ("compare", "comparison", "outperform", "surpass", "beat", "than", "versus", "vs",
                 "baseline", "built", "on top of", "extend", "state-of-the-art", "such as",
                 "including"),
}
_triggers = None


def _trigger_automaton():  # -> ahocorasick.Automaton
    global _triggers
    if _triggers is None:
        import ahocorasick

        automaton = ahocorasick.Automaton()
        kinds: dict[str, list[str]] = {}
        for kind, words in _TRIGGER_WORDS.items():
            for word in words:
                kinds.setdefault(word, []).append(kind)
        for word, word_kinds in kinds.items():
            automaton.add_word(word, (len(word), tuple(word_kinds)))
        automaton.make_automaton()
        _triggers = automaton
    return _triggers


def _trigger_hits(text: str) -> list[tuple[int, str]]:
    """(position, kind) of every place a pattern may start, in text order."""
    hits = []
    for end, (length, kinds) in _trigger_automaton().iter(lower_same_length(text)):
        start = end - length + 1
        if start and text[start - 1].isalnum():
            continue
        for kind in kinds:
            hits.append((start, kind))
    return hits


_INTRO_CUE = re.compile(r"\b(?:we|our|this paper|this work|novel|propose[sd]?|introduce[sd]?)\b",
                        re.IGNORECASE)
# what precedes an expansion the paper introduces: "our X (ACR)", "a novel decoding algorithm,
# Planning-Guided ... (PG-TD)", "a new method -- prompt inversion ... (PILS)", "we propose a ..."
_INTRODUCING = re.compile(r"\b(?:(?:novel|new|our|proposed)(?:\s+(?!(?:in|of|for|to|on|at|by|the|and|"
                          r"with|from)\b)[\w\-]+){0,3}\s*(?:,|--|—|:)?|"
                          r"(?:we|paper|work)\s+(?:propose|present|introduce)[sd]?\s+(?:a|an)?)\s*$")
_INTRO_HINT = re.compile(r"novel|new|our|propos|introduc|present")  # cheap test first
# "(WRAP)", "(PG-TD)", "(LLMs)" read as LLM: a short form in parentheses, its expansion before it
_ACRONYM = re.compile(r"\(\s*([A-Za-z][A-Za-z0-9\-+./&]{1,14}?)s?\s*\)")
# words that may follow a name in "we propose X which ..."
_FOLLOWERS = {
    "which", "that", "to", "for", "with", "as", "is", "are", "by", "in", "on", "and", "or", "using",
    "via", "where", "whose", "achieves", "achieving", "consists", "built", "based", "trained",
    "designed", "leverages", "leveraging", "enables", "uses", "improves", "outperforms", "can",
    "capable", "from", "at", "over", "under", "without", "within", "while", "through", "inspired",
}
# words that end the search for a name after "we propose": "we propose that", "... results of"
_STOP_BEFORE_NAME = {
    "of", "on", "in", "for", "with", "to", "from", "by", "using", "via", "at", "into", "over",
    "through", "that", "which", "who", "how", "what", "whether", "when", "where", "results",
    "experiments", "evidence", "findings", "analysis", "insights", "here", "is", "are", "was",
    "were", "be", "been", "as", "if", "than", "then", "extensive", "comprehensive", "our",
}


def _is_strong(token: str) -> bool:
    """A token that only a name looks like: inner capitals or digits with letters (FastServe, T5)."""
    rest = token[1:]
    # (an all-letter rest, as most words have, holds no digit: no need to search it)
    if rest == rest.lower() and not (token[:1].isalpha() and not rest.isalpha()
                                     and _DIGIT.search(rest)):
        return False
    return not _BAD_SUFFIX.search(token)


def _is_title_strong(word: str) -> bool:
    """Like _is_strong, for title-case words: "Multi-Token" is a title's capitals, not a name."""
    return _is_strong(word) and any(_is_strong(part) for part in word.split("-"))


def _is_capitalised(token: str) -> bool:
    return token[:1].isupper() and not _BAD_SUFFIX.search(token)


_KIND_STOP = {"that", "which", "who", "to", "for", "with", "by", "on", "in", "from", "using",
              "where", "while", "whose", "via"}


def kind_from_words(words: Iterable[str], forward: bool = True) -> str | None:
    """The kind the first describing word gives ("a new benchmark for" -> benchmark), if any."""
    for word in words:
        key = word.casefold().strip(".,:;()")
        if forward and key in _KIND_STOP:  # "X that rephrases documents": what X does
            return None
        if key in _METHOD_WORDS:
            return "method"
        if key in _KIND_WORDS:
            return _KIND_WORDS[key]
    return None


_NAME_PARTS = re.compile(r"[\s\-_]")


def name_kind(name: str) -> str | None:
    words = _NAME_PARTS.split(name)
    last = words[-1]
    if len(words) > 1 and _KIND_WORDS.get(last.casefold()) in ("benchmark", "dataset", "metric"):
        return _KIND_WORDS[last.casefold()]  # "FollowRAG Benchmark", "X-Dataset"
    if _kind_suffix(last) and last.casefold() not in {"set"}:
        return "benchmark" if not last.casefold().endswith("qa") else "dataset"
    return None


def title_name(title: str) -> str | None:
    """The name a title gives before its colon or dash: "Zipformer: A faster ..." -> Zipformer."""
    name, _, _ = _title_parts(title)
    return name


# "Zorb Attention Network (ZAN): ...", "ZAN (Zorb Attention Network): ...", "Zorb Net (ZN: ..."
_TITLE_PAREN = re.compile(r"([^()]+?)\s*\(\s*([^()]*?)\s*\)?")


def _title_parts(title: str) -> tuple[str | None, list[str], str]:
    """(name, its aliases, the rest of the title) for a title that opens with a name."""
    parts = _TITLE_SPLIT.split(title.strip(), maxsplit=1)
    if len(parts) != 2 or not parts[0] or not parts[1]:
        return None, [], ""
    head, tail = parts[0].strip("*\"' "), parts[1]
    if paren := _TITLE_PAREN.fullmatch(head):
        # a name defined in the title is read as in an abstract: the acronym, its expansion an
        # alias; any other parenthesis is not part of the name
        outer, inner = paren.groups()
        acronym = inner[:-1] if _PLURAL_ACRONYM.fullmatch(inner) else inner
        if " " not in acronym and (span := _acronym_expansion(acronym, outer.split())):
            return acronym, [" ".join(span)], tail
        if " " not in outer and " " in inner and _acronym_expansion(outer, inner.split()):
            return outer, [inner], tail
        head = outer
    name, tail = _title_head(head, tail)
    return name, [], tail


_ONE_WORD_NAME = re.compile(r"[^\W\d_][\w\-+.]*")
_PLURAL_CAPITALS = re.compile(r"[A-Z]+s")  # "LLMs"
_NAME_AND_VERSION = re.compile(r"[A-Z][\w\-]* \d[\w.]*")  # "Llama 3.1"


def _title_head(head: str, tail: str) -> tuple[str | None, str]:
    words = head.split()
    if not words:  # '"": ...', "** : ..."
        return None, tail
    if len(words) > 4:  # "When LLMs are Unfit Use FastFit: ..." -> the closing name
        last = words[-1]
        return (last, tail) if _is_strong(last) and not last.endswith("s") else (None, tail)
    if _stopword(words[0]) or not words[0][:1].isupper():
        return None, tail
    if len(words) == 1:
        return (head, tail) if _ONE_WORD_NAME.fullmatch(head) else (None, tail)
    if any(w.casefold() in _FUNCTION_WORDS for w in words[1:]):
        return None, tail  # "Resources for Brewing BEIR:", "Generative AI Beyond LLMs:"
    if (any(_is_title_strong(w) and not _known(w, non_methods()) and not _PLURAL_CAPITALS.fullmatch(w)
            for w in words) or _NAME_AND_VERSION.fullmatch(head)):
        return head, tail
    # ordinary words name a method when they end in a technique's head word ("Momentum
    # Decoding:", "Sequence Parallelism:"), not otherwise ("Little Giants:", "Scale Efficiently:")
    if len(words) <= 3 and all(w[:1].isupper() for w in words) and _is_head(words[-1]):
        return head, tail
    return None, tail


# "Dynamic Chunking for End-to-End ...": a title that opens with a technique it is about
_TITLE_OPENS = re.compile(r"((?:[A-Z][a-z\-]+\s+){1,2}[A-Z][a-z\-]+)\s+(?:for|with|via)\s")


def _title_technique(words: list[str]) -> bool:
    first = words[0].casefold()
    return (_is_phrase_head(words[-1]) and not first.endswith("ing") and not _stopword(first)
            and first not in _PRAISE)


def _stopword(word: str) -> bool:
    return word.casefold() in _NOT_NAMES and not (word.isupper() and len(word) > 1)


def _is_head(word: str) -> bool:
    word = word.casefold()
    return word in _METHOD_HEADS or word.rstrip("s") in _METHOD_HEADS


_FUNCTION_WORDS = {"of", "for", "and", "the", "a", "an", "to", "in", "on", "with", "by", "as",
                   "using", "via", "from", "at", "into", "beyond", "towards", "toward", "without"}


# words an expansion may hold that no letter of its acronym stands for
_EXPANSION_FILLERS = _FUNCTION_WORDS | {"based"}
# "MMBlock": initials (MM), then a whole word (Block)
_SHORT_AND_WORD = re.compile(r"([A-Z][A-Z0-9]+)([A-Z][a-z]{2,})")


def _acronym_expansion(acronym: str, before: list[str], loose: bool = False,
                       longest: bool = False) -> list[str] | None:
    """The words before "(ACR)" whose initials spell it: ["Web", "Rephrase", ...] for WRAP.

    The letters must appear in order, the first at the first word's start; function words may
    sit inside ("Transformer as Linear Expansion of learnGene" for TLEG). `loose` accepts a
    mixed-case name as the short form ("retrospective reader (Retro-Reader)"); `longest` allows
    a long expansion that is known to start at before[0]."""
    short = _SHORT_AND_WORD.fullmatch(acronym)
    if short and before and before[-1].casefold() == short.group(2).casefold():
        # "Meta Mobile Block (MMBlock)": initials, then the last word whole
        span = _acronym_expansion(short.group(1), before[:-1], loose, longest)
        return [*span, before[-1]] if span else None
    letters = [c.lower() for c in acronym if c.isalpha()]
    if len(letters) < 2 or sum(map(str.isupper, acronym)) < (1 if loose else 2):
        return None
    words = before if longest else before[-(len(letters) + 6):]
    for start in range(len(words) - 1, -1, -1):
        first = words[start]
        if first[:1].lower() != letters[0] or first.casefold() in _FUNCTION_WORDS:
            continue
        span = words[start:]
        content = [w for w in span if w.casefold() not in _EXPANSION_FILLERS]
        if (len(content) > (2 * len(letters) + 2 if longest else len(letters) + 1)
                or len(content) < 2 and len(letters) > 3 and not loose):
            continue
        text = " ".join(span).lower()
        pos = 0
        ok = True
        for letter in letters:
            pos = text.find(letter, pos)
            if pos < 0:
                ok = False
                break
            pos += 1
        if ok and (loose or len(content) >= (len(letters) + 1) // 2):
            return span
    return None


def _name_at(tokens: list[str], i: int) -> tuple[str, int] | None:
    """The name starting at tokens[i] (a strong token, or up to 4 capitalised words), and its end."""
    if i >= len(tokens):
        return None
    first = tokens[i]
    if not (_is_strong(first) or _is_capitalised(first)) or first in {"(", ")", ",", ":", ";"}:
        return None
    j = i + 1
    while j < len(tokens) and j - i < 5:
        token = tokens[j]
        if token[:1].isupper() or _is_strong(token) or token[:1].isdigit() and len(token) <= 4:
            j += 1
            continue
        break
    words = tokens[i:j]
    if len(words) == 1 and _stopword(first):
        return None
    return " ".join(words), j


def _strong_name(rest: str) -> str | None:
    """The name at the start of `rest` if it looks like one (Conformer-NTM, FastServe), else None."""
    tokens = _TOKEN.findall(rest[:80])
    found = _name_at(tokens, 0)
    if found is None or tokens[found[1]:found[1] + 1] == ["("]:
        return None  # "the proposed Intra-Document ... Model (IDCM)": the definition names it
    words = found[0].split()
    words = words[:next((k for k, w in enumerate(words) if k and w[:1].islower()), len(words))]
    if not any(_is_strong(w) for w in words):
        return None
    first = words[0].split("-")[0]
    if "-" in words[0] and first.isalpha() and first.islower():
        return None  # "the proposed all-LLM pipeline": a word qualifying a name
    return " ".join(words)


# A lower-case phrase a paper introduces names a technique when it ends in one of these words:
# "a novel interleaved pipeline parallelism schedule", "the pre-gating router"; a phrase ending
# in a word that only says what kind of thing it is ("an activation caching mechanism") names
# what comes before it
_PHRASE_HEADS = {
    "schedule", "scheduler", "scheduling", "router", "routing", "regulator", "decoding", "batching",
    "parallelism", "retrieval", "attention", "embedding", "encoding", "caching", "cache",
    "chunking", "pruning", "quantization", "quantisation", "distillation", "sampling", "prefill",
    "prefilling", "queue", "tokenizer", "tokenization", "normalization", "initialization",
    "merging", "gating", "pooling", "dropout", "optimizer", "augmentation", "prompting",
    "offloading", "checkpointing", "sharding", "slimming", "compression", "speculation",
    "representation", "reranking", "indexing", "partitioning", "space", "allocator",
}
_PREFIXES = {"post", "self", "semi", "multi", "cross", "inter", "intra", "super", "hyper", "ultra",
             "over", "under", "auto", "anti", "mega", "meta", "mini", "micro", "pseudo", "quasi"}
_NAMING = {"called", "named", "termed", "dubbed", "coined", "namely", "i.e", "e.g"}
_LOWER_WORD = re.compile(r"[a-z][a-z\-]*")
_WORD = re.compile(r"[A-Za-z][\w\-]*")
_PHRASE_START = re.compile(r"\s*(?:(?:a|an|the)\s+)?[a-z]")
_PHRASE_END = re.compile(r"\s--?\s|[,;:()\u2014]")
_PHRASE_CONTAINERS = {"mechanism", "module", "technique", "method", "approach", "strategy", "scheme",
                      "algorithm", "architecture", "design", "component", "procedure"}
# words that praise a technique without naming it ("a simple yet effective ...")
_PRAISE = {"simple", "efficient", "effective", "lightweight", "light-weight", "general", "generic",
           "novel", "new", "unified", "principled", "scalable", "practical", "flexible", "robust",
           "powerful", "fast", "accurate", "elegant", "straightforward", "improved", "better",
           "alternative", "dedicated", "specialized", "custom", "tailored", "yet", "and", "highly",
           "very", "more", "plug-and-play", "training-free", "effective,", "universal", "first",
           "key", "two", "three", "several", "multiple", "various", "additional", "further",
           "modified", "enhanced", "optimized", "optimal", "carefully", "designed", "proposed",
           "specific", "well-known", "widely-used", "so-called", "off-the-shelf", "open-source",
           "state-of-the-art", "large-scale", "high-performance", "original", "standard",
           "vanilla", "existing", "previous", "prior"}


def _phrase_name(rest: str) -> str | None:
    """A lower-case technique the paper introduces: "a novel pre-gating router that ..." ->
    "pre-gating router"; None unless the phrase ends in a technique's head word."""
    if not _PHRASE_START.match(rest):
        return None  # "we propose FastServe": a name, read elsewhere
    tokens = _TOKEN.findall(_PHRASE_END.split(rest[:120], maxsplit=1)[0])
    i = 0
    while i < len(tokens) and (tokens[i] in {"a", "an", "the"} or tokens[i] in _PRAISE):
        i += 1
    if (i >= len(tokens) or not _LOWER_WORD.fullmatch(tokens[i])
            or tokens[i] in _METHOD_WORDS):  # "a new method called X": X is read elsewhere
        return None
    words: list[str] = []
    for token in tokens[i:i + 7]:
        low = token.casefold()
        if (not _WORD.fullmatch(token) or low in _FOLLOWERS
                or low in _FUNCTION_WORDS or low in _STOP_BEFORE_NAME or low in _NAMING):
            break
        if words and low.endswith("ed") and _is_phrase_head(words[-1]):
            break  # "the pre-gating router decoupled from ..."
        words.append(token)
    if words and words[-1].casefold() in _PHRASE_CONTAINERS:
        words.pop()
    if len(words) == 1 and "-" in words[0]:  # "chunked-prefills", not "pre-retrieval"
        first, *_, last = words[0].split("-")
        ok = len(first) > 3 and first not in _PRAISE | _PREFIXES and _is_phrase_head(last)
        return words[0] if ok else None
    if not 2 <= len(words) <= 5:
        return None
    if not _is_phrase_head(words[-1]):
        return None
    if words[-1].casefold() == "space" and words[-2].casefold() != "search":
        return None
    if all(w.casefold() in _PRAISE for w in words[:-1]):
        return None
    return " ".join(words)


def _phrase_aliases(phrase: str) -> list[str]:
    """ "skip-join Multi-Level Feedback Queue scheduler" is also "skip-join ... Queue"."""
    words = phrase.split()
    return [" ".join(words[:-1])] if len(words) > 2 and _is_phrase_head(words[-2]) else []


def _is_phrase_head(word: str) -> bool:
    word = word.casefold()
    return word in _PHRASE_HEADS or word.rstrip("s") in _PHRASE_HEADS


# "innovations: (1) WARP_SELECT for ...", "(ii) X, which ..."
_ENUMERATED_NAME = re.compile(r"\(\s*(?:\d|i{1,3}|iv|v)\s*\)\s+([A-Za-z][\w\-+]*[\w+])(?=\s+(?:for|to|that|which|,))")
# "X and priming, novel methods"
_AND_NAME = re.compile(r"\s+and\s+([a-z][\w\-]*(?:\s+[a-z][\w\-]*){0,2}),\s+(?:two\s+)?(?:novel|new)\b")


def _described_with(name: str, rest: str) -> list[str]:
    """A second technique named with the one "we introduce X" reads: "X and priming, novel
    methods". (Not "X, a memory-efficient parallelism method": that says what X is.)"""
    at = rest.find(name)
    if at < 0:
        return []
    after = rest[at + len(name):at + len(name) + 160]
    found = []
    if (coordinated := _AND_NAME.match(after)) and coordinated.group(1) not in _FUNCTION_WORDS:
        found.append(coordinated.group(1))
    return found


# the verb after the paper's subject ("we deduce", "this paper also adopts"), for _we_define
_WE_VERB = re.compile(r"\b(?:[Ww]e|[Oo]ur (?:work|paper)|[Tt]his (?:paper|work))\s+"
                      r"(?:(?:\w+ly|also|further|then|first|finally)\s+)?(\w+)")
# "a modern ", "an ": the article up to two words before a capitalised expansion
_A_BEFORE = re.compile(r"\b(?:a|an)\s+(?:[\w\-]+\s+){0,2}$")
# verbs that take up someone else's method ("we use a Gated Linear Unit (GLU)")
_USE_VERBS = {"use", "used", "adopt", "adopted", "employ", "employed", "apply", "applied",
              "leverage", "leveraged", "follow", "followed", "utilize", "utilized", "explore",
              "explored", "evaluate", "evaluated", "compare", "compared", "consider", "considered",
              "study", "studied", "analyze", "analyzed", "investigate", "investigated", "examine",
              "examined", "revisit", "revisited", "replace", "replaced", "combine", "combined",
              "incorporate", "incorporated", "train", "trained", "fine-tune", "benchmark",
              "show", "find", "found", "observe", "note", "demonstrate", "test", "tested", "rely",
              "build", "start", "begin", "take", "borrow", "inherit", "extend", "augment"}


def _we_define(text: str, sentences: _Sentences, number: int, position: int, span: list[str]
               ) -> bool:
    """ "we deduce a modern Improved Inverted Residual Mobile Block (i2RMB)": an acronym the
    paper's own sentence defines with "a", in capitals, after a verb that does not take up
    someone else's method. The sentence is `sentences`' `number`, `span` starts at `position`."""
    start = sentences.start(number)
    if not _A_BEFORE.search(text, max(start, position - 50), position) or not all(
            w[:1].isupper() for w in span if w.casefold() not in _FUNCTION_WORDS):
        return False
    # the sentence's subjects are found once: it may hold hundreds of parentheses
    verbs = [m.group(1) for m in sentences.matches(_WE_VERB, number) if m.end() <= position]
    return bool(verbs) and verbs[-1].casefold() not in _USE_VERBS


def _employed(name: str, text: str) -> list[str]:
    """ "SARATHI employs chunked-prefills, which splits ..., and decode-maximal batching, which
    ...": techniques the paper's own method uses and the abstract has to explain."""
    found = []
    at = text.find(name + " ")
    while at >= 0:
        if (employs := _EMPLOYS.match(text, at + len(name) + 1)):
            sentence = _SENTENCE.split(text[employs.end():employs.end() + 400], maxsplit=1)[0]
            for part in _EXPLAINED.finditer(sentence):
                if (phrase := _phrase_name(part.group(1))):
                    found.append(phrase)
        at = text.find(name + " ", at + 1)
    return found


_EMPLOYS = re.compile(r"(?:also\s+)?(?:employs|uses|introduces|adopts|leverages|features|relies on)\s+")
_EXPLAINED = re.compile(r"(?:^|\band\s+)((?:[a-z][\w\-]*\s+){0,3}[a-z][\w\-]*),\s+which\b")


def _variant(name: str, text: str) -> str | None:
    """ "block-sparse FlashAttention": a variant of the paper's own method, named by a hyphenated
    modifier."""
    at = text.find(" " + name)
    while at > 0:
        word = text[text.rfind(" ", 0, at) + 1:at]
        if "-" in word and _VARIANT.fullmatch(word) and word not in _PRAISE:
            return f"{word} {name}"
        at = text.find(" " + name, at + 1)
    return None


_VARIANT = re.compile(r"[a-z]{3,}-[a-z]{3,}")


def _owned_phrase(name: str, text: str) -> str | None:
    """ "ChunkFormer's masked batching technique": a technique the paper's own method has."""
    at = text.find(name + "'s ")
    if at < 0:
        at = text.find(name + "\u2019s ")  # a curly apostrophe, as typeset abstracts have it
    if at < 0:
        return None
    owned = _OWNED.match(text, at + len(name) + 3)
    return _phrase_name(owned.group(1)) if owned else None


_OWNED = re.compile(r"((?:[a-z][\w\-]*\s+){1,4}(?:technique|mechanism|method|approach|strategy|"
                    r"scheme|algorithm|module))\b")


_INTRO_TOKENS = 64
_LOWER_NAME_WORD = re.compile(r"[a-z][\w\-]*")


_HYPHENS = str.maketrans("\u2010\u2011", "--")  # hyphen, non-breaking hyphen (text copied from PDFs)


# an acronym defined in square brackets, "Zone Attention Network [ZAN]", read as "(ZAN)" is;
# citations ("[12]", "[Smith et al.]") have no capital first or hold spaces
_BRACKETED = re.compile(r"\[([A-Z][A-Za-z0-9\-]{1,15})\]")


def _clean(text: str) -> str:
    text = text.replace("**", "").replace("`", "")
    if "[" in text:
        text = _BRACKETED.sub(r"(\1)", text)  # one character for one: positions kept
    return text if text.isascii() else text.translate(_HYPHENS)


def _first_tokens(text: str, count: int) -> list[str]:
    """The first `count` tokens of `text`, tokenizing only a prefix long enough to hold them.

    A token ends before the next one starts, so when a prefix holds more than `count` tokens
    its first `count` are those of the whole text (only the last may be cut short)."""
    size = 8 * count
    while True:
        tokens = _TOKEN.findall(text, 0, size)
        if len(tokens) > count or size >= len(text):
            return tokens[:count]
        size *= 2


def _intro_name(rest: str, lowercase: bool = False, named: bool = False
                ) -> tuple[str, list[str], str | None, str] | None:
    """Read the name in "we propose <rest>": skip "a simple, novel method", take the name.

    With `lowercase` (after "called" / "namely") a lower-case phrase up to the next comma is
    the name: "a novel parallel decoding approach, namely hidden transfer, which ...". With
    `named` (right after "called"), any word may follow the name ("called BiasNorm allows").
    """
    # the name sits within a few words of the verb (the deepest look-ahead, in _name_after, is
    # ~45 tokens): reading a bounded number keeps a long sentence that repeats "we propose"
    # linear and bounds _name_after's recursion
    tokens = _first_tokens(_clean(rest), _INTRO_TOKENS)
    if lowercase and tokens and tokens[0][:1].islower():
        words = []
        for token in tokens[:5]:
            if (not _LOWER_NAME_WORD.fullmatch(token) or token in _FOLLOWERS
                    or token in _FUNCTION_WORDS):
                break
            words.append(token)
        after = tokens[len(words):]
        if 1 <= len(words) <= 4 and after[:1] in ([","], ["("], []):
            return " ".join(words), [], "method", "called"
        return None
    if tokens[:1] and (tokens[0].endswith("ing") and tokens[0][:1].islower() or tokens[0] == "to"):
        return None  # "we propose expanding ...", "we propose to use ...": no name follows
    described: list[str] = []
    i = 0
    while i < len(tokens) and i < 16:
        token = tokens[i]
        low = token.casefold()
        if token in {")", ";"} or low in _STOP_BEFORE_NAME:
            return None
        if token == "(":
            # "generate-then-read (GenRead)", "a retrospective reader (Retro-Reader)"
            inner = tokens[i + 1:i + 3]
            if len(inner) == 2 and inner[1] == ")" and _is_strong(inner[0]):
                span = _acronym_expansion(inner[0], described, loose=True)
                after = tokens[i + 3:i + 12]
                kind = kind_from_words(after[1:8] if after[:1] == [","] else after[:2])
                kind = kind or kind_from_words(reversed(described), forward=False)
                return inner[0], [" ".join(span)] if span else [], kind, "intro"
            return None
        if token in {",", ":"} or not token[:1].isupper() and not _is_strong(token):
            if token not in {",", ":"}:
                described.append(token)
            i += 1
            continue
        got = _name_after(tokens, i, described, named and i == 0)
        if got is not None:
            return got
        described.append(token)  # "an efficient LLM inference scheduler Sarathi-Serve"
        i += 1
    return None


def _name_after(tokens: list[str], i: int, described: list[str], named: bool = False
                ) -> tuple[str, list[str], str | None, str] | None:
    found = _name_at(tokens, i)
    if found is None:
        return None
    name, end = found
    if name.casefold() in {"the", "a", "an"}:
        return None
    after = tokens[end:end + 16]
    aliases: list[str] = []
    if after[:1] == ["("] and ")" in after[:12]:
        inner = after[1:after.index(")")]
        inner_text = " ".join(inner)
        # "Zorb Attention Networks (ZANs)": the singular, as a definition reads it (_ACRONYM)
        acronym = inner[0] if len(inner) == 1 else ""
        if _PLURAL_ACRONYM.fullmatch(acronym):
            acronym = acronym[:-1]
        if acronym and _acronym_expansion(acronym, name.split()):
            aliases, name = [name], acronym  # "Web Rephrase Augmented Pre-training (WRAP)"
        elif len(inner) >= 2 and _acronym_expansion(name, inner):
            aliases = [inner_text]  # "FPDM (Fast Pre-training Technique ...)"
        after = after[after.index(")") + 1:]
    elif "(" in after[:12] and "," not in after[:after.index("(")]:
        # "the Post-training dAta Selection method for ... Recovery (PASER)"
        paren = after.index("(")
        inner = after[paren + 1:paren + 3]
        if len(inner) == 2 and inner[1] == ")":
            span = _acronym_expansion(inner[0], tokens[i:end + paren], longest=True)
            if span and span[0] == tokens[i]:
                aliases, name, after = [" ".join(span)], inner[0], after[paren + 3:]
    if len(name.split()) > 1 and not any(_is_strong(w) for w in name.split()) and not aliases:
        # Capitalised words mid-sentence: a name only when set off ("strategy: Fast Forward, a",
        # "we propose Token Recycling.")
        if not ((i == 0 or tokens[i - 1] in {",", ":"}) and after[:1] in ([","], ["("], [])):
            return None
    how = "intro"
    if after[:1] and after[0] not in {",", "(", ":", ";"}:
        follower = after[0].casefold()
        if follower in _FOLLOWERS:
            pass
        elif _is_descriptor(follower):
            how = "modifier"  # "a RAG pipeline": a catalog name here is used, not introduced
            # "X framework", "X benchmark"; but "a new QA-pair retriever, RePAQ," names RePAQ
            later = _name_at(after, 2) if after[1:2] == [","] else None
            if later:
                name, after, how = later[0], after[later[1]:], "intro"
            elif not any(_is_strong(w) for w in name.split()):
                name = f"{name} {after[0]}"  # "Tandem transformers"
                after = after[1:]
        elif any(_is_descriptor(w.casefold()) for w in after[1:3] if w[:1].islower()):
            # "the M2-BERT retrieval encoder"; but in "an LLM inference scheduler Sarathi-Serve"
            # the name comes after the words LLM qualifies
            j = next((k for k, w in enumerate(after) if not w[:1].islower()), len(after))
            later = _name_after(tokens, end + j, described) if j < 4 else None
            if later is not None:
                return later
            how = "modifier"
        elif not named:  # "We design an efficient GPU memory manager": GPU qualifies a noun
            return None
    kind = (kind_from_words(after[1:8] if after[:1] == [","] else after[:3])
            or kind_from_words(reversed(described), forward=False))
    return name, aliases, kind, how


_PLURAL_ACRONYM = re.compile(r"[A-Z][A-Z0-9\-]+s")


def _is_descriptor(word: str) -> bool:
    return word in _METHOD_WORDS or word.rstrip("s") in _METHOD_WORDS or word in _KIND_WORDS


# where the clause that may hold an acronym's expansion starts: after the last of these. Searched
# for in the reversed text (so the words are spelled backwards), where the first one found is the
# last one: the search stops there instead of reading the whole prefix
_CLAUSE_WORDS = ("and", "or", "of", "with", "for", "to", "by", "the", "a", "an", "in", "on")
_CLAUSE_WORDS_REVERSED = "|".join(word[::-1] for word in _CLAUSE_WORDS)
_CLAUSE_BREAK_REVERSED = re.compile(rf"[,;:()]|\b(?:{_CLAUSE_WORDS_REVERSED})\b")


def _last_clause(text: str) -> str:
    """The end of `text` after its last clause break ("," or a word such as "of")."""
    last = _CLAUSE_BREAK_REVERSED.search(text[::-1])
    return text[len(text) - last.start():] if last else text


def _definition(paren: re.Match[str], prefix: str) -> tuple[str, list[str], int] | None:
    """The acronym a "(ACR)" defines: (acronym, expansion words, offset of the expansion in
    `prefix`), `prefix` being the sentence up to the parenthesis."""
    acronym = paren.group(1).rstrip(".")
    # the expansion is among the last len(acronym) + 7 words (see _acronym_expansion): read
    # only those, or a sentence with hundreds of parentheses costs each the whole sentence
    prefix_end = _tail(prefix, len(acronym) + 8)
    clause = _last_clause(prefix_end)
    words = _TOKEN.findall(_clean(clause))
    # the expansion may carry function words ("Fast Pre-training Technique using Document ...",
    # "faster re-translation system based on a non-autoregressive ... model (FReTNA)")
    words = [w for w in words if w not in {",", ":", ";", "(", ")"}]
    span = _acronym_expansion(acronym, words) if words else None
    if not span:
        words = [w for w in _TOKEN.findall(_clean(prefix_end))[-(len(acronym) + 4):]
                 if w not in {",", ":", ";", "(", ")"}]
        span = _acronym_expansion(acronym, words)
    if not span:
        return None
    return acronym, span, len(prefix.rstrip()) - len(" ".join(span))


def _tail(text: str, words: int) -> str:
    """The end of `text` that holds at least `words` word tokens (all of it if it has fewer), cut
    after a character no token (nor "**") runs across, so that its tokens and word boundaries are
    those of the whole text."""
    size = 8 * words
    while size < len(text):
        cut = _CUT.search(text, len(text) - size)
        if cut and len(_WORD_TOKENS.findall(text, cut.end())) >= words:
            return text[cut.end():]
        size *= 2
    return text


_CUT = re.compile(r"[^\w\-+./'&*]")
_WORD_TOKENS = re.compile(_WORD_TOKEN)


class _Sentences:
    """Sentence bounds of a text, computed on first use."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts: list[int] | None = None
        self._found: dict[tuple[re.Pattern[str], int], list[re.Match[str]]] = {}

    def _bounds(self) -> list[int]:
        if self._starts is None:
            # most abstracts have no "!" or "?": a pattern that starts with one given character
            # is searched for several times faster than one that starts with a class
            text = self._text
            ends = _SENTENCE if "!" in text or "?" in text else _SENTENCE_AFTER_DOT
            self._starts = [0, *[m.end() for m in ends.finditer(text)]]
        return self._starts

    def index(self, position: int) -> int:
        return bisect.bisect_right(self._bounds(), position) - 1

    def start(self, number: int) -> int:
        return self._bounds()[number]

    def end(self, number: int) -> int:
        starts = self._bounds()
        return starts[number + 1] if number + 1 < len(starts) else len(self._text)

    def text(self, number: int) -> str:
        return self._text[self.start(number):self.end(number)]

    def matches(self, pattern: re.Pattern[str], number: int) -> list[re.Match[str]]:
        """`pattern`'s matches in sentence `number`, searched for once."""
        key = (pattern, number)
        if key not in self._found:
            self._found[key] = list(pattern.finditer(self._text, self.start(number), self.end(number)))
        return self._found[key]


def _listed_names(rest: str, lists_only: bool = False) -> list[str]:
    """The names listed at the start of `rest`: "FastServe, vLLM and Orca by 2x" -> 3 names.

    Only tokens that look like names (inner capitals or digits: FastServe, Mamba-2), not followed
    by a word that makes them a dataset or a qualifier ("LLaMA-style", "MMLU benchmark"). With
    `lists_only`, a name must be followed by punctuation, a list word or a verb-like word, as in
    "new activation functions SwooshR and SwooshL work better"."""
    rest = _clean(rest)
    if rest == rest.lower():
        return []  # a listed name is never all lower case (below): half the texts need no tokens
    names = []
    tokens = _TOKEN.findall(rest)
    i = 0
    while i < len(tokens) and len(names) < 6:
        token = tokens[i]
        if token.casefold() in {"the", "a", "an", "strong", "recent", "existing", "prior",
                                "previous", "popular", "standard", "vanilla", "competitive"}:
            i += 1
            continue
        token = token.removesuffix("'s")
        if (not _is_strong(token) or len(token) < 3 or token.isupper() and len(token) < 4
                or token == token.lower()):
            break
        follower = tokens[i + 1] if i + 1 < len(tokens) else ""
        in_list = bool(names) and tokens[i - 1] in {"and", "or", ","}
        if lists_only and not in_list and follower not in _FOLLOWERS | {"", ",", "(", ")"}:
            break
        if (follower[:1].islower() and not in_list
                and follower not in {"and", "or", "by", "on", "in", "with", "across", "while",
                                     "at", "for", "under"}):
            break  # "FlashAttention kernels", "MMLU benchmark": a qualifier, not a listed name
        if follower[:1].isupper() and not follower.isupper():
            break  # a longer capitalised phrase: not one name
        names.append(token)
        i += 1
        if i < len(tokens) and tokens[i] in {",", "and", "or"}:
            i += 1
            if i < len(tokens) and tokens[i] in {"and", "or"}:
                i += 1
            continue
        break
    return names


def _known(name: str, table: dict[str, str]) -> bool:
    """Whether `name` is in a table keyed by catalog.form_key (without computing the key)."""
    key = " ".join(name.replace("-", " ").split())
    return key in table or key.casefold() in table


def discover_paper(paper: Paper) -> list[Introduced]:
    """Every name `paper` introduces or defines, with its kind."""
    found: dict[str, Introduced] = {}
    known_non_methods = non_methods()
    paper_id = paper.id

    def add(name: str, aliases: list[str], kind: str | None, in_title: bool, introduced: bool,
            how: str) -> None:
        name = name.strip(" ,.:;\"'*").removesuffix("'s")
        if (len(name) < 2 or not any(c.isalpha() for c in name) or _stopword(name)
                or "/" in name or any(_known(n, known_non_methods) for n in [name, *aliases])):
            return
        kind = (next((k for k in map(name_kind, [name, *aliases]) if k), None)
                or next((k for a in aliases if (k := kind_from_words(a.split()[-1:]))), None)
                or kind or "method")
        key = name.casefold()
        known = found.get(key)
        if known is None and key.endswith("s") and key[:-1] in found:
            known = found[key[:-1]]  # "the proposed IIR-SNNs" after "we propose IIR-SNN"
        if known is None:
            for other in found.values():  # "WRAP" defined after "Web Rephrase ..." was seen
                if key in {a.casefold() for a in other.aliases}:
                    known = other
                    break
        if known is None:
            found[key] = Introduced(name, paper_id, kind, list(aliases), in_title, introduced, how)
            return
        known.aliases.extend(a for a in aliases if a not in known.aliases and a != known.name)
        if introduced and not known.introduced or in_title:
            known.how = how
        known.in_title = known.in_title or in_title
        known.introduced = known.introduced or introduced
        if kind != "method":
            known.kind = kind

    title = _clean(paper.title)
    name, aliases, tail = _title_parts(title)
    title_name_ = name
    if name:
        add(name, aliases, kind_from_words(tail.split()[:6]), True, True, "title")
    elif (opens := _TITLE_OPENS.match(title)) and _title_technique(opens.group(1).split()):
        add(opens.group(1), [opens.group(1).lower()], "method", True, True, "phrase")
    text = _clean(paper.abstract)
    # each pattern runs once over the whole abstract; sentences are only cut around its hits
    sentences = _Sentences(text)
    intros: dict[int, list[re.Match[str]]] = {}  # per sentence: "we propose" and the like
    called_at: dict[int, re.Match[str]] = {}
    compared: list[re.Match[str]] = []
    novel: list[re.Match[str]] = []
    proposed: list[str] = []  # "our proposed X", "we extend our method to X": after "we propose X"
    for position, kind in _trigger_hits(text):
        if kind == "compared":
            extended = _EXTEND_TO.match(text, position)
            if extended:  # "we further extend our method to CheckFree+"
                got = _strong_name(text[extended.end():extended.end() + 80])
                if got:
                    proposed.append(got)
                continue
            match = _COMPARED.match(text, position)
            if match and (text[position] not in "si" or text.startswith("state", position)
                          or _LIST_HEAD.search(text, max(0, position - 30), position)):
                compared.append(match)
            continue
        if kind == "called":
            if position and text[position - 1] == "-":
                continue  # "video-call translation"
            match = _CALLED.match(text, position)
            if match:
                called_at.setdefault(sentences.index(position), match)
            continue
        if kind == "novel":
            match = _NOVEL.match(text, position)
            if match:
                novel.append(match)
            continue
        match = _INTRO_VERB.match(text, position) or _INTRO_GERUND.match(text, position)
        if not match:
            continue
        before = text[max(0, position - 60):position]
        gerund = match.group().startswith(("introducing", "proposing"))  # only as "(2) introducing"
        if not gerund and _SUBJECT_BEFORE.search(before):  # "we propose", "this paper introduces"
            intros.setdefault(sentences.index(position), []).append(match)
            continue
        if not gerund and name and match.group().rstrip(" ,").endswith("es"):
            number = sentences.index(position)  # "TPI-LLM keeps ... and introduces a ..."
            if text.startswith(name, sentences.start(number)):
                intros.setdefault(number, []).append(match)
                continue
        if ")" in before[-12:] and _ENUMERATED.search(before):  # "we (1) study, (2) present X"
            number = sentences.index(position)
            if _WE.search(text, sentences.start(number), position):
                intros.setdefault(number, []).append(match)
        elif (text[position:match.end()].rstrip(" ,")[-1] == "d" and before.endswith(" ")
              and _PROPOSED.search(before)):
            got = _strong_name(text[match.end():match.end() + 80])  # "our proposed Conformer-NTM"
            if got:
                proposed.append(got)
    for number in sorted(intros.keys() | called_at.keys()):
        end = sentences.end(number)
        matches, called, got = intros.get(number, []), called_at.get(number), None
        match = matches[0] if matches else None
        if called:
            rest = text[called.end():end]
            cue = bool(match or _INTRO_CUE.search(sentences.text(number)))
            # a lower-case name only where the sentence introduces it ("named entities" is not)
            got = (_intro_name(rest, named=True)
                   or (_intro_name(rest, lowercase=True) if cue else None))
            if got and not cue:
                got = (*got[:3], "called")  # a new name, but never a claim on a catalog one
            if got and called.group("noun"):  # "we call this metric X"
                got = (got[0], got[1], kind_from_words([called.group("noun")]) or got[2], got[3])
        for index, intro in enumerate(matches):  # "(2) present EQSPEC ..., (3) introduce EXSPEC"
            rest = text[intro.end():end]
            if index or not got:
                got = _intro_name(rest)
                if not got and (phrase := _phrase_name(rest)):
                    got = (phrase, _phrase_aliases(phrase), "method", "phrase")
            if got:
                add(got[0], got[1], got[2], False, True, got[3])
                for phrase in _described_with(got[0], rest):
                    add(phrase, _phrase_aliases(phrase), "method", False, True, "phrase")
            # "three key innovations: (1) WARP_SELECT for ...", read once per sentence (a later
            # intro's rest is a part of the first one's)
            for item in _ENUMERATED_NAME.finditer(rest) if not index and "(" in rest else ():
                if _is_strong(item.group(1)) and len(item.group(1)) > 2:
                    add(item.group(1), [], None, False, True, "listed")
        if got and not matches:
            add(got[0], got[1], got[2], False, True, got[3])
    for name in proposed:
        add(name, [], None, False, True, "proposed")
    if title_name_ and (owned := _owned_phrase(title_name_, text)):
        add(owned, _phrase_aliases(owned), "method", False, True, "phrase")
    for phrase in _employed(title_name_, text) if title_name_ else ():
        add(phrase, _phrase_aliases(phrase), "method", False, True, "phrase")
    if title_name_ and (variant := _variant(title_name_, text)):
        add(variant, [], "method", False, True, "phrase")
    seen_sentences = set()
    for apposition in _APPOSITION.finditer(text):
        number = sentences.index(apposition.start())
        if number in seen_sentences:
            continue
        seen_sentences.add(number)
        tokens = _TOKEN.findall(text[sentences.start(number):apposition.start()])
        name_tokens: list[str] = []
        for token in reversed(tokens):
            if token[:1].isupper() or _is_strong(token):
                name_tokens.insert(0, token)
                continue
            break
        if name_tokens and len(name_tokens) <= 3 and any(_is_strong(t) for t in name_tokens):
            rest = text[apposition.end():sentences.end(number)].split()
            add(" ".join(name_tokens), [], kind_from_words(rest[:6]), False, True, "apposition")
    for paren in _ACRONYM.finditer(text):
        number = sentences.index(paren.start())
        sentence_start = sentences.start(number)
        definition = _definition(paren, text[sentence_start:paren.start()])
        if definition is None:
            continue
        acronym, span, position = definition
        position += sentence_start
        expansion = " ".join(span)
        before = text[max(sentence_start, position - 60): max(sentence_start, position)].casefold()
        introduced = bool(_INTRO_HINT.search(before) and _INTRODUCING.search(before)) or _we_define(
            text, sentences, number, max(sentence_start, position), span)
        after = text[paren.end():sentences.end(number)].split(maxsplit=2)[:2]
        kind = kind_from_words(after) or kind_from_words(reversed(span[-1:]), forward=False)
        if kind is None and _not_method_tail(expansion):
            kind = "task"
        if kind not in (None, "method") and acronym.casefold() in found:
            found[acronym.casefold()].kind = kind  # "FinCPRG: A ... Pipeline" is a dataset
        if not introduced and (kind not in (None, "method")
                               or span[-1].casefold().rstrip("s") not in _METHOD_HEAD_STEMS):
            continue
        add(acronym, [expansion], kind, False, introduced, "definition")
    for match in novel:
        if _A_NOVEL.search(text, max(0, match.start() - 12), match.start()):
            phrase = _phrase_name(text[match.start():match.start() + 160])
            if phrase and phrase.casefold() not in found:  # "a novel pre-gating router"
                add(phrase, _phrase_aliases(phrase), "method", False, True, "phrase")
        for name in _listed_names(match.group("rest"), lists_only=True):
            if name.casefold() not in found:
                add(name, [], None, False, True, "novel")
    for match in compared:
        for name in _listed_names(match.group("rest")):
            if name.casefold() not in found:
                add(name, [], None, False, False, "compared")

    # "Nemotron-CC-Math-3+" in a paper whose title calls Nemotron-CC-Math a dataset
    for item in found.values():
        if item.kind == "method":
            parent = next((o for o in found.values() if o.kind != "method" and o is not item
                           and item.name.startswith(o.name)), None)
            if parent:
                item.kind = parent.kind
    return list(found.values())


_rules: list[str] = []


def rules_fingerprint() -> str:
    """Names the rules discovery runs (its code, the matcher's folding, the non-method list, the
    version): names a store kept from a build with the same fingerprint are what discovery
    would find again, so `build --add` reuses them."""
    if not _rules:
        import hashlib
        from pathlib import Path

        from graphx import __version__
        from graphx.methods import catalog, matcher

        digest = hashlib.sha256(__version__.encode())
        for path in (Path(__file__), Path(matcher.__file__), Path(catalog.__file__),
                     catalog._data_dir() / catalog.NON_METHODS_FILE):
            digest.update(path.read_bytes())
        _rules.append(digest.hexdigest()[:16])
    return _rules[0]


def discover(papers: Iterable[Paper]) -> list[Introduced]:
    """Names introduced (or defined) by each paper, in paper order (per paper: batches may run
    in parallel, see graphx.parallel)."""
    found = []
    for paper in papers:
        try:
            found.extend(discover_paper(paper))
        except Exception as exc:  # noqa: BLE001 - one odd abstract must not stop a 100k build
            from graphx import output

            output.warn(f"{paper.id}: names it introduces were not read "
                        f"(internal error {exc.__class__.__name__}); its catalog methods still are")
    return found
