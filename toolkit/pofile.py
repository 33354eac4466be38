"""Reading and writing PO files safely: strict validation first, atomic writes, fixed wrapping.

polib and babel both accept a catalog truncated inside a string without a word (`msgid "Baku` becomes
`Bak`), so every catalog is judged before it is trusted: by our own strict lexer (always, so a machine
without gettext still refuses broken files) and by GNU msgfmt when it is installed. Errors read
`path:LINE[:COL]: reason (hint)`. Reads are always from paths (polib parsing a string cuts text at
U+2028 and friends), and a re-run that changes nothing leaves the file byte-identical, even when a PO
editor wrapped it differently from us.
"""
from __future__ import annotations

import codecs
import gettext
import hashlib
import logging
import os
import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import polib

from . import fsutil, powrap
from .errors import CatalogError, ChangedOnDisk

WRAP_WIDTH = 79
#: Header fields that say who wrote the file last, not what it contains: a difference in them alone is no
#: reason to rewrite a catalog a translator saved with a PO editor.
COSMETIC_FIELDS = frozenset({"X-Generator"})

log = logging.getLogger("toolkit")

MAX_BYTES = 256 << 20      # a 10,000-entry catalog is a few MB; this stops /dev/zero-like inputs early
_FIX_HINT = "fix it in a PO editor or restore it from version control"


@dataclass(frozen=True, slots=True)
class Problem:
    line: int
    column: int | None
    reason: str
    hint: str = _FIX_HINT
    lexical: bool = False   # a broken string or byte: the cause; structural problems may follow from it


# --------------------------------------------------------------------------------------------- reading

@dataclass(frozen=True, slots=True)
class Snapshot:
    """A catalog as read, with what `write` needs to refuse overwriting a file saved meanwhile."""

    po: polib.POFile
    sha256: str          # of the bytes read
    bom: bool            # the file began with a UTF-8 byte-order mark (dropped on the next write)
    content: tuple       # content_key(po) as read: `po` may be edited in place, this stays
    layout: Layout | None = None   # the file's own bytes per entry, so an untouched entry is written as it was


@dataclass(frozen=True, slots=True)
class Layout:
    """How the file was written, so a rewrite changes only the lines of the entries that changed: an entry
    (or the header) whose content is still what was read is written with its own bytes (an editor's
    wrapping, its line endings), and new text gets the file's dominant line ending (CRLF stays CRLF)."""

    newline: str                                   # "\r\n" when most lines end so, else "\n"
    header: tuple[tuple, str] | None               # (header_key as read, its text with its line endings)
    entries: Mapping[tuple, str]                   # entry_key as read -> its text with its line endings
    tail: int = 0                                  # blank lines after the last entry (Babel writes one)


def read(path: Path, *, lang: str | None = None) -> polib.POFile:
    """Parse a catalog strictly; with `lang`, its Language header must agree with the folder it lives in.
    To update the file afterwards, use `snapshot` and pass it to `write`."""
    return snapshot(path, lang=lang).po


def snapshot(path: Path, *, lang: str | None = None) -> Snapshot:
    """`read`, plus the digest of the bytes read, for `write(..., previous=snapshot)`."""
    path = Path(path)
    data = _read_bytes(path)
    header = validate_bytes(data, path)
    po, texts = _parse(data, header.charset)
    if lang is not None:
        declared = po.metadata.get("Language", "").strip().replace("-", "_")
        if not declared:
            raise CatalogError(f"its header has no Language field; it lives in the {lang!r} folder", path=path,
                               line=header.line, hint=f'add "Language: {lang}\\n" to the header')
        if declared.split("_")[0] != lang.split("_")[0]:
            raise CatalogError(f"its Language header says {declared!r} but it lives in the {lang!r} folder",
                               path=path, line=header.fields.get("Language", header.line),
                               hint="move it to the right folder or fix the header")
    content = content_key(po)
    layout = Layout(texts.newline, None if texts.header is None else (header_key(po), texts.header),
                    dict(zip(content[2], texts.entries)), texts.tail)
    return Snapshot(po, hashlib.sha256(data).hexdigest(), data.startswith(codecs.BOM_UTF8), content, layout)


def _read_bytes(path: Path) -> bytes:
    try:   # a FIFO or a device planted as a catalog would block or never end: refused
        return fsutil.read_regular(path, limit=MAX_BYTES, what="a catalog", error=CatalogError)
    except IsADirectoryError:
        raise CatalogError("is a directory, not a catalog", path=path, hint="remove or rename it") from None
    except PermissionError:
        raise CatalogError("cannot read the catalog (permission denied)", path=path,
                           hint="check its permissions") from None
    except OSError as exc:
        raise CatalogError(f"cannot read the catalog: {exc.strerror or exc}", path=path) from None


def validate(path: Path) -> None:
    """Raise CatalogError (path:LINE: reason) unless the catalog is well-formed."""
    validate_bytes(_read_bytes(Path(path)), Path(path))


