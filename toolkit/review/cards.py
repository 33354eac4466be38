"""What the review page shows: one card per glossary finding, with the evidence a reviewer decides on.

The findings come from the glossary lint itself (`glossary.lint`, `glossary.contested`,
`qa.glossary_conflicts`: the same ones `toolkit glossary conflicts` prints); this module only gathers,
for each, the concepts and rows involved, CLDR's name, how often each competing form occurs in the
catalogs (machine drafts vs approved), example segments, and which decisions make sense.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from .. import glossary
from ..catalog import label   # how every report names an entry: its position, else msgctxt
from ..glossary import Concept
from ..terms import source as source_names

CATALOG_CODE = "catalog-term"
#: `glossary conflicts` findings about catalog entries that get a card of their own: a name variant machine
#: output used (forbid or admit it), a translator's waiver (accept or revoke it), a waiver naming no concept
ENTRY_CODES = ("variant-seen", "waiver", "waiver-unknown")
MAX_EXAMPLES = 3


@dataclass(frozen=True, slots=True)
class Segment:
    """A catalog entry, as far as the page needs it."""

    lang: str                 # "" for the template (.pot)
    path: str
    line: int
    msgctxt: str
    source: str
    target: str
    approved: bool
    article: str = ""         # where the sentence is: its `#:` reference (talks.txt:2), else the catalog's name
    tcomment: str = ""        # the translator's comment (waivers live there)
    #: the people its catalog names in full (`Rolando Mendoza`): a bare `Mendoza` here is that person, not the
    #: city, as `check` and `stats` read it (`qa.catalog_surnames`)
    surnames: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class FormCount:
    lang: str
    form: str
    status: str               # preferred | admitted | forbidden | (for another concept) its id
    concept: str
    machine: int              # fuzzy entries whose translation has the form
    approved: int


@dataclass(frozen=True, slots=True)
class Example:
    msgctxt: str
    lang: str
    article: str              # which article the sentence is from (`#:` reference, else the catalog's name)
    state: str                # approved | machine | source only
    source: tuple[tuple[str, bool], ...]   # (text, highlighted) pieces
    target: tuple[tuple[str, bool], ...]


@dataclass(frozen=True, slots=True)
class Action:
    """One decision button: the form fields it posts, and whether it asks for a reason or a text."""

    action: str
    label: str
    targets: tuple[tuple[str, str], ...]    # (file, concept id) the edit applies to
    lang: str = ""
    term: str = ""
    other: str = ""
    other_path: str = ""
    ask: str = ""             # "" | "reason" | "text"
    value: str = ""           # the text field's initial value
    entry: str = ""           # a waiver decision: its catalog entry, the JSON [path, line, label]
    catalog: str = ""         # and that catalog as the page read it, the JSON [path, sha256]


@dataclass(frozen=True, slots=True)
class Card:
    key: str                  # stable across reloads: an anchor and a test handle
    code: str
    severity: str
    lang: str
    term: str
    message: str
    concepts: tuple[Concept, ...]
    places: tuple[tuple[str, int], ...]     # (path as shown, line)
    cldr: tuple[tuple[str, str], ...] = ()  # (lang, CLDR name)
    counts: tuple[FormCount, ...] = ()
    examples: tuple[Example, ...] = ()
    actions: tuple[Action, ...] = ()
    entries: tuple[tuple[str, int], ...] = ()   # catalog entries the finding is about (path as shown, line)


@dataclass(frozen=True, slots=True)
class Board:
    """Everything on the conflicts page."""

    cards: tuple[Card, ...]
    broken: tuple[Segment, ...]             # approved entries that break the glossary
    files: tuple[Path, ...]
    concepts: tuple[Concept, ...] = field(default=())
    catalogs: tuple[tuple[str, str, str], ...] = ()   # (lang, path, sha256) of every catalog read
    total: int = 0                          # findings before the language filter and the page limit
    langs: tuple[tuple[str, int], ...] = ()   # findings per language, for the filter links


def shown(path: str | Path, root: Path | None = None) -> str:
    """A path as a reader wants it: relative to the project (the working directory) when inside it."""
    root = root or Path.cwd()
    p = Path(path)
    try:
        return os.path.relpath(p.resolve(), root.resolve()) if p.resolve().is_relative_to(root.resolve()) else str(p)
    except (OSError, ValueError):
        return str(p)


def readable(message: str, places: Sequence[tuple[str, int]]) -> str:
    """A finding's message with the paths it quotes shown relative to the project."""
    for path in sorted({p for p, _ in places}, key=len, reverse=True):
        message = message.replace(str(path), shown(path))
    return message


