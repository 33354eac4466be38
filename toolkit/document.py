"""A plain-text article as blocks and sentence segments, and back to text.

Each non-empty line is a block (headline, caption, paragraph); blocks are split into sentences by
`toolkit.segment`. Every segment keeps the exact whitespace that follows it, so
`document.leading + "".join(s.source_text + s.trailing for s in document.segments)` is the article again,
byte for byte once the original BOM and line endings are put back.
"""
from __future__ import annotations

import codecs
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import fsutil
from .errors import InputError

#: The most an article may weigh: a news article is kilobytes; this stops /dev/zero-like inputs early.
MAX_BYTES = 32 << 20

_UNWRITABLE = re.compile("[\x00\x04\ud800-\udfff]")
#: Line and paragraph separators inside a line (NEL, U+2028, U+2029, VT, FF, FS/GS/RS: what str.splitlines
#: breaks on besides CR and LF). In a sentence they stand between words, but an engine's tokenizer and a PO
#: editor show nothing there (`Yerevanwould`): the msgid gets one space instead, the rebuild the original.
_SEPARATORS = re.compile("[ \t]*[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029][\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029 \t]*")
Spans = Callable[[str], Sequence[tuple[int, int]]]


@dataclass(frozen=True, slots=True)
class Segment:
    id: str          # "b3.s1": block 3, sentence 1 (both 1-based); a position, in the PO `#. segment` note
    block: int       # 1-based block number
    index: int       # 1-based sentence number inside the block
    text: str
    trailing: str    # whitespace after it in the source (spaces, newlines), to rebuild the article
    line: int        # 1-based line of the source file, for the PO `#:` reference
    original: str | None = None   # the text as the article has it, when `text` differs (a line separator)

    @property
    def source_text(self) -> str:
        """The sentence exactly as the article has it: what a rebuild without a translation puts back."""
        return self.text if self.original is None else self.original


@dataclass(frozen=True, slots=True)
class Block:
    index: int
    line: int
    segments: tuple[Segment, ...]

    @property
    def text(self) -> str:
        return "".join(s.text + s.trailing for s in self.segments).rstrip()


@dataclass(frozen=True, slots=True)
class Document:
    name: str                  # catalog domain: locales/<lang>/LC_MESSAGES/<name>.po
    source: str                # path as given, for `#:` references
    leading: str               # whitespace before the first block
    blocks: tuple[Block, ...]
    newline: str = "\n"        # "\r\n" (or "\r") when the source used it; rebuilt the same way
    bom: bool = False
    encoding: str = "utf-8"

    @property
    def segments(self) -> tuple[Segment, ...]:
        return tuple(s for b in self.blocks for s in b.segments)

    def text(self) -> str:
        """The source text with "\\n" line endings and no BOM."""
        return self.rebuild(lambda s: s.source_text)

    def rebuild(self, translate: Callable[[Segment], str]) -> str:
        """The article with each segment replaced by `translate(segment)`, layout kept ("\\n" endings)."""
        parts = [self.leading]
        for seg in self.segments:
            parts.append(translate(seg))
            parts.append(seg.trailing)
        return "".join(parts)

    def encode(self, text: str) -> bytes:
        """Turn rebuilt text into bytes with the source's line endings, BOM and encoding."""
        if self.newline != "\n":
            text = text.replace("\n", self.newline)
        data = text.encode(self.encoding)
        return (codecs.BOM_UTF8 + data) if self.bom else data


