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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polib

from . import fsutil
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

def read(path: Path, *, lang: str | None = None) -> polib.POFile:
    """Parse a catalog strictly; with `lang`, its Language header must agree with the folder it lives in.

    The returned POFile remembers the sha256 of the bytes it came from (`sha256` attribute), so `write`
    can refuse to overwrite a file an editor saved in the meantime.
    """
    path = Path(path)
    data = _read_bytes(path)
    header = validate_bytes(data, path)
    try:
        po = polib.pofile(str(path), wrapwidth=WRAP_WIDTH, check_for_duplicates=False)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise CatalogError(f"cannot parse: {exc}", path=path, hint=_FIX_HINT) from None
    po.wrapwidth = WRAP_WIDTH
    po.sha256 = hashlib.sha256(data).hexdigest()
    po.had_bom = data.startswith(codecs.BOM_UTF8)
    if lang is not None:
        declared = po.metadata.get("Language", "").strip().replace("-", "_")
        if not declared:
            raise CatalogError(f"its header has no Language field; it lives in the {lang!r} folder", path=path,
                               line=header.line, hint=f'add "Language: {lang}\\n" to the header')
        if declared.split("_")[0] != lang.split("_")[0]:
            raise CatalogError(f"its Language header says {declared!r} but it lives in the {lang!r} folder",
                               path=path, line=header.fields.get("Language", header.line),
                               hint="move it to the right folder or fix the header")
    return po


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


# ----------------------------------------------------------------------------------------- the lexer

