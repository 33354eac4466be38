"""Quality checks on translated catalogs: collect every finding per entry, never stop at the first.

Each finding has a severity; `error` findings are blocking (`toolkit check` exits 7 so it can gate
publishing). What is checked, per active entry:

* terminology: every glossary term of the source has an accepted target form (a derived adjective counts),
  and no forbidden one (`term-missing`, `term-forbidden`, `term-variant`, `term-source-copy` with the
  suspect's span): an error on an approved entry, a warning on a fuzzy one; `# toolkit: accept ID` in the
  entry's translator comment waives a term;
* numbers and dates: "6,500", "2,000", "20 years", "Dec. 4" keep their numbers in a form the target
  locale accepts (see below, the plain digits, or the source form);
  a month of a source date ("Dec. 3, 2022", "on Oct. 20", "4 December") must appear as that month in the
  target language, inflected or abbreviated as CLDR and the morphology module allow ("4 декабря",
  "в декабре", "dekabrda", "դեկտեմբերի 4-ին"), or as a numeric date with that month ("04.12.2022");
* state: `untranslated` (error: the built article would show English), `fuzzy` (warning: unreviewed);
* small-NMT failure modes: a word or short phrase repeated (`repetition`, error) and a target whose
  length is far from the source's (`length`, warning);
* target punctuation: Armenian full stop `։` rather than `.`; quotes of two styles side by side in one
  translation (`«Газпром» и "Роснефть"`), while one style used throughout, «…», „…“, “…” or "…", is the
  desk's choice: professional Russian news uses "…" as well as «…» (warnings);
* typography as pofilter checks it, in each target's own marks (docs/pofilter.md): brackets and quotes left
  open, double and stray spaces, a dropped sentence end (warnings), a line break the source does not have;
* the gate (`gate_findings`, which `build` refuses on too): an entry msgcat/msguniq left holding several
  versions (`merge-conflict`), an approved pseudo-translation (`pseudo`) and an approved entry whose `#|`
  names another sentence (`unreviewed-edit`: approved wholesale), blocking in any state; and,
  for a named article, a catalog that does not hold all its sentences (`stale_segments`, `stale-catalog`).

Numbers are matched in the target's conventions from CLDR: decimal comma, group symbol or any space,
compact forms of round numbers (`2 тыс.`).
"""
from __future__ import annotations

import re
import shlex
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
    from .document import Document, Segment
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
            for issue in terms.check_entry(source, target, glossary, lang, waived=waived,
                                           fixable=not approved, surnames=surnames).issues]


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
    """How the target may write the source number `token`: as written, plain digits, CLDR's decimal format
    for `lang` (its decimal comma, its group symbol) and that format grouped by any space: a no-break or
    narrow no-break space, as CLDR has it for ru and hy, or a plain or thin one, which every one of these
    languages' newspapers uses (az `6 500`, ru `2 000`)."""
    from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

    forms = {token}
    value = _value(token)
    if value is not None:
        forms.add(format(value, "f"))
        forms.add(format_decimal(value, locale="en"))     # "1,000" for the source's 1000 is the same number
        try:
            localized = format_decimal(value, locale=lang)
            group, decimal = get_group_symbol(lang), get_decimal_symbol(lang)
        except Exception:  # noqa: BLE001 - a locale CLDR does not know: plain digits only
            localized = group = decimal = None
        if localized:
            forms.add(localized)
            for space in _SPACES:
                forms.add(localized.replace(group, space).replace("\u00a0", space).replace("\u202f", space))
            if re.fullmatch(r"\d+\.\d+", token):          # its digits as written: 3.50 m is "3,50 m", not "3,5"
                forms.add(token.replace(".", decimal))
    return tuple(sorted(forms, key=len, reverse=True))


