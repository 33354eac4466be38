"""Findings: what a check found, as data with a code. Severity and exit status come from the code, never
from the words of the message, so a message can be reworded without changing what blocks publishing.

`toolkit glossary check` and `glossary conflicts`, `toolkit check` and `toolkit stats` all report this
one type. A new check adds its code to `CODES` (a test fails on a code that is not there).
"""
from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("error", "warning", "info")
#: a problem of one catalog entry: blocking ("error") when the entry is approved, a "warning" while it is fuzzy
BY_ENTRY = "error on an approved entry, warning on a fuzzy one"

#: code -> its severity (one of SEVERITIES, or BY_ENTRY) and what it means
CODES: dict[str, tuple[str, str]] = {
    # glossary files (`toolkit glossary check`)
    "source-conflict": ("error", "the same English term has different preferred targets"),
    "preferred-forbidden": ("error", "a term is preferred in one concept and forbidden in another"),
    "shared-target": ("error", "different English terms share one preferred target"),
    "lookalike": ("error", "a letter from the wrong script or keyboard layout"),
    "overlap": ("warning", "a term is part of a longer term; the longer one wins where both match"),
    "empty-cell": ("warning", "a concept has no term for a language"),
    "not-nfc": ("warning", "a cell is not in Unicode NFC"),
    "invisible": ("warning", "a cell holds an invisible character or a no-break space"),
    "formula": ("error", "a cell starts with = + - @: a spreadsheet opening the TSV runs it as a formula"),
    "target-is-english": ("warning", "a target term is the English text; kind dnt says that is intended"),
    "contested": ("warning", "a concept admits an alternative to its preferred term: an editorial choice"),
    # glossary terms in translations (`toolkit check`, `stats`, `translate`)
    "term-missing": (BY_ENTRY, "a glossary term of the source has no accepted form in the translation"),
    "term-forbidden": (BY_ENTRY, "a forbidden variant of a glossary term is in the translation"),
    "term-admitted": (BY_ENTRY, "an admitted variant that policy wants repaired could not be"),
    "term-variant": (BY_ENTRY, "a misspelt or other-language variant of a glossary term"),
    "term-source-copy": (BY_ENTRY, "the English form of a term was left in the translation"),
    "term-dropped": (BY_ENTRY, "the engine dropped a protected term; it was put back near its position"),
    "term-no-target": ("info", "the glossary has no term for this language: not the translation's fault"),
    "catalog-term": (BY_ENTRY, "a catalog entry breaks the glossary (`toolkit glossary conflicts`)"),
    "variant-seen": ("warning", "a name variant machine output used: add it to the glossary, or forbid it"),
    "waiver": ("info", "a translator accepts a term as written (`# toolkit: accept ...`)"),
    "waiver-unknown": ("warning", "a translator's waiver names no concept of the glossary (a typo?)"),
    "name-seen": ("info", "a glossary name inside a longer name of the sources, left alone: add it if it matters"),
    # the rest of `toolkit check`
    "number": (BY_ENTRY, "a number of the source is not in the translation"),
    "date": (BY_ENTRY, "a month of a source date is not in the translation"),
    "untranslated": ("error", "no translation: the source text would be published"),
    "merge-conflict": ("error", "msgcat/msguniq left two translations between #-#-#-#-# lines: a merge to resolve"),
    "pseudo": ("error", "an approved pseudo-translation ([xx: …] accented text): never published"),
    "unreviewed-edit": ("error", "approved with the #| of an earlier sentence: nobody reviewed it for this one"),
    "stale-catalog": ("error", "the article changed since it was translated: run translate again"),
    "fuzzy": ("warning", "not reviewed"),
    "repetition": ("error", "a word or phrase repeated, a small model's failure"),
    "length": ("warning", "the translation's length is far from the source's"),
    "punctuation": ("warning", "the target's own punctuation is not used (hy ։), or two quote styles side by side"),
    # what pofilter also finds, in the target language's own typography (docs/pofilter.md)
    "brackets": ("warning", "a bracket or quote of the translation is left open (or closed without opening)"),
    "spaces": ("warning", "a double space, or a space at the end, the source does not have"),
    "end-punctuation": ("warning", "the source ends a sentence with a full stop (or ? !) and the translation does not"),
    "newline": (BY_ENTRY, "a line break inside a translation the source does not have: it breaks the paragraph"),
}


def severity_of(code: str, *, fuzzy: bool = False) -> str:
    """The severity of a finding with `code` (on a fuzzy entry, if `fuzzy`)."""
    try:
        severity = CODES[code][0]
    except KeyError:
        raise ValueError(f"unknown finding code {code!r}: add it to toolkit.findings.CODES") from None
    if severity == BY_ENTRY:
        return "warning" if fuzzy else "error"
    return severity


@dataclass(frozen=True, slots=True)
class Finding:
    code: str                                  # a key of CODES: "term-missing", "number", "overlap", ...
    message: str                               # for people; nothing branches on it
    lang: str = ""
    entry: str = ""                            # how reports name the entry: its segment, else its msgctxt
    term: str = ""                             # the glossary term concerned, in `lang` when it has one
    concept: str = ""                          # the glossary concept's id, when the finding is about one
    span: tuple[int, int] | None = None        # where in the entry's translation, when known
    places: tuple[tuple[str, int], ...] = ()   # (file, line): glossary rows, or the catalog entry
    fuzzy: bool = False                        # the entry is unreviewed (see BY_ENTRY)
    catalog: str = ""                          # the catalog file of an entry's finding
    confidence: float | None = None            # of the entry's untouched machine translation, if it has one
    article: str = ""                          # the catalog's article (document name), for findings over several
    segment: str = ""                          # "b3.s1": where the entry is in the article, when known
    msgid: str = ""                            # the entry's source sentence (gettext's key with its msgctxt)

    def __post_init__(self) -> None:
        severity_of(self.code)                 # an unknown code fails where it is made, not where it is read

    def __str__(self) -> str:
        return self.message

    @property
    def severity(self) -> str:
        return severity_of(self.code, fuzzy=self.fuzzy)

    @property
    def is_blocking(self) -> bool:
        return self.severity == "error"

    def as_dict(self) -> dict:
        # "msgctxt" repeats `entry` for the readers of 0.1 JSON and goes in the next release: read "segment"
        return {"code": self.code, "severity": self.severity, "lang": self.lang, "article": self.article,
                "segment": self.segment, "msgid": self.msgid, "msgctxt": self.entry,
                "term": self.term, "concept": self.concept, "message": self.message, "catalog": self.catalog,
                "span": list(self.span) if self.span else None,
                "places": [{"file": f, "line": n} for f, n in self.places], "confidence": self.confidence}


def blocking(findings) -> list[Finding]:
    return [f for f in findings if f.is_blocking]


def summary(findings) -> dict[str, int]:
    """How many findings of each severity."""
    counts = {s: 0 for s in SEVERITIES}
    for f in findings:
        counts[f.severity] += 1
    return counts
