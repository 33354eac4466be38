"""Glossary TSV/CSV: rows of cells, `;`-separated terms with `!` for forbidden, read strictly and written back."""
from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import GlossaryError
from .model import CONTROL_CHARS, MAX_BYTES, MAX_CELL, MAX_ID, Concept, Term, canonical_language, id_problem, \
    starts_like_a_formula

REQUIRED_COLUMNS = ("id", "en")
META_COLUMNS = ("id", "kind", "note")


@dataclass(frozen=True, slots=True)
class Cell:
    raw: str         # as written, before NFC
    column: int      # 1-based


@dataclass(frozen=True, slots=True)
class Row:
    path: str
    line: int
    cells: dict[str, Cell] = field(default_factory=dict)


def read_rows(path: Path) -> tuple[list[str], list[Row]]:
    """The header and the data rows of a TSV/CSV glossary, cells as written; structural errors raise."""
    try:
        from .. import fsutil

        raw = fsutil.read_regular(path, limit=MAX_BYTES, what="a glossary", error=GlossaryError)
    except OSError as exc:
        raise GlossaryError(f"cannot read: {exc.strerror}", path=path) from None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):    # Excel's "Unicode Text" export
        raise GlossaryError("this file is UTF-16 text, not UTF-8", path=path, line=1,
                            hint="save the glossary as UTF-8 (in Excel: CSV UTF-8, or Unicode Text re-saved as UTF-8)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise GlossaryError("not valid UTF-8", path=path, line=line, hint="save the glossary as UTF-8") from None
    delimiter = "," if path.suffix.lower() == ".csv" else "\t"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] = []
    rows: list[Row] = []
    try:
        for record in reader:
            lineno = reader.line_num - record_lines(record) + 1
            if not header:
                if not any(c.strip() for c in record):
                    continue
                header = [h.strip() for h in record]
                _check_header(header, path, lineno, delimiter)
                continue
            if not any(cell.strip() for cell in record) or record[0].lstrip().startswith("#"):
                continue
            if len(record) != len(header):
                raise GlossaryError(f"expected {len(header)} columns ({', '.join(header)}), found {len(record)}",
                                    path=path, line=lineno, hint="a term containing the delimiter must be quoted")
            for i, c in enumerate(record):
                bad = CONTROL_CHARS.search(c)
                if bad:    # TBX (XML) cannot hold it, catalogs cannot hold NUL: `glossary export` would write a
                    # file its own import refuses
                    raise GlossaryError(f"column {header[i]} holds the control character U+{ord(bad.group()):04X}",
                                        path=path, line=lineno + c.count("\n", 0, bad.start()), column=i + 1,
                                        hint="remove it from the cell")
            rows.append(Row(str(path), lineno,
                            {h: Cell(c, i + 1) for i, (h, c) in enumerate(zip(header, record))}))
    except csv.Error as exc:
        if "field limit" in str(exc):    # csv says only "field larger than field limit (131072)"
            raise GlossaryError(f"a cell is longer than {MAX_CELL:,} characters, the most a glossary cell holds",
                                path=path, line=reader.line_num,
                                hint="a quote '\"' opened and never closed swallows the rows after it; "
                                     "otherwise shorten the cell") from None
        raise GlossaryError(f"malformed {'CSV' if delimiter == ',' else 'TSV'}: {exc}", path=path,
                            line=reader.line_num) from None
    return header, rows


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def record_lines(record: list[str]) -> int:
    return 1 + sum(cell.count("\n") for cell in record)


def _check_header(header: list[str], path: Path, line: int, delimiter: str) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        other = next((d for d in ("\t", ",", ";") if d != delimiter and d in header[0]), None) \
            if len(header) == 1 else None
        names = {"\t": "tabs", ",": "commas", ";": "semicolons"}
        rename = {"\t": ", or rename it .tsv", ",": ", or rename it .csv"}.get(other, "")
        hint = (f"its columns are separated by {names[other]}, a {path.suffix.lower()} file's by {names[delimiter]}: "
                f"re-save it with {names[delimiter]}{rename}") if other else \
            "the first row names the columns: id, kind, en, ru, az, hy, note"
        raise GlossaryError(f"header lacks column(s) {', '.join(missing)}; found {', '.join(header)}",
                            path=path, line=line, hint=hint)
    for i, h in enumerate(header, start=1):
        if h in META_COLUMNS:
            continue
        canonical = canonical_language(h)
        if canonical and canonical != h:
            raise GlossaryError(f"language column {h!r}: write it as {canonical!r}", path=path, line=line, column=i)
        if canonical is None:
            raise GlossaryError(f"unknown column {h!r}: expected id, kind, note or a language code like ru, az, hy",
                                path=path, line=line, column=i)
        if header.count(h) > 1:
            raise GlossaryError(f"column {h!r} appears twice", path=path, line=line, column=i)