def validate_bytes(data: bytes, path: Path | str) -> _Header:
    """Our strict lexer first (always), then GNU msgfmt -c when installed. Returns header facts."""
    problems, header = scan(data)
    if problems:
        raise _error(problems, path)
    if data.startswith(codecs.BOM_UTF8):
        log.warning("%s: UTF-8 byte-order mark ignored; it is removed on the next write (GNU gettext rejects it)",
                    path)
    problems = msgfmt_problems(data)
    if problems:
        raise _error(problems, path)
    return header


def _error(problems: list[Problem], path: Path | str) -> CatalogError:
    first = problems[0]
    hint = first.hint
    if len(problems) > 1:
        more = len(problems) - 1
        hint += f"; {more} more problem{'s' if more > 1 else ''} after this one"
    return CatalogError(first.reason, path=path, line=first.line, column=first.column, hint=hint)


# ------------------------------------------------------------------------------------------ parsing

_FIELD = re.compile(r'(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s*"(.*)"\s*$')


def parse(data: bytes, charset: str = "utf-8") -> polib.POFile:
    """A catalog `scan` has accepted, as polib objects, in one linear pass (polib's own parser appends
    to a growing string for every continuation line: 4 s for a 1 MB string, 20 MB never ends)."""
    return _parse(data, charset)[0]


@dataclass(frozen=True, slots=True)
class _Texts:
    newline: str
    header: str | None          # the header's text as the file has it
    entries: list[str]          # each entry's, in the order of the POFile
    tail: int = 0               # blank lines after the file's last non-blank line


