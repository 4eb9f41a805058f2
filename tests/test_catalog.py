"""The method catalog shipped in graphx/methods/data/: size, schema, no shared forms, user files."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from graphx.errors import InputError
from graphx.methods.catalog import (
    CATEGORIES,
    builtin_files,
    form_key,
    load_catalog,
    non_methods,
    slug,
)


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def test_catalog_is_broad(catalog) -> None:
    assert len(catalog) >= 1500
    by_category = defaultdict(int)
    for entry in catalog:
        by_category[entry.category] += 1
    # the field, not one corner of it: every big family has dozens of entries
    for category in ("speech", "vision", "retrieval", "parallelism", "quantization", "peft",
                     "alignment", "decoding", "generative", "model"):
        assert by_category[category] >= 20, category


def test_every_data_file_entry_is_valid() -> None:
    for path in builtin_files():
        document = yaml.safe_load(path.read_text("utf-8"))
        assert isinstance(document, list), path.name
        for item in document:
            assert isinstance(item, dict) and isinstance(item.get("name"), str), (path.name, item)
            assert item["name"].strip() == item["name"] and item["name"], (path.name, item)
            assert set(item) <= {"name", "aliases", "category", "generic", "case_sensitive"}, item
            assert item.get("category") in CATEGORIES, (path.name, item)
            assert isinstance(item.get("aliases", []), list), item
            assert all(isinstance(a, str) and a.strip() for a in item.get("aliases", [])), item
            assert item.get("case_sensitive", None) in (None, True, False, "proper"), item
            assert isinstance(item.get("generic", False), bool), item


def test_no_form_belongs_to_two_methods(catalog) -> None:
    owners = defaultdict(set)
    for entry in catalog:
        for form in entry.forms:
            owners[form_key(form)].add(entry.id)
    shared = {form: ids for form, ids in owners.items() if len(ids) > 1}
    assert shared == {}
    assert len({entry.id for entry in catalog}) == len(catalog)


def test_ids_keep_plus_signs_apart() -> None:
    assert slug("LoRA") != slug("LoRA+")
    assert slug("ZeRO") != slug("ZeRO++")


def test_generic_terms_are_flagged(catalog) -> None:
    generic = {entry.name.casefold() for entry in catalog if entry.generic}
    for name in ("transformer", "attention", "fine-tuning", "large language model"):
        assert name in generic, name
    specific = {entry.name for entry in catalog if not entry.generic}
    assert {"LoRA", "Conformer", "FlashAttention", "speculative decoding"} <= specific


def test_non_methods_never_appear_as_catalog_forms(catalog) -> None:
    known = non_methods()
    assert {"GPU", "WER", "LibriSpeech", "MMLU", "question answering"} <= {
        k for k in known} | {k.casefold() for k in known}
    clashes = [(e.name, f) for e in catalog if not e.generic for f in e.forms if form_key(f) in known]
    assert clashes == []


def test_aliases_and_expansions_share_one_entry(catalog) -> None:
    by_form = {form_key(f).casefold(): e.name for e in catalog for f in e.forms}
    assert by_form["low rank adaptation"] == by_form["lora"] == "LoRA"
    assert by_form["rag"] == by_form["retrieval augmented generation"]


def test_user_catalog_adds_and_overrides(tmp_path: Path) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text("- {name: Zorblax, aliases: [zorb net], category: speech}\n"
                     "- {name: LoRA, aliases: [lo-ra], category: peft}\n", "utf-8")
    entries = {e.name: e for e in load_catalog([extra])}
    assert entries["Zorblax"].origin == "user" and entries["Zorblax"].aliases == ["zorb net"]
    assert entries["LoRA"].aliases == ["lo-ra"]


@pytest.mark.parametrize("text, problem", [
    ("name: [unclosed", "invalid YAML"),
    ("- {aliases: [x]}\n", "entry 1 has no name"),
    ("- {name: X, aliases: 3}\n", "aliases must be a list"),
    ("- {name: X, case_sensitive: maybe}\n", "case_sensitive"),
    ("just a string", "a catalog is a YAML list"),
])
def test_bad_user_catalog_is_one_line_error(tmp_path: Path, text: str, problem: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, "utf-8")
    with pytest.raises(InputError) as error:
        load_catalog([bad])
    assert "bad.yaml" in str(error.value) and problem in str(error.value)
