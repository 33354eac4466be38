"""Quality checks on translated catalogs: collect every finding per entry, never stop at the first.

Each finding has a severity; `error` findings are blocking (`toolkit check` exits 7 so it can gate
publishing). What is checked, per active entry:

* terminology: every glossary term of the source has an accepted target form (a derived adjective counts),
  and no forbidden one (`term-missing`, `term-forbidden`, `term-variant`, `term-source-copy` with the
  suspect's span): an error on an approved entry, a warning on a fuzzy one; `# toolkit: accept ID` in the
  entry's translator comment waives a term;
* numbers and dates: "6,500", "2,000", "20 years", "Dec. 4" keep their numbers in a form the target
  locale accepts (babel's `format_decimal` with any space variant, the plain digits, or the source form);
  a month of a source date ("Dec. 3, 2022", "on Oct. 20", "4 December") must appear as that month in the
  target language, inflected or abbreviated as CLDR and the morphology module allow ("4 декабря",
  "в декабре", "dekabrda", "դեկտեմբերի 4-ին"), or as a numeric date with that month ("04.12.2022");
* state: `untranslated` (error: the built article would show English), `fuzzy` (warning: unreviewed);
* small-NMT failure modes: a word or short phrase repeated (`repetition`, error) and a target whose
  length is far from the source's (`length`, warning);
* target punctuation: Armenian full stop `։` rather than `.`, Russian «» rather than "..." (warnings).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .catalog import label
from .findings import Finding, blocking, summary

if TYPE_CHECKING:
    import polib

    from . import terms
    from .glossary import Glossary

__all__ = ["Finding", "Fix", "blocking", "check_catalog", "entry_findings", "glossary_conflicts",
           "longer_names_seen", "run", "summary"]
#: target/source length ratio outside this range is suspicious (sources of 20+ characters only)
LENGTH_RATIO = (0.4, 2.6)
MIN_LENGTH_CHECKED = 20
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*")
_SPACES = ("\u00a0", "\u202f", " ", "\u2009")
_REPEAT = re.compile(r"(?<!\w)(\w+(?:\W+\w+){0,2}?)(?:\W+\1(?!\w)){3,}", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Fix:
    catalog: str
    msgctxt: str
    before: str
    after: str
    notes: tuple[str, ...]


# -- terminology ------------------------------------------------------------------------------------------

def term_findings(source: str, target: str, glossary: Glossary, lang: str, *, approved: bool = True,
                  msgctxt: str = "", translator_comment: str = "",
                  surnames: frozenset[str] = frozenset()) -> list[Finding]:
    """Glossary terms of `source` missing from `target` (no accepted form), present in a forbidden form, or
    suspected in a variant spelling or a copy of the source (`term-variant`, `term-source-copy`, with span).

    The verdict and its code are the terminology module's (`terms.check_entry`, inflection-aware); a
    glossary without a target for the language is `info`, not the translation's fault. A
    `# toolkit: accept ID` translator comment waives a term for the entry.
    """
    from . import terms
    from .terms import variants

    waived = variants.waivers(translator_comment)
    return [_term_finding(issue, glossary, lang, entry=msgctxt, fuzzy=not approved)
            for issue in terms.check_entry(source, target, glossary, lang, waived=waived, surnames=surnames).issues]


def _term_finding(issue: terms.TermIssue, glossary: Glossary, lang: str, **where) -> Finding:
    concept = glossary.get(issue.concept)
    term = (concept.preferred(lang) or concept.preferred("en") or "") if concept is not None else ""
    return Finding(issue.code, issue.message, lang, term=term, concept=issue.concept, span=issue.span, **where)


def _repair(source: str, target: str, glossary: Glossary, lang: str, translator_comment: str = "",
            surnames: frozenset[str] = frozenset()) -> tuple[str, tuple[str, ...]]:
    """The terminology module's inflection-aware repair: the wrong variant replaced, its ending kept."""
    from . import terms
    from .terms import variants

    done = terms.check_entry(source, target, glossary, lang, fix=True, waived=variants.waivers(translator_comment),
                             surnames=surnames)
    return done.text, done.repairs


# -- numbers ----------------------------------------------------------------------------------------------

def numbers(text: str) -> list[str]:
    return _NUMBER.findall(text)


def _value(token: str) -> Decimal | None:
    if re.fullmatch(r"\d{1,3}(,\d{3})+", token):
        return Decimal(token.replace(",", ""))
    try:
        return Decimal(token)
    except InvalidOperation:
        return None


