"""PO strings written exactly as GNU gettext writes them, so `msgcat` of our output is our output.

GNU's `wrap()` (gettext-tools write-po.c) escapes a string, cuts it after every `\\n`, finds the break
opportunities of each portion with the Unicode line breaking algorithm (UAX #14, libunistring's
pair-table form), and fills lines greedily up to the page width (79, quotes included). A string that
needs more than one line starts with `msgid ""`. A break never falls inside an escape sequence nor just
before a final `\\n`. Everything here is linear in the length of the string.

The line-break classes below cover what news prose in English, Russian, Azerbaijani and Armenian uses;
anything else falls back to its Unicode category (letters and symbols break like letters). The
differential test in tests/test_powrap.py holds this against `msgcat` itself.
"""
from __future__ import annotations

import re
import unicodedata

PAGE_WIDTH = 79

# UAX #14 classes (only those the pair table needs).
OP, CL, CP, QU, GL, NS, EX, SY, IS, PR, PO, NU, AL, ID, IN, HY, BA, BB, B2, ZW, CM, WJ = range(22)
SP, BK = 22, 23

_CLASS = {
    " ": SP, "!": EX, '"': QU, "'": QU, "(": OP, ")": CP, "[": OP, "]": CP, "{": OP, "}": CL, ",": IS,
    ".": IS, ":": IS, ";": IS, "/": SY, "-": HY, "?": EX, "%": PO, "$": PR, "+": PR, "\\": PR, "|": BA,
    "\t": BA, "\u00a0": GL, "\u202f": GL, "\u2007": GL, "\u2011": GL, "\u034f": GL, "\u2014": B2,
    "\u2013": BA, "\u2010": BA, "\u2012": BA, "\u00ad": BA, "\u2026": IN, "\u2024": IN, "\u2025": IN,
    "\u00ab": QU, "\u00bb": QU, "\u2039": QU, "\u203a": QU, "\u2018": QU, "\u2019": QU, "\u201b": QU,
    "\u201c": QU, "\u201d": QU, "\u201f": QU, "\u201a": OP, "\u201e": OP, "\u00a1": OP, "\u00bf": OP,
    "\u0589": IS, "\u058a": BA, "\u055c": AL, "\u055e": AL, "\u200b": ZW, "\u2060": WJ, "\ufeff": WJ,
    "\u00b0": PO, "\u2030": PO, "\u2032": PO, "\u2033": PO, "\u00a2": PO, "\u2116": PR, "\u00b1": PR,
    "\u20ac": PR, "\u00a3": PR, "\u00a5": PR, "\u20bd": PR, "\u20bc": PR, "\u058f": PR, "\u17db": PR,
    "\u3001": CL, "\u3002": CL, "\uff0c": CL, "\uff0e": CL, "\u30fb": NS, "\u203c": NS, "\u2047": NS,
    "\u2048": NS, "\u2049": NS, "\u3005": NS, "\u301c": NS,
}

# Pair table (UAX #14 table 2): row = class before the break, column = class after it.
# "_" direct break, "%" break only after spaces, "^" no break. Read off libunistring 1.0 (the library
# GNU gettext 0.21 links) with u8_possible_linebreaks on one character of each class.
_COLUMNS = "OP CL CP QU GL NS EX SY IS PR PO NU AL ID IN HY BA BB B2 ZW CM WJ".split()
_ROWS = """
OP ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ % ^
CL _ ^ ^ % % ^ ^ ^ ^ % % _ _ _ % % % _ _ ^ % ^
CP _ ^ ^ % % % ^ ^ ^ % % % % _ % % % _ _ ^ % ^
QU ^ ^ ^ % % % ^ ^ ^ % % % % % % % % % % ^ % ^
GL % ^ ^ % % % ^ ^ ^ % % % % % % % % % % ^ % ^
NS _ ^ ^ % % % ^ ^ ^ _ _ _ _ _ % % % _ _ ^ % ^
EX _ ^ ^ % % % ^ ^ ^ _ _ _ _ _ % % % _ _ ^ % ^
SY _ ^ ^ % % % ^ ^ ^ _ _ % _ _ % % % _ _ ^ % ^
IS _ ^ ^ % % % ^ ^ ^ _ _ % _ _ % % % _ _ ^ % ^
PR % ^ ^ % % % ^ ^ ^ _ _ % % % % % % _ _ ^ % ^
PO % ^ ^ % % % ^ ^ ^ _ _ % % _ % % % _ _ ^ % ^
NU % ^ ^ % % % ^ ^ ^ % % % % _ % % % _ _ ^ % ^
AL % ^ ^ % % % ^ ^ ^ % % % % _ % % % _ _ ^ % ^
ID _ ^ ^ % % % ^ ^ ^ _ % _ _ _ % % % _ _ ^ % ^
IN _ ^ ^ % % % ^ ^ ^ _ _ _ _ _ % % % _ _ ^ % ^
HY _ ^ ^ % _ % ^ ^ ^ _ _ % _ _ % % % _ _ ^ % ^
BA _ ^ ^ % _ % ^ ^ ^ _ _ _ _ _ % % % _ _ ^ % ^
BB % ^ ^ % % % ^ ^ ^ % % % % % % % % % % ^ % ^
B2 _ ^ ^ % % % ^ ^ ^ _ _ _ _ _ % % % _ ^ ^ % ^
ZW _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ ^ _ _
CM % ^ ^ % % % ^ ^ ^ % % % % _ % % % _ _ ^ % ^
WJ % ^ ^ % % % ^ ^ ^ % % % % % % % % % % ^ % ^
"""
_TABLE: list[str] = [""] * len(_COLUMNS)
for _row in _ROWS.strip().splitlines():
    _name, *_cells = _row.split()
    _TABLE[_COLUMNS.index(_name)] = "".join(_cells)

