"""The glossary's nouns: a term with its status, a concept with its terms per language."""
from __future__ import annotations

import re
from dataclasses import dataclass

STATUSES = ("preferred", "admitted", "forbidden")
PROTECTED_KINDS = ("dnt", "fixed")
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
MAX_BYTES = 64 << 20       # a glossary file's cap: 50,000 terms take a few MB; stops /dev/zero-like input
#: The longest concept id and the longest cell (a term list, a note) a glossary holds, in characters. The cell
#: cap is Python's csv field limit, so whatever a TBX import writes every TSV reader accepts.
MAX_ID = 256
MAX_CELL = 131_072
#: What a spreadsheet runs as a formula when a cell starts with it (OWASP's CSV injection list): a TSV glossary
#: is opened in one by every translator, so `=cmd|' /C calc'!A0` in a cell is refused on writing, flagged by lint.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 cannot hold (so a TBX export could not either): C0 controls but tab, LF, CR; and U+FFFE/F.
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def id_problem(cid: str) -> str | None:
    """Why `cid` cannot be a concept id (the TSV's first column, a review form's field, a `#.` note), or None."""
    if len(cid) > MAX_ID:
        return f"is {len(cid):,} characters, more than the {MAX_ID} an id may have"
    if any(ch in cid for ch in "\t\n\r"):
        return "holds a tab or a line break; an id is one line"
    return None


def starts_like_a_formula(cell: str) -> bool:
    return cell.startswith(FORMULA_START)


def canonical_language(code: str) -> str | None:
    """The ISO 639-1 code babel uses for a two- or three-letter language code ("arm" → "hy"); None when
    `code` is not written as one or babel does not know it."""
    if not _LANGUAGE_CODE.match(code):
        return None
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(code).language
    except (UnknownLocaleError, ValueError):
        return None


def in_capitals(text: str) -> bool:
    """Two or more letters, all capitals: an acronym (AA, EU), or a word of a headline set in capitals.
    Acronyms match only as written and are never inflected."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


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