def read_catalogs(locales: Path, loaded: glossary.Glossary | None = None
                  ) -> tuple[list[Segment], list[tuple[str, str, str]]]:
    """Active entries of every catalog (and of the templates, for source examples) under `locales`, each
    with its catalog's surnames under the `loaded` glossary."""
    from .. import locales as locales_mod, pofile, qa

    segments: list[Segment] = []
    seen: list[tuple[str, str, str]] = []
    for lang, path in locales_mod.catalogs(locales, missing_ok=True):
        snap = pofile.snapshot(path, lang=lang)
        seen.append((lang, str(path), snap.sha256))
        surnames = qa.catalog_surnames(snap.po, loaded)
        for e in snap.po:
            if e.obsolete or not e.msgid:
                continue
            segments.append(Segment(lang, str(path), e.linenum, label(e), e.msgid, e.msgstr,
                                    bool(e.msgstr) and not e.fuzzy, _article(e, path), e.tcomment, surnames))
    for path in sorted(Path(locales).glob("*.pot")):
        po = pofile.read(path)
        surnames = qa.catalog_surnames(po, loaded)
        for e in po:
            if not e.obsolete and e.msgid:
                segments.append(Segment("", str(path), e.linenum, label(e), e.msgid, "", False, _article(e, path),
                                        surnames=surnames))
    return segments, seen


def _article(entry, catalog: Path) -> str:
    """The article a sentence is from, as its `#:` reference says (talks.txt:2), else the catalog's name."""
    if entry.occurrences:
        name, line = entry.occurrences[0]
        return f"{name}:{line}" if line else name
    return Path(catalog).stem


def build(glossary_paths: Sequence[str | Path], locales: Path, *, evidence: bool = True, lang: str = "",
          limit: int | None = None) -> Board:
    """The page's content; without `evidence`, cards carry no counts, examples or CLDR names (the answer to
    a decision needs only how many are left and which approved entries break). `lang` keeps one language's
    findings, `limit` the first ones (errors first): a 50,000-term glossary stays a page a browser can show."""
    from .. import qa

    files = glossary.glossary_files(list(glossary_paths))
    loaded = glossary.load(list(glossary_paths))
    paths = list(glossary_paths)          # the add-variant command a card quotes names the glossary reviewed
    conflicts = qa.glossary_conflicts(loaded, locales, glossary_arg=shown(paths[0]) if len(paths) == 1 else None,
                                      locales_arg=shown(locales))
    findings = glossary.lint(list(glossary_paths)) + glossary.contested(loaded.concepts) \
        + [f for f in conflicts if f.code in ENTRY_CODES]
    segments, seen = read_catalogs(Path(locales), loaded)
    by_place = {(c.path, c.line): c for c in loaded.all_concepts}
    shas = {path: sha for _, path, sha in seen}
    total = len(findings)
    per_lang: dict[str, int] = {}
    for f in findings:
        per_lang[f.lang] = per_lang.get(f.lang, 0) + 1
    chosen = sorted((f for f in findings if not lang or f.lang == lang),
                    key=lambda f: (not f.is_blocking, f.code, f.lang))
    cards = []
    for f in chosen[:limit]:
        if f.code in ENTRY_CODES:
            concept = loaded.get(f.concept) if f.concept else None
            cards.append(_entry_card(f, () if concept is None else (concept,), segments, shas, evidence))
            continue
        concepts = tuple(dict.fromkeys(by_place[p] for p in f.places if p in by_place))
        cards.append(_card(f, concepts, segments if evidence else None))
    return Board(tuple(cards), tuple(broken_entries(loaded, locales, segments, conflicts)), tuple(files),
                 loaded.all_concepts, tuple(seen), total, tuple(sorted(per_lang.items())))


def broken_entries(loaded: glossary.Glossary, locales: Path, segments: Sequence[Segment],
                   conflicts: Sequence | None = None) -> list[Segment]:
    """Approved catalog entries whose translation breaks the glossary (as `glossary conflicts` reports them)."""
    from .. import qa

    keyed = {(s.path, s.line): s for s in segments}
    broken = []
    for f in qa.glossary_conflicts(loaded, locales) if conflicts is None else conflicts:
        if f.code == CATALOG_CODE and f.is_blocking:
            broken += [keyed[place] for place in f.places if place in keyed]
    return list(dict.fromkeys(broken))


def _key(f) -> str:
    raw = "\0".join([f.code, f.lang, f.term, *(f"{p}:{n}" for p, n in f.places)])
    return f.code + "-" + hashlib.sha1(raw.encode()).hexdigest()[:8]