def parse(text: str, *, name: str = "article", source: str = "article.txt", no_split: Spans | None = None,
          newline: str = "\n", bom: bool = False, encoding: str = "utf-8") -> Document:
    """Split text ("\\n" line endings) into blocks and segments.

    `no_split(line)` returns character spans (glossary terms) that a sentence boundary must not cut.
    """
    from . import segment

    blocks: list[Block] = []
    lines = text.split("\n")
    pos_leading: list[str] = []  # whitespace waiting to be attached to the previous segment
    leading = ""
    lineno = 0
    for lineno, line in enumerate(lines, start=1):
        ending = "\n" if lineno < len(lines) else ""
        stripped = line.strip()
        if not stripped:
            pos_leading.append(line + ending)
            continue
        head = line[: len(line) - len(line.lstrip())]
        tail = line[len(line.rstrip()):]
        gap = "".join(pos_leading) + head
        pos_leading = []
        if blocks:
            last = blocks[-1]
            fixed = last.segments[-1]
            segs = last.segments[:-1] + (_with_trailing(fixed, fixed.trailing + gap),)
            blocks[-1] = Block(last.index, last.line, segs)
        else:
            leading = gap
        protected = no_split(stripped) if no_split else ()
        spans = segment.split(stripped, protected)
        bno = len(blocks) + 1
        segs_out: list[Segment] = []
        for i, (start, end) in enumerate(spans):
            nxt = spans[i + 1][0] if i + 1 < len(spans) else len(stripped)
            trailing = stripped[end:nxt]
            if i + 1 == len(spans):
                trailing += tail + ending
            text = stripped[start:end]
            said = spoken(text)
            segs_out.append(Segment(f"b{bno}.s{i + 1}", bno, i + 1, said, trailing, lineno,
                                    None if said == text else text))
        blocks.append(Block(bno, lineno, tuple(segs_out)))
    rest = "".join(pos_leading)
    if blocks and rest:
        last = blocks[-1]
        fixed = last.segments[-1]
        blocks[-1] = Block(last.index, last.line, last.segments[:-1] + (_with_trailing(fixed, fixed.trailing + rest),))
    elif not blocks:
        leading = rest
    return Document(name=name, source=source, leading=leading, blocks=tuple(blocks), newline=newline, bom=bom,
                    encoding=encoding)


def spoken(text: str) -> str:
    """`text` with its line separators as one space: a sentence as the msgid and the engine have it."""
    return _SEPARATORS.sub(" ", text)


def _with_trailing(seg: Segment, trailing: str) -> Segment:
    return Segment(seg.id, seg.block, seg.index, seg.text, trailing, seg.line, seg.original)


def decode(data: bytes, *, path: str, encoding: str | None = None) -> tuple[str, str, bool, str]:
    """Bytes → (text with "\\n" endings, newline, had_bom, encoding). Refuses binary and undecodable input."""
    if encoding is None and data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError("this file is UTF-16 text, not UTF-8", path=path,
                         hint="re-save it as UTF-8 or pass --encoding utf-16")
    bom = data.startswith(codecs.BOM_UTF8)
    if bom:
        data = data[len(codecs.BOM_UTF8):]
    if encoding is None and b"\x00" in data[:8192]:
        raise InputError("this looks like a binary file (it contains NUL bytes), not a plain-text article",
                         path=path, hint="give a UTF-8 .txt file")
    enc = encoding or "utf-8"
    try:
        text = data.decode(enc)
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}", path=path,
                         hint="use a Python codec name such as utf-8, cp1251, latin-1") from None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        guess = guess_encoding(data)
        hint = f"it looks like {guess}; re-save it as UTF-8 or pass --encoding {guess}" if guess else \
            "re-save it as UTF-8 or pass --encoding NAME"
        raise InputError(f"not valid {enc} (byte 0x{data[exc.start]:02x})", path=path, line=line,
                         column=column, hint=hint) from None
    # gettext strings cannot hold NUL or U+0004 (the .mo context separator): said here, at the article's own
    # line, not later by the catalog writer at a line of a catalog that does not exist yet.
    # Lone surrogates come from codecs such as utf-7 or unicode_escape (`+2D0-`, `\ud800`): no file can hold them.
    found = _UNWRITABLE.search(text)
    if found:
        bad = found.start()
        line = text.count("\n", 0, bad) + 1
        column = bad - (text.rfind("\n", 0, bad) + 1) + 1
        name = {"\x00": "NUL", "\x04": "U+0004 (EOT)"}.get(found.group(), f"lone surrogate U+{ord(found.group()):04X}")
        raise InputError(f"contains a {name} character, which a gettext catalog cannot hold", path=path, line=line,
                         column=column, hint="remove it from the article")
    crlf = text.count("\r\n")
    if crlf and crlf == text.count("\n"):
        return text.replace("\r\n", "\n"), "\r\n", bom, enc
    if "\r" in text and "\n" not in text:     # classic Mac OS line endings: lone CRs
        return text.replace("\r", "\n"), "\r", bom, enc
    # LF, or a mix of CRLF and LF: keep every byte as it is (a stray "\r" stays in the trailing whitespace).
    return text, "\n", bom, enc