@cache
def _compact(token: str, lang: str) -> tuple[re.Pattern[str], ...]:
    """CLDR's compact forms of a round number (ru `2 тыс.`, `6,5 тысячи`, `2,5 млн`; hy `2 հազար`), as
    patterns that let the unit word inflect (`тысяч`, `тысячами`). Only a form that states the exact
    value counts: `6,5 тыс.` is 6,500, not 6,543."""
    from babel.numbers import format_compact_decimal

    value = _value(token)
    if value is None or value < 1000:
        return ()
    out = []
    for kind in ("short", "long"):
        for digits in (0, 1, 2):
            try:
                text = format_compact_decimal(value, locale=lang, format_type=kind, fraction_digits=digits)
            except Exception:  # noqa: BLE001 - a locale CLDR does not know
                return ()
            m = re.fullmatch(r"([\d.,]+)[\s\u00a0\u202f]*(\w+)\.?", text)
            if m is None:
                continue
            shown = Decimal(m.group(1).replace(",", "."))
            ratio = value / shown if shown else Decimal(0)
            if ratio < 1000 or ratio != ratio.to_integral_value() or str(int(ratio)).strip("0") != "1":
                continue             # rounded ("6,5 тыс." for 6,543), or not a thousand/million/...
            stem = re.escape(m.group(2)[:3])
            number = re.escape(m.group(1)).replace(",", "[,.]")
            out.append(re.compile(rf"(?<![\d.,]){number}[\s\u00a0\u202f]*{stem}", re.IGNORECASE))
    return tuple(dict.fromkeys(out))


def _number_in(token: str, target: str, lang: str) -> bool:
    return any(re.search(rf"(?<!\d){re.escape(f)}(?!\d)", target) for f in _forms(token, lang)) \
        or any(p.search(target) for p in _compact(token, lang))


def number_findings(source: str, target: str, lang: str, *, approved: bool = True,
                    msgctxt: str = "") -> list[Finding]:
    out = []
    for token in dict.fromkeys(numbers(source)):
        if not _number_in(token, target, lang):
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
    mixed = _mixed_quotes(target)
    if mixed is not None:
        out.append(Finding("punctuation", f"quotes of two styles side by side, {mixed[0]} and {mixed[1]}: use "
                           "one (inside a quote, the other style is right)", lang, entry=msgctxt))
    return out


#: a quote's opening mark, its closing mark, and how a message shows the style
_QUOTES = {"«": ("»", "«…»"), "„": ("“", "„…“"), "“": ("”", "“…”"), '"': ('"', '"…"')}


def _mixed_quotes(text: str) -> tuple[str, str] | None:
    """Two quote styles at one nesting level of `text` (`«Газпром» и "Роснефть"`), shown as «…»-like labels;
    None when one style is used throughout, a quote nests another style (`«… „…“ …»`, `"… «…» …"`: that is
    how a quote inside a quote is written), or the quotes do not pair up (`brackets` reports that; a `"` may be
    an inch mark). FLORES-200's and WMT newstest's professional Russian use "…" throughout as often as «…»."""
    stack: list[str] = []
    levels: dict[int, list[str]] = {}
    for ch in text:
        if stack and ch == _QUOTES[stack[-1]][0]:   # the closer of the open quote (`"` closes `"`, `“` closes `„`)
            stack.pop()
        elif ch in _QUOTES:
            styles = levels.setdefault(len(stack), [])
            if ch not in styles:
                styles.append(ch)
            stack.append(ch)
        elif ch in "»”":
            return None
    if stack:
        return None
    for styles in levels.values():
        if len(styles) > 1:
            return _QUOTES[styles[0]][1], _QUOTES[styles[1]][1]
    return None


# -- what pofilter also checks, in each target language's typography (docs/pofilter.md) -----------------

#: pairs that must balance in a translation: brackets, and each language's quotes (ru «» and „“, az and
#: en “”, hy «»); a straight " counts in pairs. ‘ ’ are left out: ’ is also the apostrophe.
_PAIRS = {"(": ")", "[": "]", "{": "}", "«": "»", "„": "“", "“": "”"}
#: what ends a sentence, per target: Armenian ends with ։ (typed as ":" on many keyboards, as in FLORES's
#: professional translations) and puts its ՞ ՜ on the word they concern
_SENTENCE_END = {"hy": ".։:…!?՞՜"}
_DEFAULT_END = ".…!?"
_CLOSERS = "»”“’\")]"


def _unbalanced(text: str) -> str | None:
    """The first bracket or quote of `text` without its partner, else None."""
    stack: list[str] = []
    for ch in text:
        if ch == "“" and stack and stack[-1] == "„":    # ru „…“ closes with the mark en opens with
            stack.pop()
        elif ch in _PAIRS:
            stack.append(ch)
        elif ch in _PAIRS.values():
            if not stack or _PAIRS[stack[-1]] != ch:
                return ch
            stack.pop()
    if stack:
        return stack[0]
    return '"' if text.count('"') % 2 else None


