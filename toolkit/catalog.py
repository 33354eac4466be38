"""Gettext catalogs: the .pot of a document, one .po per language, merged without losing human work.

Read and written with polib only, always from and to paths, with a fixed wrap width; babel serves
locale facts (plural forms) only. See ../shared/reference/reliability.md for why.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polib

from . import __version__, langs
from .document import Document, Segment

from .pofile import WRAP_WIDTH
PROJECT = f"toolkit {__version__}"


@dataclass(frozen=True, slots=True)
class Translation:
    """A machine translation of one segment, with what terminology enforcement did to it."""

    segment: Segment
    lang: str
    text: str
    engine: str                       # engine identity, e.g. "argos translate-en_ru 1.9 (int8)"
    notes: tuple[str, ...] = ()       # one line per glossary term applied, for `#.`
    problems: tuple[str, ...] = ()    # why it cannot be trusted beyond being machine output
    terms_total: int = 0
    terms_ok: int = 0


@dataclass(slots=True)
class Changes:
    added: list[str] = field(default_factory=list)        # msgctxt of new entries
    updated: list[str] = field(default_factory=list)      # source changed: fuzzy with #| previous msgid
    moved: list[str] = field(default_factory=list)        # same sentence, new position
    kept: list[str] = field(default_factory=list)         # unchanged
    obsoleted: list[str] = field(default_factory=list)    # removed from the source: now #~

    @property
    def count(self) -> int:
        return len(self.added) + len(self.updated) + len(self.moved) + len(self.obsoleted)


def pot_path(locales: Path, doc: Document) -> Path:
    return locales / f"{doc.name}.pot"


def po_path(locales: Path, lang: str, doc: Document) -> Path:
    return locales / lang / "LC_MESSAGES" / f"{doc.name}.po"


def header(lang: str | None, previous: Mapping[str, str] | None = None) -> dict[str, str]:
    """Header fields in a fixed order; fields a translator or editor added are kept after ours."""
    prev = dict(previous or {})
    meta = {
        "Project-Id-Version": prev.get("Project-Id-Version") or PROJECT,
        "Report-Msgid-Bugs-To": prev.get("Report-Msgid-Bugs-To", ""),
        "POT-Creation-Date": prev.get("POT-Creation-Date", ""),
        "PO-Revision-Date": prev.get("PO-Revision-Date", ""),
        "Last-Translator": prev.get("Last-Translator", ""),
        "Language-Team": prev.get("Language-Team", ""),
        "Language": lang or "",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    if lang:
        meta["Plural-Forms"] = langs.plural_forms(lang)
    meta["X-Generator"] = PROJECT
    for key, value in prev.items():
        meta.setdefault(key, value)
    return meta


def _reference(doc: Document, seg: Segment) -> tuple[str, str]:
    return (doc.source, str(seg.line))


def build_pot(doc: Document) -> polib.POFile:
    pot = polib.POFile(wrapwidth=WRAP_WIDTH)
    pot.metadata = header(None)
    pot.header = f"Translation template for {doc.source}."
    for seg in doc.segments:
        pot.append(polib.POEntry(msgctxt=seg.id, msgid=seg.text, msgstr="", occurrences=[_reference(doc, seg)]))
    return pot


def pending(doc: Document, existing: polib.POFile | None) -> list[Segment]:
    """Segments whose sentence has no entry yet: only these go to the engine."""
    if existing is None:
        return list(doc.segments)
    known = {e.msgid for e in existing if not e.obsolete and e.msgstr}
    return [s for s in doc.segments if s.text not in known]


def merge(doc: Document, lang: str, existing: polib.POFile | None,
          translations: Mapping[str, Translation]) -> tuple[polib.POFile, Changes]:
    """msgmerge semantics: approved text is never replaced, changed sources turn fuzzy with `#|`."""
    changes = Changes()
    old_active = [e for e in existing if not e.obsolete] if existing is not None else []
    old_obsolete = [e for e in existing if e.obsolete] if existing is not None else []
    by_key = {(e.msgctxt, e.msgid): e for e in old_active}
    by_msgid: dict[str, polib.POEntry] = {}
    for e in [*old_active, *old_obsolete]:
        by_msgid.setdefault(e.msgid, e)
    by_ctxt = {e.msgctxt: e for e in old_active}
    used: set[int] = set()

    po = polib.POFile(wrapwidth=WRAP_WIDTH)
    po.header = existing.header if existing is not None and existing.header else \
        f"{langs.english_name(lang)} translation of {doc.source}."
    po.metadata = header(lang, existing.metadata if existing is not None else None)

    for seg in doc.segments:
        tr = translations.get(seg.id)
        old = by_key.get((seg.id, seg.text))
        if old is not None and id(old) not in used:
            entry = _carry(old, doc, seg)
            changes.kept.append(seg.id)
        elif (old := by_msgid.get(seg.text)) is not None and id(old) not in used:
            entry = _carry(old, doc, seg)
            changes.moved.append(seg.id)
        elif (old := by_ctxt.get(seg.id)) is not None and id(old) not in used and tr is not None:
            entry = _machine(doc, seg, tr)
            entry.previous_msgid = old.msgid
            entry.tcomment = old.tcomment
            changes.updated.append(seg.id)
            if not old.fuzzy and old.msgstr:
                # The translator's text for the old sentence stays recoverable as an obsolete entry.
                keep = _copy(old)
                keep.obsolete = True
                old_obsolete.append(keep)
        elif tr is not None:
            old = None
            entry = _machine(doc, seg, tr)
            changes.added.append(seg.id)
        else:
            old = None
            entry = polib.POEntry(msgctxt=seg.id, msgid=seg.text, msgstr="", occurrences=[_reference(doc, seg)])
            changes.added.append(seg.id)
        if old is not None:
            used.add(id(old))
        po.append(entry)

    for e in old_active:
        if id(e) not in used:
            gone = _copy(e)
            gone.obsolete = True
            gone.occurrences = []
            po.append(gone)
            changes.obsoleted.append(e.msgctxt or e.msgid)
    for e in old_obsolete:
        if id(e) not in used:
            po.append(e)
    return po, changes


def _machine(doc: Document, seg: Segment, tr: Translation) -> polib.POEntry:
    comments = [f"machine translation: {tr.engine}", *tr.notes, *(f"check: {p}" for p in tr.problems)]
    return polib.POEntry(msgctxt=seg.id, msgid=seg.text, msgstr=tr.text, occurrences=[_reference(doc, seg)],
                         comment="\n".join(comments), flags=["fuzzy"])


def _carry(old: polib.POEntry, doc: Document, seg: Segment) -> polib.POEntry:
    entry = _copy(old)
    entry.obsolete = False
    entry.msgctxt = seg.id
    entry.occurrences = [_reference(doc, seg)]
    return entry


def _copy(e: polib.POEntry) -> polib.POEntry:
    return polib.POEntry(msgctxt=e.msgctxt, msgid=e.msgid, msgstr=e.msgstr, occurrences=list(e.occurrences),
                         comment=e.comment, tcomment=e.tcomment, flags=list(e.flags),
                         previous_msgid=e.previous_msgid, previous_msgctxt=e.previous_msgctxt,
                         obsolete=e.obsolete)


def segments_translated(po: polib.POFile) -> dict[str, polib.POEntry]:
    return {e.msgctxt: e for e in po if not e.obsolete and e.msgctxt}


def entries(po: polib.POFile) -> Sequence[polib.POEntry]:
    return [e for e in po if not e.obsolete]
