"""Gettext catalogs: the .pot of a document, one .po per language, merged without losing human work.

Keys are gettext's own: msgid, and a msgctxt only where one article has the same sentence twice (the
second is `msgctxt "occurrence 2"`, which no insertion elsewhere changes). The position (`b3.s1`) is in
the `#:` reference's line and in a `#. segment b3.s1` note, so `msgmerge`, Weblate and Poedit update
our catalogs as they update any other. Catalogs written with position contexts (`msgctxt "b3.s1"`)
are migrated on the next run without losing an approval.

Merge policy (`msgmerge --previous`'s contract, one-to-one):

1. A sentence whose key is an entry's key keeps that entry: msgstr, state, translator comments. A
   sentence whose text is an entry's msgid under another context, or an obsolete `#~` entry's, gets it
   back too (a deleted sentence that returns gets its translation back; a sentence that occurs twice
   shares one). An entry that is approved loses `#|` and the notes that only served the first review
   (engine, hypotheses, term choices): approved entries carry their position and what still matters.
2. What is left on both sides is paired as *edited* sentences, most similar first, when msgmerge
   would pair them: the similarity of its fuzzy search (gnulib fstrcmp: 2·LCS / total length, in bytes)
   above 0.6. An edited sentence turns fuzzy with `#|` the old source and keeps its translator
   comments. When the old entry was approved (or a translator's fuzzy draft), its msgstr stays as the
   suggestion, as `msgmerge --previous` does, and the engine's new output goes into a `#.` note; when
   it was untouched machine output (`is_machine`), the new machine output replaces it.
3. New sentences get new entries (machine suggestion, fuzzy); old entries left over become obsolete.
   A `#~` entry whose key a live entry now has is dropped only when it adds nothing; its approved text
   replaces an empty or untouched machine msgstr, and otherwise (a fuzzy draft, or the live text is a
   translator's) it stays under an `earlier` context (`settle_collisions`).

Plural entries (`msgid_plural`, `msgstr[N]`: another tool's or a translator's; this module never makes one)
lose no form on any path. An article sentence has no plural, so:

- one a sentence continues (live on it, back from `#~`, under its `occurrence 2`, or the sentence
  before an edit) gives the sentence msgstr[0] as a fuzzy suggestion with `#|` its msgid and msgid_plural,
  as `msgmerge --previous` does (an empty msgstr[0] is translated by the engine), and stays beside it as
  `#~` with every form, where msgmerge drops msgstr[1] and up. Under the sentence's own key it would be a
  duplicate for msgfmt, so it takes the first free context of `earlier`, `earlier (earlier)`, …
  (`occurrence 2 (earlier)`): the live entry keeps the key;
- one no sentence continues becomes `#~` with every form and its -format flags, as msgmerge makes it,
  whatever its msgid_plural or how many forms it has: the header's Plural-Forms stays the translator's
  (a tool's `nplurals=4` for ru, `plural=(n != 1)` for hy), ours is added only where it is missing, and
  msgfmt counts the forms of live entries only;
- two `#~` entries of one key that say different things (a legacy catalog's contexts migrated onto one)
  are both kept, the older under an `earlier` context; one of them is written when they say the same.

Only sentences without a usable entry (`pending`) go to the engine, plus, when a real engine runs,
untouched pseudo-translations, and whatever the pipeline asks to re-enforce (fuzzy machine entries a
changed glossary contradicts). Glossary conflicts of approved entries are annotated by the pipeline
(through qa) after the merge; this module knows nothing of glossaries.

Timestamps: POT-Creation-Date and PO-Revision-Date change only when the entries change (the clock is
`SOURCE_DATE_EPOCH` when set), so a re-run with the same inputs writes the same bytes; our own notes (a
glossary conflict noted, the clean-up of an approved entry's first-review notes) never move them. A translator's
header (Last-Translator, Language-Team, X-Generator, their own fields and order) is kept as written.
"""
from __future__ import annotations

import hashlib
import heapq
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polib

from . import __version__, confidence, langs
from .document import Document, Segment, spoken
from . import pofile
from .pofile import WRAP_WIDTH, entry_key