@cache
def _forms(token: str, lang: str) -> tuple[str, ...]:
    from babel.numbers import format_decimal

    forms = {token}
    value = _value(token)
    if value is not None:
        forms.add(format(value, "f"))
        try:
            localized = format_decimal(value, locale=lang)
        except Exception:  # unknown locale: plain digits only
            localized = None
        if localized:
            forms.add(localized)
            for space in _SPACES:
                forms.add(localized.replace("\u00a0", space).replace("\u202f", space))
    return tuple(sorted(forms, key=len, reverse=True))


def number_findings(source: str, target: str, lang: str, *, approved: bool = True,
                    msgctxt: str = "") -> list[Finding]:
    out = []
    for token in dict.fromkeys(numbers(source)):
        if not any(re.search(rf"(?<!\d){re.escape(f)}(?!\d)", target) for f in _forms(token, lang)):
            out.append(Finding("number", f"number {token!r} of the source is not in the translation", lang,
                               entry=msgctxt, fuzzy=not approved))
    return out


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_MONTH_ABBR = {"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9, "Sept": 9,
               "Oct": 10, "Nov": 11, "Dec": 12}
_MONTH_WORD = "|".join([*_MONTHS, *(rf"{a}\." for a in _MONTH_ABBR)])
# A month only counts next to a day or a year: "May" alone is as likely the verb.
_DATE = re.compile(rf"\b(?P<m1>{_MONTH_WORD})(?=\s+\d)|(?<=\d)\s+(?P<m2>{_MONTH_WORD})(?!\w)")


def _month_number(word: str) -> int:
    word = word.rstrip(".")
    return _MONTHS.index(word) + 1 if word in _MONTHS else _MONTH_ABBR[word]