_NEEDS_ESCAPE = re.compile('[\a\b\f\n\r\t\v\\\\"]')
_ESCAPES = {"\a": "a", "\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t", "\v": "v", "\\": "\\", '"': '"'}


def line_class(ch: str) -> int:
    c = _CLASS.get(ch)
    if c is not None:
        return c
    c = _class_of(ch)
    if len(_CLASS) < 100_000:
        _CLASS[ch] = c          # a cache: one dict lookup per character from then on
    return c


def _class_of(ch: str) -> int:
    cat = unicodedata.category(ch)
    if cat == "Nd":
        return NU
    if cat in ("Mn", "Mc", "Me"):
        return CM
    cp = ord(ch)
    if 0x2E80 <= cp <= 0x9FFF or 0xAC00 <= cp <= 0xD7A3 or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x3FFFD:
        return ID
    if cat == "Ps":
        return OP
    if cat == "Pe":
        return CL
    if cat in ("Pi", "Pf"):
        return QU
    if cat == "Pd":
        return BA
    if cat == "Zs":
        return BA
    if cat == "Sc":
        return PR
    return AL


def char_width(ch: str) -> int:
    """Columns on a terminal, as libunistring's uc_width counts them (wide East Asian characters: 2)."""
    if ch < "\u0300":
        return 1
    w = _WIDTH.get(ch)
    if w is None:
        w = _width_of(ch)
        if len(_WIDTH) < 100_000:
            _WIDTH[ch] = w
    return w


_WIDTH: dict[str, int] = {}


def _width_of(ch: str) -> int:
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _escaped(portion: str) -> tuple[list[str], list[int]]:
    """The portion as written between quotes, one cell per written character, and the cells that may
    never have a break before them (the second character of an escape)."""
    if _NEEDS_ESCAPE.search(portion) is None:
        return list(portion), []
    cells: list[str] = []
    glued: list[int] = []
    for ch in portion:
        esc = _ESCAPES.get(ch)
        if esc is not None:
            cells += ["\\", esc]
            glued.append(len(cells) - 1)
        else:
            cells.append(ch)
    return cells, glued


def _opportunities(cells: list[str], glued: list[int]) -> list[bool]:
    """breaks[i]: a line may break before cells[i] (libunistring's u8_possible_linebreaks)."""
    n = len(cells)
    breaks = [False] * n
    last = BK            # class of the last character that was not a space
    seen_space = False
    classes = _CLASS
    for i, ch in enumerate(cells):
        cls = classes.get(ch)
        if cls is None:
            cls = line_class(ch)
        if cls == SP:
            seen_space = True
            continue
        if cls == CM:
            if last == BK or seen_space:
                cls = AL          # a mark after a space or at the start behaves like a letter
            else:
                continue          # it attaches to what it follows
        if last != BK:
            rule = _TABLE[last][cls]
            breaks[i] = rule == "_" or (rule == "%" and seen_space)
        last = cls
        seen_space = False
    for i in glued:
        breaks[i] = False
    return breaks


def _fill(cells: list[str], breaks: list[bool], width: int, startcol: int) -> list[int]:
    """Where to break (indices), greedily, as libunistring's ulc_width_linebreaks does."""
    chosen: list[int] = []
    last_possible = -1
    last_column = startcol
    piece = 0
    for i, ch in enumerate(cells):
        if breaks[i]:
            if last_possible >= 0 and last_column + piece > width:
                chosen.append(last_possible)
                last_column = 0
            last_possible = i
            last_column += piece
            piece = 0
        piece += 1 if ch < "\u0300" else char_width(ch)
    if last_possible >= 0 and last_column + piece > width:
        chosen.append(last_possible)
    return chosen


def wrap(name: str, value: str, prefix: str = "", width: int = PAGE_WIDTH) -> list[str]:
    """The lines (without "\\n") of `name "value"` as GNU gettext writes them, e.g. for `msgid`."""
    portions: list[str] = []
    start = 0
    while True:
        nl = value.find("\n", start)
        if nl < 0 or nl == len(value) - 1:
            portions.append(value[start:])
            break
        portions.append(value[start:nl + 1])
        start = nl + 1
    after_break = len(prefix) + 1
    line_width = width - 1 - after_break
    lines: list[str] = []
    first_line = True
    for k, portion in enumerate(portions):
        cells, glued = _escaped(portion)
        if portion.endswith("\n") and len(cells) >= 2:
            glued.append(len(cells) - 2)       # never break just before the final "\n"
        more = k + 1 < len(portions)
        if not more and portion.isascii() and len(prefix) + len(name) + 3 + len(cells) <= width:
            lines.append(f'{prefix}{name} "{"".join(cells)}"' if first_line else f'{prefix}"{"".join(cells)}"')
            break                  # fits on the line as it is: no break to look for
        breaks = _opportunities(cells, glued)
        if first_line:
            startcol = len(prefix) + len(name) + 1 + 1 - after_break
            chosen = _fill(cells, breaks, line_width, startcol)
            if cells and (more or startcol > line_width or chosen):
                lines.append(f'{prefix}{name} ""')
                first_line = False
        if not first_line:
            chosen = _fill(cells, breaks, line_width, 0)
        head = f"{prefix}{name} " if first_line else prefix
        first_line = False
        edges = [0, *chosen, len(cells)]
        for a, b in zip(edges, edges[1:]):
            lines.append(f'{head}"{"".join(cells[a:b])}"')
            head = prefix
    return lines