def _card(f, concepts: tuple[Concept, ...], segments: Sequence[Segment] | None) -> Card:
    langs = _langs(f, concepts)
    if segments is None:
        return Card(_key(f), f.code, f.severity, f.lang, f.term, readable(f.message, f.places), concepts,
                    tuple((shown(p), n) for p, n in f.places))
    return Card(_key(f), f.code, f.severity, f.lang, f.term, readable(f.message, f.places), concepts,
                tuple((shown(p), n) for p, n in f.places), _cldr(concepts, langs),
                tuple(_counts(concepts, langs, segments)), tuple(_examples(concepts, langs, segments)),
                tuple(_actions(f, concepts)))


def _entry_card(f, concepts: tuple[Concept, ...], segments: Sequence[Segment], shas: dict[str, str],
                evidence: bool) -> Card:
    """A card about catalog entries (a variant seen, a waiver): the concept's rows, the entries themselves
    as the examples (the variant highlighted), and the decisions for the glossary and the entry."""
    from ..terms import morph

    rows = tuple((shown(c.path), c.line) for c in concepts)
    entries = tuple((shown(p), n) for p, n in f.places)
    base = Card(_key(f), f.code, f.severity, f.lang, f.term, readable(f.message, f.places), concepts, rows,
                entries=entries, actions=tuple(_entry_actions(f, concepts, segments, shas)))
    if not evidence:
        return base
    keyed = {(s.path, s.line): s for s in segments}
    examples = []
    for place in f.places[:MAX_EXAMPLES]:
        s = keyed.get(place)
        if s is None:
            continue
        hits = [h for c in concepts for h in _matches(c, s)]
        forms = [form for form, _, _ in _forms(concepts, s.lang)] + ([f.term] if f.code == "variant-seen" else [])
        spans = [(o.start, o.end) for form in forms for o in morph.find(s.target, form, s.lang)]
        examples.append(Example(s.msgctxt, s.lang, s.article, "approved" if s.approved else "machine",
                                _pieces(s.source, [(h.start, h.end) for h in hits]), _pieces(s.target, spans)))
    counts = _counts(concepts, [f.lang], segments) if concepts else []
    if f.code == "variant-seen" and concepts:
        mine = [s for s in segments if s.lang == f.lang and s.target and any(_matches(c, s) for c in concepts)]
        hits = [s for s in mine if morph.find(s.target, f.term, f.lang)]
        counts.append(FormCount(f.lang, f.term, "not listed", concepts[0].id, sum(not s.approved for s in hits),
                                sum(s.approved for s in hits)))
    return replace(base, cldr=_cldr(concepts, [f.lang]), counts=tuple(counts), examples=tuple(examples))


def _entry_actions(f, concepts: Sequence[Concept], segments: Sequence[Segment],
                   shas: dict[str, str]) -> list[Action]:
    import json

    at = tuple((c.path, c.id) for c in concepts)
    if f.code == "variant-seen":
        if not concepts:
            return []
        cid = concepts[0].id
        return [Action("forbid", f"Forbid {f.term} in {cid} (repaired to {concepts[0].preferred(f.lang)})", at,
                       f.lang, f.term),
                Action("admit", f"Admit {f.term} in {cid}", at, f.lang, f.term)]
    keyed = {(s.path, s.line): s for s in segments}
    out = []
    for path, line in f.places:
        s = keyed.get((path, line))
        entry = json.dumps([path, line, s.msgctxt if s else f.entry])
        catalog = json.dumps([path, shas.get(path, "")])
        where = f"{Path(path).stem} {s.msgctxt if s else f.entry}"
        if f.code == "waiver" and concepts:
            out.append(Action("accept-waiver", f"Accept the waiver of {concepts[0].id}", at, f.lang, f.term,
                              entry=entry, catalog=catalog))
        out.append(Action("revoke-waiver", f"Revoke the waiver (remove `accept {f.term}` from {where})", at,
                          f.lang, f.term, entry=entry, catalog=catalog))
    return out


def _langs(f, concepts: Sequence[Concept]) -> list[str]:
    if f.lang and f.lang != "en":
        return [f.lang]
    return sorted({code for c in concepts for code in c.languages} - {"en"})


# --- evidence ----------------------------------------------------------------------------------------

def _forms(concepts: Sequence[Concept], lang: str) -> list[tuple[str, str, str]]:
    out: dict[str, tuple[str, str, str]] = {}
    for c in concepts:
        for t in c.terms_for(lang):
            out.setdefault(glossary.match_key(t.text), (t.text, t.status, c.id))
    return list(out.values())


