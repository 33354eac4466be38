"""Gettext catalogs: the .pot of a document, one .po per language, merged without losing human work.

Read and written with polib only, always from and to paths, with a fixed wrap width; babel serves
locale facts (plural forms) only. Why: babel's reader turns `#| msgid` into a translator comment and
rewrites the header, mixing the two writers re-wraps every long line, and both accept a truncated
string without a word, so `pofile.read` lexes strictly first (tests/fixtures/po/ holds the cases).

Merge policy (msgmerge's contract, plus what positional msgctxt ids need):

1. An entry whose (msgctxt, msgid) is unchanged is carried over as it is: msgstr, fuzzy flag,
   translator comments (`#`), `#|` previous source.
2. Then, over the whole document, a sentence whose text is an existing entry's msgid is that entry
   *moved* (an insertion or deletion earlier in the block shifts every later id): it keeps its
   translation and its state. msgmerge would mark it fuzzy because the context changed; we don't,
   because the source sentence is identical. Obsolete `#~` entries count too (a deleted sentence that
   comes back gets its old translation back), and a sentence that occurs twice shares a translation.
3. What is left on both sides is paired as *edited* sentences: the most similar pairs first
   (difflib ratio, +0.15 when the msgctxt is the same, accepted from 0.6). An edited sentence becomes
   fuzzy with `#|` previous msgctxt/msgid and keeps its translator comments. Its msgstr is the new
   machine suggestion; the old translation is kept as an obsolete `#~` entry under the old source
   (and named in a `#.` line), so it is recoverable and comes back by itself if the edit is reverted.
   Without a machine suggestion the old translation stays as the fuzzy msgstr, exactly as
   `msgmerge --previous` does.
4. New sentences get new entries (machine suggestion, fuzzy); old entries left over become obsolete.

Only sentences without a usable msgid match (`pending`) go to the engine, plus, when a real engine runs,
entries that still hold an untouched pseudo-translation. Approved entries whose
translation breaks the current glossary get a `#. glossary:` line and are listed in
`Changes.conflicts`; their msgstr is never touched.

Timestamps: POT-Creation-Date and PO-Revision-Date change only when the entries change (the clock is
`SOURCE_DATE_EPOCH` when set), so a re-run with the same inputs writes the same bytes.
"""
from __future__ import annotations

import difflib
import heapq
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import polib

from . import __version__, langs
from .document import Document, Segment
from .pofile import WRAP_WIDTH, entry_key

if TYPE_CHECKING:
    from .glossary import Glossary

PROJECT = f"toolkit {__version__}"
#: Similarity (difflib ratio, + SAME_CONTEXT_BONUS for the same msgctxt) from which a removed and an added
#: sentence are taken to be one edited sentence.
EDIT_THRESHOLD = 0.6
SAME_CONTEXT_BONUS = 0.15
#: Above this many candidate pairs only same-msgctxt pairs are compared (keeps huge merges linear).
MAX_PAIRS = 250_000
GLOSSARY_NOTE = "glossary: "
MACHINE_NOTE = "machine translation: "
PREVIOUS_NOTE = "previous translation (kept as an obsolete entry): "


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
    moved: list[str] = field(default_factory=list)        # same sentence, new position (or back from #~)
    kept: list[str] = field(default_factory=list)         # unchanged
    obsoleted: list[str] = field(default_factory=list)    # removed from the source: now #~
    filled: list[str] = field(default_factory=list)       # empty msgstr given a machine suggestion
    conflicts: list[str] = field(default_factory=list)    # approved, but breaks the glossary: reported only

    @property
    def count(self) -> int:
        return len(self.added) + len(self.updated) + len(self.moved) + len(self.obsoleted) + len(self.filled)


@dataclass(frozen=True, slots=True)
class Match:
    kind: str                          # "kept", "moved", "updated", "added"
    old: polib.POEntry | None


def pot_path(locales: Path, doc: Document) -> Path:
    return locales / f"{doc.name}.pot"


def po_path(locales: Path, lang: str, doc: Document) -> Path:
    return locales / lang / "LC_MESSAGES" / f"{doc.name}.po"