@dataclass(slots=True)
class _Header:
    line: int | None = None              # line of the header's msgid ""
    fields: dict[str, int] | None = None  # header field name -> line it is on
    nplurals: int | None = None

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
    problems: list[Problem] = []
    header = _Header()
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    text, problem = _decode(data)
    if problem is not None:
        return [problem], header
    lines = text.split("\n")
    ends_open = not text.endswith("\n")
    seen: dict[tuple[str | None, str], int] = {}
    plural_entries: list[int] = []
    entry: _Entry | None = None

    def finish(e: _Entry | None, at: int) -> None:
        if e is None:
            return
        if e.msgid is None:
            if e.msgctxt is not None or e.msgstr is not None:
                problems.append(Problem(e.line, None, "msgctxt or msgstr without a msgid"))
            return
        if e.msgstr is None and e.forms == 0:
            problems.append(Problem(e.msgid_line, None, "missing msgstr after this msgid",
                                    'add msgstr "" or restore the file; it may have been cut off'))
            return
        if e.plural and e.forms == 0:
            problems.append(Problem(e.msgid_line, None, "msgid_plural without msgstr[0]"))
            return
        if e.obsolete:
            return
        if e.msgid == "" and e.msgctxt is None:
            if header.line is not None:
                problems.append(Problem(e.msgid_line, None,
                                        f'a second header entry (msgid "") after the one at line {header.line}',
                                        "remove the stray entry; polib would drop the real header's fields"))
            else:
                header.line = e.msgid_line
                m = re.search(r"nplurals\s*=\s*(\d+)", e.msgstr or "")
                header.nplurals = int(m.group(1)) if m else None
            return
        if e.msgid == "":
            problems.append(Problem(e.msgid_line, None, 'an entry with msgctxt but an empty msgid',
                                    "remove it; gettext reserves msgid \"\" for the header"))
            return
        key = (e.msgctxt, e.msgid)
        first = seen.get(key)
        if first is not None:
            what = f"msgctxt {e.msgctxt!r} " if e.msgctxt is not None else ""
            problems.append(Problem(e.msgid_line, None,
                                    f"duplicate entry {what}msgid {_short(e.msgid)} (first defined at line {first})",
                                    "keep one of the two entries"))
        else:
            seen[key] = e.msgid_line
        if e.plural:
            plural_entries.append(e.msgid_line)
            if header.nplurals is not None and e.forms != header.nplurals:
                problems.append(Problem(e.msgid_line, None,
                                        f"{e.forms} plural forms but the header (line {header.line}) says "
                                        f"nplurals={header.nplurals}", "make them agree"))
        elif e.msgstr and (e.msgid.startswith("\n") != e.msgstr.startswith("\n")
                           or e.msgid.endswith("\n") != e.msgstr.endswith("\n")):
            problems.append(Problem(e.msgid_line, None, "msgid and msgstr do not both begin and end with a "
                                    "line break", "add or remove the \\n in msgstr"))

    n = len(lines)
    for lineno, raw in enumerate(lines, start=1):
        line = raw[:-1] if raw.endswith("\r") else raw
        if not line.strip():
            if entry is not None and entry.msgid is not None:
                finish(entry, lineno)
                entry = None
            continue
        obsolete = False
        if line.startswith("#"):
            if line.startswith("#~") and not line.startswith("#~|"):
                obsolete = True
                line = line[2:].lstrip(" \t")
                if not line or line.startswith("#"):
                    continue
            else:
                # A comment: it belongs to the next entry, so the current one must be complete.
                if entry is not None and entry.msgid is not None:
                    finish(entry, lineno)
                    entry = None
                continue
        line = line.lstrip(" \t")
        if line.startswith('"'):
            if entry is None or entry.field is None:
                problems.append(Problem(lineno, 1, "a string line that continues nothing"))
                continue
            value = _string(line, 0, lineno, n, ends_open, problems)
            _extend(entry, value)
            if entry.field == "msgstr" and entry.msgid == "" and entry.msgctxt is None and ":" in value:
                header.fields.setdefault(value.split(":", 1)[0].strip(), lineno)
            continue
        m = _KEYWORD.match(line)
        if m is None:
            word = line.split(None, 1)[0][:20]
            problems.append(Problem(lineno, 1, f"unknown keyword {word!r}",
                                    "a line must be a comment, msgctxt/msgid/msgstr or a quoted string",
                                    lexical=True))
            continue
        keyword, index = m.group(1), m.group(2)
        if keyword in ("msgctxt", "msgid") and entry is not None and entry.msgid is not None:
            if keyword == "msgctxt" or entry.msgstr is not None or entry.forms:
                finish(entry, lineno)
                entry = None
        if entry is None:
            entry = _Entry(lineno, obsolete)
        value = _string(line, m.end(), lineno, n, ends_open, problems)
        if keyword == "msgctxt":
            if entry.msgctxt is not None:
                problems.append(Problem(lineno, 1, "a second msgctxt in one entry"))
            entry.msgctxt, entry.field = value, "msgctxt"
        elif keyword == "msgid":
            if entry.msgid is not None:
                problems.append(Problem(entry.msgid_line, None, "missing msgstr after this msgid",
                                        'add msgstr "" or restore the file; it may have been cut off'))
                entry = _Entry(lineno, obsolete)
            entry.msgid, entry.msgid_line, entry.field = value, lineno, "msgid"
        elif keyword == "msgid_plural":
            if entry.msgid is None or entry.msgstr is not None or entry.forms:
                problems.append(Problem(lineno, 1, "msgid_plural must follow msgid"))
            entry.plural, entry.field = True, "msgid_plural"
        elif index is None:
            if entry.msgid is None:
                problems.append(Problem(lineno, 1, "msgstr without a msgid before it"))
            elif entry.plural:
                problems.append(Problem(lineno, 1, "an entry with msgid_plural needs msgstr[0], msgstr[1], ..."))
            elif entry.msgstr is not None:
                problems.append(Problem(lineno, 1, "a second msgstr in one entry"))
            entry.msgstr, entry.field = value, "msgstr"
        else:
            if not entry.plural:
                problems.append(Problem(lineno, 1, f"msgstr[{index}] in an entry without msgid_plural"))
            elif int(index) != entry.forms:
                problems.append(Problem(lineno, 1, f"plural form has wrong index: msgstr[{index}], "
                                        f"expected msgstr[{entry.forms}]"))
            if entry.forms == 0:
                entry.msgstr = value
            entry.forms += 1
            entry.field = "form"
    finish(entry, n + 1)
    problems.sort(key=lambda p: (not p.lexical, p.line, p.column or 0))
    return problems, header


def _extend(entry: _Entry, value: str) -> None:
    f = entry.field
    if f == "msgctxt":
        entry.msgctxt = (entry.msgctxt or "") + value
    elif f == "msgid":
        entry.msgid = (entry.msgid or "") + value
    elif f == "msgstr" or (f == "form" and entry.forms == 1):
        entry.msgstr = (entry.msgstr or "") + value


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


