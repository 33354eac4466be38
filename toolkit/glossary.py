"""Terminology glossaries: load TSV/CSV/TBX files, find their source terms in English text, lint them.

File format (TSV, or CSV for `.csv`): a header row naming the columns `id`, `kind`, `en`, one column per
target language (`ru`, `az`, `hy`, ...) and `note`; then one row per concept. A cell may hold several terms
separated by `;`: the first is preferred, the others admitted, and a term written `!term` is forbidden:
`Кызылбулаг; !Гызылбулаг; Дрмбон`. Kinds are free words (country, city, place, institution, person, ...)
plus two that change how a term is handled: `dnt` (do not translate: the English form in every language)
and `fixed` (a fixed form per script, e.g. AZERTAC → АЗЕРТАДЖ); both are protected from the engine.

Precedence: `load(paths)` reads its arguments in order; a directory contributes its `*.tsv`, `*.csv` and
`*.tbx` files in name order (name them `00-base.tsv`, `50-project.tsv`). A later file wins: a concept with
the same id replaces the earlier one, and a later concept with the same English term takes over matching.
So pass `[base, project]`, or number the files, to put a project glossary over a base one.
`lint` reports where files disagree; `load` never stops on disagreement, only on malformed files.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import GlossaryError

STATUSES = ("preferred", "admitted", "forbidden")
REQUIRED_COLUMNS = ("id", "en")
META_COLUMNS = ("id", "kind", "note")
PROTECTED_KINDS = ("dnt", "fixed")
GLOSSARY_SUFFIXES = (".tsv", ".csv", ".tbx")
MAX_BYTES = 64 << 20       # a 50,000-term glossary is a few MB; this stops /dev/zero-like inputs early
# Characters XML 1.0 cannot hold (so a TBX export could not either): C0 controls but tab, LF, CR; and U+FFFE/F.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_LANG_COLUMN = re.compile(r"^[a-z]{2,3}$")

# A word is letters/digits plus any combining marks, so an NFD "ə" or an accent never splits a word.
_MARKS = "\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_TOKEN = re.compile(rf"(?:\w|[{_MARKS}])+|[^\w\s{_MARKS}]")
_WORD_CHAR = re.compile(r"\w")
_FOLD_CHARS = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u2010": "-", "\u2011": "-",
                             "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u00a0": " "})


def fold(text: str) -> str:
    """Comparison key: NFKC, case-folded, one apostrophe and one hyphen. Never splice the result into text."""
    return unicodedata.normalize("NFKC", text).translate(_FOLD_CHARS).casefold()


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    status: str      # "preferred" | "admitted" | "forbidden"


@dataclass(frozen=True, slots=True)
class Concept:
    id: str
    kind: str        # country, city, place, institution, person; "dnt" = do not translate, "fixed" = fixed form
    terms: tuple[tuple[str, tuple[Term, ...]], ...]   # (language, terms in file order) pairs
    note: str = ""
    path: str = ""   # the file it came from, for reports
    line: int = 0

    @property
    def origin(self) -> str:
        return f"{self.path}:{self.line}"

    @property
    def is_protected(self) -> bool:
        """Do-not-translate and fixed forms: masked before MT so the engine cannot mangle them."""
        return self.kind in PROTECTED_KINDS

    def terms_for(self, lang: str) -> tuple[Term, ...]:
        for code, terms in self.terms:
            if code == lang:
                return terms
        return ()

    def preferred(self, lang: str) -> str | None:
        if self.kind == "dnt" and lang != "en":
            return self.preferred("en")
        return next((t.text for t in self.terms_for(lang) if t.status == "preferred"), None)

    def accepted(self, lang: str) -> tuple[str, ...]:
        """Preferred first, then admitted variants."""
        own = tuple(t.text for t in self.terms_for(lang) if t.status != "forbidden")
        if self.kind == "dnt" and lang != "en":
            p = self.preferred(lang)
            return ((p,) if p else ()) + tuple(t for t in own if t != p)
        return own

    def admitted(self, lang: str) -> tuple[str, ...]:
        return self.accepted(lang)[1:]

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


def tokens(text: str) -> list[tuple[str, int, int, bool]]:
    """(fold key, start, end, whitespace before) for each word or punctuation mark."""
    out = []
    prev_end = 0
    for m in _TOKEN.finditer(text):
        out.append((fold(m.group(0)), m.start(), m.end(), m.start() > prev_end and bool(out)))
        prev_end = m.end()
    return out


def _term_key(toks: Sequence[tuple[str, int, int, bool]]) -> tuple[str, ...]:
    return tuple((" " + k) if space and i else k for i, (k, _, _, space) in enumerate(toks))


def is_case_sensitive(term: str) -> bool:
    """Acronyms (AA, EU) match only as written; other terms match in any case."""
    letters = [c for c in term if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


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
                entries = [e for e in self._index.get(key, []) if fold(e[1]) != fold(t.text)
                           or is_case_sensitive(e[1]) != is_case_sensitive(t.text)]
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
                    if not is_case_sensitive(term) or _same_case(written, term):
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
                    if not is_case_sensitive(term) or _same_case(text[start:end], term):
                        out.append(TermHit(concept, start, end, text[start:end]))
        return out


def _same_case(written: str, term: str) -> bool:
    norm = lambda s: " ".join(unicodedata.normalize("NFKC", s).translate(_FOLD_CHARS).split())  # noqa: E731
    return norm(written) == norm(term)


# --- loading ---------------------------------------------------------------------------------------

def glossary_files(paths: str | Path | Sequence[str | Path]) -> list[Path]:
    """The files `load` reads, in precedence order (last wins)."""
    files: list[Path] = []
    for p in [paths] if isinstance(paths, (str, Path)) else paths:
        p = Path(p)
        if p.is_dir():
            files.extend(sorted(f for f in p.iterdir() if f.suffix.lower() in GLOSSARY_SUFFIXES and f.is_file()))
        elif p.exists():        # a FIFO or a device given by name is refused by the reader, not called missing
            files.append(p)
        else:
            raise GlossaryError("no such glossary file or directory", path=p, hint="check --glossary")
    return files


def load(paths: str | Path | Sequence[str | Path]) -> Glossary:
    """Load glossary directories and files; later ones take precedence (see the module docstring)."""
    files = glossary_files(paths)
    concepts: list[Concept] = []
    for f in files:
        concepts.extend(read_file(f))
    return Glossary(concepts, [str(f) for f in files])


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
        from . import fsutil

        raw = fsutil.read_regular(path, limit=MAX_BYTES, what="a glossary", error=GlossaryError)
    except OSError as exc:
        raise GlossaryError(f"cannot read: {exc.strerror}", path=path) from None
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
                _check_header(header, path, lineno)
                continue
            if not any(cell.strip() for cell in record) or record[0].lstrip().startswith("#"):
                continue
            if len(record) != len(header):
                raise GlossaryError(f"expected {len(header)} columns ({', '.join(header)}), found {len(record)}",
                                    path=path, line=lineno, hint="a term containing the delimiter must be quoted")
            for i, c in enumerate(record):
                bad = _CONTROL.search(c)
                if bad:    # TBX (XML) cannot hold it, catalogs cannot hold NUL: `glossary export` would write a
                    # file its own import refuses
                    raise GlossaryError(f"column {header[i]} holds the control character U+{ord(bad.group()):04X}",
                                        path=path, line=lineno + c.count("\n", 0, bad.start()), column=i + 1,
                                        hint="remove it from the cell")
            rows.append(Row(str(path), lineno,
                            {h: Cell(c, i + 1) for i, (h, c) in enumerate(zip(header, record))}))
    except csv.Error as exc:
        raise GlossaryError(f"malformed {'CSV' if delimiter == ',' else 'TSV'}: {exc}", path=path,
                            line=reader.line_num) from None
    return header, rows


def record_lines(record: list[str]) -> int:
    return 1 + sum(cell.count("\n") for cell in record)


def _check_header(header: list[str], path: Path, line: int) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise GlossaryError(f"header lacks column(s) {', '.join(missing)}; found {', '.join(header)}",
                            path=path, line=line, hint="the first row names the columns: id, kind, en, ru, az, hy, note")
    for i, h in enumerate(header, start=1):
        if h in META_COLUMNS:
            continue
        canonical = _canonical_language(h) if _LANG_COLUMN.match(h) else None
        if canonical and canonical != h:
            raise GlossaryError(f"language column {h!r}: write it as {canonical!r}", path=path, line=line, column=i)
        if canonical is None:
            raise GlossaryError(f"unknown column {h!r}: expected id, kind, note or a language code like ru, az, hy",
                                path=path, line=line, column=i)
        if header.count(h) > 1:
            raise GlossaryError(f"column {h!r} appears twice", path=path, line=line, column=i)


def _canonical_language(code: str) -> str | None:
    """The ISO 639-1 code babel uses for `code` ("arm" → "hy"), or None if unknown."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(code).language
    except (UnknownLocaleError, ValueError):
        return None