@cache
def _month_forms(month: int, lang: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(names to find with inflection, abbreviations to find as words) of a month in `lang`, from CLDR."""
    from babel.dates import get_month_names

    names, abbrs = set(), set()
    for context in ("format", "stand-alone"):
        try:
            names.add(get_month_names("wide", context=context, locale=lang)[month])
            abbrs.add(get_month_names("abbreviated", context=context, locale=lang)[month].rstrip("."))
        except Exception:  # noqa: BLE001 - a locale CLDR does not know: no month check
            return (), ()
    return tuple(sorted(names)), tuple(sorted(abbrs - names))


def date_findings(source: str, target: str, lang: str, *, approved: bool = True,
                  msgctxt: str = "") -> list[Finding]:
    from .terms import morph

    out = []
    for word in dict.fromkeys(m.group("m1") or m.group("m2") for m in _DATE.finditer(source)):
        month = _month_number(word)
        names, abbrs = _month_forms(month, lang)
        if not names:
            continue
        if any(morph.find(target, name, lang) for name in names):
            continue
        if any(re.search(rf"(?<!\w){re.escape(a)}(?!\w)", target, re.IGNORECASE) for a in abbrs if len(a) >= 3):
            continue
        if re.search(rf"(?<!\d)\d{{1,2}}[./-]0?{month}(?:[./-]\d{{2,4}})?(?!\d)", target):
            continue
        out.append(Finding("date", f"month {word!r} of the source is not in the translation (expected "
                           f"{names[0]!r})", lang, entry=msgctxt, fuzzy=not approved))
    return out


# -- machine-translation failure modes and punctuation ----------------------------------------------------

def suspicious_findings(source: str, target: str, lang: str, *, msgctxt: str = "") -> list[Finding]:
    out = []
    m = _REPEAT.search(target)
    if m:
        out.append(Finding("repetition", f"{m.group(1)!r} repeated "
                           f"{len(re.findall(re.escape(m.group(1)), m.group(0)))} times", lang, entry=msgctxt))
    else:
        words = Counter(w.casefold() for w in re.findall(r"\w{3,}", target))
        source_max = max(Counter(w.casefold() for w in re.findall(r"\w{3,}", source)).values(), default=0)
        if words:
            word, n = words.most_common(1)[0]
            if n >= 6 and n > 2 * max(source_max, 1):
                out.append(Finding("repetition", f"{word!r} occurs {n} times", lang, entry=msgctxt))
    if len(source) >= MIN_LENGTH_CHECKED:
        ratio = len(target) / len(source)
        if not LENGTH_RATIO[0] <= ratio <= LENGTH_RATIO[1]:
            out.append(Finding("length", f"translation is {ratio:.1f}× the source's length", lang, entry=msgctxt))
    return out


def punctuation_findings(source: str, target: str, lang: str, *, msgctxt: str = "") -> list[Finding]:
    out = []
    end = target.rstrip().rstrip("»\"”’)")
    if lang == "hy" and source.rstrip().rstrip("\"”’)").endswith(".") and end.endswith(".") \
            and not end.endswith("..."):
        out.append(Finding("punctuation", "Armenian sentences end with the full stop ։ (U+0589), not '.'", lang,
                           entry=msgctxt))
    if lang == "ru" and re.search(r"\"[^\"]+\"|“[^”]+”", target):
        out.append(Finding("punctuation", "Russian quotes are «…», not \"…\"", lang, entry=msgctxt))
    return out


# -- whole entries and catalogs ---------------------------------------------------------------------------

def entry_findings(entry: polib.POEntry, lang: str, glossary: Glossary | None = None, *,
                   surnames: frozenset[str] = frozenset()) -> list[Finding]:
    ctxt = label(entry)
    if not entry.msgstr:
        return [Finding("untranslated", "no translation: the source text would be published", lang, entry=ctxt)]
    approved = not entry.fuzzy
    out = [] if approved else [Finding("fuzzy", "not reviewed (fuzzy)", lang, entry=ctxt, fuzzy=True)]
    if glossary is not None:
        out += term_findings(entry.msgid, entry.msgstr, glossary, lang, approved=approved, msgctxt=ctxt,
                             translator_comment=entry.tcomment, surnames=surnames)
    out += number_findings(entry.msgid, entry.msgstr, lang, approved=approved, msgctxt=ctxt)
    out += date_findings(entry.msgid, entry.msgstr, lang, approved=approved, msgctxt=ctxt)
    out += suspicious_findings(entry.msgid, entry.msgstr, lang, msgctxt=ctxt)
    out += punctuation_findings(entry.msgid, entry.msgstr, lang, msgctxt=ctxt)
    return out


def check_catalog(po: polib.POFile, lang: str, glossary: Glossary | None = None, *,
                  catalog: str = "") -> list[Finding]:
    out: list[Finding] = []
    surnames = _surnames(po, glossary)
    for entry in po:
        if entry.obsolete or not entry.msgid:
            continue
        score = _confidence(entry)
        for f in entry_findings(entry, lang, glossary, surnames=surnames):
            out.append(replace(f, catalog=catalog, places=((catalog, entry.linenum),) if catalog else (),
                               confidence=score))
    return out


def _surnames(po: polib.POFile, glossary: Glossary | None) -> frozenset[str]:
    """A catalog is one article: the people it names in full (`Rolando Mendoza`) are those people when it
    says just `Mendoza` (`terms.source.article_surnames`)."""
    from .terms import source

    if glossary is None:
        return frozenset()
    return source.article_surnames(glossary, (e.msgid for e in po if not e.obsolete and e.msgid))


def _confidence(entry: polib.POEntry) -> float | None:
    from .catalog import entry_confidence

    score = entry_confidence(entry)
    return score.value if score is not None else None


def sort_by_confidence(findings: Sequence[Finding]) -> list[Finding]:
    """Least confident entries first (those without a confidence last), an entry's findings together."""
    return sorted(findings, key=lambda f: (f.confidence is None, f.confidence or 0.0, f.catalog, f.entry))


def fix_catalog(po: polib.POFile, lang: str, glossary: Glossary, *, catalog: str = "") -> list[Fix]:
    """Repair glossary terms in fuzzy entries only; approved entries are the translator's and stay as they are."""
    fixes = []
    surnames = _surnames(po, glossary)
    for entry in po:
        if entry.obsolete or not entry.fuzzy or not entry.msgstr:
            continue
        fixed, notes = _repair(entry.msgid, entry.msgstr, glossary, lang, entry.tcomment, surnames)
        if fixed != entry.msgstr:
            fixes.append(Fix(catalog, label(entry), entry.msgstr, fixed, notes))
            entry.msgstr = fixed
            lines = [ln for ln in entry.comment.split("\n") if ln]
            lines += [f"fixed by check: {n}" for n in notes]
            entry.comment = "\n".join(lines)
    return fixes


def run(locales: Path, *, name: str | Collection[str] | None = None, targets: Sequence[str] = (), glossary: Glossary | None = None,
        fix: bool = False) -> tuple[list[Finding], list[Fix]]:
    """Check (and with `fix`, repair fuzzy terms in) every catalog under `locales`."""
    from . import catalog as catalog_mod, fsutil, locales as locales_mod, pofile

    found = locales_mod.catalogs(locales, name=name, targets=targets)
    findings: list[Finding] = []
    fixes: list[Fix] = []
    for lang, path in found:
        if fix and glossary is not None:
            with fsutil.locked(locales):
                snap = pofile.snapshot(path, lang=lang)
                po = snap.po
                done = fix_catalog(po, lang, glossary, catalog=str(path))
                if done:
                    po.metadata["PO-Revision-Date"] = catalog_mod.now_stamp()
                    pofile.write(po, path, previous=snap)   # an editor's save meanwhile is never overwritten
                fixes += done
        else:
            po = pofile.read(path, lang=lang)
        findings += check_catalog(po, lang, glossary, catalog=str(path))
    return findings, fixes


def glossary_conflicts(glossary: Glossary, locales: str | Path, langs: Sequence[str] = ()) -> list[Finding]:
    """Catalog entries whose translation breaks the glossary, for `toolkit glossary conflicts`: an approved
    entry is an error (it is never rewritten), a fuzzy one a warning. No catalogs yet is not an error here.

    Also, for reviewers: every name variant the machine output showed (repaired, per the `#.` notes, or
    still there), per concept with counts and places and the command that adds it to the glossary
    (`variant-seen`), and every translator waiver (`waiver`).
    """
    from . import locales as locales_mod, pofile, terms
    from .terms import variants

    out: list[Finding] = []
    seen: dict[tuple[str, str, str], list[tuple[str, int]]] = {}
    for lang, path in locales_mod.catalogs(locales, targets=langs, missing_ok=True):
        for entry in pofile.read(path, lang=lang):
            if entry.obsolete or not entry.msgstr:
                continue
            state = "fuzzy" if entry.fuzzy else "approved"
            name = label(entry)
            where = name or entry.msgid[:30]
            place = ((str(path), entry.linenum),)
            for cid, kind, variant, _ in variants.repairs_in(entry.comment):
                if kind == "variant":         # a source copy or a listed form is no decision to make
                    seen.setdefault((lang, cid, variant), []).append(place[0])
            waived = variants.waivers(entry.tcomment)
            if waived:
                out.append(Finding("waiver", f"{where}: the translator accepts {', '.join(sorted(waived))} as "
                                   "written (# toolkit: accept …)", lang, entry=name,
                                   term=", ".join(sorted(waived)), places=place, catalog=str(path)))
            for issue in terms.check_entry(entry.msgid, entry.msgstr, glossary, lang, waived=waived).issues:
                if issue.code == variants.VARIANT and issue.variant:
                    seen.setdefault((lang, issue.concept, issue.variant), []).append(place[0])
                found = _term_finding(issue, glossary, lang, entry=name, fuzzy=entry.fuzzy,
                                      places=place, catalog=str(path))
                out.append(replace(found, code="catalog-term", message=f"{where} ({state}): {issue.message}"))
    for (lang, cid, variant), places in sorted(seen.items()):
        concept = glossary.get(cid)
        if concept is not None and variant in concept.forbidden(lang):
            continue                           # already decided
        preferred = concept.preferred(lang) if concept is not None else cid
        out.append(Finding("variant-seen", f"{cid} ({lang}): machine output wrote {variant!r} {len(places)}× for "
                           f"{preferred!r}; decide with `toolkit glossary add-variant {cid} {lang} '{variant}' "
                           "--as forbidden` (or admitted)", lang, term=variant, concept=cid, places=tuple(places)))
    out += longer_names_seen(glossary, locales, langs)
    return out


def longer_names_seen(glossary: Glossary, locales: str | Path, langs: Sequence[str] = ()) -> list[Finding]:
    """Longer names of the sources that hold a glossary name (`New York Times` holds `New York`): left alone
    by every check and repair (`terms.source`), listed once per name with its count and places (the article
    and line of each sentence, each sentence once however many languages it has) and the step that adds it."""
    from . import locales as locales_mod, pofile
    from .terms import source

    seen: dict[str, tuple[set[str], dict[tuple[str, str], None]]] = {}
    for lang, path in locales_mod.catalogs(locales, targets=langs, missing_ok=True):
        for entry in pofile.read(path, lang=lang):
            if entry.obsolete or not entry.msgid:
                continue
            others = source.read(glossary, entry.msgid).others
            if not others:
                continue
            places = entry.occurrences or [(str(path), str(entry.linenum))]
            for other in others:
                concepts, where = seen.setdefault(other.name, (set(), {}))
                concepts.add(other.concept.id)
                for place in places:
                    where.setdefault((place[0], place[1] or "0"), None)
    out = []
    for name, (concepts, where) in sorted(seen.items()):
        places = tuple((f, int(n) if n.isdigit() else 0) for f, n in where)
        quoted = "'" + name.replace("'", "'\\''") + "'"
        out.append(Finding("name-seen", f"{name!r} ({len(places)}×) holds the glossary name of "
                           f"{', '.join(sorted(concepts))}; it is left alone. To make it a name of its own: "
                           f"`toolkit glossary add-name {quoted} --kind dnt` (or --kind KIND --ru … --az … --hy …)",
                           term=name, concept=", ".join(sorted(concepts)), places=places))
    return out
