"""Terminology glossaries: load TSV/CSV files, and find their source terms in English text."""
from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import GlossaryError

STATUSES = ("preferred", "admitted", "forbidden")
REQUIRED_COLUMNS = ("id", "en")
META_COLUMNS = ("id", "kind", "note")


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    status: str      # "preferred" | "admitted" | "forbidden"


@dataclass(frozen=True, slots=True)
class Concept:
    id: str
    kind: str        # country, city, place, institution, person; "dnt" = do not translate, "fixed" = fixed form
    terms: tuple[tuple[str, tuple[Term, ...]], ...]   # (language, terms in file order) pairs
    note: str
    origin: str      # "glossaries/names.tsv:5", for reports

    def terms_for(self, lang: str) -> tuple[Term, ...]:
        for code, terms in self.terms:
            if code == lang:
                return terms
        return ()

    def preferred(self, lang: str) -> str | None:
        if self.kind == "dnt":
            return self.preferred("en") if lang != "en" else next(
                (t.text for t in self.terms_for("en") if t.status == "preferred"), None)
        return next((t.text for t in self.terms_for(lang) if t.status == "preferred"), None)

    def accepted(self, lang: str) -> tuple[str, ...]:
        """Preferred first, then admitted variants."""
        if self.kind == "dnt":
            p = self.preferred(lang)
            return (p,) if p else ()
        return tuple(t.text for t in self.terms_for(lang) if t.status != "forbidden")

    def forbidden(self, lang: str) -> tuple[str, ...]:
        return tuple(t.text for t in self.terms_for(lang) if t.status == "forbidden")

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.terms)


@dataclass(frozen=True, slots=True)
class TermHit:
    concept: Concept
    start: int       # character offsets in the source segment
    end: int
    text: str        # the source term as it appears (case and apostrophes as written)


class Glossary:
    """Concepts from one or more files; later files take precedence over earlier ones for the same id."""

    def __init__(self, concepts: Iterable[Concept], files: Sequence[str] = ()) -> None:
        by_id: dict[str, Concept] = {}
        for c in concepts:
            by_id[c.id] = c
        self.concepts: tuple[Concept, ...] = tuple(by_id.values())
        self.files = tuple(files)
        self._by_source: dict[str, Concept] = {}
        for c in self.concepts:
            for t in c.terms_for("en"):
                if t.status != "forbidden":
                    self._by_source.setdefault(t.text, c)
        self._pattern = _compile(self._by_source)

    def __len__(self) -> int:
        return len(self.concepts)

    def get(self, concept_id: str) -> Concept | None:
        return next((c for c in self.concepts if c.id == concept_id), None)

    def match(self, text: str) -> list[TermHit]:
        """Non-overlapping source terms in `text`, leftmost and then longest first."""
        if self._pattern is None:
            return []
        hits = []
        for m in self._pattern.finditer(text):
            concept = self._by_source[m.group(0)]
            hits.append(TermHit(concept, m.start(), m.end(), m.group(0)))
        return hits

    def spans(self, text: str) -> list[tuple[int, int]]:
        return [(h.start, h.end) for h in self.match(text)]


def _compile(sources: dict[str, Concept]) -> re.Pattern[str] | None:
    if not sources:
        return None
    # Longest first so "Lachin-Shusha road" wins over "Lachin"; lookarounds instead of \b so terms that start or
    # end with punctuation still match, and the possessive "Baku's" / "Baku’s" still counts as "Baku".
    alternation = "|".join(re.escape(s) for s in sorted(sources, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)")


def load(paths: str | Path | Sequence[str | Path]) -> Glossary:
    """Load a glossary directory (every *.tsv and *.csv, in name order) or an explicit list of files."""
    files: list[Path] = []
    for p in [paths] if isinstance(paths, (str, Path)) else paths:
        p = Path(p)
        if p.is_dir():
            files.extend(sorted([*p.glob("*.tsv"), *p.glob("*.csv")]))
        elif p.exists():
            files.append(p)
        else:
            raise GlossaryError("no such glossary file or directory", path=p, hint="check --glossary")
    concepts: list[Concept] = []
    for f in files:
        concepts.extend(read_file(f))
    return Glossary(concepts, [str(f) for f in files])


def read_file(path: Path) -> list[Concept]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise GlossaryError(f"cannot read: {exc.strerror}", path=path) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise GlossaryError("not valid UTF-8", path=path, line=line, hint="save the glossary as UTF-8") from None
    delimiter = "," if path.suffix.lower() == ".csv" else "\t"
    rows = list(csv.reader(text.splitlines(), delimiter=delimiter))
    if not rows:
        return []
    header = [h.strip() for h in rows[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise GlossaryError(f"header lacks column(s) {', '.join(missing)}; found {', '.join(header)}",
                            path=path, line=1, hint="the first row names the columns: id, kind, en, ru, az, hy, note")
    langs = [h for h in header if h not in META_COLUMNS]
    concepts: list[Concept] = []
    seen: dict[str, int] = {}
    for lineno, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row) or row[0].startswith("#"):
            continue
        if len(row) != len(header):
            raise GlossaryError(f"expected {len(header)} columns, found {len(row)}", path=path, line=lineno,
                                hint="a term containing the delimiter must be quoted")
        cells = {h: unicodedata.normalize("NFC", c.strip()) for h, c in zip(header, row)}
        cid = cells["id"]
        if not cid:
            raise GlossaryError("empty id", path=path, line=lineno, column=1)
        if cid in seen:
            raise GlossaryError(f"duplicate id {cid!r} (first at line {seen[cid]})", path=path, line=lineno,
                                column=1)
        seen[cid] = lineno
        terms = []
        for lang in langs:
            parsed = _parse_cell(cells[lang], path=path, line=lineno, column=header.index(lang) + 1)
            if parsed:
                terms.append((lang, parsed))
        if not any(code == "en" for code, _ in terms):
            raise GlossaryError("empty English term", path=path, line=lineno, column=header.index("en") + 1)
        concepts.append(Concept(cid, cells.get("kind", "") or "term", tuple(terms), cells.get("note", ""),
                                f"{path}:{lineno}"))
    return concepts


def _parse_cell(cell: str, *, path: Path, line: int, column: int) -> tuple[Term, ...]:
    """`Кызылбулаг; !Гызылбулаг; Дрмбон`: first preferred, then admitted, `!` forbidden."""
    if not cell:
        return ()
    out: list[Term] = []
    for part in cell.split(";"):
        part = part.strip()
        if not part:
            raise GlossaryError("empty term between ';'", path=path, line=line, column=column)
        if part.startswith("!"):
            text = part[1:].strip()
            if not text:
                raise GlossaryError("empty forbidden term after '!'", path=path, line=line, column=column)
            out.append(Term(text, "forbidden"))
        else:
            has_preferred = any(t.status == "preferred" for t in out)
            out.append(Term(part, "admitted" if has_preferred else "preferred"))
    return tuple(out)
