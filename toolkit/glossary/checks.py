"""Everything in the glossary files that needs a reviewer's decision: conflicts, overlaps, typos, contested names."""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..findings import Finding
from .files import glossary_files, read_file
from .matching import Glossary, match_key
from .model import PROTECTED_KINDS, Concept, starts_like_a_formula
from .tsv import parse_cell, read_rows


def _finding(code: str, message: str, places: tuple[tuple[str, int], ...], lang: str, term: str) -> Finding:
    return Finding(code, message, lang, term=term, places=places)


# Letters typed from the wrong keyboard layout that look like the right ones.
LOOKALIKES = {
    "az": {"\u04d9": "ə (U+0259)", "\u04d8": "Ə (U+018F)", "\u01dd": "ə (U+0259)", "\u0456": "i or ı",
           "\u0406": "I or İ", "\u0430": "a", "\u0435": "e", "\u043e": "o"},
    "ru": {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у"},
}
SCRIPTS = {"ru": "CYRILLIC", "az": "LATIN", "hy": "ARMENIAN", "en": "LATIN"}
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")


def lint(paths: str | Path | Sequence[str | Path]) -> list[Finding]:
    """Everything in the glossary files that needs a reviewer's decision, with files and lines."""
    files = glossary_files(paths)
    findings: list[Finding] = []
    concepts: list[Concept] = []
    for f in files:
        if f.suffix.lower() != ".tbx":
            findings.extend(_lint_cells(f))
        concepts.extend(read_file(f))
    findings.extend(lint_concepts(concepts))
    return [f for f in findings if not kept_apart(f, concepts)]


def kept_apart(finding: Finding, concepts: Sequence[Concept]) -> bool:
    """A reviewer settled this finding by keeping things as they are: `toolkit review` wrote
    `keep apart (<code> <lang> <term>)` into the note of a concept involved."""
    mark = f"keep apart ({finding.code} {finding.lang} {finding.term})"
    places = set(finding.places)
    return any(mark in c.note for c in concepts if (c.path, c.line) in places)


def _lint_cells(path: Path) -> Iterator[Finding]:
    header, rows = read_rows(path)
    for row in rows:
        kind = row.cells["kind"].raw.strip() if "kind" in row.cells else ""
        for col, cell in row.cells.items():
            place = ((str(path), row.line),)
            raw = cell.raw
            if starts_like_a_formula(raw):
                yield _finding("formula", f"column {col} starts with {raw[0]!r}: a spreadsheet opening this file "
                               "runs the cell as a formula (write the term without it, or drop the row)", place,
                               col, raw.strip()[:80])
            if col in ("id", "kind"):
                continue
            if unicodedata.normalize("NFC", raw) != raw:
                yield _finding("not-nfc", f"column {col} is not in Unicode NFC (read as NFC)", place,
                              col, unicodedata.normalize("NFC", raw.strip()))
            if _INVISIBLE.search(raw) or "\u00a0" in raw:
                yield _finding("invisible", f"column {col} holds an invisible character or NBSP", place,
                              col, raw.strip())
            if col == "note" or col == "en":
                continue
            if not raw.strip() and kind != "dnt":
                yield _finding("empty-cell", f"no {col} term for {row.cells['en'].raw.strip()!r}",
                              place, col, row.cells["en"].raw.strip())
            for term in parse_cell(unicodedata.normalize("NFC", raw.strip()), path=path, line=row.line,
                                   column=cell.column):
                bad = _wrong_letters(term.text, col)
                if bad:
                    yield _finding("lookalike", f"{col} term {term.text!r} contains {bad}", place, col,
                                  term.text)


def _wrong_letters(term: str, lang: str) -> str:
    script = SCRIPTS.get(lang)
    looks = LOOKALIKES.get(lang, {})
    letters = [c for c in term if c.isalpha()]
    if script is None or not letters:
        return ""
    own = sum(1 for c in letters if unicodedata.name(c, "").startswith(script))
    if own == 0:
        return ""               # a wholly foreign-script term (an acronym like "EU" in ru): a choice, not a typo
    for c in letters:
        if c in looks or not unicodedata.name(c, "").startswith(script):
            name = unicodedata.name(c, "?")
            hint = f", probably {looks[c]}" if c in looks else ""
            return f"{name} U+{ord(c):04X}{hint}"
    return ""


def lint_concepts(concepts: Sequence[Concept]) -> list[Finding]:
    """Disagreements between concepts (across files too): what `toolkit glossary check` reports."""
    langs = sorted({code for c in concepts for code in c.languages} - {"en"})
    out = [*_source_conflicts(concepts, langs), *_overlaps(concepts)]
    for lang in langs:
        out += _target_clashes(concepts, lang)
        out += _english_targets(concepts, lang)
    return out


def _source_conflicts(concepts: Sequence[Concept], langs: Sequence[str]) -> Iterator[Finding]:
    """The same source term with different preferred targets."""
    by_source: dict[str, list[Concept]] = defaultdict(list)
    for c in concepts:
        for t in c.terms_for("en"):
            if t.status != "forbidden":
                by_source[match_key(t.text)].append(c)
    for group in by_source.values():
        if len(group) < 2:
            continue
        for lang in langs:
            targets = {c.preferred(lang) for c in group if c.preferred(lang)}
            if len(targets) > 1:
                yield _finding("source-conflict", f"{group[0].preferred('en')!r} has different preferred {lang} "
                               "targets: " + ", ".join(f"{c.preferred(lang)!r} ({c.origin})" for c in group),
                               tuple((c.path, c.line) for c in group), lang, group[0].preferred("en") or "")


def _overlaps(concepts: Sequence[Concept]) -> Iterator[Finding]:
    """A source term inside a longer one: the longer wins when both occur; worth knowing."""
    layered = Glossary(concepts)
    for c in layered.concepts:
        for t in c.terms_for("en"):
            if t.status == "forbidden":
                continue
            for hit in layered.every_match(t.text):
                if hit.concept.id != c.id and (hit.start, hit.end) != (0, len(t.text)):
                    yield _finding("overlap", f"{hit.text!r} ({hit.concept.id}) is part of {t.text!r} ({c.id}); "
                                   "the longer term wins where both match",
                                   ((hit.concept.path, hit.concept.line), (c.path, c.line)), "en", hit.text)


def _target_clashes(concepts: Sequence[Concept], lang: str) -> Iterator[Finding]:
    """A `lang` term preferred in one concept and forbidden in another, or preferred for different sources."""
    preferred: dict[str, list[Concept]] = defaultdict(list)
    forbidden: dict[str, list[Concept]] = defaultdict(list)
    for c in concepts:
        if c.kind == "dnt":
            continue
        for t in c.terms_for(lang):
            if t.status == "forbidden":
                forbidden[match_key(t.text)].append(c)
            elif t.status == "preferred":
                preferred[match_key(t.text)].append(c)
    for key, users in preferred.items():
        for bad in forbidden.get(key, []):
            for good in users:
                yield _finding("preferred-forbidden", f"{lang} {good.preferred(lang)!r} is preferred for {good.id} "
                               f"({good.origin}) but forbidden in {bad.id} ({bad.origin})",
                               ((good.path, good.line), (bad.path, bad.line)), lang, good.preferred(lang) or "")
        sources = {match_key(c.preferred("en") or ""): c for c in users}
        if len(sources) > 1:
            group = list(sources.values())
            yield _finding("shared-target", f"{lang} {group[0].preferred(lang)!r} is the preferred target of "
                           "different sources: " + ", ".join(f"{c.preferred('en')!r} ({c.origin})" for c in group),
                           tuple((c.path, c.line) for c in group), lang, group[0].preferred(lang) or "")


def _english_targets(concepts: Sequence[Concept], lang: str) -> Iterator[Finding]:
    """A `lang` term in another script that is just the English text: untranslated, unless kind dnt."""
    for c in concepts:
        target = c.preferred(lang)
        if (target and c.kind not in PROTECTED_KINDS and c.kind != "dnt"
                and target == c.preferred("en") and SCRIPTS.get(lang) != "LATIN"):
            yield _finding("target-is-english", f"{lang} term of {c.id} is the English text {target!r}; mark the "
                           "concept kind dnt if that is intended", ((c.path, c.line),), lang, target)


def contested(concepts: Sequence[Concept]) -> list[Finding]:
    """Concepts with an admitted alternative in some language: an editorial choice to surface."""
    out = []
    for c in concepts:
        for lang in c.languages:
            if lang == "en":
                continue
            accepted = c.accepted(lang)
            if len(accepted) > 1:
                out.append(_finding("contested", f"{c.preferred('en')!r} in {lang}: preferred {accepted[0]!r}, also admitted "
                                   + ", ".join(repr(a) for a in accepted[1:]),
                                   ((c.path, c.line),), lang, accepted[0]))
    return [f for f in out if not kept_apart(f, concepts)]