def _decode(data: bytes) -> tuple[str, Problem | None]:
    """Decode with the header's charset; invalid bytes become a Problem at LINE:COL (column in bytes)."""
    m = _CHARSET.search(data, 0, 65536)
    declared = m.group(1).decode("ascii") if m else "UTF-8"
    if declared.upper() == "CHARSET":
        declared = "UTF-8"
    try:
        codecs.lookup(declared)
    except LookupError:
        line = data.count(b"\n", 0, m.start()) + 1 if m else 1
        return "", Problem(line, None, f"unknown charset {declared!r} in Content-Type",
                           "use charset=UTF-8 and re-save the file as UTF-8")
    try:
        return data.decode(declared), None
    except UnicodeDecodeError as exc:
        from .document import guess_encoding

        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        guess = guess_encoding(data)
        hint = f"it looks like {guess}; " if guess and guess.lower() != declared.lower() else ""
        return "", Problem(line, column, f"invalid {declared} (byte 0x{data[exc.start]:02x}; "
                           f"the header declares charset {declared})",
                           hint + f"re-save the file as {declared} or fix the charset in the header")


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

def render(po: polib.POFile) -> bytes:
    """The catalog as UTF-8 bytes, wrapped at WRAP_WIDTH; a legacy charset in the header becomes UTF-8."""
    po.wrapwidth = WRAP_WIDTH
    content_type = po.metadata.get("Content-Type")
    if content_type and "charset=" in content_type:
        po.metadata["Content-Type"] = re.sub(r"charset=[^;\s]*", "charset=UTF-8", content_type)
    return (str(po).rstrip("\n") + "\n").encode("utf-8")


def write(po: polib.POFile, path: Path, *, previous: polib.POFile | None = None) -> bool:
    """Write atomically; returns False (and leaves the file alone) when nothing would change.

    "Nothing" means the same bytes, or the same content as what is on disk (entries, comments, flags,
    header fields apart from X-Generator): a catalog a PO editor wrapped its own way stays byte-identical
    on a no-op re-run. With `previous` (what `read` returned), a file changed on disk since then is not
    overwritten: ChangedOnDisk.
    """
    path = Path(path)
    try:
        current = path.read_bytes()
    except FileNotFoundError:
        current = None
    except OSError as exc:
        raise CatalogError(f"cannot read the catalog: {exc.strerror or exc}", path=path) from None
    expected = getattr(previous, "sha256", None)
    if expected is not None and (current is None or hashlib.sha256(current).hexdigest() != expected):
        raise _changed(path)
    if (previous is not None and current is not None and not current.startswith(codecs.BOM_UTF8)
            and same_content(previous, po)):
        return False           # a no-op re-run: not even rendered (half of a 1,000-entry re-run's time)
    data = render(po)
    problems, _ = scan(data)   # never put on disk what we would refuse to read back
    if problems:
        p = problems[0]
        raise CatalogError(f"refusing to write an invalid catalog: {p.reason}", path=path, line=p.line,
                           column=p.column, hint="remove the character from the source or the translation")
    if current == data:
        return False
    if current is not None and not current.startswith(codecs.BOM_UTF8):
        old = previous if previous is not None else _parse_quietly(path)
        if old is not None and same_content(old, po):
            return False
    fsutil.atomic_write(path, data, expect_sha256=expected)
    return True


def _changed(path: Path) -> ChangedOnDisk:
    return ChangedOnDisk("changed on disk while this run was working (saved by an editor?); nothing was written",
                         path=path, hint="run again to merge with the saved version")


def _parse_quietly(path: Path) -> polib.POFile | None:
    try:
        return polib.pofile(str(path), wrapwidth=WRAP_WIDTH, check_for_duplicates=False)
    except Exception:  # noqa: BLE001 - a file we cannot parse is simply "different"
        return None


def same_content(a: polib.POFile, b: polib.POFile) -> bool:
    """True when the two catalogs differ at most in wrapping, comment order and cosmetic header fields."""
    if (a.header or "").strip() != (b.header or "").strip():
        return False
    if _metadata_key(a.metadata) != _metadata_key(b.metadata):
        return False
    if len(a) != len(b):
        return False
    return all(entry_key(x) == entry_key(y) for x, y in zip(a, b))


def entry_key(e: polib.POEntry) -> tuple:
    """Everything an entry says, for comparing catalogs without rendering them."""
    return (e.obsolete, e.msgctxt, e.msgid, e.msgid_plural, e.msgstr, tuple(sorted(e.msgstr_plural.items())),
            tuple(sorted(e.flags)), e.comment, e.tcomment, tuple(e.occurrences), e.previous_msgctxt,
            e.previous_msgid, e.previous_msgid_plural)


def _metadata_key(meta: dict[str, str]) -> tuple:
    out = {k: v.strip() for k, v in meta.items() if k not in COSMETIC_FIELDS}
    if "Plural-Forms" in out:
        out["Plural-Forms"] = _plural_key(out["Plural-Forms"])
    return tuple(sorted(out.items()))


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