PROJECT = f"toolkit {__version__}"
#: msgmerge's FUZZY_THRESHOLD: an old entry is the same sentence edited when the similarity of its
#: msgid to the new one (+ a 0.00001 bonus for the same or no context) is above this.
EDIT_THRESHOLD = 0.6
_SAME_CONTEXT_BONUS = 0.00001
#: Above this many candidate pairs only sentences of the same block are compared (keeps huge merges fast).
MAX_PAIRS = 250_000
POSITION_NOTE = "segment "
GLOSSARY_NOTE = "glossary: "
MACHINE_NOTE = "machine translation: "
CHECK_NOTE = "check: "             # a term problem enforcement could not solve: the entry stays fuzzy
SUGGESTION_NOTE = "new machine suggestion: "
REPEAT_CONTEXT = "occurrence {n}"
#: Notes that stay on an approved entry; every other `#.` line served the first review only.
_LASTING_NOTES = (POSITION_NOTE, GLOSSARY_NOTE)
_LEGACY_CONTEXT = re.compile(r"(b\d+\.s\d+)(?: \(earlier\))*")


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
    """What a merge did, as lists of segment ids ("b3.s1")."""

    added: list[str] = field(default_factory=list)        # new entries
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
    try:     # the spec asks a malformed value to be an error, not ignored ("²".isdigit() is True, too)
        t = time.gmtime(int(epoch, 10)) if epoch else time.gmtime()
    except (ValueError, OverflowError, OSError):
        from .errors import UsageError

        raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds since 1970 that this system can "
                         "represent", hint="unset it, or set it to e.g. `git log -1 --format=%ct`") from None
    return time.strftime("%Y-%m-%d %H:%M+0000", t)


