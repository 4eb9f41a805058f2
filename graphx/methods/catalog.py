"""The method catalog: YAML data files shipped in graphx/methods/data/, plus user files.

Each entry:

    - name: LoRA                      # canonical name (required)
      aliases: [low-rank adaptation]  # other surface forms; plurals and hyphen variants are automatic
      category: peft                  # see CATEGORIES
      generic: false                  # too broad to link papers (Transformer, LLM, attention)
      case_sensitive: true            # optional; by default forms with inner capitals or digits are
                                      # case-sensitive; "proper": exact case and never at a
                                      # sentence start or in a title (names that are also words: Orca)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from graphx.errors import InputError
from graphx.methods.matcher import is_case_sensitive
from graphx.speed import no_gc

CATEGORIES = {
    "architecture", "attention", "peft", "decoding", "training", "optimization", "alignment",
    "rl", "retrieval", "systems", "parallelism", "quantization", "compression", "speech", "vision",
    "generative", "multimodal", "graph", "prompting", "agents", "evaluation-method", "nlp",
    "classical-ml", "recsys", "model", "data", "reasoning", "other",
}


def slug(name: str) -> str:
    """A stable id for a method name."""
    # "+" is part of a name: LoRA+ and ZeRO++ are not LoRA and ZeRO
    text = re.sub(r"[^0-9a-z]+", "-", name.casefold().replace("+", " plus ")).strip("-")
    return f"m-{text}" if text else "m-" + str(abs(hash(name)))


@dataclass
class CatalogEntry:
    name: str
    aliases: list[str] = field(default_factory=list)
    category: str = "other"
    generic: bool = False
    case_sensitive: bool | str | None = None  # True, False, "proper" or None (by form)
    origin: str = "catalog"

    @property
    def id(self) -> str:
        return slug(self.name)

    @property
    def forms(self) -> list[str]:
        seen: dict[str, None] = {}
        for form in [self.name, *self.aliases]:
            form = " ".join(str(form).split())
            if form:
                seen.setdefault(form, None)
        return list(seen)


def _entries(document: Any, source: str, origin: str) -> list[CatalogEntry]:
    if isinstance(document, dict) and isinstance(document.get("methods"), list):
        document = document["methods"]
    if not isinstance(document, list):
        raise InputError(source, "a catalog is a YAML list of methods (or {methods: [...]})")
    entries = []
    for number, item in enumerate(document, start=1):
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            raise InputError(source, f"entry {number} has no name")
        aliases = item.get("aliases") or []
        if isinstance(aliases, str):
            aliases = [aliases]
        if not isinstance(aliases, list):
            raise InputError(source, f"entry {number} ({item['name']}): aliases must be a list")
        case = item.get("case_sensitive")
        if case not in (None, True, False, "proper"):
            raise InputError(source, f"entry {number} ({item['name']}): case_sensitive must be "
                                     "true, false or proper")
        entries.append(
            CatalogEntry(
                name=item["name"].strip(),
                aliases=[str(a) for a in aliases],
                category=str(item.get("category") or "other"),
                generic=bool(item.get("generic", False)),
                case_sensitive=case,
                origin=origin,
            )
        )
    return entries


def _parse_yaml(text: str, source: str) -> Any:
    import yaml

    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise InputError(source, f"invalid YAML{where}") from None


NON_METHODS_FILE = "non_methods.yaml"


def _data_dir() -> Path:
    return Path(str(resources.files("graphx.methods") / "data"))


def builtin_files() -> list[Path]:
    return sorted(p for p in _data_dir().iterdir()
                  if p.name.endswith(".yaml") and p.name != NON_METHODS_FILE)


def form_key(form: str) -> str:
    """How a form is looked up: exact when it is case-sensitive (an acronym), else case-folded."""
    form = " ".join(form.replace("-", " ").split())
    return form if is_case_sensitive(form) else form.casefold()


_non_methods: dict[str, str] | None = None


def non_methods() -> dict[str, str]:
    """Known non-methods (hardware, metrics, tasks, datasets, ...): form key -> kind."""
    global _non_methods
    if _non_methods is None:
        path = _data_dir() / NON_METHODS_FILE
        document = _parse_yaml(path.read_text("utf-8"), str(path))
        _non_methods = {form_key(str(form)): kind for kind, forms in document.items()
                        for form in forms}
    return _non_methods


def load_catalog(extra: list[str | Path] | None = None) -> list[CatalogEntry]:
    """The built-in catalog, with user files layered on top (same name = override)."""
    # ~100k objects without cycles: with the collector on, they set off a full collection,
    # which after reading 100k papers walks all of them for nothing (0.3 s)
    with no_gc():
        return _load_catalog(extra)


def _load_catalog(extra: list[str | Path] | None) -> list[CatalogEntry]:
    by_id: dict[str, CatalogEntry] = {}
    for path in builtin_files():
        for entry in _entries(_parse_yaml(path.read_text("utf-8"), str(path)), str(path), "catalog"):
            if entry.id in by_id:  # the same method in two data files: merge forms
                known = by_id[entry.id]
                known.aliases.extend(a for a in [entry.name, *entry.aliases]
                                     if a not in known.aliases and a != known.name)
                if known.case_sensitive is None:
                    known.case_sensitive = entry.case_sensitive
            else:
                by_id[entry.id] = entry
    for raw in extra or []:
        path = Path(raw)
        try:
            text = path.read_text("utf-8")
        except OSError as exc:
            raise InputError(path, exc.strerror or "cannot read catalog") from None
        for entry in _entries(_parse_yaml(text, str(path)), str(path), "user"):
            by_id[entry.id] = entry
    return list(by_id.values())