def typography_findings(source: str, target: str, lang: str, *, approved: bool = True,
                        msgctxt: str = "") -> list[Finding]:
    """pofilter's brackets, doublespacing, endwhitespace/startwhitespace, endpunc and newlines, judged in
    the target's own typography: «» and „“ are quotes, ։ ends an Armenian sentence."""
    out = []
    # Only what is left open: a translator may drop a bracketed acronym, "(NSA)", with its brackets.
    odd = _unbalanced(target)
    if odd is not None and _unbalanced(source) is None:
        out.append(Finding("brackets", f"{odd!r} has no partner in the translation", lang, entry=msgctxt))
    if re.search(r"\S[ \u00a0]{2,}\S", target) and not re.search(r"\S[ \u00a0]{2,}\S", source):
        out.append(Finding("spaces", "a double space in the translation", lang, entry=msgctxt))
    for where, mine, theirs in (("end", target[len(target.rstrip()):], source[len(source.rstrip()):]),
                                ("start", target[:len(target) - len(target.lstrip())],
                                 source[:len(source) - len(source.lstrip())])):
        if mine != theirs and mine.strip("\n") and not theirs:
            out.append(Finding("spaces", f"a space at the {where} of the translation the source does not have",
                               lang, entry=msgctxt))
    ends = _SENTENCE_END.get(lang, _DEFAULT_END)
    last = source.rstrip().rstrip(_CLOSERS)[-1:]
    if last and last in ".!?" and target.strip() and target.rstrip().rstrip(_CLOSERS)[-1:] not in ends:
        out.append(Finding("end-punctuation", f"the source ends with {last!r}, the translation with no "
                           "sentence end", lang, entry=msgctxt))
    if target.count("\n") > source.count("\n"):
        out.append(Finding("newline", "a line break inside the translation: it would break the paragraph of "
                           "the built article", lang, entry=msgctxt, fuzzy=not approved))
    return out


# -- what must never be published -------------------------------------------------------------------------

#: the line msgcat and msguniq put before each version of a translation they could not unify
_MERGE_MARK = re.compile(r"^#-#-#-#-#  (.*?)  #-#-#-#-#$", re.MULTILINE)


def merged_versions(text: str) -> list[str]:
    """The versions (file and project of each) `msgcat`/`msguniq` merged into `text`; [] for a translation."""
    return _MERGE_MARK.findall(text)


def _targets(entry: polib.POEntry) -> list[str]:
    return [entry.msgstr, *(entry.msgstr_plural or {}).values()]


def gate_findings(entry: polib.POEntry, lang: str, *, msgctxt: str = "") -> list[Finding]:
    """What no one approved as a translation: a msgcat/msguniq merge still holding every version, and a
    pseudo-translation (by its `[xx: …]` shape, or by the pseudo engine's note still signing this very
    text) that is approved. A blanket `msgattrib --clear-fuzzy` approves neither: both stay blocking."""
    from .catalog import signed_by_pseudo
    from .engines import pseudo

    for text in _targets(entry):
        versions = merged_versions(text)
        if versions:
            return [Finding("merge-conflict", f"{len(versions)} versions merged by msgcat/msguniq "
                            f"({'; '.join(versions)}): a merge to resolve, keep one translation and delete the "
                            "#-#-#-#-# lines", lang, entry=msgctxt, fuzzy=entry.fuzzy)]
    if not entry.fuzzy and entry.previous_msgid is not None and entry.previous_msgid != entry.msgid:
        # Weblate and the toolkit drop `#|` when an entry is approved; `msgattrib --clear-fuzzy` keeps
        # it: the translation is the earlier sentence's, approved by nobody for this one.
        earlier = " ".join(entry.previous_msgid.split())
        earlier = earlier if len(earlier) <= 60 else earlier[:59] + "…"
        return [Finding("unreviewed-edit", f"approved, but it translates the earlier sentence "
                        f"({earlier!r}, the #| line; a blanket msgattrib --clear-fuzzy?): "
                        "make it say the new sentence, then delete the #| lines (an editor does when you mark it "
                        "fuzzy and approve it again)", lang, entry=msgctxt)]
    if not entry.fuzzy and (any(pseudo.is_pseudo(t) for t in _targets(entry) if t) or signed_by_pseudo(entry)):
        # (a fuzzy one is the pseudo-localisation preview: its `fuzzy` warning says enough)
        return [Finding("pseudo", "an approved pseudo-translation (a blanket msgattrib --clear-fuzzy?): "
                        "translate it, or mark it fuzzy again and let `toolkit translate` replace it", lang,
                        entry=msgctxt)]
    return []


