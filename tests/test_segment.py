"""The English sentence segmenter: the case table, the seed article, and properties that always hold."""
from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.segment_cases import SEGMENT_CASES
from toolkit import document, segment

from .conftest import SEED, SEGMENTATION


@pytest.mark.parametrize(("text", "expected", "reason"), SEGMENT_CASES, ids=[c[2] for c in SEGMENT_CASES])
def test_case(text: str, expected: list[str], reason: str) -> None:
    assert [text[a:b] for a, b in segment.split(text)] == expected, reason


def test_case_table_is_big_enough() -> None:
    assert len(SEGMENT_CASES) >= 60
    assert len({c[0] for c in SEGMENT_CASES}) == len(SEGMENT_CASES), "duplicate texts in the table"


def test_seed_article_matches_the_human_segmentation() -> None:
    doc = document.read(SEED)
    gold = json.loads(SEGMENTATION.read_text(encoding="utf-8"))["blocks"]
    assert [[s.text for s in b.segments] for b in doc.blocks] == gold
    assert [s.id for s in doc.segments] == [f"b{b}.s{i}" for b, block in enumerate(gold, 1)
                                            for i in range(1, len(block) + 1)]
    assert doc.leading + "".join(s.text + s.trailing for s in doc.segments) == SEED.read_text(encoding="utf-8")


def test_protected_span_keeps_a_sentence_together() -> None:
    text = "He works at Acme Co. Ltd. Shares rose."
    term = text.index("Co. Ltd.")
    assert segment.split(text) == [(0, 25), (26, len(text))]
    assert segment.split(text, [(term, term + len("Co. Ltd. Shares"))]) == [(0, len(text))]


def test_no_quadratic_blow_up() -> None:
    # Each of these takes well under a second when the scan is linear, and minutes when it is not.
    for text in ("." * 10_000 + "x", ". " * 10_000 + "x", "a" * 1_000_000 + ". B", "Hi. " * 100_000 + "1. x",
                 "1. a " + "2) " * 50_000, "• " * 50_000 + "x", "a:" + " " * 100_000 + "1. x 2. y"):
        spans = segment.split(text)
        assert spans[-1][1] == len(text.rstrip())


# Text that is rich in the characters the segmenter cares about, plus anything else Unicode allows,
# including NUL, lone surrogates (what surrogateescape produces), U+2028 and combining marks.
_SPICY = st.sampled_from(list(". . ...!?…\"'“”‘’()[]•⁃:aAbBiI1290 \t\u00a0\u2028\u0301\x00\udcff😀") +
                         ["Mr.", "U.S.", "a.m.", "Dec.", "Inc.", "e.g.", "1.", "(a)", "b)", " The ", " He "])
_TEXT = st.lists(st.one_of(_SPICY, st.characters(codec=None, exclude_categories=())), max_size=60).map("".join)


def _check_spans(text: str, spans: list[tuple[int, int]]) -> None:
    body = text.strip()
    if not body:
        assert spans == []
        return
    assert spans[0][0] == len(text) - len(text.lstrip())
    assert spans[-1][1] == len(text.rstrip())
    for (a, b), (c, _) in zip(spans, spans[1:]):
        assert a < b <= c
        assert text[b:c].isspace() and b < c
    for a, b in spans:
        assert a < b and not text[a].isspace() and not text[b - 1].isspace()


@given(_TEXT)
def test_spans_tile_the_text(text: str) -> None:
    _check_spans(text, segment.split(text))


@given(_TEXT, st.lists(st.tuples(st.integers(-5, 70), st.integers(-5, 70)), max_size=4))
def test_no_boundary_inside_protected_spans(text: str, protected: list[tuple[int, int]]) -> None:
    spans = segment.split(text, protected)
    _check_spans(text, spans)
    cuts = [end for _, end in spans[:-1]] + [start for start, _ in spans[1:]]
    for a, b in protected:
        assert not any(a < cut < b for cut in cuts)


@given(st.lists(_TEXT.map(lambda s: s.replace("\r", "")), max_size=5).map("\n".join))
def test_document_rebuilds_byte_for_byte(text: str) -> None:
    if not text.strip():
        return
    doc = document.parse(text)
    assert doc.leading + "".join(s.source_text + s.trailing for s in doc.segments) == text
    assert not any(ch in s.text for s in doc.segments for ch in "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