def _matches(concept: Concept, segment: Segment) -> list[glossary.TermHit]:
    """Where the segment's source names the concept, read as `check` reads it (its catalog's surnames)."""
    folded = _folded(segment.source)
    if not any(glossary.match_key(t.text) in folded for t in concept.terms_for("en") if t.status != "forbidden"):
        return []              # the cheap test first: most segments name none of the card's concepts
    return source_names.concept_hits(_matcher(concept), segment.source, segment.surnames)


@lru_cache(maxsize=4096)
def _folded(text: str) -> str:
    return glossary.match_key(text)


@lru_cache(maxsize=1024)
def _matcher(concept: Concept) -> glossary.Glossary:
    return glossary.Glossary([concept])


def _counts(concepts: Sequence[Concept], langs: Sequence[str], segments: Sequence[Segment]) -> list[FormCount]:
    from ..terms import morph

    out = []
    for lang in langs:
        mine = [s for s in segments if s.lang == lang and s.target
                and any(_matches(c, s) for c in concepts)]
        for form, status, cid in _forms(concepts, lang):
            hits = [s for s in mine if morph.find(s.target, form, lang)]
            out.append(FormCount(lang, form, status, cid, sum(not s.approved for s in hits),
                                 sum(s.approved for s in hits)))
    return out


def _pieces(text: str, spans: Sequence[tuple[int, int]]) -> tuple[tuple[str, bool], ...]:
    out: list[tuple[str, bool]] = []
    at = 0
    for start, end in sorted(spans):
        if start < at:
            continue
        if start > at:
            out.append((text[at:start], False))
        out.append((text[start:end], True))
        at = end
    if at < len(text):
        out.append((text[at:], False))
    return tuple(out)


def _examples(concepts: Sequence[Concept], langs: Sequence[str], segments: Sequence[Segment]) -> list[Example]:
    from ..terms import morph

    out: list[Example] = []
    wanted = set(langs)
    ranked = sorted(segments, key=lambda s: (s.lang == "", not s.approved))   # translations first, approved first
    sources_shown: set[str] = set()
    for s in ranked:
        if len(out) >= MAX_EXAMPLES:
            break
        if s.lang and s.lang not in wanted:
            continue
        hits = [h for c in concepts for h in _matches(c, s)]
        if not hits:
            continue
        if not s.lang and s.source in sources_shown:
            continue
        target_spans = []
        if s.target:
            for form, _, _ in _forms(concepts, s.lang):
                target_spans += [(o.start, o.end) for o in morph.find(s.target, form, s.lang)]
        sources_shown.add(s.source)
        state = "source only" if not s.lang else "approved" if s.approved else "machine" if s.target else "untranslated"
        out.append(Example(s.msgctxt, s.lang, s.article, state, _pieces(s.source, [(h.start, h.end) for h in hits]),
                           _pieces(s.target, target_spans)))
    return out


def highlighted(segment: Segment, concepts: Sequence[Concept]) -> Example:
    """An entry with its glossary terms marked: the source terms, and every form of theirs in the target."""
    from ..terms import morph

    layered = glossary.Glossary(concepts)
    hits = source_names.concept_hits(layered, segment.source, segment.surnames)
    spans = [(o.start, o.end) for h in hits for t in h.concept.terms_for(segment.lang)
             for o in morph.find(segment.target, t.text, segment.lang)]
    state = "approved" if segment.approved else "machine"
    return Example(segment.msgctxt, segment.lang, segment.article, state,
                   _pieces(segment.source, [(h.start, h.end) for h in hits]), _pieces(segment.target, spans))