def read_file(path: str | Path) -> list[Concept]:
    path = Path(path)
    if path.suffix.lower() == ".tbx":
        from . import tbx

        return tbx.read(path)
    header, rows = read_rows(path)
    langs = [h for h in header if h not in META_COLUMNS]
    concepts: list[Concept] = []
    seen: dict[str, int] = {}
    for row in rows:
        cells = {h: unicodedata.normalize("NFC", c.raw.strip()) for h, c in row.cells.items()}
        cid = cells["id"]
        if not cid:
            raise GlossaryError("empty id", path=path, line=row.line, column=row.cells["id"].column)
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
        writer.writerow([c.id, c.kind, *(format_cell(c.terms_for(code)) for code in order), c.note])
    text = buf.getvalue()
    if path is not None:
        from . import fsutil

        fsutil.atomic_write(Path(path), text.encode("utf-8"))
    return text


# --- lint ------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Finding:
    """One place where a reviewer must decide something."""

    code: str        # "source-conflict", "overlap", "preferred-forbidden", "shared-target", "empty-cell", ...
    severity: str    # "error" blocks publishing; "warning" asks for a look
    message: str
    places: tuple[tuple[str, int], ...]   # (file, line)
    lang: str = ""
    term: str = ""

    @property
    def is_blocking(self) -> bool:
        return self.severity == "error"

    def as_dict(self) -> dict:
        return {"code": self.code, "severity": self.severity, "lang": self.lang, "term": self.term,
                "message": self.message, "places": [{"file": f, "line": n} for f, n in self.places]}


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
            if col in ("id", "kind"):
                continue
            place = ((str(path), row.line),)
            raw = cell.raw
            if unicodedata.normalize("NFC", raw) != raw:
                yield Finding("not-nfc", "warning", f"column {col} is not in Unicode NFC (read as NFC)", place,
                              col, unicodedata.normalize("NFC", raw.strip()))
            if _INVISIBLE.search(raw) or "\u00a0" in raw:
                yield Finding("invisible", "warning", f"column {col} holds an invisible character or NBSP", place,
                              col, raw.strip())
            if col == "note" or col == "en":
                continue
            if not raw.strip() and kind != "dnt":
                yield Finding("empty-cell", "warning", f"no {col} term for {row.cells['en'].raw.strip()!r}",
                              place, col, row.cells["en"].raw.strip())
            for term in parse_cell(unicodedata.normalize("NFC", raw.strip()), path=path, line=row.line,
                                   column=cell.column):
                bad = _wrong_letters(term.text, col)
                if bad:
                    yield Finding("lookalike", "error", f"{col} term {term.text!r} contains {bad}", place, col,
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
    out: list[Finding] = []
    langs = sorted({code for c in concepts for code in c.languages} - {"en"})
    # The same source term with different preferred targets.
    by_source: dict[str, list[Concept]] = defaultdict(list)
    for c in concepts:
        for t in c.terms_for("en"):
            if t.status != "forbidden":
                by_source[fold(t.text)].append(c)
    for source, group in by_source.items():
        if len(group) < 2:
            continue
        for lang in langs:
            targets = {c.preferred(lang) for c in group if c.preferred(lang)}
            if len(targets) > 1:
                out.append(Finding("source-conflict", "error",
                                   f"{group[0].preferred('en')!r} has different preferred {lang} targets: "
                                   + ", ".join(f"{c.preferred(lang)!r} ({c.origin})" for c in group),
                                   tuple((c.path, c.line) for c in group), lang, group[0].preferred("en") or ""))
    # A source term inside a longer one: the longer wins when both occur; worth knowing.
    layered = Glossary(concepts)
    for c in layered.concepts:
        for t in c.terms_for("en"):
            if t.status == "forbidden":
                continue
            for hit in layered.every_match(t.text):
                if hit.concept.id != c.id and (hit.start, hit.end) != (0, len(t.text)):
                    out.append(Finding("overlap", "warning",
                                       f"{hit.text!r} ({hit.concept.id}) is part of {t.text!r} ({c.id}); "
                                       "the longer term wins where both match",
                                       ((hit.concept.path, hit.concept.line), (c.path, c.line)), "en", hit.text))
    for lang in langs:
        preferred: dict[str, list[Concept]] = defaultdict(list)
        forbidden: dict[str, list[Concept]] = defaultdict(list)
        for c in concepts:
            if c.kind == "dnt":
                continue
            for t in c.terms_for(lang):
                if t.status == "forbidden":
                    forbidden[fold(t.text)].append(c)
                elif t.status == "preferred":
                    preferred[fold(t.text)].append(c)
        for key, users in preferred.items():
            for bad in forbidden.get(key, []):
                for good in users:
                    out.append(Finding("preferred-forbidden", "error",
                                       f"{lang} {good.preferred(lang)!r} is preferred for {good.id} ({good.origin}) "
                                       f"but forbidden in {bad.id} ({bad.origin})",
                                       ((good.path, good.line), (bad.path, bad.line)), lang, good.preferred(lang) or ""))
            sources = {fold(c.preferred("en") or ""): c for c in users}
            if len(sources) > 1:
                group = list(sources.values())
                out.append(Finding("shared-target", "error",
                                   f"{lang} {group[0].preferred(lang)!r} is the preferred target of different "
                                   "sources: " + ", ".join(f"{c.preferred('en')!r} ({c.origin})" for c in group),
                                   tuple((c.path, c.line) for c in group), lang, group[0].preferred(lang) or ""))
        for c in concepts:
            target = c.preferred(lang)
            if (target and c.kind not in PROTECTED_KINDS and c.kind != "dnt"
                    and target == c.preferred("en") and SCRIPTS.get(lang) != "LATIN"):
                out.append(Finding("untranslated", "warning", f"{lang} term of {c.id} is the English text "
                                   f"{target!r}; mark the concept kind dnt if that is intended",
                                   ((c.path, c.line),), lang, target))
    return out


def contested(concepts: Sequence[Concept]) -> list[Finding]:
    """Concepts with an admitted alternative in some language: an editorial choice to surface."""
    out = []
    for c in concepts:
        for lang in c.languages:
            if lang == "en":
                continue
            accepted = c.accepted(lang)
            if len(accepted) > 1:
                out.append(Finding("contested", "warning",
                                   f"{c.preferred('en')!r} in {lang}: preferred {accepted[0]!r}, also admitted "
                                   + ", ".join(repr(a) for a in accepted[1:]),
                                   ((c.path, c.line),), lang, accepted[0]))
    return [f for f in out if not kept_apart(f, concepts)]


# --- CLDR ------------------------------------------------------------------------------------------

def seed_from_cldr(langs: Sequence[str], only: Sequence[str] = ()) -> list[Concept]:
    """Proposed concepts for countries (territory codes) and cities (time-zone exemplar cities) from babel's
    CLDR data, kind country/city and note "CLDR <code>"; `only` limits them to codes like AZ, Asia/Baku."""
    from babel import Locale

    en = Locale.parse("en")
    locales = {lang: Locale.parse(lang) for lang in langs}
    wanted = set(only)
    out: list[Concept] = []
    for code, name in sorted(en.territories.items()):
        if not (len(code) == 2 and code.isalpha()) or code in ("ZZ", "EU", "EZ", "UN", "QO") or \
                wanted and code not in wanted:
            continue
        terms = [("en", (Term(name, "preferred"),))]
        terms += [(lang, (Term(loc.territories[code], "preferred"),)) for lang, loc in locales.items()
                  if loc.territories.get(code)]
        out.append(Concept(f"cldr-{code.lower()}", "country", tuple(terms), f"CLDR {code}", "CLDR", 0))
    zones = sorted({tz for loc in locales.values() for tz, v in loc.time_zones.items() if v.get("city")})
    for tz in zones:
        if wanted and tz not in wanted:
            continue
        english = en.time_zones.get(tz, {}).get("city") or tz.rsplit("/", 1)[-1].replace("_", " ")
        terms = [("en", (Term(english, "preferred"),))]
        terms += [(lang, (Term(loc.time_zones[tz]["city"], "preferred"),)) for lang, loc in locales.items()
                  if loc.time_zones.get(tz, {}).get("city")]
        out.append(Concept("cldr-" + tz.lower().replace("/", "-").replace("_", "-"), "city", tuple(terms),
                           f"CLDR {tz}", "CLDR", 0))
    return out