def now_stamp() -> str:
    """The gettext date format; `SOURCE_DATE_EPOCH` (reproducible builds) fixes the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    t = time.gmtime(int(epoch)) if epoch and epoch.isdigit() else time.gmtime()
    return time.strftime("%Y-%m-%d %H:%M+0000", t)


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


def build_pot(doc: Document, previous: polib.POFile | Path | None = None) -> polib.POFile:
    """The template; its POT-Creation-Date is the previous one's unless the entries changed."""
    pot = polib.POFile(wrapwidth=WRAP_WIDTH)
    pot.header = f"Translation template for {doc.source}."
    for seg in doc.segments:
        pot.append(polib.POEntry(msgctxt=seg.id, msgid=seg.text, msgstr="", occurrences=[_reference(doc, seg)]))
    if isinstance(previous, Path):
        from . import pofile

        previous = pofile.read(previous) if previous.exists() else None
    pot.metadata = header(None, previous.metadata if previous is not None else None)
    if previous is None or _body(pot) != _body(previous):
        pot.metadata["POT-Creation-Date"] = now_stamp()
    return pot


def _body(po: polib.POFile) -> list[tuple]:
    """What a catalog says, entry by entry, without rendering it (rendering wraps every line: slow)."""
    return [entry_key(e) for e in po]


# -- matching ---------------------------------------------------------------------------------------------

def plan(doc: Document, existing: polib.POFile | None) -> dict[str, Match]:
    """For every segment id: which old entry it continues, and how (see the module docstring)."""
    segs = doc.segments
    if existing is None:
        return {s.id: Match("added", None) for s in segs}
    active = [e for e in existing if not e.obsolete]
    obsolete = [e for e in existing if e.obsolete]
    used: set[int] = set()
    out: dict[str, Match] = {}

    by_key = {(e.msgctxt, e.msgid): e for e in active}
    for s in segs:
        old = by_key.get((s.id, s.text))
        if old is not None and id(old) not in used:
            out[s.id] = Match("kept", old)
            used.add(id(old))

    by_msgid: dict[str, list[polib.POEntry]] = {}
    for e in active:
        by_msgid.setdefault(e.msgid, []).append(e)
    obsolete_by_key = {(e.msgctxt, e.msgid): e for e in obsolete}
    obsolete_by_msgid: dict[str, polib.POEntry] = {}
    for e in obsolete:
        if e.msgstr or e.msgid not in obsolete_by_msgid:
            obsolete_by_msgid[e.msgid] = e
    for s in segs:
        if s.id in out:
            continue
        same = by_msgid.get(s.text, [])
        old = next((e for e in same if id(e) not in used), None) \
            or obsolete_by_key.get((s.id, s.text)) or obsolete_by_msgid.get(s.text) \
            or next(iter(same), None)  # the sentence occurs twice: share the translation
        if old is not None:
            out[s.id] = Match("moved", old)
            used.add(id(old))

    new = [s for s in segs if s.id not in out]
    gone = [e for e in active if id(e) not in used]
    if new and gone:
        for i, j in _pair_edits(new, gone):
            out[new[i].id] = Match("updated", gone[j])
    for s in segs:
        out.setdefault(s.id, Match("added", None))
    return out


def _pair_edits(new: Sequence[Segment], gone: Sequence[polib.POEntry]) -> list[tuple[int, int]]:
    """Greedy pairing, most similar first, of added sentences with entries left over (edited sentences).

    Same result as scoring every pair with difflib and taking the pairs in order of (-score, i, j), but
    lazy: every pair goes on a heap under quick_ratio (an upper bound of ratio); the exact ratio is
    computed only when a pair reaches the top with both sides still free, and pushed back. The edited-in-
    place pair usually wins at once and the other pairs of its sentences are never scored, so k edits cost
    about k ratio calls instead of k² (81 edits in 10,000 sentences: 4.3 s → 0.4 s).
    """
    crowded = len(new) * len(gone) > MAX_PAIRS
    gone_by_ctxt = {e.msgctxt: j for j, e in enumerate(gone)}
    heap: list[tuple[float, int, int, bool]] = []
    sm = difflib.SequenceMatcher(None, autojunk=False)
    for i, s in enumerate(new):
        sm.set_seq2(s.text)             # the matcher indexes seq2: once per new sentence
        lb = len(s.text)
        candidates = ([gone_by_ctxt[s.id]] if s.id in gone_by_ctxt else []) if crowded else range(len(gone))
        for j in candidates:
            e = gone[j]
            bonus = SAME_CONTEXT_BONUS if e.msgctxt == s.id else 0.0
            la = len(e.msgid)
            if la + lb == 0 or 2.0 * min(la, lb) / (la + lb) + bonus < EDIT_THRESHOLD:
                continue                # real_quick_ratio, without touching the matcher
            sm.set_seq1(e.msgid)
            bound = sm.quick_ratio() + bonus
            if bound >= EDIT_THRESHOLD:
                heap.append((-bound, i, j, True))
    heapq.heapify(heap)
    taken_new: set[int] = set()
    taken_old: set[int] = set()
    pairs = []
    while heap:
        neg, i, j, is_bound = heapq.heappop(heap)
        if i in taken_new or j in taken_old:
            continue
        if is_bound:
            bonus = SAME_CONTEXT_BONUS if gone[j].msgctxt == new[i].id else 0.0
            score = difflib.SequenceMatcher(None, gone[j].msgid, new[i].text, autojunk=False).ratio() + bonus
            if score >= EDIT_THRESHOLD:
                heapq.heappush(heap, (-score, i, j, False))
            continue
        taken_new.add(i)
        taken_old.add(j)
        pairs.append((i, j))
    return pairs


