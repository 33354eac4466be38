"""How far post-editing has come, per language or per article: approved, fuzzy, blocked and untranslated
segments, terms, conflicts.

"Approved" agrees with the gate: an entry `check` blocks and `build` refuses whatever its flag says (an approved
pseudo-translation, a msgcat/msguniq merge leftover: qa.gate_findings) counts as blocked, not approved or fuzzy.
"""
from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .confidence import Confidence

if TYPE_CHECKING:
    from .glossary import Glossary


@dataclass(frozen=True, slots=True)
class LanguageStats:
    lang: str
    catalogs: int
    segments: int
    words: int              # English words in the segments
    approved: int           # translated, not fuzzy, and publishable (the gate does not block it)
    fuzzy: int
    untranslated: int
    blocked: int            # what the gate blocks (approved pseudo, merge leftovers): neither approved nor fuzzy
    terms_total: int        # glossary terms in translated segments
    terms_ok: int           # of those, present in the translation in an accepted form
    conflicts: int          # approved entries that break the glossary (reported by re-runs, never rewritten)
    article: str = ""       # the catalog's document name, when counted per article
    confidence: float | None = None   # mean confidence of the untouched machine translations that have one

    def percent(self, n: int) -> float:
        return round(100.0 * n / self.segments, 1) if self.segments else 0.0

    @property
    def term_rate(self) -> float | None:
        return round(100.0 * self.terms_ok / self.terms_total, 1) if self.terms_total else None

    def as_dict(self) -> dict:
        d = asdict(self)
        d.update(approved_pct=self.percent(self.approved), fuzzy_pct=self.percent(self.fuzzy),
                 untranslated_pct=self.percent(self.untranslated), blocked_pct=self.percent(self.blocked),
                 term_rate=self.term_rate)
        return d


def collect(locales: Path, *, glossary: Glossary | None = None, targets: Sequence[str] = (),
            by_article: bool = False, name: str | Collection[str] | None = None) -> list[LanguageStats]:
    """One row per language (all its catalogs), or with `by_article` one per language and article."""
    from . import catalog, locales as locales_mod, pofile, qa, terms

    found = locales_mod.catalogs(locales, targets=targets, name=name)
    by_lang: dict[tuple[str, str], list[Path]] = {}
    for lang, path in found:
        by_lang.setdefault((lang, path.stem if by_article else ""), []).append(path)
    out = []
    for lang, article in sorted(by_lang):
        n = dict(catalogs=0, segments=0, words=0, approved=0, fuzzy=0, untranslated=0, blocked=0, terms_total=0,
                 terms_ok=0, conflicts=0)
        scores: list[float] = []
        for path in by_lang[(lang, article)]:
            n["catalogs"] += 1
            po = pofile.read(path, lang=lang)
            surnames = qa.catalog_surnames(po, glossary)     # one article, read as `check` reads it
            for e in po:
                if e.obsolete or not e.msgid:
                    continue
                n["segments"] += 1
                n["words"] += len(re.findall(r"\w+(?:[,.'’]\w+)*", e.msgid))
                if not catalog.text_of(e):     # a plural entry's translation is its msgstr[N]
                    n["untranslated"] += 1
                    continue
                if qa.gate_findings(e, lang):   # not a translation anyone approved: its terms count for nothing
                    n["blocked"] += 1
                    continue
                n["fuzzy" if e.fuzzy else "approved"] += 1
                score = catalog.entry_confidence(e)
                if score is not None:
                    scores.append(score.value)
                if glossary is not None:
                    total = len({h.concept.id for h in terms.source.concept_hits(glossary, e.msgid, surnames)
                                 if h.concept.accepted(lang)})
                    bad = {f.concept for f in qa.term_findings(e.msgid, e.msgstr, glossary, lang, approved=not e.fuzzy,
                                                            translator_comment=e.tcomment, surnames=surnames)
                           if f.severity != "info"}
                    n["terms_total"] += total
                    n["terms_ok"] += max(0, total - len(bad))
                    if bad and not e.fuzzy:
                        n["conflicts"] += 1
        mean = round(sum(scores) / len(scores), 4) if scores else None
        out.append(LanguageStats(lang, **n, article=article, confidence=mean))
    return out


@dataclass(frozen=True, slots=True)
class Unsure:
    """An unreviewed machine translation and how sure the engine was of it."""

    lang: str
    catalog: str
    line: int
    position: str           # "b3.s1": where it is in the article
    source: str
    target: str
    confidence: Confidence

    def as_dict(self) -> dict:
        return {"lang": self.lang, "catalog": self.catalog, "line": self.line, "position": self.position,
                "source": self.source, "target": self.target, "confidence": self.confidence.as_dict()}


def least_confident(found: Sequence[tuple[str, Path]], n: int) -> list[Unsure]:
    """The `n` unreviewed machine translations with the lowest confidence, lowest first, over catalogs
    (lang, path): what a post-editor looks at first."""
    from . import catalog, pofile

    out = []
    for lang, path in found:
        for e in pofile.read(path, lang=lang):
            if e.obsolete or not e.msgid:
                continue
            score = catalog.entry_confidence(e)
            if score is not None:
                out.append(Unsure(lang, str(path), e.linenum, catalog.position(e), e.msgid, e.msgstr, score))
    out.sort(key=lambda u: (u.confidence.value, u.lang, u.catalog, u.line))
    return out[:n]