def stale_segments(doc: Document, po: polib.POFile) -> list[Segment]:
    """The article's sentences its catalog does not hold (the article changed and `translate` was not run
    again): keyed as gettext keys them, or by the bare msgid for a catalog a tool left without contexts.
    `build` refuses on these and `check` reports them, from this one function."""
    from .catalog import keys

    exact = {(e.msgctxt, e.msgid) for e in po if not e.obsolete}
    msgids = {e.msgid for e in po if not e.obsolete}
    key = keys(doc)
    return [s for s in doc.segments if key[s.id] not in exact and s.text not in msgids]


def stale_message(doc: Document, missing: Sequence[Segment]) -> str:
    first = missing[0]
    return (f"{len(missing)} sentence(s) of {doc.source} are not in the catalog, first {first.id} "
            f"(line {first.line}): the article changed since it was translated")


def stale_findings(doc: Document, po: polib.POFile, lang: str, *, catalog: str = "") -> list[Finding]:
    missing = stale_segments(doc, po)
    if not missing:
        return []
    return [Finding("stale-catalog", f"{stale_message(doc, missing)}; run `toolkit translate {doc.source} --to "
                    f"{lang}`", lang, entry=missing[0].id, catalog=catalog, article=doc.name,
                    segment=missing[0].id, msgid=missing[0].text)]


# -- whole entries and catalogs ---------------------------------------------------------------------------

def entry_findings(entry: polib.POEntry, lang: str, glossary: Glossary | None = None, *,
                   surnames: frozenset[str] = frozenset()) -> list[Finding]:
    ctxt = label(entry)
    pairs = _translations(entry)
    if not any(target for _, target in pairs):
        return [Finding("untranslated", "no translation: the source text would be published", lang, entry=ctxt)]
    approved = not entry.fuzzy
    out = [] if approved else [Finding("fuzzy", "not reviewed (fuzzy)", lang, entry=ctxt, fuzzy=True)]
    gate = gate_findings(entry, lang, msgctxt=ctxt)
    if gate:     # not a translation: checking its terms, numbers and length would only add noise
        return out + gate
    out += [Finding("untranslated", f"plural form msgstr[{i}] has no translation", lang, entry=ctxt)
            for i, (_, target) in enumerate(pairs) if not target]
    for source, target in pairs:
        if not target:
            continue
        if glossary is not None:
            out += term_findings(source, target, glossary, lang, approved=approved, msgctxt=ctxt,
                                 translator_comment=entry.tcomment, surnames=surnames)
        out += number_findings(source, target, lang, approved=approved, msgctxt=ctxt)
        out += date_findings(source, target, lang, approved=approved, msgctxt=ctxt)
        out += suspicious_findings(source, target, lang, msgctxt=ctxt)
        out += punctuation_findings(source, target, lang, msgctxt=ctxt)
        if not _pseudo_shaped(target):    # a fuzzy pseudo preview: its frame is not the typography
            out += typography_findings(source, target, lang, approved=approved, msgctxt=ctxt)
    return list(dict.fromkeys(out))     # the same finding on two plural forms is one


def _translations(entry: polib.POEntry) -> list[tuple[str, str]]:
    """(source, translation) of each form: msgstr[0] renders msgid, the other plural forms msgid_plural."""
    if not entry.msgid_plural:
        return [(entry.msgid, entry.msgstr)]
    forms = entry.msgstr_plural
    return [(entry.msgid if i == 0 else entry.msgid_plural, forms.get(i, "")) for i in range(max(forms, default=0) + 1)]


def _pseudo_shaped(text: str) -> bool:
    from .engines import pseudo

    return pseudo.is_pseudo(text)


def check_catalog(po: polib.POFile, lang: str, glossary: Glossary | None = None, *,
                  catalog: str = "", article: str = "") -> list[Finding]:
    """Every finding of every active entry, each naming its article (default: the catalog's file name,
    which is the article's), segment and msgid."""
    from .catalog import position

    article = article or (Path(catalog).stem if catalog else "")
    out: list[Finding] = []
    surnames = catalog_surnames(po, glossary)
    for entry in po:
        if entry.obsolete or not entry.msgid:
            continue
        score = _confidence(entry)
        for f in entry_findings(entry, lang, glossary, surnames=surnames):
            out.append(replace(f, catalog=catalog, places=((catalog, entry.linenum),) if catalog else (),
                               confidence=score, article=article, segment=position(entry), msgid=entry.msgid))
    return out


