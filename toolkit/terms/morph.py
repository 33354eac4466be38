"""Find a glossary term in translated text in any inflected form, and inflect another term the same way.

Russian uses pymorphy3's lexemes (Ереван → Еревана, в Ереване; Баку is indeclinable), with suffix rules
for names its dictionary does not know. Azerbaijani and Armenian use case-suffix rules: vowel harmony
and buffer consonants for az (Bakı → Bakının, Bakıya, Bakıda; Qızılbulaq → Qızılbulağa), stem
alternations for hy (Բաքու → Բաքվի, Բաքվում; Մոսկվա → Մոսկվայում). In multiword terms Russian inflects
every word it can (Европейского союза, Новой Зеландии) but only the last part of a hyphenated name
(Лос-Анджелеса), Azerbaijani and Armenian only the last word (Laçın-Şuşa yolunda). Any separator (hyphen,
dash, space, no-break space) joins the words of a term found in a text; `inflect` writes the glossary's.

Matching runs on a folded copy of the text (lower case, Turkic-aware for az: I→ı, İ→i; ё→е; և→եւ)
with an index back into the original, so offsets are always into the text as written.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from ..glossary.model import in_capitals

BASE = "base"          # the slot of the form written in the glossary
# Hyphen, the Unicode hyphens, figure dash, en and em dash: with any whitespace (no-break space included)
# they are one separator between the words of a term when finding it, so Nyu-York is Nyu York and
# Нью Йорк is Нью-Йорк; what a repair writes is always the glossary's own separator.
_DASHES = "-\u2010\u2011\u2012\u2013\u2014"
SEPARATOR = rf"(?:\s*[{_DASHES}]\s*|\s+)"
_WORD_SPLIT = re.compile(rf"(\s*[{_DASHES}]\s*|\s+)")
_NO_BREAK = "\u00a0\u202f"


@dataclass(frozen=True, slots=True)
class Occurrence:
    start: int                   # offsets in the text as written
    end: int
    text: str
    slots: frozenset[str]        # grammatical slots of the match: ru "gent,sing", az/hy "gen", "loc", ...


# --- folding ---------------------------------------------------------------------------------------

def fold_char(c: str, lang: str) -> str:
    if lang == "az" or lang == "tr":
        if c == "I":
            return "ı"
        if c == "İ":
            return "i"
    if c in "’‘ʼ`":
        return "'"
    low = c.lower()
    if lang == "ru" and low == "ё":
        return "е"
    if c == "\u0587" or low == "\u0587":      # Armenian ligature և is written եւ as well
        return "եւ"
    return low if len(low) == 1 else c


_APOSTROPHES = {ord(c): "'" for c in "’‘ʼ`"}
_TURKIC = {**_APOSTROPHES, ord("I"): "ı", ord("İ"): "i"}   # dotted and dotless i keep their identity
_BEFORE_LOWER = {"az": _TURKIC, "tr": _TURKIC}
_AFTER_LOWER = {"ru": {ord("ё"): "е"}}


@lru_cache(maxsize=1024)
def fold_map(text: str, lang: str) -> tuple[str, Sequence[int]]:
    """The folded text and, for each of its characters, the index of the original character.

    Called for every term on every hypothesis: the common case (every character folds to one) is done
    with two `str.translate` calls and an identity index; the per-character loop is the fallback.
    """
    pre = text.translate(_BEFORE_LOWER.get(lang, _APOSTROPHES))
    low = pre.lower()
    if len(low) == len(text) and "\u0587" not in low:
        return low.translate(_AFTER_LOWER[lang]) if lang in _AFTER_LOWER else low, range(len(text))
    return _fold_map_slow(text, lang)


def _fold_map_slow(text: str, lang: str) -> tuple[str, list[int]]:
    out: list[str] = []
    index: list[int] = []
    for i, c in enumerate(text):
        f = fold_char(c, lang)
        out.append(f)
        index.extend([i] * len(f))
    return "".join(out), index


def fold(text: str, lang: str) -> str:
    return "".join(fold_char(c, lang) for c in unicodedata.normalize("NFC", text))


def upper(text: str, lang: str) -> str:
    if lang in ("az", "tr"):
        text = text.replace("i", "İ").replace("ı", "I")
    return text.upper()


# --- forms per word ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class WordForms:
    word: str                          # as written in the glossary
    forms: dict[str, frozenset[str]]   # folded form -> slots it can express
    by_slot: dict[str, str]            # slot -> the folded form to generate
    inflects: bool


def _fixed(word: str, lang: str) -> WordForms:
    f = fold(word, lang)
    return WordForms(word, {f: frozenset({BASE})}, {BASE: f}, False)


def _from_pairs(word: str, pairs: list[tuple[str, str]]) -> WordForms:
    forms: dict[str, set[str]] = {}
    by_slot: dict[str, str] = {}
    for form, slot in pairs:
        forms.setdefault(form, set()).add(slot)
        by_slot.setdefault(slot, form)
    return WordForms(word, {k: frozenset(v) for k, v in forms.items()}, by_slot, set(by_slot) != {BASE})


@cache
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


def _ru_word(word: str, position: int) -> WordForms:
    base = fold(word, "ru")
    if not any("\u0400" <= c <= "\u04ff" for c in word):
        return _fixed(word, "ru")
    morph = _morph()
    parses = morph.parse(word)
    # The word as a nominative: its dictionary form (Европейский, Штат), or a feminine or plural form of one
    # (Новая Зеландия, Соединенные Штаты), which then declines in that gender or number only.
    dependent = position > 0 and any(p.tag.case == "gent" and p.is_known for p in parses)
    # (pymorphy3's guess for an unknown vowel-final name declines it like a Russian noun: Марино → Марине)
    own = [p for p in parses if p.tag.case == "nomn" and p.tag.POS in ("NOUN", "ADJF", "PRTF")
           and (p.is_known or base[-1:] not in _RU_FOREIGN_VOWELS)
           and (p.normal_form.replace("ё", "е") == base or not dependent and p.word.replace("ё", "е") == base)
           and (p.tag.POS != "PRTF" or p.tag.number == "plur")]
    if own:
        pairs: list[tuple[str, str]] = [(base, BASE)]
        for p in own:
            gender = p.tag.gender
            plural = p.tag.number == "plur" and p.normal_form.replace("ё", "е") != base
            for f in p.lexeme:
                if plural and f.tag.number != "plur" or f.tag.POS != p.tag.POS or "Supr" in f.tag \
                        or p.tag.POS == "PRTF" and (f.tag.tense, f.tag.voice) != (p.tag.tense, p.tag.voice):
                    continue            # not наиновейшая for Новая, nor another participle of соединить
                if p.tag.POS == "ADJF" and f.tag.number == "sing" and f.tag.gender != gender:
                    continue
                pairs.append((f.word.replace("ё", "е"), f"{f.tag.case},{f.tag.number}"))
        if base[-1:] == "а" and base[-2:-1] in "жшчщц":
            # pymorphy3 writes the unstressed ending (Гянджей); Caucasus names stressed on it take -ой
            # (Гянджой, Шушой), which is also the form a repair writes
            pairs[1:1] = [(base[:-1] + "ой", "ablt,sing"), (base[:-1] + "ою", "ablt,sing")]
        pairs.sort(key=lambda fs: fs[1] == BASE, reverse=True)
        return _from_pairs(word, pairs)
    if dependent:
        return _fixed(word, "ru")          # a dependent genitive: "МИД Азербайджана", "Министерство обороны"
    if in_capitals(word):
        return _fixed(word, "ru")
    return _from_pairs(word, [(base, BASE), *_ru_rules(base)])


def _ru_rules(w: str) -> list[tuple[str, str]]:
    """Endings for a noun the dictionary does not know, from its last letter (2nd/1st declension)."""
    velar_hush = "гкхжшчщ"
    if w[-1] in "аеёиоуыэюя" and w[-1] not in "ая":
        return [(w, f"{c},sing") for c in ("nomn", "gent", "datv", "accs", "ablt", "loct")]   # indeclinable
    if w[-1] in "ая":
        stem = w[:-1]
        soft = w[-1] == "я"
        i = "и" if soft or stem[-1:] in velar_hush else "ы"
        return [(w, "nomn,sing"), (stem + i, "gent,sing"), (stem + "е", "datv,sing"),
                (stem + ("ю" if soft else "у"), "accs,sing"), (stem + ("ей" if soft else "ой"), "ablt,sing"),
                (stem + "е", "loct,sing"), (stem + i, "nomn,plur")]
    if w[-1] in "йь":
        stem = w[:-1]
        return [(w, "nomn,sing"), (stem + "я", "gent,sing"), (stem + "ю", "datv,sing"), (w, "accs,sing"),
                (stem + "ем", "ablt,sing"), (stem + "е", "loct,sing")]
    y = "и" if w[-1] in velar_hush else "ы"
    return [(w, "nomn,sing"), (w + "а", "gent,sing"), (w + "у", "datv,sing"), (w, "accs,sing"),
            (w + "ом", "ablt,sing"), (w + "ем", "ablt,sing"), (w + "е", "loct,sing"), (w + y, "nomn,plur"),
            (w + "ов", "gent,plur"), (w + "ам", "datv,plur"), (w + "ами", "ablt,plur"), (w + "ах", "loct,plur")]


_AZ_VOWELS = "aıoueəiöü"
_AZ_BACK = "aıou"


def _az_harmony(w: str) -> tuple[str, str]:
    """(two-way vowel a/ə, four-way vowel ı/i/u/ü) for suffixes after `w`."""
    last = next((c for c in reversed(w) if c in _AZ_VOWELS), "a")
    two = "a" if last in _AZ_BACK else "ə"
    four = {"a": "ı", "ı": "ı", "o": "u", "u": "u", "e": "i", "ə": "i", "i": "i", "ö": "ü", "ü": "ü"}[last]
    return two, four


def _az_suffixes(stem: str) -> list[tuple[str, str]]:
    """Case, plural and possessive endings of an Azerbaijani noun, as (suffix, slot)."""
    a, i = _az_harmony(stem)
    if stem[-1:] in _AZ_VOWELS:
        out = [("n" + i, "acc"), ("n" + i + "n", "gen"), ("y" + a, "dat"), ("d" + a, "loc"), ("d" + a + "n", "abl"),
               ("yl" + a, "ins"), ("s" + i, "poss"), ("s" + i + "n" + i + "n", "poss.gen"),
               ("s" + i + "n" + a, "poss.dat"), ("s" + i + "nd" + a, "poss.loc"), ("s" + i + "n" + i, "poss.acc"),
               ("n" + a, "dat.n"), ("nd" + a, "loc.n"), ("nd" + a + "n", "abl.n")]
    else:
        out = [(i, "acc"), (i + "n", "gen"), (a, "dat"), ("d" + a, "loc"), ("d" + a + "n", "abl"), ("l" + a, "ins"),
               (i, "poss"), (i + "n" + i + "n", "poss.gen"), (i + "n" + a, "poss.dat"), (i + "nd" + a, "poss.loc")]
    out += [("d" + i + "r", "pred"), ("d" + a + "d" + i + "r", "loc.pred"),    # Bakıdır, Bakıdadır
            ("d" + a + ("kı" if a == "a" else "ki"), "loc.adj"), ("l" + a + "r", "pl"),
            ("l" + a + "r" + ("ı" if a == "a" else "i"), "pl.acc"), ("l" + a + "r" + ("ın" if a == "a" else "in"), "pl.gen"),
            ("l" + a + "r" + a, "pl.dat"), ("l" + a + "rd" + a, "pl.loc"), ("l" + a + "rd" + a + "n", "pl.abl")]
    return out


def _az_word(word: str) -> WordForms:
    w = fold(word, "az")
    pairs = [(w, BASE)]
    abbreviation = in_capitals(word)
    # q→ğ, k→y before a vowel in words of more than one syllable: Qızılbulaq → Qızılbulağa.
    syllables = sum(1 for c in w if c in _AZ_VOWELS)
    soft = {"q": "ğ", "k": "y"}.get(w[-1]) if syllables > 1 and not abbreviation else None
    for suffix, slot in _az_suffixes(w):
        joints = ["-", "'"] if abbreviation else ["", "'"]
        for joint in joints:
            if soft and joint == "" and suffix[0] in _AZ_VOWELS:
                pairs.append((w[:-1] + soft + suffix, slot))
            pairs.append((w + joint + suffix, slot))
    return _from_pairs(word, pairs)


def _hy_word(word: str) -> WordForms:
    w = fold(word, "hy")
    pairs = [(w, BASE)]
    cases = [("ի", "gen"), ("ում", "loc"), ("ից", "abl"), ("ով", "ins"), ("ին", "dat.def")]
    if in_capitals(word):
        for suffix, slot in [*cases, ("ը", "def"), ("ն", "def.n")]:
            pairs.append((w + "-" + suffix, slot))
        return _from_pairs(word, pairs)
    if w.endswith("ություն"):
        stem = w[:-len("ություն")]
        pairs += [(stem + "ության", "gen"), (stem + "ությունում", "loc"), (stem + "ությունից", "abl"),
                  (stem + "ությամբ", "ins"), (w + "ը", "def"), (w + "ն", "def.n"), (stem + "ությանը", "dat.def")]
        return _from_pairs(word, pairs)
    if w.endswith("ու"):
        oblique = w[:-2] + "վ"              # Բաքու → Բաքվի
        pairs += [(oblique + s, slot) for s, slot in cases] + [(w + "ն", "def")]
        pairs += [(w + s, slot) for s, slot in cases]    # foreign names also keep it: Խոջալուի
    elif w[-1:] in "աո":
        oblique = w + "յ"                   # Մոսկվա → Մոսկվայի
        pairs += [(oblique + s, slot) for s, slot in cases] + [(w + "ն", "def")]
    elif w[-1:] in "իե":
        pairs += [(w + s, slot) for s, slot in cases] + [(w + "ն", "def")]
    else:
        pairs += [(w + s, slot) for s, slot in cases] + [(w + "ը", "def"), (w + "ն", "def.n")]
        pairs += [(w + "ներ", "pl"), (w + "ների", "pl.gen"), (w + "ներում", "pl.loc"), (w + "եր", "pl")]
    return _from_pairs(word, pairs)


# --- terms -----------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class TermModel:
    term: str
    lang: str
    words: tuple[WordForms, ...]
    separators: tuple[str, ...]        # as written between the words
    pattern: re.Pattern[str]


@cache
def model(term: str, lang: str) -> TermModel:
    term = _spaces(unicodedata.normalize("NFC", term).strip())
    parts = _WORD_SPLIT.split(term)
    words_text, seps = parts[0::2], parts[1::2]
    fixed = _ru_fixed_parts(words_text, seps) if lang == "ru" else frozenset()
    words: list[WordForms] = []
    for pos, w in enumerate(words_text):
        last = pos == len(words_text) - 1
        if pos in fixed or not _PLAIN_WORD.fullmatch(w):
            words.append(_fixed(w, lang))          # Св., "Сейлем," and "(США)" take no ending
        elif lang == "ru":
            words.append(_ru_word(w, pos))
        elif lang == "az" and last:
            words.append(_az_word(w))
        elif lang == "hy" and last:
            words.append(_hy_word(w))
        else:
            words.append(_fixed(w, lang))
    regex = []
    for k, wf in enumerate(words):
        if k:
            regex.append(SEPARATOR)
        alts = "|".join(re.escape(f) for f in sorted(wf.forms, key=len, reverse=True))
        regex.append(f"(?P<w{k}>{alts})")
    pattern = re.compile(rf"(?<!\w)(?:{''.join(regex)})(?![\w{_MARKS}])")
    return TermModel(term, lang, tuple(words), tuple(seps), pattern)


_PLAIN_WORD = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*['’ʼ]?")


def _spaces(term: str) -> str:
    """Runs of whitespace as one space, but a no-break space the glossary wrote stays one (a repair writes it)."""
    return re.sub(r"\s+", lambda m: next((c for c in m.group() if c in _NO_BREAK), " "), term)


def _ru_fixed_parts(words: Sequence[str], seps: Sequence[str]) -> frozenset[int]:
    """Words of a Russian hyphenated place name that keep their form: only its last part declines
    (в Нью-Йорке, Лос-Анджелесе, Буэнос-Айресе), unless a part is an adjective: then all agree
    (в Петропавловске-Камчатском, Римского-Корсакова); after a lower-case link word only the first declines
    (в Ростове-на-Дону)."""
    joined = [k for k, sep in enumerate(seps) if sep in _DASHES]      # a hyphen with no space around it
    if not joined:
        return frozenset()
    fixed: set[int] = set()
    for k in joined:
        run_end = k + 1
        while run_end in joined:
            run_end += 1
        # words k .. run_end form one hyphenated compound (k is its first)
        if k - 1 in joined:
            continue
        compound = range(k, run_end + 1)
        if any(words[j] in _RU_LINKS for j in compound) or _ru_indeclinable(words[run_end]) \
                and _ru_declining_place(words[k]):
            fixed.update(j for j in compound if j != k)       # Ростове-на-Дону, Гвинее-Бисау
        elif not any(_ru_adjective(words[j]) for j in compound):
            fixed.update(j for j in compound if j != run_end)  # Кот-д’Ивуаре, Порт-о-Пренсе too
    return frozenset(fixed)


_RU_LINKS = frozenset({"на", "над", "под"})    # Russian prepositions; foreign links (д’, о, эс, да) are not


def _ru_adjective(word: str) -> bool:
    """Written as a Russian adjective (Камчатский, Африканская), not a noun pymorphy3 also reads as one
    (Порт, Кунья)."""
    return fold(word, "ru").endswith(_RU_ADJ_ENDINGS) and any(
        p.tag.POS == "ADJF" and p.tag.case == "nomn" for p in _morph().parse(word))


_RU_ADJ_ENDINGS = ("ский", "цкий", "ской", "ская", "ское", "ские", "ный", "ной", "ная", "ное", "ные", "ний", "няя",
                   "нее", "ние", "овый", "евый")


def _ru_indeclinable(word: str) -> bool:
    return fold(word, "ru")[-1:] in _RU_FOREIGN_VOWELS


def _ru_declining_place(word: str) -> bool:
    """A dictionary place name that declines (Гвинея; not the indeclinable Буркина)."""
    return any(p.is_known and "Geox" in p.tag and "Fixd" not in p.tag and p.tag.case == "nomn"
               for p in _morph().parse(word))


_RU_FOREIGN_VOWELS = "оеиуюэ"      # a name ending so does not decline in Russian (Бисау, Марино, Кабо-Верде)


_MARKS = "\u0300-\u036f"


def find(text: str, term: str, lang: str) -> list[Occurrence]:
    """Every occurrence of `term` (any inflected form) in `text`, left to right, non-overlapping."""
    if not term.strip():
        return []
    m_ = model(term, lang)
    folded, index = fold_map(text, lang)
    out = []
    for m in m_.pattern.finditer(folded):
        if m.end() == m.start():
            continue
        start, end = index[m.start()], index[m.end() - 1] + 1
        slots: frozenset[str] | None = None
        for k, wf in enumerate(m_.words):
            if not wf.inflects:
                continue
            own = wf.forms.get(m.group(f"w{k}"), frozenset())
            slots = own if slots is None else (slots & own or slots)
        out.append(Occurrence(start, end, text[start:end], slots if slots is not None else frozenset({BASE})))
    return out


def inflect(term: str, slot: str, lang: str) -> str | None:
    """`term` put into `slot` (as found on another term's occurrence); None if it has no such form."""
    m_ = model(term, lang)
    out = []
    for k, wf in enumerate(m_.words):
        if k:
            out.append(m_.separators[k - 1])
        if not wf.inflects:
            out.append(wf.word)
            continue
        form = wf.by_slot.get(slot)
        if form is None and slot == BASE:
            form = fold(wf.word, lang)
        if form is None:
            return None
        out.append(_recase(form, wf.word, lang))
    return "".join(out)


def _recase(form: str, written: str, lang: str) -> str:
    """Give a generated (folded) form the capitals of the glossary's word: the shared stem keeps its letters."""
    out = []
    i = 0
    for c in written:
        f = fold_char(c, lang)
        if form.startswith(f, i):
            out.append(c)
            i += len(f)
        else:
            break
    rest = form[i:]
    return "".join(out) + rest                # МИДа, ԱԳՆ-ի: a suffix stays lower case


def repair(occurrence: Occurrence, target: str, lang: str) -> str | None:
    """The `target` term in the same grammatical form as `occurrence`; None when that is ambiguous or unknown."""
    candidates = {inflect(target, slot, lang) for slot in occurrence.slots}
    candidates.discard(None)
    if len(candidates) != 1:
        return None
    result = candidates.pop()
    if in_capitals(occurrence.text) and not in_capitals(target):
        result = upper(result, lang)          # a headline in capitals stays in capitals
    return result
