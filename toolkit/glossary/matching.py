"""Find a glossary's English terms in text: longest match first, apostrophes and hyphens folded.

A term matches only where it is capitalised as the glossary writes it: each word the glossary starts with a
capital starts with one in the text too (so a Title Case headline and an ALL-CAPS line count, and
`pieces of china` or `he was resolute` never name a place); a term in capitals (AZERTAC) matches only in
capitals. Whether a capitalised match is the concept or part of another name is `toolkit.terms.source`'s.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .model import Concept, in_capitals

# A word is letters/digits plus any combining marks, so an NFD "ə" or an accent never splits a word.
_MARKS = "\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_TOKEN = re.compile(rf"(?:\w|[{_MARKS}])+|[^\w\s{_MARKS}]")
_WORD_CHAR = re.compile(r"\w")
_WORD = re.compile(rf"(?:\w|[{_MARKS}])+")
_FOLD_CHARS = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u2010": "-", "\u2011": "-",
                             "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u00a0": " "})


def match_key(text: str) -> str:
    """Comparison key: NFKC, case-folded, one apostrophe and one hyphen. Never splice the result into text."""
    return unicodedata.normalize("NFKC", text).translate(_FOLD_CHARS).casefold()


@dataclass(frozen=True, slots=True)
class TermHit:
    concept: Concept
    start: int       # character offsets in the source segment
    end: int
    text: str        # the source term as it appears (case and apostrophes as written)


def tokens(text: str) -> list[tuple[str, int, int, bool]]:
    """(match key, start, end, whitespace before) for each word or punctuation mark."""
    out = []
    prev_end = 0
    for m in _TOKEN.finditer(text):
        out.append((match_key(m.group(0)), m.start(), m.end(), m.start() > prev_end and bool(out)))
        prev_end = m.end()
    return out


def _term_key(toks: Sequence[tuple[str, int, int, bool]]) -> tuple[str, ...]:
    return tuple((" " + k) if space and i else k for i, (k, _, _, space) in enumerate(toks))


class Glossary:
    """Concepts from one or more files, layered (later files first), with a matcher for English text.

    Matching indexes source terms by their first word: each position in the text costs a few dict lookups,
    whatever the glossary's size, so 50,000 terms over 10,000 sentences stays linear.
    """

    def __init__(self, concepts: Iterable[Concept], files: Sequence[str] = ()) -> None:
        every = list(concepts)
        by_id: dict[str, Concept] = {}
        for c in every:
            by_id.pop(c.id, None)      # re-insert: a later file's concept also comes later
            by_id[c.id] = c
        self.all_concepts: tuple[Concept, ...] = tuple(every)   # before layering, for lint
        self.concepts: tuple[Concept, ...] = tuple(by_id.values())
        self.files = tuple(files)
        self._by_id = by_id
        self._index: dict[tuple[str, ...], list[tuple[Concept, str]]] = {}
        self._longest: dict[str, int] = {}
        for c in self.concepts:        # later concepts take over a shared source term
            for t in c.terms_for("en"):
                if t.status == "forbidden":
                    continue
                toks = tokens(unicodedata.normalize("NFC", t.text))
                if not toks:
                    continue
                key = _term_key(toks)
                entries = [e for e in self._index.get(key, []) if match_key(e[1]) != match_key(t.text)
                           or in_capitals(e[1]) != in_capitals(t.text)]
                entries.insert(0, (c, t.text))
                self._index[key] = entries
                self._longest[key[0]] = max(self._longest.get(key[0], 0), len(key))

    def __len__(self) -> int:
        return len(self.concepts)

    def get(self, concept_id: str) -> Concept | None:
        return self._by_id.get(concept_id)

    def match(self, text: str) -> list[TermHit]:
        """Non-overlapping source terms in `text`, leftmost and then longest first."""
        toks = tokens(text)
        hits: list[TermHit] = []
        i = 0
        while i < len(toks):
            longest = self._longest.get(toks[i][0], 0)
            found = None
            for n in range(min(longest, len(toks) - i), 0, -1):
                candidates = self._index.get(_term_key(toks[i:i + n]))
                if not candidates:
                    continue
                start, end = toks[i][1], toks[i + n - 1][2]
                if start > 0 and _WORD_CHAR.match(text[start - 1]) or end < len(text) and _WORD_CHAR.match(text[end]):
                    continue
                written = text[start:end]
                for concept, term in candidates:
                    if capitalised_as(written, term):
                        found = (n, TermHit(concept, start, end, written))
                        break
                if found:
                    break
            if found:
                hits.append(found[1])
                i += found[0]
            else:
                i += 1
        return hits

    def spans(self, text: str) -> list[tuple[int, int]]:
        return [(h.start, h.end) for h in self.match(text)]

    def every_match(self, text: str) -> list[TermHit]:
        """Every source term anywhere in `text`, overlapping ones included (for lint)."""
        toks = tokens(text)
        out = []
        for i in range(len(toks)):
            for n in range(1, min(self._longest.get(toks[i][0], 0), len(toks) - i) + 1):
                start, end = toks[i][1], toks[i + n - 1][2]
                for concept, term in self._index.get(_term_key(toks[i:i + n]), []):
                    if not in_capitals(term) or _same_case(text[start:end], term):
                        out.append(TermHit(concept, start, end, text[start:end]))
        return out


def capitalised_as(written: str, term: str) -> bool:
    """Is `written` (a match of `term` up to case) capitalised as the glossary writes `term`?"""
    if in_capitals(term):
        return _same_case(written, term)
    words = _WORD.findall(written)
    return all(w[:1].isupper() or not t[:1].isupper()
               for w, t in zip(words, _WORD.findall(term), strict=False))


def _same_case(written: str, term: str) -> bool:
    norm = lambda s: " ".join(unicodedata.normalize("NFKC", s).translate(_FOLD_CHARS).split())  # noqa: E731
    return norm(written) == norm(term)