def catalog_surnames(po: polib.POFile, glossary: Glossary | None) -> frozenset[str]:
    """A catalog is one article: the people it names in full (`Rolando Mendoza`) are those people when it
    says just `Mendoza` (`terms.source.article_surnames`). `check`, `stats`, `glossary conflicts` and the
    review page all read a catalog through this one function."""
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
    surnames = catalog_surnames(po, glossary)
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
        fix: bool = False, articles: Sequence[Path] = (), encoding: str | None = None,
        follow_links: bool = False) -> tuple[list[Finding], list[Fix]]:
    """Check (and with `fix`, repair fuzzy terms in) every catalog under `locales`; of the `articles`
    given, also whether their catalogs still hold every sentence (`stale-catalog`, what `build` refuses)."""
    from . import catalog as catalog_mod, document, fsutil, locales as locales_mod, pofile

    found = locales_mod.catalogs(locales, name=name, targets=targets)
    if fix:     # a linked language folder is written through only when asked (--follow-links)
        locales_mod.check_folder(locales, {lang for lang, _ in found}, follow=follow_links)
    docs = {}
    for article in articles:     # segmented as translate and build segment it: with the glossary's spans
        doc = document.read(article, encoding=encoding, no_split=glossary.spans if glossary is not None else None)
        docs[doc.name] = doc     # the catalog's file name is the article's (catalog.po_path)
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
        doc = docs.get(path.stem)
        if doc is not None:
            findings += stale_findings(doc, po, lang, catalog=str(path))
        findings += check_catalog(po, lang, glossary, catalog=str(path), article=doc.name if doc else "")
    have = {(lang, path.stem) for lang, path in found}
    for doc in docs.values():    # languages asked for by name: build would refuse a catalog that is not there
        for lang in targets:
            if (lang, doc.name) not in have:
                path = catalog_mod.po_path(Path(locales), lang, doc)
                findings.append(Finding("stale-catalog", f"no {lang} catalog for {doc.source}; run `toolkit "
                                        f"translate {doc.source} --to {lang}`", lang, catalog=str(path),
                                        article=doc.name))
    return findings, fixes


#: What `toolkit review` writes into a concept's note when a reviewer accepts a translator's waiver; that
#: waiver is then settled and no longer listed (`lang`, the catalog's name, the entry's label).
WAIVER_ACCEPTED = "waiver accepted ({lang} {catalog} {entry})"
#: The `glossary conflicts` codes that are the machine drafts' own problems, listed apart from the glossary's
#: decisions: a fuzzy entry's `catalog-term` (the next run or a translator settles it).
DRAFT_CODES = ("catalog-term",)


def is_draft_warning(f: Finding) -> bool:
    """A warning about an unreviewed machine draft, not a decision the glossary needs."""
    return f.code in DRAFT_CODES and f.fuzzy


def waived_concepts(word: str, source: str, glossary: Glossary) -> list[str]:
    """The concept ids a waived word names: an id, an English term, or (`all`) every concept of the source."""
    from .glossary import match_key

    if word == "all":
        return list(dict.fromkeys(h.concept.id for h in glossary.match(source)))
    for c in glossary.concepts:
        if c.id.casefold() == word or any(match_key(t.text) == match_key(word) for t in c.terms_for("en")):
            return [c.id]
    return []