def _parse(data: bytes, charset: str) -> tuple[polib.POFile, _Texts]:
    """`parse`, and the text of every entry as the file has it (for `Layout`)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    po = polib.POFile(wrapwidth=WRAP_WIDTH, encoding=charset, check_for_duplicates=False)
    fields: dict[str, list[str]] = {}
    current: list[str] | None = None
    note: dict[str, list[str]] = {"#": [], "#.": [], "#:": [], "#,": []}
    obsolete = False
    has_entry = False
    first_line = 0           # where the entry starts (its first comment or keyword), as polib's linenum
    last_line = 0            # its last non-blank line
    raw_lines = data.decode(charset).split("\n")
    crlf = sum(1 for ln in raw_lines if ln.endswith("\r"))
    newline = "\r\n" if crlf * 2 > len(raw_lines) - 1 else "\n"
    header_raw: str | None = None
    entries_raw: list[str] = []

    def flush() -> None:
        nonlocal fields, current, note, obsolete, has_entry, first_line, header_raw
        if has_entry:
            n = len(po)
            _add_entry(po, fields, note, obsolete, first_line)
            text = "".join(ln + "\n" for ln in raw_lines[first_line - 1:last_line])
            if last_line == len(raw_lines):    # the file's last line had no line ending: it gets the file's
                text = text[:-1] + newline
            if len(po) > n:
                entries_raw.append(text)
            elif header_raw is None:
                header_raw = text
        fields, current, obsolete, has_entry, first_line = {}, None, False, False, 0
        note = {"#": [], "#.": [], "#:": [], "#,": []}

    for lineno, raw in enumerate(raw_lines, start=1):
        line = raw[:-1] if raw.endswith("\r") else raw
        if not line.strip():
            continue
        prefix = ""
        line_obsolete = line.startswith("#~")
        if line_obsolete:
            line = line[2:].lstrip(" \t")
            if line.startswith("|"):
                prefix, line = "previous ", line[1:].lstrip(" \t")
        elif line.startswith("#|"):
            prefix, line = "previous ", line[2:].lstrip(" \t")
        elif line.startswith("#"):
            if has_entry and "msgstr" in "".join(fields):
                flush()
            first_line, last_line = first_line or lineno, lineno
            kind = line[:2] if line[:2] in ("#.", "#:", "#,") else "#"
            text = line[len(kind):]
            note[kind].append(text[1:] if text.startswith(" ") else text)
            continue
        line = line.lstrip(" \t")
        if line.startswith('"'):
            if current is not None:
                current.append(line.strip()[1:-1])
                last_line = lineno
            continue
        m = _FIELD.match(line)
        if m is None:
            continue
        name = prefix + m.group(1) + (f"[{m.group(2)}]" if m.group(2) is not None else "")
        if has_entry and ((m.group(1) in ("msgctxt", "msgid") and "msgstr" in "".join(fields)) or name in fields):
            flush()
        first_line, last_line = first_line or lineno, lineno
        obsolete = obsolete or line_obsolete
        has_entry = True
        current = fields.setdefault(name, [])
        current.append(m.group(3))
    flush()
    # `pybabel update` ends a catalog with a blank line: a rewrite keeps it, or every run would delete a
    # line no entry owns. The split's last element is what follows the final line ending.
    blank = len(raw_lines) - 1 - max((i for i, ln in enumerate(raw_lines) if ln.strip()), default=len(raw_lines) - 1)
    return po, _Texts(newline, header_raw, entries_raw, max(blank - 1, 0))


def _add_entry(po: polib.POFile, fields: dict[str, list[str]], note: dict[str, list[str]], obsolete: bool,
               linenum: int) -> None:
    def value(name: str) -> str | None:
        parts = fields.get(name)
        return None if parts is None else _unescape("".join(parts))

    msgid = value("msgid") or ""
    msgctxt = value("msgctxt")
    flags = [f.strip() for line in note["#,"] for f in line.split(",") if f.strip()]
    if msgid == "" and msgctxt is None and not obsolete and not po.metadata:
        po.header = "\n".join(note["#"])
        po.metadata_is_fuzzy = flags
        key = None
        for row in (value("msgstr") or "").splitlines():
            if ":" in row:
                key, val = row.split(":", 1)
                po.metadata[key] = val.strip()
            elif key is not None:
                po.metadata[key] += "\n" + row.strip()
        return
    occurrences = []
    for line in note["#:"]:
        for token in line.split():
            name, _, where = token.rpartition(":")
            occurrences.append((name, where) if name and where.isdigit() else (token, ""))
    plural = {int(k[7:-1]): _unescape("".join(v)) for k, v in fields.items() if k.startswith("msgstr[")}
    po.append(polib.POEntry(
        msgctxt=msgctxt, msgid=msgid, msgid_plural=value("msgid_plural") or "", msgstr=value("msgstr") or "",
        msgstr_plural=plural, tcomment="\n".join(note["#"]), comment="\n".join(note["#."]),
        occurrences=occurrences, flags=flags, previous_msgctxt=value("previous msgctxt"),
        previous_msgid=value("previous msgid"), previous_msgid_plural=value("previous msgid_plural"),
        obsolete=obsolete, linenum=linenum))


# ----------------------------------------------------------------------------------------- the lexer

@dataclass(slots=True)
class _Header:
    line: int | None = None              # line of the header's msgid ""
    fields: dict[str, int] | None = None  # header field name -> line it is on
    nplurals: int | None = None
    charset: str = "utf-8"               # the declared charset (Python codec name), UTF-8 when absent

    def __post_init__(self) -> None:
        if self.fields is None:
            self.fields = {}


@dataclass(slots=True)
class _Entry:
    line: int
    obsolete: bool
    msgctxt: str | None = None
    msgid: str | None = None
    msgid_line: int = 0
    plural: bool = False
    msgstr: str | None = None      # msgstr, or msgstr[0]
    forms: int = 0                 # msgstr[i] seen
    field: str | None = None       # what a continuation string line extends
    parts: list[str] | None = None  # its continuation strings, joined once (appending to a str is quadratic)


_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?[ \t]*")
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"[ \t]*$')
_GOOD_ESCAPES = re.compile(r'(?:[^\\]|\\[ntrvbf\\"])*')
_CHARSET = re.compile(rb'charset=([A-Za-z0-9_.:-]+)')
_UNESCAPE = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "b": "\b", "f": "\f", "\\": "\\", '"': '"'}


def _unescape(s: str) -> str:
    if "\\" not in s:
        return s
    return re.sub(r'\\(.)', lambda m: _UNESCAPE[m.group(1)], s)


def scan(data: bytes) -> tuple[list[Problem], _Header]:
    """Lex a whole catalog strictly in one pass (O(n)); problems in file order.

    Refuses what polib silently mangles: strings cut by end of line or file, a msgid without msgstr,
    duplicate (msgctxt, msgid), a second header, escapes polib does not understand, bytes that are not
    in the declared charset, plural forms out of order or disagreeing with the header's nplurals.
    """
    header = _Header()
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    text, problem, header.charset = _decode(data)
    if problem is not None:
        return [problem], header
    lexer = _Lexer(header, text)
    for lineno, raw in enumerate(lexer.lines, start=1):
        lexer.line(lineno, raw[:-1] if raw.endswith("\r") else raw)
    lexer.finish(lexer.entry)
    lexer.problems.sort(key=lambda p: (not p.lexical, p.line, p.column or 0))
    return lexer.problems, header


class _Lexer:
    """The state of `scan`: the entry being read, the keys seen, the problems found so far."""

    def __init__(self, header: _Header, text: str) -> None:
        self.header = header
        self.problems: list[Problem] = []
        self.lines = text.split("\n")
        self.ends_open = not text.endswith("\n")
        self.seen: dict[tuple[str | None, str], int] = {}
        self.entry: _Entry | None = None

    def problem(self, *args, **kwargs) -> None:
        self.problems.append(Problem(*args, **kwargs))

    # -- one line: blank, comment, continuation string or keyword ---------------------------------------

    def line(self, lineno: int, line: str) -> None:
        entry = self.entry
        if not line.strip():
            if entry is not None and entry.msgid is not None:
                self.finish(entry)
                self.entry = None
            return
        obsolete = False
        if line.startswith("#"):
            if line.startswith("#~") and not line.startswith("#~|"):
                obsolete = True
                line = line[2:].lstrip(" \t")
                if not line or line.startswith("#"):
                    return
            else:
                # A comment: it belongs to the next entry, so the current one must be complete.
                if entry is not None and entry.msgid is not None:
                    self.finish(entry)
                    self.entry = None
                return
        line = line.lstrip(" \t")
        if line.startswith('"'):
            self.continuation(lineno, line)
        else:
            self.keyword(lineno, line, obsolete)

    def continuation(self, lineno: int, line: str) -> None:
        entry = self.entry
        if entry is None or entry.field is None:
            self.problem(lineno, 1, "a string line that continues nothing")
            return
        value = _string(line, 0, lineno, len(self.lines), self.ends_open, self.problems)
        _extend(entry, value)
        if entry.field == "msgstr" and entry.msgid == "" and entry.msgctxt is None and ":" in value:
            self.header.fields.setdefault(value.split(":", 1)[0].strip(), lineno)

    def keyword(self, lineno: int, line: str, obsolete: bool) -> None:
        m = _KEYWORD.match(line)
        if m is None:
            word = line.split(None, 1)[0][:20]
            self.problem(lineno, 1, f"unknown keyword {word!r}",
                         "a line must be a comment, msgctxt/msgid/msgstr or a quoted string", lexical=True)
            return
        keyword, index = m.group(1), m.group(2)
        _settle(self.entry)
        entry = self.entry
        if keyword in ("msgctxt", "msgid") and entry is not None and entry.msgid is not None:
            if keyword == "msgctxt" or entry.msgstr is not None or entry.forms:
                self.finish(entry)
                entry = self.entry = None
        if entry is None:
            entry = self.entry = _Entry(lineno, obsolete)
        value = _string(line, m.end(), lineno, len(self.lines), self.ends_open, self.problems)
        if keyword == "msgctxt":
            if entry.msgctxt is not None:
                self.problem(lineno, 1, "a second msgctxt in one entry")
            entry.msgctxt, entry.field = value, "msgctxt"
        elif keyword == "msgid":
            if entry.msgid is not None:
                self.problem(entry.msgid_line, None, "missing msgstr after this msgid",
                             'add msgstr "" or restore the file; it may have been cut off')
                entry = self.entry = _Entry(lineno, obsolete)
            entry.msgid, entry.msgid_line, entry.field = value, lineno, "msgid"
        elif keyword == "msgid_plural":
            if entry.msgid is None or entry.msgstr is not None or entry.forms:
                self.problem(lineno, 1, "msgid_plural must follow msgid")
            entry.plural, entry.field = True, "msgid_plural"
        elif index is None:
            if entry.msgid is None:
                self.problem(lineno, 1, "msgstr without a msgid before it")
            elif entry.plural:
                self.problem(lineno, 1, "an entry with msgid_plural needs msgstr[0], msgstr[1], ...")
            elif entry.msgstr is not None:
                self.problem(lineno, 1, "a second msgstr in one entry")
            entry.msgstr, entry.field = value, "msgstr"
        else:
            if not entry.plural:
                self.problem(lineno, 1, f"msgstr[{index}] in an entry without msgid_plural")
            elif int(index) != entry.forms:
                self.problem(lineno, 1, f"plural form has wrong index: msgstr[{index}], expected msgstr[{entry.forms}]")
            if entry.forms == 0:
                entry.msgstr = value
            entry.forms += 1
            entry.field = "form"

    # -- a complete entry ---------------------------------------------------------------------------------

    def finish(self, e: _Entry | None) -> None:
        if e is None:
            return
        _settle(e)
        if e.msgid is None:
            if e.msgctxt is not None or e.msgstr is not None:
                self.problem(e.line, None, "msgctxt or msgstr without a msgid")
            return
        if e.msgstr is None and e.forms == 0:
            self.problem(e.msgid_line, None, "missing msgstr after this msgid",
                         'add msgstr "" or restore the file; it may have been cut off')
            return
        if e.plural and e.forms == 0:
            self.problem(e.msgid_line, None, "msgid_plural without msgstr[0]")
            return
        if e.obsolete:
            return
        if e.msgid == "" and e.msgctxt is None:
            self.header_entry(e)
            return
        if e.msgid == "":
            self.problem(e.msgid_line, None, 'an entry with msgctxt but an empty msgid',
                         "remove it; gettext reserves msgid \"\" for the header")
            return
        key = (e.msgctxt, e.msgid)
        first = self.seen.get(key)
        if first is not None:
            what = f"msgctxt {e.msgctxt!r} " if e.msgctxt is not None else ""
            self.problem(e.msgid_line, None, f"duplicate entry {what}msgid {_short(e.msgid)} (first defined at "
                         f"line {first})", "keep one of the two entries")
        else:
            self.seen[key] = e.msgid_line
        nplurals = self.header.nplurals
        if e.plural:
            if nplurals is not None and e.forms != nplurals:
                self.problem(e.msgid_line, None, f"{e.forms} plural forms but the header (line {self.header.line}) "
                             f"says nplurals={nplurals}", "make them agree")
        elif e.msgstr and (e.msgid.startswith("\n") != e.msgstr.startswith("\n")
                           or e.msgid.endswith("\n") != e.msgstr.endswith("\n")):
            self.problem(e.msgid_line, None, "msgid and msgstr do not both begin and end with a line break",
                         "add or remove the \\n in msgstr")

    def header_entry(self, e: _Entry) -> None:
        if self.header.line is not None:
            self.problem(e.msgid_line, None, f'a second header entry (msgid "") after the one at line '
                         f"{self.header.line}", "remove the stray entry; polib would drop the real header's fields")
            return
        self.header.line = e.msgid_line
        m = re.search(r"nplurals\s*=\s*(\d+)", e.msgstr or "")
        self.header.nplurals = int(m.group(1)) if m else None


def _extend(entry: _Entry, value: str) -> None:
    if entry.parts is None:
        entry.parts = []
    entry.parts.append(value)


def _settle(entry: _Entry | None) -> None:
    """Join the continuation strings of the field being read into it."""
    if entry is None or not entry.parts:
        return
    more = "".join(entry.parts)
    entry.parts = None
    f = entry.field
    if f == "msgctxt":
        entry.msgctxt = (entry.msgctxt or "") + more
    elif f == "msgid":
        entry.msgid = (entry.msgid or "") + more
    elif f == "msgstr" or (f == "form" and entry.forms == 1):
        entry.msgstr = (entry.msgstr or "") + more


def _string(line: str, start: int, lineno: int, nlines: int, ends_open: bool,
            problems: list[Problem]) -> str:
    """The unescaped value of the quoted string at `start`, or "" after recording why it is broken."""
    m = _STRING.match(line, start)
    if m is not None:
        body = m.group(1)
        if "\\" in body:
            bad = _GOOD_ESCAPES.match(body).end()
            if bad != len(body):
                seq = body[bad:bad + 2]
                problems.append(Problem(lineno, start + 2 + bad, f"invalid escape sequence {seq}",
                                        'only \\n \\t \\r \\v \\b \\f \\\\ and \\" are understood; '
                                        "write the character itself", lexical=True))
                return ""
        if "\x00" in body or "\x04" in body:
            bad = min(i for i in (body.find("\x00"), body.find("\x04")) if i >= 0)
            name = "NUL" if body[bad] == "\x00" else "U+0004 (EOT)"
            problems.append(Problem(lineno, start + 2 + bad, f"a {name} character inside a string",
                                    "remove it; gettext strings cannot contain NUL or U+0004", lexical=True))
            return ""
        return _unescape(body)
    if start >= len(line) or line[start] != '"':
        problems.append(Problem(lineno, start + 1, "expected a quoted string", _FIX_HINT, lexical=True))
        return ""
    # Find where it went wrong: no closing quote, or text after it.
    i = start + 1
    while i < len(line):
        ch = line[i]
        if ch == "\\":
            i += 2
            continue
        if ch == '"':
            problems.append(Problem(lineno, i + 2, "text after the closing quote", _FIX_HINT, lexical=True))
            return ""
        i += 1
    if lineno == nlines and ends_open:
        problems.append(Problem(lineno, None, "end of file within a string: the file was cut off",
                                "restore it from version control or a backup", lexical=True))
    else:
        problems.append(Problem(lineno, None, "end of line within a string (missing closing quote)",
                                'close the string with "', lexical=True))
    return ""


def _short(s: str, limit: int = 40) -> str:
    return repr(s if len(s) <= limit else s[:limit] + "…")


def _decode(data: bytes) -> tuple[str, Problem | None, str]:
    """Decode with the header's charset; invalid bytes become a Problem at LINE:COL (column in bytes).

    A single-byte charset (ISO-8859-1, KOI8-R, CP1251) decodes any bytes, so a UTF-8 file whose header
    names one would be read as mojibake and written back double-encoded: such a file is refused too.
    """
    m = _CHARSET.search(data, 0, 65536)
    declared = m.group(1).decode("ascii") if m else "UTF-8"
    if declared.upper() == "CHARSET":
        declared = "UTF-8"
    try:
        info = codecs.lookup(declared)
        if not getattr(info, "_is_text_encoding", True):    # uu, base64, rot13: codecs, not charsets
            raise LookupError(declared)
        codec = info.name
    except LookupError:
        line = data.count(b"\n", 0, m.start()) + 1 if m else 1
        return "", Problem(line, None, f"unknown charset {declared!r} in Content-Type",
                           "use charset=UTF-8 and re-save the file as UTF-8"), "utf-8"
    header_line = data.count(b"\n", 0, m.start()) + 1 if m else 1
    if codec not in ("utf-8", "ascii") and not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            first = next(i for i, b in enumerate(data) if b > 0x7F)
            line = data.count(b"\n", 0, first) + 1
            return "", Problem(line, None, f"the header (line {header_line}) declares charset {declared}, but the "
                               "file is UTF-8 text", "change the header to charset=UTF-8; nothing was changed"), codec
    try:
        return data.decode(codec), None, codec
    except UnicodeDecodeError as exc:
        from .document import guess_encoding

        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        guess = guess_encoding(data)
        hint = f"it looks like {guess}; " if guess and guess.lower() != declared.lower() else ""
        return "", Problem(line, column, f"invalid {declared} (byte 0x{data[exc.start]:02x}; "
                           f"the header declares charset {declared})",
                           hint + f"re-save the file as {declared} or fix the charset in the header"), codec


# ------------------------------------------------------------------------------------------- msgfmt

def msgfmt_path() -> str | None:
    """GNU msgfmt, unless absent or switched off with TOOLKIT_NO_MSGFMT=1 (to test the gettext-less path)."""
    if os.environ.get("TOOLKIT_NO_MSGFMT"):
        return None
    return shutil.which("msgfmt")


_MSGFMT_LINE = re.compile(r"^<stdin>:(\d+)(?::(\d+))?: (.*)$")


def msgfmt_problems(data: bytes) -> list[Problem]:
    """What `msgfmt -c` finds fatal, as Problems with proper line numbers (empty when it is absent)."""
    msgfmt = msgfmt_path()
    if msgfmt is None:
        return []
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        result = subprocess.run([msgfmt, "-c", "-o", os.devnull, "-"], input=data, capture_output=True,
                                timeout=300)
    except (OSError, subprocess.TimeoutExpired):
        return []
    if result.returncode == 0:
        return []
    messages = [(int(m.group(1)), int(m.group(2)) if m.group(2) else None, m.group(3))
                for m in map(_MSGFMT_LINE.match, result.stderr.decode("utf-8", "replace").splitlines()) if m]
    messages = [msg for msg in messages if not msg[2].startswith("warning:")]
    if not messages:
        return [Problem(1, None, "rejected by GNU msgfmt")]
    line, column, reason = messages[0]
    rest = messages[1:]
    if reason.endswith("...") and rest:
        reason = f"{reason.rstrip('. ')} (see line {rest[0][0]}: {rest[0][2].strip('. ')})"
        rest = rest[1:]
    return [Problem(line, column, f"msgfmt: {reason}")] + [Problem(ln, col, r) for ln, col, r in rest]


# ------------------------------------------------------------------------------------------- writing

def render(po: polib.POFile, layout: Layout | None = None) -> bytes:
    """The catalog as GNU gettext writes it (`msgcat` gives the same bytes), in its declared charset.

    With `layout` (from the snapshot the catalog was read from), the header and every entry whose content
    is what was read keep the file's own bytes, and new lines get its line ending: a run changes only the
    lines of the entries it changes. Linear in the size of the catalog. A character the declared charset
    cannot hold is an error naming the entry, never a silent switch to another charset.
    """
    nl = layout.newline if layout is not None else "\n"
    charset = charset_of(po)
    blocks: list[bytes] = []
    kept_header = _kept_header(po, layout)
    if kept_header is not None:
        blocks.append(_encoded(kept_header, charset, po, "the header"))
    elif po.metadata or po.header:
        out = _comment_lines("#", po.header.split("\n")) if po.header else []
        if po.metadata_is_fuzzy:
            out.append("#, fuzzy")
        out.append('msgid ""')
        out += powrap.wrap("msgstr", "".join(f"{k}: {v}\n" for k, v in po.metadata.items()))
        blocks.append(_encoded(nl.join(out) + nl, charset, po, "the header"))
    else:
        blocks.append(b"")    # no header: GNU starts with the blank line before the first entry
    known = layout.entries if layout is not None else {}
    ordered = [e for e in po if not e.obsolete]
    ordered += [e for e in po if e.obsolete and (e.msgstr or any(e.msgstr_plural.values()))]  # GNU drops the rest
    for e in ordered:
        raw = known.get(entry_key(e)) if known else None
        if raw is None:
            out = []
            _render_entry(e, out, "#~ " if e.obsolete else "")
            raw = nl.join(out[1:]) + nl
        blocks.append(_encoded(raw, charset, po, _entry_name(e)))
    tail = nl * layout.tail if layout is not None else ""
    return nl.encode(charset).join(blocks) + tail.encode(charset)


def _kept_header(po: polib.POFile, layout: Layout | None) -> str | None:
    """The header as the file has it, with the values of changed fields put in place when each stood on
    a line of its own (a run moves PO-Revision-Date: the editor's wrapping of the rest stays)."""
    if layout is None or layout.header is None:
        return None
    (comment, fields, fuzzy), text = layout.header
    if header_key(po) == (comment, fields, fuzzy):
        return text
    if (comment, fuzzy) != header_key(po)[::2] or [k for k, _ in fields] != list(po.metadata):
        return None
    for (name, old), new in zip(fields, po.metadata.values(), strict=True):
        if old == new:
            continue
        line = f'"{_escape(f"{name}: {old}")}\\n"'
        if text.count(line) != 1:
            return None
        text = text.replace(line, f'"{_escape(f"{name}: {new}")}\\n"')
    return text


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")


def header_key(po: polib.POFile) -> tuple:
    """The header exactly as it stands (fields in order, spelling): a kept header is written as read."""
    return (po.header or "", tuple(po.metadata.items()), tuple(po.metadata_is_fuzzy or ()))


def _entry_name(e: polib.POEntry) -> str:
    where = next((line for line in e.comment.split("\n") if line.startswith("segment ")), "")
    kind = "the obsolete entry" if e.obsolete else "the entry"
    return f"{kind} {_short(e.msgid)}" + (f" ({where})" if where else "")


def _encoded(text: str, charset: str, po: polib.POFile, what: str) -> bytes:
    try:
        return text.encode(charset)
    except UnicodeEncodeError as exc:
        raise _unwritable(text[exc.start], po, what) from None


def _unwritable(ch: str, po: polib.POFile, what: str) -> CatalogError:
    declared = re.search(r"charset=(\S+)", po.metadata.get("Content-Type", ""))
    return CatalogError(f"{what} holds {ch!r} (U+{ord(ch):04X}), which the charset its header declares "
                        f"({declared.group(1) if declared else charset_of(po)}) cannot write; nothing was written",
                        hint="change that text, or convert the catalog with `msgconv -t UTF-8` and set "
                             "charset=UTF-8")


#: Stand-ins for the typography of the toolkit's own notes, where a legacy charset cannot write it.
_NOTE_FALLBACK = {"→": "->", "←": "<-", "…": "...", "–": "-", "—": "-", "«": '"', "»": '"', "“": '"',
                  "”": '"', "„": '"', "‘": "'", "’": "'", "·": ".", "≈": "~", "×": "x", "\u00a0": " "}


def fit_charset(note: str, charset: str) -> str:
    """A note of ours that the catalog's charset can write: `->` for `→` in CP1251, U+XXXX for a letter
    it has no byte for. Translations are never changed this way: they are an error when unwritable."""
    if charset in ("utf-8", "utf-16", "utf-32"):
        return note
    try:
        note.encode(charset)
        return note
    except UnicodeEncodeError:
        pass
    out = []
    for ch in note:
        try:
            ch.encode(charset)
            out.append(ch)
        except UnicodeEncodeError:
            out.append(_NOTE_FALLBACK.get(ch) or f"U+{ord(ch):04X}")
    return "".join(out)


def charset_of(po: polib.POFile) -> str:
    """The Python codec of the charset the header declares (UTF-8 when it declares none)."""
    m = re.search(r"charset=([A-Za-z0-9_.:-]+)", po.metadata.get("Content-Type", ""))
    if m is None or m.group(1).upper() == "CHARSET":
        return "utf-8"
    try:
        return codecs.lookup(m.group(1)).name
    except LookupError:
        return "utf-8"


def _comment_lines(mark: str, lines: list[str]) -> list[str]:
    """`# text` per line, `#` alone for an empty one, as GNU writes comments: never wrapped."""
    return [f"{mark} {line}" if line else mark for line in lines]


def _render_entry(e: polib.POEntry, out: list[str], prefix: str) -> None:
    out.append("")
    if e.tcomment:
        out += _comment_lines("#", e.tcomment.split("\n"))
    if e.comment:
        out += _comment_lines("#.", e.comment.split("\n"))
    if e.occurrences:
        out += _reference_lines(e.occurrences)
    translated = bool(e.msgstr or any(e.msgstr_plural.values()))
    flags = [f for f in e.flags if f != "fuzzy"]
    if e.obsolete:
        flags = [f for f in flags if f.endswith("-format") or f == "no-wrap"]
    if "fuzzy" in e.flags and (translated or e.obsolete):
        flags.insert(0, "fuzzy")
    if flags:
        out.append("#, " + ", ".join(flags))
    previous = "#~| " if e.obsolete else "#| "
    width = _NO_WRAP if "no-wrap" in e.flags else powrap.PAGE_WIDTH   # GNU still cuts after each \n

    def wrap(name: str, value: str, mark: str) -> list[str]:
        return powrap.wrap(name, value, mark, width)

    for name, value in (("msgctxt", e.previous_msgctxt), ("msgid", e.previous_msgid),
                        ("msgid_plural", e.previous_msgid_plural)):
        if value is not None:
            out += wrap(name, value, previous)
    if e.msgctxt is not None:
        out += wrap("msgctxt", e.msgctxt, prefix)
    out += wrap("msgid", e.msgid, prefix)
    if e.msgid_plural:
        out += wrap("msgid_plural", e.msgid_plural, prefix)
        for i in sorted(e.msgstr_plural):
            out += wrap(f"msgstr[{i}]", e.msgstr_plural[i], prefix)
    else:
        out += wrap("msgstr", e.msgstr, prefix)


_NO_WRAP = 1 << 62


def _reference_lines(occurrences: list[tuple[str, str]]) -> list[str]:
    """`#: file:line` references filled to the page width, as GNU does."""
    lines: list[str] = []
    line = "#:"
    for name, where in occurrences:
        while name.startswith("./"):
            name = name[2:]
        ref = f"{name}:{where}" if where else name
        if len(line) > 2 and len(line) + len(ref) + 1 > WRAP_WIDTH:
            lines.append(line)
            line = "#:"
        line += " " + ref
    lines.append(line)
    return lines


def write(po: polib.POFile, path: Path, *, previous: Snapshot | None = None) -> bool:
    """Write atomically; returns False (and leaves the file alone) when nothing would change.

    "Nothing" means the same bytes, or the same content as what is on disk (entries, comments, flags,
    header fields apart from X-Generator): a catalog a PO editor wrapped its own way stays byte-identical
    on a no-op re-run. With `previous` (what `snapshot` returned), a file changed on disk since then is
    not overwritten: ChangedOnDisk.
    """
    return commit(prepare(po, path, previous=previous))


@dataclass(frozen=True, slots=True)
class Prepared:
    """A catalog rendered and judged, not yet on disk: a run prepares every catalog before it writes one,
    so a catalog that cannot be written (a character its charset lacks) stops the run with nothing written."""

    path: Path
    data: bytes | None          # None: the file already says this
    expected: str | None        # sha256 the file must still have when it is replaced


def prepare(po: polib.POFile, path: Path, *, previous: Snapshot | None = None) -> Prepared:
    """Everything `write` does but the write."""
    path = Path(path)
    fsutil.check_replaceable(path)      # a link or a FIFO where the catalog goes: refused before it is read
    try:
        current = path.read_bytes()
    except FileNotFoundError:
        current = None
    except OSError as exc:
        raise CatalogError(f"cannot read the catalog: {exc.strerror or exc}", path=path) from None
    expected = previous.sha256 if previous is not None else None
    if expected is not None and (current is None or hashlib.sha256(current).hexdigest() != expected):
        raise _changed(path)
    if previous is not None and current is not None and not previous.bom and previous.content == content_key(po):
        return Prepared(path, None, expected)   # a no-op re-run: not even rendered
    try:
        data = render(po, previous.layout if previous is not None else None)
    except CatalogError as exc:
        raise CatalogError(exc.reason, path=path, hint=exc.hint) from None
    problems, _ = scan(data)   # never put on disk what we would refuse to read back
    if problems:
        p = problems[0]
        raise CatalogError(f"refusing to write an invalid catalog: {p.reason}", path=path, line=p.line,
                           column=p.column, hint="remove the character from the source or the translation")
    if current == data:
        return Prepared(path, None, expected)
    if current is not None and not current.startswith(codecs.BOM_UTF8):
        old = previous.content if previous is not None else _parse_quietly(path)
        if old is not None and old == content_key(po):
            return Prepared(path, None, expected)
    return Prepared(path, data, expected)


def commit(prepared: Prepared) -> bool:
    """Put a prepared catalog on disk (atomically); False when there was nothing to write."""
    if prepared.data is None:
        return False
    fsutil.atomic_write(prepared.path, prepared.data, expect_sha256=prepared.expected)
    return True


def _changed(path: Path) -> ChangedOnDisk:
    return ChangedOnDisk("changed on disk while this run was working (saved by an editor?); nothing was written",
                         path=path, hint="run again to merge with the saved version")


def _parse_quietly(path: Path) -> tuple | None:
    try:
        data = path.read_bytes()
        problems, header = scan(data)
        return None if problems else content_key(parse(data, header.charset))
    except Exception:  # noqa: BLE001 - a file we cannot parse is simply "different"
        return None


def same_content(a: polib.POFile, b: polib.POFile) -> bool:
    """True when the two catalogs differ at most in wrapping and cosmetic header fields."""
    return content_key(a) == content_key(b)


def content_key(po: polib.POFile) -> tuple:
    """What a catalog says, without rendering it (rendering wraps every string: slow)."""
    return ((po.header or "").strip(), _metadata_key(po.metadata), tuple(entry_key(e) for e in po))


def entry_key(e: polib.POEntry) -> tuple:
    """Everything an entry says, for comparing catalogs without rendering them. References compare as
    the text of their `#:` line: a file name with a space reads back as two references."""
    return (e.obsolete, e.msgctxt, e.msgid, e.msgid_plural, e.msgstr, tuple(sorted(e.msgstr_plural.items())),
            tuple(sorted(e.flags)), e.comment, e.tcomment, references(e), e.previous_msgctxt,
            e.previous_msgid, e.previous_msgid_plural)


def references(e: polib.POEntry) -> str:
    return " ".join(f"{name}:{where}" if where else name for name, where in e.occurrences)


def _metadata_key(meta: dict[str, str]) -> tuple:
    out = {k: v.strip() for k, v in meta.items() if k not in COSMETIC_FIELDS}
    if "Plural-Forms" in out:
        out["Plural-Forms"] = _plural_key(out["Plural-Forms"])
    if "Content-Type" in out:   # Babel writes charset=utf-8: the same charset
        out["Content-Type"] = re.sub(r"charset=([^;\s]*)", lambda m: "charset=" + _codec(m.group(1)),
                                     out["Content-Type"])
    return tuple(sorted(out.items()))


def _codec(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name.lower()


def _plural_key(value: str) -> str:
    """Equivalent Plural-Forms (Poedit's and babel's ru formulas differ in spelling) compare equal."""
    m = re.search(r"nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?);?\s*$", value)
    if m is None:
        return value
    try:
        fn = gettext.c2py(m.group(2))
        return f"{m.group(1)}:" + ",".join(str(fn(n)) for n in _SAMPLE_NS)
    except (ValueError, SyntaxError, RecursionError, ZeroDivisionError):
        return value


_SAMPLE_NS = (*range(0, 250), 1000, 1001, 1002, 1011, 1021, 1111, 10**6 + 1)


def entries_by_key(po: polib.POFile) -> dict[tuple[str | None, str], polib.POEntry]:
    """Active entries indexed by (msgctxt, msgid): O(1) lookups instead of POFile.find in a loop."""
    return {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}


def iter_catalogs(directory: Path) -> Iterator[Path]:
    """The .po files under `directory`, never a temp file a killed run left behind."""
    for p in sorted(Path(directory).rglob("*.po")):
        if not fsutil.is_temp(p.name) and p.is_file():
            yield p