def guess_encoding(data: bytes) -> str | None:
    """A best guess for the legacy encodings a news desk meets (Latin, Cyrillic, Armenian), or None.

    Each candidate is scored by the words it makes: a word in one script, or in Latin with at most a few
    accented letters (`café`, `Bakı`), is plausible; a word mixing scripts (`cafй`, what cp1251 makes of a
    Latin-1 `café`) or built of accented letters only (`Íîâîñòè`, what cp1252 makes of Cyrillic) is not.
    A tie goes to the first candidate, and the Latin ones come first: the articles are English.
    """
    candidates = ("cp1252", "iso-8859-9", "cp1251", "koi8-r", "armscii-8")
    best: tuple[float, str] | None = None
    for enc in candidates:
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        odd = sum(1 for ch in text if not (ch.isalnum() or ch.isspace() or ch in _PLAIN_PUNCTUATION
                                           or ch in _PLAIN_SYMBOLS))
        score = sum(_token_score(t) for t in _TOKEN.findall(text)) - 5 * odd
        if best is None or score > best[0]:
            best = (score, enc)
    return best[1] if best else None


_PLAIN_PUNCTUATION = ".,;:!?'\"()-–—«»…%/&’‘“”"
_PLAIN_SYMBOLS = "€£¥$°±§©®™·×÷¢"       # news prose has prices, degrees, marks: not signs of a wrong codec
_ICELANDIC = "ðþýÐÞÝ"      # cp1252 letters only Icelandic and Faroese write; iso-8859-9 has ğ ş ı there
_TOKEN = re.compile(r"[^\W_]+")


def _token_score(token: str) -> int:
    """A run of letters and digits: `24½`, `km²` and `¥130` are plain in Latin-1, `24ѕ` and `Ґ130` are what
    cp1251 makes of them (a letter of another script glued to a number)."""
    letters = "".join(ch for ch in token if ch.isalpha())
    if not letters:
        return 0
    if len(letters) < len(token) and not letters.isascii():
        return -2 * len(letters)
    return _word_score(letters)


def _word_score(word: str) -> int:
    """Its letters when the word is plausible in some language; minus them when no text would hold it."""
    scripts = {_script(ch) for ch in word}
    if len(scripts) > 1:
        return -2 * len(word)
    if scripts == {"LATIN"}:
        accented = sum(1 for ch in word if not ch.isascii())
        if accented > 1 and accented * 2 >= len(word):
            return -len(word)
        if any(ch in _ICELANDIC for ch in word):   # `Baký þeheri`: Turkish ı ş read as cp1252
            return 0
    elif not (word.islower() or word.isupper() or word.istitle()):   # `оПЧПУФЙ`: koi8-r read as cp1251
        return -len(word)
    return len(word)


def _script(ch: str) -> str:
    import unicodedata

    return unicodedata.name(ch, "?").split(" ", 1)[0]


def check_path(path: str | Path) -> None:
    """Raise the user-facing error for an article path that is missing or a directory."""
    p = Path(path)
    try:
        os.stat(p)
    except FileNotFoundError:
        raise InputError("no such file", path=str(path), hint="check the path") from None
    except OSError as exc:       # a name too long, a link loop, a file where a directory should be
        raise InputError(f"cannot open: {exc.strerror or exc}", path=str(path), hint="check the path") from None
    if p.is_dir():
        raise InputError("is a directory, not an article file", path=str(path), hint="give a .txt file inside it")


def read(path: str | Path, *, encoding: str | None = None, no_split: Spans | None = None, follow: bool = True,
         expect: tuple[int, int] | None = None) -> Document:
    """Read and segment an article file, with errors that name the file and the fix. `follow` and `expect`:
    as `fsutil.read_regular` (an article found in a folder is read only if it is still the file listed)."""
    p = Path(path)
    shown = str(path)
    check_path(p)
    try:
        data = fsutil.read_regular(p, limit=MAX_BYTES, what="an article", follow=follow, expect=expect)
    except PermissionError:
        raise InputError("cannot read the file (permission denied)", path=shown,
                         hint="check its permissions") from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", path=shown) from None
    text, newline, bom, enc = decode(data, path=shown, encoding=encoding)
    if not text.strip():
        raise InputError("the article is empty", path=shown, hint="nothing to translate")
    return parse(text, name=p.stem, source=shown, no_split=no_split, newline=newline, bom=bom, encoding=enc)