def glossary_conflicts(glossary: Glossary, locales: str | Path, langs: Sequence[str] = (), *,
                       glossary_arg: str | Path | None = None, locales_arg: str | Path | None = None) -> list[Finding]:
    """Catalog entries whose translation breaks the glossary, for `toolkit glossary conflicts`: an approved
    entry is an error (it is never rewritten), a fuzzy one a warning. No catalogs yet is not an error here.

    Also, for reviewers: every name variant the machine output showed (repaired, per the `#.` notes, or
    still there), per concept with counts and places and the command that adds it to the glossary
    (`variant-seen`; the command names `glossary_arg` and `locales_arg`, the paths the run used), and
    every translator waiver, one per concept it names (`waiver`; a word naming no concept is
    `waiver-unknown`). A waiver a reviewer accepted (WAIVER_ACCEPTED in the concept's note) is settled.
    """

    from . import locales as locales_mod, pofile, terms
    from .glossary import match_key
    from .terms import variants

    out: list[Finding] = []
    seen: dict[tuple[str, str, str], list[tuple[tuple[str, int], bool]]] = {}    # -> (place, approved)
    for lang, path in locales_mod.catalogs(locales, targets=langs, missing_ok=True):
        po = pofile.read(path, lang=lang)
        surnames = catalog_surnames(po, glossary)      # one article, read as `check` and `translate` read it
        for entry in po:
            if entry.obsolete or not entry.msgstr:
                continue
            state = "fuzzy" if entry.fuzzy else "approved"
            name = label(entry)
            where = name or entry.msgid[:30]
            place = ((str(path), entry.linenum),)
            for cid, kind, variant, _ in variants.repairs_in(entry.comment):
                if kind == "variant":         # a source copy or a listed form is no decision to make
                    seen.setdefault((lang, cid, variant), []).append((place[0], not entry.fuzzy))
            waived = variants.waivers(entry.tcomment)
            for word in sorted(waived):
                ids = waived_concepts(word, entry.msgid, glossary)
                if not ids:
                    out.append(Finding("waiver-unknown", f"{where}: the waiver `toolkit: accept {word}` names no "
                                       "concept of the glossary (an id or an English term; or `all`)", lang,
                                       entry=name, term=word, places=place, catalog=str(path)))
                for cid in ids:
                    accepted = WAIVER_ACCEPTED.format(lang=lang, catalog=Path(path).stem, entry=name)
                    if accepted in (glossary.get(cid).note if glossary.get(cid) else ""):
                        continue
                    out.append(Finding("waiver", f"{where}: the translator accepts {cid} as written "
                                       f"(# toolkit: accept {word})", lang, entry=name, term=word, concept=cid,
                                       places=place, catalog=str(path)))
            for issue in terms.check_entry(entry.msgid, entry.msgstr, glossary, lang, waived=waived,   # no --fix
                                           fixable=entry.fuzzy, surnames=surnames).issues:   # hint on approved ones
                if issue.code == variants.VARIANT and issue.variant:
                    seen.setdefault((lang, issue.concept, issue.variant), []).append((place[0], not entry.fuzzy))
                found = _term_finding(issue, glossary, lang, entry=name, fuzzy=entry.fuzzy,
                                      places=place, catalog=str(path))
                out.append(replace(found, code="catalog-term", message=f"{where} ({state}): {issue.message}"))
    where_args = (f" --glossary {shlex.quote(str(glossary_arg))}" if glossary_arg is not None else "") + \
        (f" --locales {shlex.quote(str(locales_arg))}" if locales_arg is not None and str(locales_arg) != "locales"
         else "")
    for (lang, cid, variant), uses in sorted(seen.items()):
        places = list(dict.fromkeys(p for p, _ in uses))
        approved = len({p for p, ok in uses if ok})
        drafts = len(places) - approved
        by = " and ".join(x for x in (f"{drafts} machine draft{'s' if drafts != 1 else ''}" if drafts else "",
                                      f"{approved} approved translation{'s' if approved != 1 else ''}" if approved
                                      else "") if x)
        concept = glossary.get(cid)
        if concept is not None and any(match_key(t.text) == match_key(variant) for t in concept.terms_for(lang)):
            continue                           # already decided: listed as forbidden or admitted
        preferred = concept.preferred(lang) if concept is not None else cid
        out.append(Finding("variant-seen", f"{cid} ({lang}): {by} wrote {variant!r} for {preferred!r}; decide with `toolkit glossary add-variant {cid} {lang} "
                           f"{shlex.quote(variant)} --as forbidden{where_args}` (or admitted)", lang, term=variant,
                           concept=cid, places=tuple(places)))
    out += longer_names_seen(glossary, locales, langs, where_args=where_args)
    return out


def longer_names_seen(glossary: Glossary, locales: str | Path, langs: Sequence[str] = (), *,
                      where_args: str = "") -> list[Finding]:
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
        quoted = shlex.quote(name)
        out.append(Finding("name-seen", f"{name!r} ({len(places)}×) holds the glossary name of "
                           f"{', '.join(sorted(concepts))}; it is left alone. To make it a name of its own: "
                           f"`toolkit glossary add-name {quoted} --kind dnt{where_args}` (or --kind KIND --ru … --az … --hy …)",
                           term=name, concept=", ".join(sorted(concepts)), places=places))
    return out