def _cldr(concepts: Sequence[Concept], langs: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """CLDR's name for the place, where babel knows it (countries by territory code, cities by time zone)."""
    from babel import Locale, UnknownLocaleError

    out = []
    code = next((k for k in (_cldr_code(c, langs) for c in concepts) if k), None)
    if code is not None:
        for lang in ["en", *langs]:
            try:
                loc = Locale.parse(lang)
            except (UnknownLocaleError, ValueError):
                continue
            name = loc.territories.get(code) if "/" not in code else loc.time_zones.get(code, {}).get("city")
            if name:
                out.append((lang, name))
    return tuple(out)


def _cldr_code(c: Concept, langs: Sequence[str]) -> str | None:
    return _cldr_lookup(c.note, c.preferred("en") or "", tuple(langs))


@lru_cache(maxsize=1024)
def _cldr_lookup(note: str, name: str, langs: tuple[str, ...]) -> str | None:
    """The territory code or time zone the concept names: from a "CLDR XX" note, else by its English name."""
    from babel import Locale, UnknownLocaleError

    for word in note.split():
        if "/" in word and word[:1].isupper() and word.rstrip(";,").count("/") == 1:
            return word.rstrip(";,")
        if len(word) == 2 and word.isupper() and "CLDR" in note:
            return word
    en = Locale.parse("en")
    for code, territory in en.territories.items():
        if len(code) == 2 and territory == name:
            return code
    zones: set[str] = set(en.time_zones)
    for lang in langs:
        try:
            zones |= set(Locale.parse(lang).time_zones)
        except (UnknownLocaleError, ValueError):
            continue
    for tz in sorted(zones):
        if (en.time_zones.get(tz, {}).get("city") or tz.rsplit("/", 1)[-1].replace("_", " ")) == name:
            return tz
    return None


# --- decisions ---------------------------------------------------------------------------------------

def _actions(f, concepts: Sequence[Concept]) -> list[Action]:
    lang, code = f.lang, f.code
    at = lambda c: ((c.path, c.id),)  # noqa: E731
    keep = Action("keep-apart", "Keep as is / apart", tuple((c.path, c.id) for c in concepts), lang, f.term,
                  other=code, ask="reason")
    out: list[Action] = []
    if not concepts:
        return out
    if code == "contested":
        c = concepts[0]
        for form in c.admitted(lang):
            out.append(Action("prefer", f"Make {form} preferred", at(c), lang, form))
            out.append(Action("forbid", f"Mark {form} forbidden", at(c), lang, form))
        out.append(keep)
    elif code == "source-conflict":
        for form in dict.fromkeys(c.preferred(lang) for c in concepts if c.preferred(lang)):
            # only where it is not preferred yet: elsewhere the decision would change nothing (and is refused)
            others = tuple((c.path, c.id) for c in concepts
                           if glossary.match_key(c.preferred(lang) or "") != glossary.match_key(form))
            if others:
                out.append(Action("prefer", f"Make {form} preferred in all", others, lang, form))
        out += _merges(concepts)
        out.append(keep)
    elif code == "shared-target":
        out += _merges(concepts)
        for c in concepts:
            if len(c.accepted(lang)) > 1:
                out.append(Action("admit", f"Demote {f.term} to admitted in {c.id}", at(c), lang, f.term))
                out.append(Action("forbid", f"Mark {f.term} forbidden in {c.id}", at(c), lang, f.term))
        out.append(keep)
    elif code == "preferred-forbidden":
        good, bad = concepts[0], concepts[-1]
        out.append(Action("admit", f"Admit {f.term} in {bad.id} (no longer forbidden)", at(bad), lang, f.term))
        if len(good.accepted(lang)) > 1:
            out.append(Action("forbid", f"Mark {f.term} forbidden in {good.id} too", at(good), lang, f.term))
        out.append(keep)
    elif code == "empty-cell":
        c = concepts[0]
        out.append(Action("fill", f"Fill the {lang} cell", at(c), lang, ask="text", value=_suggest(c, lang)))
    elif code in ("not-nfc", "invisible"):
        out.append(Action("normalize", f"Fix the Unicode of the {lang} cell", at(concepts[0]), lang))
    elif code == "lookalike":
        c = concepts[0]
        cell = glossary.format_cell(c.terms_for(lang)) if lang in c.languages else f.term
        out.append(Action("fill", f"Correct the {lang} cell", at(c), lang, ask="text", value=cell))
    elif code == "target-is-english":
        c = concepts[0]
        out.append(Action("fill", f"Give a {lang} term", at(c), lang, ask="text", value=""))
        out.append(keep)
    else:                                        # overlap and whatever the lint learns next
        out.append(keep)
    return out


def _merges(concepts: Sequence[Concept]) -> list[Action]:
    out = []
    for a in concepts:
        for b in concepts:
            if a is not b and (a.path, a.id) != (b.path, b.id):
                out.append(Action("merge", _merge_label(a, b), ((a.path, a.id),), other=b.id, other_path=b.path))
    return out


def _merge_label(keep: Concept, gone: Concept) -> str:
    """"Merge mfa into foreign-ministry"; one id in two files names the files, else both buttons would read
    "Merge kalbajar into kalbajar" (by file name, or by path where the names are the same)."""
    if keep.id != gone.id:
        return f"Merge {gone.id} into {keep.id}"
    a, b = Path(keep.path).name, Path(gone.path).name
    if a == b:
        a, b = shown(keep.path), shown(gone.path)
    return f"Merge {gone.id} from {b} into {keep.id} in {a}"


def _suggest(c: Concept, lang: str) -> str:
    return dict(_cldr([c], [lang])).get(lang, "")
