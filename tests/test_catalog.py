"""Catalog building blocks: the template, what goes to the engine, timestamps that move only with content."""
from __future__ import annotations

from pathlib import Path

import pytest

from toolkit import catalog, document, pofile

from .conftest import msgfmt_check


def doc(text: str) -> document.Document:
    return document.parse(text, name="a", source="a.txt")


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13 UTC


def test_pot_has_one_entry_per_segment_and_passes_msgfmt(tmp_path: Path):
    pot = catalog.build_pot(doc("One. Two.\nThree.\n"))
    assert [(e.msgctxt, e.msgid, e.occurrences, e.comment) for e in pot] == [
        (None, "One.", [("a.txt", "1")], "segment b1.s1"), (None, "Two.", [("a.txt", "1")], "segment b1.s2"),
        (None, "Three.", [("a.txt", "2")], "segment b2.s1")]
    assert pot.metadata["POT-Creation-Date"] == "2023-11-14 22:13+0000"
    pofile.write(pot, tmp_path / "a.pot")
    msgfmt_check(tmp_path / "a.pot")


KEY_CASES = [
    ("One. Two.\n", [None, None]),                                  # msgctxt only where needed: nowhere
    ("No. No.\nNo.\n", [None, "occurrence 2", "occurrence 3"]),    # the same sentence thrice in one article
    ("Intro. No.\nNo.\n", [None, None, "occurrence 2"]),           # numbered by occurrence, not position
]


@pytest.mark.parametrize("text, contexts", KEY_CASES)
def test_msgctxt_tells_apart_repeats_only(text: str, contexts: list):
    assert [ctxt for ctxt, _ in catalog.keys(doc(text)).values()] == contexts


def test_repeat_context_survives_an_insertion_elsewhere():
    before = list(catalog.keys(doc("No. Yes.\nNo.\n")).values())
    after = list(catalog.keys(doc("A new lead.\nNo. Yes.\nNo.\n")).values())[1:]
    assert before == after


def test_pot_date_changes_only_with_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "a.pot"
    pofile.write(catalog.build_pot(doc("One. Two.\n")), path)
    before = path.read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    assert not pofile.write(catalog.build_pot(doc("One. Two.\n"), path), path)
    assert path.read_bytes() == before
    pofile.write(catalog.build_pot(doc("One. Three.\n"), path), path)
    assert pofile.read(path).metadata["POT-Creation-Date"] == "2027-01-15 08:00+0000"


def test_po_revision_date_moves_only_when_entries_change(monkeypatch: pytest.MonkeyPatch):
    d = doc("One. Two.\n")
    po, _ = catalog.merge(d, "az", None, {})
    assert po.metadata["PO-Revision-Date"] == "2023-11-14 22:13+0000"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    same, _ = catalog.merge(d, "az", po, {})
    assert same.metadata["PO-Revision-Date"] == "2023-11-14 22:13+0000"
    changed, _ = catalog.merge(doc("One. Three.\n"), "az", po, {})
    assert changed.metadata["PO-Revision-Date"] == "2027-01-15 08:00+0000"


PENDING_CASES = [
    ("One. Two.\n", []),                              # nothing changed: nothing to the engine
    ("Zero. One. Two.\n", ["Zero."]),                 # inserted: only the new one (shifted ones are known)
    ("One. Two more.\n", ["Two more."]),              # edited: needs a new suggestion
    ("Two.\n", []),                                   # deleted: nothing to translate
    ("Two. One.\n", []),                              # swapped: both known by msgid
]


@pytest.mark.parametrize("new_text, expected", PENDING_CASES)
def test_pending_sends_only_new_and_edited_sentences(new_text: str, expected: list[str]):
    po, _ = catalog.merge(doc("One. Two.\n"), "ru", None, {})
    for e in po:
        e.msgstr = "x"
    assert [s.text for s in catalog.pending(doc(new_text), po)] == expected


def test_empty_entries_are_sent_again():
    po, _ = catalog.merge(doc("One. Two.\n"), "ru", None, {})
    assert [s.text for s in catalog.pending(doc("One. Two.\n"), po)] == ["One.", "Two."]


def test_header_per_language_has_babel_plural_forms():
    assert catalog.header("hy")["Plural-Forms"] == "nplurals=2; plural=(n > 1);"
    assert catalog.header("az")["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert catalog.header("ru")["Plural-Forms"].startswith("nplurals=3;")