def header(lang: str | None, previous: Mapping[str, str] | None = None) -> dict[str, str]:
    """Header fields. A catalog's existing header is kept as written (fields, order, spelling: a
    translator's Last-Translator, Language-Team, X-Generator and charset stay); only missing fields are
    added. A new catalog gets ours, in gettext's order."""
    if previous:
        meta = dict(previous)
        if lang and not meta.get("Language"):
            meta["Language"] = lang
        if lang and not meta.get("Plural-Forms"):
            meta["Plural-Forms"] = langs.plural_forms(lang)
        for key, value in (("MIME-Version", "1.0"), ("Content-Type", "text/plain; charset=UTF-8"),
                           ("Content-Transfer-Encoding", "8bit")):
            meta.setdefault(key, value)
        return meta
    meta = {
        "Project-Id-Version": PROJECT,
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": "",
        "PO-Revision-Date": "",
        "Last-Translator": "",
        "Language-Team": "",
        "Language": lang or "",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    if lang:
        meta["Plural-Forms"] = langs.plural_forms(lang)
    meta["X-Generator"] = PROJECT
    return meta


# -- keys and positions -----------------------------------------------------------------------------------

def keys(doc: Document) -> dict[str, tuple[str | None, str]]:
    """(msgctxt, msgid) of every segment id: a msgctxt only for the second and later occurrences of a
    sentence in the article, numbered by occurrence (an insertion elsewhere changes nothing)."""
    seen: Counter[str] = Counter()
    out = {}
    for s in doc.segments:
        seen[s.text] += 1
        n = seen[s.text]
        out[s.id] = (None if n == 1 else REPEAT_CONTEXT.format(n=n), s.text)
    return out


def position(e: polib.POEntry) -> str:
    """The segment id an entry was at ("b3.s1"), from its `#. segment` note or an old position msgctxt;
    "" when neither says (an entry another tool added)."""
    for line in e.comment.split("\n"):
        if line.startswith(POSITION_NOTE):
            return line[len(POSITION_NOTE):].strip()
    m = _LEGACY_CONTEXT.fullmatch(e.msgctxt or "")
    return m.group(1) if m else ""


def label(e: polib.POEntry) -> str:
    """How reports name an entry: its position ("b3.s1"), else its msgctxt ("" when neither says)."""
    return position(e) or e.msgctxt or ""


def _migrated_keys(entries: Sequence[polib.POEntry]) -> dict[int, tuple[str | None, str]]:
    """Entries written with position contexts (`msgctxt "b3.s1"`), keyed as this version keys them:
    the first of a msgid in article order has no context, the next ones `occurrence N`."""
    legacy = [e for e in entries if e.msgctxt is not None and _LEGACY_CONTEXT.fullmatch(e.msgctxt)]
    if not legacy:
        return {}

    def order(e: polib.POEntry) -> tuple[int, int, bool]:
        b, s = position(e)[1:].split(".s")
        return int(b), int(s), "(earlier)" in (e.msgctxt or "")

    out: dict[int, tuple[str | None, str]] = {}
    seen: Counter[str] = Counter()
    for e in sorted((e for e in legacy if not e.obsolete), key=order):
        seen[e.msgid] += 1
        n = seen[e.msgid]
        out[id(e)] = (None if n == 1 else REPEAT_CONTEXT.format(n=n), e.msgid)
    for e in legacy:
        if e.obsolete:
            out[id(e)] = (None, e.msgid)
    return out


def _reference(doc: Document, seg: Segment) -> tuple[str, str]:
    return (doc.source, str(seg.line))


def _position_note(seg: Segment) -> str:
    return POSITION_NOTE + seg.id


def build_pot(doc: Document, previous: polib.POFile | Path | None = None) -> polib.POFile:
    """The template; its POT-Creation-Date is the previous one's unless the entries changed."""
    pot = polib.POFile(wrapwidth=WRAP_WIDTH)
    pot.header = f"Translation template for {doc.source}."
    for seg, (ctxt, msgid) in zip(doc.segments, keys(doc).values(), strict=True):
        pot.append(polib.POEntry(msgctxt=ctxt, msgid=msgid, msgstr="", occurrences=[_reference(doc, seg)],
                                 comment=_position_note(seg)))
    if isinstance(previous, Path):
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
    new_keys = keys(doc)
    migrated = _migrated_keys(list(existing))

    def key_of(e: polib.POEntry) -> tuple[str | None, str]:
        return migrated.get(id(e), (e.msgctxt, e.msgid))

    active = [e for e in existing if not e.obsolete]
    out = _same_sentences(segs, new_keys, active, [e for e in existing if e.obsolete], key_of)
    used = {id(m.old) for m in out.values() if m.old is not None}
    new = [s for s in segs if s.id not in out]
    gone = [e for e in active if id(e) not in used and text_of(e)]   # msgmerge pairs translated entries only
    if new and gone:
        for i, j in _pair_edits(new, gone, [new_keys[s.id][0] for s in new], [key_of(e)[0] for e in gone]):
            out[new[i].id] = Match("updated", gone[j])
    for s in segs:
        out.setdefault(s.id, Match("added", None))
    return out


def _same_sentences(segs: Sequence[Segment], new_keys: Mapping[str, tuple[str | None, str]],
                    active: Sequence[polib.POEntry], obsolete: Sequence[polib.POEntry],
                    key_of) -> dict[str, Match]:
    """Step 1 of the policy: sentences whose text already has an entry (same key first)."""
    out: dict[str, Match] = {}
    used: set[int] = set()
    by_key: dict[tuple[str | None, str], polib.POEntry] = {}
    for e in active:
        by_key.setdefault(key_of(e), e)
    for s in segs:
        old = by_key.get(new_keys[s.id])
        if old is not None and id(old) not in used:
            out[s.id] = Match("kept" if position(old) == s.id else "moved", old)
            used.add(id(old))
    by_msgid: dict[str, list[polib.POEntry]] = {}
    for e in active:   # a msgid written with a line separator (before it became a space) is the same sentence
        by_msgid.setdefault(spoken(e.msgid), []).append(e)
    obsolete_by_key: dict[tuple[str | None, str], polib.POEntry] = {}
    obsolete_by_msgid: dict[str, polib.POEntry] = {}
    for e in obsolete:
        obsolete_by_key.setdefault(key_of(e), e)
        if text_of(e) or e.msgid not in obsolete_by_msgid:
            obsolete_by_msgid[e.msgid] = e
    for s in segs:
        if s.id in out:
            continue
        same = by_msgid.get(s.text, [])
        old = next((e for e in same if id(e) not in used), None) \
            or obsolete_by_key.get(new_keys[s.id]) or obsolete_by_msgid.get(s.text) \
            or next(iter(same), None)  # the sentence occurs twice: share the translation
        if old is not None:
            out[s.id] = Match("moved", old)
            used.add(id(old))
    return out


def similarity(a: str, b: str) -> float:
    """msgmerge's fuzzy-match measure (gnulib fstrcmp): 2·LCS / (len a + len b), over UTF-8 bytes.
    LCS by the bit-parallel algorithm (Allison–Dix / Hyyrö): one pass over `b`, len(a)-bit integers."""
    x, y = a.encode("utf-8"), b.encode("utf-8")
    if not x and not y:
        return 1.0
    if not x or not y:
        return 0.0
    masks: dict[int, int] = {}
    for i, byte in enumerate(x):
        masks[byte] = masks.get(byte, 0) | (1 << i)
    full = (1 << len(x)) - 1
    v = full
    for byte in y:
        u = v & masks.get(byte, 0)
        v = ((v + u) | (v - u)) & full
    lcs = len(x) - v.bit_count()
    return 2.0 * lcs / (len(x) + len(y))


def _bound(a: str, b: str) -> float:
    """An upper bound of `similarity` from byte counts alone (LCS <= the multiset intersection)."""
    ca, cb = Counter(a.encode("utf-8")), Counter(b.encode("utf-8"))
    common = sum(min(n, cb[k]) for k, n in ca.items())
    total = sum(ca.values()) + sum(cb.values())
    return 2.0 * common / total if total else 1.0


def _pair_edits(new: Sequence[Segment], gone: Sequence[polib.POEntry], new_ctxts: Sequence[str | None],
                gone_ctxts: Sequence[str | None]) -> list[tuple[int, int]]:
    """Greedy one-to-one pairing, most similar first, of added sentences with entries left over.

    Same result as scoring every pair and taking them in order of (-score, i, j), but lazy: every pair
    goes on a heap under a cheap upper bound; the exact similarity is computed only when a pair reaches
    the top with both sides still free, and pushed back. The edited pair usually wins at once and the
    other pairs of its sentences are never scored."""
    crowded = len(new) * len(gone) > MAX_PAIRS
    gone_by_block: dict[str, list[int]] = {}
    if crowded:
        for j, e in enumerate(gone):
            gone_by_block.setdefault(position(e).split(".")[0], []).append(j)
    heap: list[tuple[float, int, int, bool]] = []
    for i, s in enumerate(new):
        lb = len(s.text.encode("utf-8"))
        candidates = gone_by_block.get(s.id.split(".")[0], []) if crowded else range(len(gone))
        for j in candidates:
            e = gone[j]
            bonus = _bonus(new_ctxts[i], gone_ctxts[j])
            la = len(e.msgid.encode("utf-8"))
            if la + lb == 0 or 2.0 * min(la, lb) / (la + lb) + bonus <= EDIT_THRESHOLD:
                continue
            bound = _bound(e.msgid, s.text) + bonus
            if bound > EDIT_THRESHOLD:
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
            score = similarity(new[i].text, gone[j].msgid) + _bonus(new_ctxts[i], gone_ctxts[j])
            if score > EDIT_THRESHOLD:
                heapq.heappush(heap, (-score, i, j, False))
            continue
        taken_new.add(i)
        taken_old.add(j)
        pairs.append((i, j))
    return pairs


def _bonus(new_ctxt: str | None, old_ctxt: str | None) -> float:
    """msgmerge prefers, by a hair, an old entry with no context or the same one."""
    return _SAME_CONTEXT_BONUS if old_ctxt is None or old_ctxt == new_ctxt else 0.0


def pending(doc: Document, existing: polib.POFile | None,
            matches: Mapping[str, Match] | None = None, *, refresh_pseudo: bool = False,
            stale: frozenset[str] | set[str] = frozenset()) -> list[Segment]:
    """Segments the engine must translate: new and edited sentences, and entries still empty; with
    `refresh_pseudo` (a real engine is translating), also untouched pseudo-translations; and the segment
    ids in `stale` (fuzzy machine entries the pipeline wants enforced again).
    Pass the `plan` you will give `merge` to compute it once."""
    matches = matches if matches is not None else plan(doc, existing)
    return [s for s in doc.segments if matches[s.id].old is None or matches[s.id].kind == "updated"
            or not text_of(matches[s.id].old) or (refresh_pseudo and is_untouched_pseudo(matches[s.id].old))
            or s.id in stale]


def is_untouched_pseudo(e: polib.POEntry) -> bool:
    """A pseudo-translation nobody has worked on: still fuzzy, still `[xx: …]`, still signed by pseudo.
    A real engine replaces these (a first look with `--engine pseudo` must not block real MT later);
    anything a translator touched (approved, or the brackets edited away) is kept like any fuzzy entry."""
    return (e.fuzzy and e.msgstr.startswith("[") and e.msgstr.endswith("]") and ": " in e.msgstr[:12]
            and any(line.startswith(MACHINE_NOTE + "pseudo") for line in e.comment.split("\n")))


def is_machine(e: polib.POEntry) -> bool:
    """Untouched machine output: fuzzy, and its msgstr is still what the engine wrote (the machine note
    ends with a digest of that text). A translator's draft, or an entry from before digests, is not."""
    if not (e.fuzzy and e.msgstr):
        return False
    mark = f"[{_digest(e.msgstr)}]"
    return any(line.startswith(MACHINE_NOTE) and line.endswith(mark) for line in e.comment.split("\n"))


def signed_by_pseudo(e: polib.POEntry) -> bool:
    """The pseudo engine's note still signs this very msgstr: a pseudo-translation, approved or not."""
    mark = f"[{_digest(e.msgstr)}]"
    return bool(e.msgstr) and any(line.startswith(MACHINE_NOTE + "pseudo") and line.endswith(mark)
                                  for line in e.comment.split("\n"))


def entry_confidence(e: polib.POEntry) -> confidence.Confidence | None:
    """The confidence of an entry's machine translation, while it is untouched machine output: once a
    translator has edited or approved it, the engine's certainty says nothing about the text."""
    return confidence.parse(e.comment) if is_machine(e) else None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def is_approved(e: polib.POEntry) -> bool:
    """Translated and not fuzzy; a plural entry needs every form (polib's and pocount's rule)."""
    return is_translated(e) and not e.fuzzy


def is_translated(e: polib.POEntry) -> bool:
    if e.msgid_plural:
        return bool(e.msgstr_plural) and all(e.msgstr_plural.values())
    return bool(e.msgstr)


def text_of(e: polib.POEntry) -> str:
    """The translation a sentence would use: msgstr, or the first form of a plural entry."""
    return e.msgstr or (e.msgstr_plural.get(0, "") if e.msgid_plural else "")


# -- merging ----------------------------------------------------------------------------------------------

def merge(doc: Document, lang: str, existing: polib.POFile | None, translations: Mapping[str, Translation],
          *, matches: Mapping[str, Match] | None = None,
          annotate: Callable[[polib.POFile, Changes], None] | None = None) -> tuple[polib.POFile, Changes]:
    """msgmerge semantics: approved text is never replaced, changed sources turn fuzzy with `#|`.
    `matches` is `plan(doc, existing)` if the caller has it already; `annotate` may add notes (the
    pipeline's glossary conflicts) before the dates are settled."""
    changes = Changes()
    matches = matches if matches is not None else plan(doc, existing)
    po = polib.POFile(wrapwidth=WRAP_WIDTH)
    po.header = existing.header if existing is not None and existing.header else \
        f"{langs.english_name(lang)} translation of {doc.source}."
    po.metadata = header(lang, existing.metadata if existing is not None else None)
    po.metadata_is_fuzzy = existing.metadata_is_fuzzy if existing is not None else []

    carried = []
    for seg, key in zip(doc.segments, keys(doc).values(), strict=True):
        match = matches[seg.id]
        entry = _merge_one(doc, seg, key, match, translations.get(seg.id), changes)
        carried.append((entry, match.old))
    po.extend(_in_file_order(carried, existing))
    used = {id(m.old) for m in matches.values() if m.old is not None}
    for e in _obsolete(existing, used, changes):
        po.append(e)
    settle_collisions(po)
    if annotate is not None:
        annotate(po, changes)
    for entry, old in carried:   # our clean-up rides along with a real change: an untouched entry keeps its bytes
        if old is None or _substance(entry) != _substance(old):
            _tidy(entry)
    charset = pofile.charset_of(po)
    for e in po:     # our own notes in a legacy-charset catalog: `->` where `→` cannot be written
        e.comment = pofile.fit_charset(e.comment, charset)

    if existing is None or _body(po) != _body(existing):
        # PO-Revision-Date is the translator's: only entries changing moves it, never our notes alone
        # (a `#. glossary:` conflict noted, references renumbered).
        if existing is None or changes.count:
            po.metadata["PO-Revision-Date"] = now_stamp()
        if existing is None or changes.added or changes.updated or changes.obsoleted or changes.moved:
            po.metadata["POT-Creation-Date"] = now_stamp()
    return po, changes


def _in_file_order(carried: Sequence[tuple[polib.POEntry, polib.POEntry | None]],
                   existing: polib.POFile | None) -> list[polib.POEntry]:
    """Article order, unless the file was in another one (`msgcat --sort-output`, an editor's sort): then
    the file's order stays, so a run's diff is its own entries, each new one right after the entry of the
    sentence before it. (A file in article order stays in article order: after two sentences swapped
    too.)"""
    if existing is None or _in_article_order(existing):
        return [entry for entry, _ in carried]
    rank = {id(e): i for i, e in enumerate(existing) if not e.obsolete}
    keyed = []
    last = -1
    for n, (entry, old) in enumerate(carried):
        r = rank.get(id(old)) if old is not None else None
        if r is None:            # new, or back from `#~`: after the sentence before it
            keyed.append(((last, 1, n), entry))
        else:
            last = r
            keyed.append(((r, 0, n), entry))
    return [entry for _, entry in sorted(keyed, key=lambda pair: pair[0])]


def _in_article_order(po: polib.POFile) -> bool:
    """The active entries stand in the order of their `#. segment` positions (as every run writes them)."""
    places = []
    for e in po:
        m = None if e.obsolete else re.fullmatch(r"b(\d+)\.s(\d+)", position(e))
        if m:
            places.append((int(m.group(1)), int(m.group(2))))
    return places == sorted(places)


def _merge_one(doc: Document, seg: Segment, key: tuple[str | None, str], match: Match, tr: Translation | None,
               changes: Changes) -> polib.POEntry:
    """The entry of one segment, from its match (step 1, 2 or 3 of the policy)."""
    old = match.old
    if match.kind in ("kept", "moved"):
        assert old is not None
        entry = _carry(old, doc, seg, key)
        (changes.kept if match.kind == "kept" else changes.moved).append(seg.id)
        if tr is not None and not is_approved(entry):
            entry.msgstr = tr.text
            entry.comment = _machine_comment(seg, tr)
            entry.flags = ["fuzzy"]
            entry.previous_msgid = entry.previous_msgctxt = entry.previous_msgid_plural = None
            changes.filled.append(seg.id)
        return entry
    if match.kind == "updated":
        assert old is not None
        changes.updated.append(seg.id)
        if tr is not None and (is_machine(old) or is_untouched_pseudo(old)):
            entry = _machine(doc, seg, key, tr)   # it was only machine output: the new output replaces it
        else:   # approved, or a translator's draft: it stays the suggestion, as msgmerge --previous keeps it
            entry = _carry(old, doc, seg, key)
            entry.flags = ["fuzzy", *(f for f in entry.flags if f != "fuzzy")]
            lines = [_position_note(seg)]
            if tr is not None:
                lines.append(f"{SUGGESTION_NOTE}{_one_line(tr.text)}")
            entry.comment = "\n".join(lines)
        entry.tcomment = old.tcomment
        entry.previous_msgctxt, entry.previous_msgid = old.msgctxt, old.msgid
        return entry
    changes.added.append(seg.id)
    if tr is not None:
        return _machine(doc, seg, key, tr)
    return polib.POEntry(msgctxt=key[0], msgid=key[1], msgstr="", occurrences=[_reference(doc, seg)],
                         comment=_position_note(seg))


def _substance(e: polib.POEntry) -> tuple:
    """An entry's key without its `#.` notes but its position: what changes when more than our own notes
    change (a moved entry has moved)."""
    key = entry_key(e)
    return key[:7] + key[8:] + (position(e),)


def _tidy(entry: polib.POEntry) -> None:
    """What msgmerge and every editor agree on: an approved entry has no `#|` and no first-review notes;
    an empty one is not fuzzy (GNU does not even write the flag). Applied only to entries a run rewrites
    anyway: an entry the translator approved and the run leaves alone keeps its notes and its bytes."""
    if is_approved(entry):
        # ... unless `#|` names another sentence: approved wholesale (msgattrib --clear-fuzzy), it is the
        # gate's evidence that nobody reviewed the translation for this one (qa, `unreviewed-edit`).
        if entry.previous_msgid is None or entry.previous_msgid == entry.msgid:
            entry.previous_msgctxt = entry.previous_msgid = entry.previous_msgid_plural = None
        # A pseudo-translation approved wholesale (msgattrib --clear-fuzzy) keeps the note that says so:
        # it is the gate's evidence (qa), and it leaves once someone replaces the text.
        pseudo = signed_by_pseudo(entry)
        entry.comment = "\n".join(ln for ln in entry.comment.split("\n") if ln.startswith(_LASTING_NOTES)
                                  or (pseudo and ln.startswith(MACHINE_NOTE + "pseudo")))
    if not text_of(entry) and "fuzzy" in entry.flags:
        entry.flags = [f for f in entry.flags if f != "fuzzy"]


def _obsolete(existing: polib.POFile | None, used: set[int], changes: Changes) -> list[polib.POEntry]:
    """The `#~` entries to write: old ones still unused, entries that left the article, and every plural
    entry with a form written that a sentence now continues as a singular (its other forms live on here).
    Keys are migrated; an untranslated entry is never written (GNU drops it), and of two with one key and
    the same text only the newer one is (`settle_collisions` keeps both when their texts differ)."""
    if existing is None:
        return []
    migrated = _migrated_keys(list(existing))
    out: dict[tuple, polib.POEntry] = {}

    def put(e: polib.POEntry) -> None:
        gone = _copy(e)
        gone.msgctxt, gone.msgid = migrated.get(id(e), (e.msgctxt, e.msgid))
        if not e.obsolete:   # leaving the article now: as msgmerge, translator comments only
            gone.obsolete, gone.occurrences, gone.comment = True, [], ""
            gone.flags = [f for f in gone.flags if f == "fuzzy" or f.endswith("-format")]
            gone.previous_msgctxt = gone.previous_msgid = gone.previous_msgid_plural = None
        # an entry already obsolete is kept as it is (its `#~|` lines too), so it is written as it was read
        if text_of(gone) or any(gone.msgstr_plural.values()):
            same = _texts(gone)
            out.pop(same, None)
            out[same] = gone

    for e in existing:
        if e.obsolete and (id(e) not in used or _has_forms(e)):
            put(e)
    for e in existing:
        if not e.obsolete and (id(e) not in used or _has_forms(e)):
            put(e)
            if id(e) not in used:
                changes.obsoleted.append(position(e) or e.msgctxt or e.msgid)
    return list(out.values())


def _has_forms(e: polib.POEntry) -> bool:
    """A plural entry with a form written: a sentence can take msgstr[0] only, so the entry itself stays."""
    return bool(e.msgid_plural) and any(e.msgstr_plural.values())


def _texts(e: polib.POEntry) -> tuple:
    """An entry's key and every text it holds: two entries alike in these say the same thing."""
    return (e.msgctxt, e.msgid, e.msgid_plural, e.msgstr, tuple(sorted(e.msgstr_plural.items())))


def settle_collisions(po: polib.POFile) -> None:
    """An obsolete entry with the key of an active one (the same sentence came back while another entry
    was carried to it, or a plural entry stays beside the singular made of it), or of another obsolete
    one, is a duplicate definition for msgfmt. Settle it without losing human text: drop it when it adds
    nothing, give its approved text to an empty or untouched machine entry, and otherwise (a fuzzy draft, or
    the live entry is a translator's) keep it under a
    context that collides with nothing (`earlier`, `<context> (earlier)`): the newer entry keeps the key."""
    active = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
    taken = set(active) | {(e.msgctxt, e.msgid) for e in po if e.obsolete}
    seen: dict[tuple[str | None, str], polib.POEntry] = {}
    keep = []

    def aside(e: polib.POEntry) -> None:
        ctxt = e.msgctxt
        while (ctxt, e.msgid) in taken:
            ctxt = f"{ctxt} (earlier)" if ctxt else "earlier"
        e.msgctxt = ctxt
        taken.add((ctxt, e.msgid))

    for e in po:
        if not e.obsolete:
            keep.append(e)
            continue
        hit = active.get((e.msgctxt, e.msgid))
        if hit is None:
            twin = seen.get((e.msgctxt, e.msgid))
            if twin is not None:      # two obsolete entries, two texts (their msgid_plural, say): both stay
                aside(twin)
                seen[(twin.msgctxt, twin.msgid)] = twin
            seen[(e.msgctxt, e.msgid)] = e
            keep.append(e)
        elif _has_forms(e):           # plural forms no sentence can take: kept
            aside(e)
            seen[(e.msgctxt, e.msgid)] = e
            keep.append(e)
        elif not e.msgstr or e.msgstr == hit.msgstr:
            continue
        elif not e.fuzzy and (not hit.msgstr or is_machine(hit) or is_untouched_pseudo(hit)):
            hit.msgstr, hit.flags = e.msgstr, [f for f in hit.flags if f != "fuzzy"]
            hit.tcomment = hit.tcomment or e.tcomment
            _tidy(hit)
        else:
            aside(e)
            seen[(e.msgctxt, e.msgid)] = e
            keep.append(e)
    po[:] = keep


def _one_line(text: str) -> str:
    return " ".join(text.split("\n"))


def _machine_comment(seg: Segment, tr: Translation) -> str:
    return "\n".join([_position_note(seg), f"{MACHINE_NOTE}{tr.engine} [{_digest(tr.text)}]", *map(_one_line, tr.notes),
                      *(f"{CHECK_NOTE}{_one_line(p)}" for p in tr.problems)])


def _machine(doc: Document, seg: Segment, key: tuple[str | None, str], tr: Translation) -> polib.POEntry:
    return polib.POEntry(msgctxt=key[0], msgid=key[1], msgstr=tr.text, occurrences=[_reference(doc, seg)],
                         comment=_machine_comment(seg, tr), flags=["fuzzy"])


def _carry(old: polib.POEntry, doc: Document, seg: Segment, key: tuple[str | None, str]) -> polib.POEntry:
    entry = _copy(old)
    entry.obsolete = False
    entry.msgctxt, entry.msgid = key
    entry.occurrences = [_reference(doc, seg)]
    lines = [ln for ln in old.comment.split("\n") if ln and not ln.startswith((POSITION_NOTE, GLOSSARY_NOTE))]
    entry.comment = "\n".join([_position_note(seg), *lines])
    if old.msgid_plural:   # a sentence has no plural: as msgmerge, the first form, fuzzy, `#|` the old source
        entry.previous_msgctxt, entry.previous_msgid = old.msgctxt, old.msgid
        entry.previous_msgid_plural = old.msgid_plural
        entry.msgstr, entry.msgid_plural, entry.msgstr_plural = text_of(old), "", {}
        entry.flags = ["fuzzy", *(f for f in entry.flags if f != "fuzzy")]
    return entry


def _copy(e: polib.POEntry) -> polib.POEntry:
    return polib.POEntry(msgctxt=e.msgctxt, msgid=e.msgid, msgid_plural=e.msgid_plural, msgstr=e.msgstr,
                         msgstr_plural=dict(e.msgstr_plural), occurrences=list(e.occurrences),
                         comment=e.comment, tcomment=e.tcomment, flags=list(e.flags),
                         previous_msgid=e.previous_msgid, previous_msgctxt=e.previous_msgctxt,
                         previous_msgid_plural=e.previous_msgid_plural, obsolete=e.obsolete)