def pending(doc: Document, existing: polib.POFile | None,
            matches: Mapping[str, Match] | None = None, *, refresh_pseudo: bool = False) -> list[Segment]:
    """Segments the engine must translate: new and edited sentences, and entries still empty; with
    `refresh_pseudo` (a real engine is translating), also untouched pseudo-translations.
    Pass the `plan` you will give `merge` to compute it once."""
    matches = matches if matches is not None else plan(doc, existing)
    return [s for s in doc.segments if matches[s.id].old is None or matches[s.id].kind == "updated"
            or not matches[s.id].old.msgstr or (refresh_pseudo and is_untouched_pseudo(matches[s.id].old))]


def is_untouched_pseudo(e: polib.POEntry) -> bool:
    """A pseudo-translation nobody has worked on: still fuzzy, still `[xx: …]`, still signed by pseudo.
    A real engine replaces these (a first look with `--engine pseudo` must not block real MT later);
    anything a translator touched (approved, or the brackets edited away) is kept like any fuzzy entry."""
    return (e.fuzzy and e.msgstr.startswith("[") and e.msgstr.endswith("]") and ": " in e.msgstr[:12]
            and any(line.startswith(MACHINE_NOTE + "pseudo") for line in e.comment.split("\n")))


# -- merging ----------------------------------------------------------------------------------------------

def merge(doc: Document, lang: str, existing: polib.POFile | None, translations: Mapping[str, Translation],
          *, glossary: Glossary | None = None,
          matches: Mapping[str, Match] | None = None) -> tuple[polib.POFile, Changes]:
    """msgmerge semantics: approved text is never replaced, changed sources turn fuzzy with `#|`.
    `matches` is `plan(doc, existing)` if the caller has it already."""
    changes = Changes()
    matches = matches if matches is not None else plan(doc, existing)
    po = polib.POFile(wrapwidth=WRAP_WIDTH)
    po.header = existing.header if existing is not None and existing.header else \
        f"{langs.english_name(lang)} translation of {doc.source}."
    po.metadata = header(lang, existing.metadata if existing is not None else None)

    displaced: list[polib.POEntry] = []      # human text of edited sentences, to keep as #~
    used: set[int] = set()
    for seg in doc.segments:
        match = matches[seg.id]
        tr = translations.get(seg.id)
        old = match.old
        if old is not None:
            used.add(id(old))
        if match.kind in ("kept", "moved"):
            entry = _carry(old, doc, seg)
            (changes.kept if match.kind == "kept" else changes.moved).append(seg.id)
            if tr is not None and (not entry.msgstr or is_untouched_pseudo(entry)):
                entry.msgstr = tr.text
                entry.comment = _machine_comment(tr)
                if "fuzzy" not in entry.flags:
                    entry.flags.append("fuzzy")
                changes.filled.append(seg.id)
        elif match.kind == "updated":
            assert old is not None
            if tr is not None:
                entry = _machine(doc, seg, tr)
                if old.msgstr and old.msgstr != tr.text:
                    entry.comment += "\n" + PREVIOUS_NOTE + old.msgstr
                    keep = _copy(old)
                    keep.obsolete = True
                    keep.occurrences = []
                    displaced.append(keep)
            else:
                entry = _carry(old, doc, seg)
                if "fuzzy" not in entry.flags:
                    entry.flags.append("fuzzy")
            entry.tcomment = old.tcomment
            entry.previous_msgid = old.msgid
            entry.previous_msgctxt = old.msgctxt if old.msgctxt != seg.id else None
            changes.updated.append(seg.id)
        else:
            entry = _machine(doc, seg, tr) if tr is not None else \
                polib.POEntry(msgctxt=seg.id, msgid=seg.text, msgstr="", occurrences=[_reference(doc, seg)])
            changes.added.append(seg.id)
        _recheck(entry, glossary, lang, changes)
        po.append(entry)

    obsolete: dict[tuple[str | None, str], polib.POEntry] = {}
    if existing is not None:
        for e in existing:
            if e.obsolete and id(e) not in used:
                obsolete[(e.msgctxt, e.msgid)] = e
        for e in existing:
            if not e.obsolete and id(e) not in used:
                gone = _copy(e)
                gone.obsolete = True
                gone.occurrences = []
                obsolete.pop((gone.msgctxt, gone.msgid), None)
                obsolete[(gone.msgctxt, gone.msgid)] = gone
                changes.obsoleted.append(e.msgctxt or e.msgid)
    for keep in displaced:
        obsolete.pop((keep.msgctxt, keep.msgid), None)   # a newer human text for the same old source wins
        obsolete[(keep.msgctxt, keep.msgid)] = keep
    active_by_key = {(e.msgctxt, e.msgid): e for e in po}
    for e in obsolete.values():
        if not _settle_collision(e, active_by_key.get((e.msgctxt, e.msgid))):
            po.append(e)

    if existing is None or _body(po) != _body(existing):
        po.metadata["PO-Revision-Date"] = now_stamp()
        if existing is None or changes.added or changes.updated or changes.obsoleted or changes.moved:
            po.metadata["POT-Creation-Date"] = po.metadata["PO-Revision-Date"]
    return po, changes