def read(path: str | Path) -> list[Concept]:
    """The concepts of a TSV or CSV glossary; a malformed file raises GlossaryError naming line and column."""
    path = Path(path)
    header, rows = read_rows(path)
    langs = [h for h in header if h not in META_COLUMNS]
    concepts: list[Concept] = []
    seen: dict[str, int] = {}
    for row in rows:
        cells = {h: unicodedata.normalize("NFC", c.raw.strip()) for h, c in row.cells.items()}
        cid = cells["id"]
        if not cid:
            raise GlossaryError("empty id", path=path, line=row.line, column=row.cells["id"].column)
        problem = id_problem(cid)
        if problem:
            raise GlossaryError(f"the id {problem}", path=path, line=row.line, column=row.cells["id"].column,
                                hint="shorten it" if len(cid) > MAX_ID else "write the id on one line")
        if cid in seen:
            raise GlossaryError(f"duplicate id {cid!r} (first at line {seen[cid]})", path=path, line=row.line,
                                column=row.cells["id"].column)
        seen[cid] = row.line
        terms = []
        for lang in langs:
            parsed = parse_cell(cells[lang], path=path, line=row.line, column=row.cells[lang].column)
            if parsed:
                terms.append((lang, parsed))
        if not any(code == "en" for code, _ in terms):
            raise GlossaryError("empty English term", path=path, line=row.line, column=row.cells["en"].column)
        concepts.append(Concept(cid, cells.get("kind", "") or "term", tuple(terms), cells.get("note", ""),
                                str(path), row.line))
    return concepts



def _split_cell(cell: str) -> list[tuple[str, bool]]:
    """The `;`-separated parts of a cell as (text, forbidden). `\\;`, `\\!` and `\\\\` stand for the characters
    themselves (a term containing ';' or starting with '!'); any other backslash is just a backslash."""
    parts: list[list[tuple[str, bool]]] = [[]]
    i = 0
    while i < len(cell):
        ch = cell[i]
        if ch == "\\" and i + 1 < len(cell) and cell[i + 1] in _ESCAPED:
            parts[-1].append((cell[i + 1], True))
            i += 2
            continue
        if ch == ";":
            parts.append([])
        else:
            parts[-1].append((ch, False))
        i += 1
    out = []
    for part in parts:
        while part and part[0][0].isspace() and not part[0][1]:
            part.pop(0)
        forbidden = bool(part) and part[0] == ("!", False)
        out.append((" ".join("".join(ch for ch, _ in part[forbidden:]).split()), forbidden))
    return out


_ESCAPED = "\\;!"


def parse_cell(cell: str, *, path: Path | str = "", line: int | None = None,
               column: int | None = None) -> tuple[Term, ...]:
    """`Кызылбулаг; !Гызылбулаг; Дрмбон`: first preferred, then admitted, `!` forbidden; `\\;` and `\\!`
    are a literal ';' and '!'."""
    if not cell.strip():
        return ()
    out: list[Term] = []
    for text, forbidden in _split_cell(cell):
        if not text and not forbidden:
            raise GlossaryError("empty term between ';'", path=path or None, line=line, column=column)
        if forbidden:
            if not text:
                raise GlossaryError("empty forbidden term after '!'", path=path or None, line=line, column=column)
            out.append(Term(text, "forbidden"))
        else:
            has_preferred = any(t.status == "preferred" for t in out)
            out.append(Term(text, "admitted" if has_preferred else "preferred"))
    if not any(t.status == "preferred" for t in out):
        raise GlossaryError("only forbidden terms: the cell needs a preferred term first", path=path or None,
                            line=line, column=column)
    return tuple(out)


def format_cell(terms: Sequence[Term]) -> str:
    """The inverse of `parse_cell`: a ';' in a term and a term's leading '!' are escaped with a backslash
    (a preferred "!Kung" must not come back forbidden)."""
    parts = []
    for t in terms:       # as stored: the preferred term is the first one without "!"
        text = t.text.replace("\\", "\\\\").replace(";", "\\;")
        if text.startswith("!"):
            text = "\\" + text
        parts.append(("!" if t.status == "forbidden" else "") + text)
    return "; ".join(parts)


def write_tsv(concepts: Sequence[Concept], path: str | Path | None = None, langs: Sequence[str] = ()) -> str:
    """TSV text for `concepts` (columns id, kind, en, the languages, note); written to `path` if given."""
    order = list(dict.fromkeys(["en", *langs, *(code for c in concepts for code in c.languages)]))
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="\t", lineterminator="\n")
    writer.writerow(["id", "kind", *order, "note"])
    for c in concepts:
        if c.id.lstrip().startswith("#"):      # the reader skips such a row as a comment: the concept would vanish
            raise GlossaryError(f"concept id {c.id!r} starts with '#', which a TSV glossary reads as a comment",
                                path=c.path or None, line=c.line or None, hint="rename the concept")
        cells = [c.id, c.kind, *(format_cell(c.terms_for(code)) for code in order), c.note]
        for column, cell in zip(["id", "kind", *order, "note"], cells, strict=True):
            if starts_like_a_formula(cell):
                raise GlossaryError(f"concept {_short(c.id)!r}: the {column} cell {_short(cell)!r} starts with "
                                    f"{cell[0]!r}, which a spreadsheet runs as a formula; refusing to write it "
                                    "into a TSV", path=c.path or None, line=c.line or None,
                                    hint="fix the term at its source, or drop the concept")
        writer.writerow(cells)
    text = buf.getvalue()
    if path is not None:
        from .. import fsutil

        fsutil.atomic_write(Path(path), text.encode("utf-8"))
    return text