def _settle_collision(obsolete: polib.POEntry, active: polib.POEntry | None) -> bool:
    """An obsolete entry with the key of an active one (the same sentence came back in the same slot while
    another entry was carried there) is a duplicate definition for msgfmt. Settle it without losing human
    text: drop it when it adds nothing, give its approved text to a fuzzy or empty active entry, and
    otherwise keep it under a context that no longer collides. True when it must not be written as is."""
    if active is None:
        return False
    if not obsolete.msgstr or obsolete.msgstr == active.msgstr or obsolete.fuzzy:
        return True
    if active.fuzzy or not active.msgstr:
        active.msgstr, active.flags = obsolete.msgstr, [f for f in active.flags if f != "fuzzy"]
        active.tcomment = active.tcomment or obsolete.tcomment
        return True
    obsolete.msgctxt = f"{obsolete.msgctxt} (earlier)"
    return False


def _recheck(entry: polib.POEntry, glossary: Glossary | None, lang: str, changes: Changes) -> None:
    """Regenerate the `#. glossary:` lines of an approved entry; never touch its msgstr."""
    lines = [ln for ln in entry.comment.split("\n") if ln and not ln.startswith(GLOSSARY_NOTE)]
    if glossary is not None and entry.msgstr and not entry.fuzzy:
        from . import qa

        problems = [f.message for f in qa.term_findings(entry.msgid, entry.msgstr, glossary, lang)]
        if problems:
            lines.extend(GLOSSARY_NOTE + p for p in problems)
            changes.conflicts.append(entry.msgctxt or entry.msgid)
    entry.comment = "\n".join(lines)


def _machine_comment(tr: Translation) -> str:
    return "\n".join([f"{MACHINE_NOTE}{tr.engine}", *tr.notes, *(f"check: {p}" for p in tr.problems)])


def _machine(doc: Document, seg: Segment, tr: Translation) -> polib.POEntry:
    return polib.POEntry(msgctxt=seg.id, msgid=seg.text, msgstr=tr.text, occurrences=[_reference(doc, seg)],
                         comment=_machine_comment(tr), flags=["fuzzy"])


def _carry(old: polib.POEntry, doc: Document, seg: Segment) -> polib.POEntry:
    entry = _copy(old)
    entry.obsolete = False
    entry.msgctxt = seg.id
    entry.msgid = seg.text
    entry.occurrences = [_reference(doc, seg)]
    return entry


def _copy(e: polib.POEntry) -> polib.POEntry:
    return polib.POEntry(msgctxt=e.msgctxt, msgid=e.msgid, msgstr=e.msgstr, occurrences=list(e.occurrences),
                         comment=e.comment, tcomment=e.tcomment, flags=list(e.flags),
                         previous_msgid=e.previous_msgid, previous_msgctxt=e.previous_msgctxt,
                         obsolete=e.obsolete)

