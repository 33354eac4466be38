"""Find the name the engine meant when the glossary form is missing, and put the preferred term in its slot.

Pure term logic (no engine, no catalogs). For a concept the source mentions but the target lacks, every
capitalised word (or run of words, for multi-word terms) of the target is compared with the term:

* a source copy: the English term left in the output, bare or with a target ending (`в Kalbajar`,
  `Gazakhda`, `Goris-ի`, `APA сообщило`);
* a variant: a spelling whose transliteration key is close to the term's (`Кяльбаджаре`, `Gence`,
  `Naxcivanda`, `Ստեփանակերդում`), in any script: keys fold Cyrillic, Azerbaijani Latin, Armenian and
  English spellings onto one sound alphabet (дж = c = ջ = j; к = q = ք = g; х = x = ğ = ղ = kh ...), and the
  distance weighs vowel and same-class consonant changes lightly;
* in multi-word terms, one word wrong (`Ильхам Aliyev`, `Xarici Isler Nazirliyi`).

The ending after the variant's stem names the grammatical slot (taken from the term's own paradigm, plus
the language's generic endings, so an Azerbaijani suffix is re-harmonised to the new stem); a correct word
next to a wrong one in a multi-word term gives its slot (`Ильхамом Aliyev`); a bare source copy in Russian
takes its case from the preposition before it, or the genitive where English said "of X". A repair is
offered only when that slot gives one form of the preferred term, and in Russian only within one
declension class (a masculine `Елизаветполь` never becomes the feminine `Гянджа`: agreement around it
would break); otherwise the suspect is flagged with its span.

Never a suspect: words that are a form of the term already, lower-case words, dictionary words of another
kind (pymorphy3: `Баки`, `Борис` are not a city), words that change a name's first or last consonant or add
or drop two sounds at its end (`Երևաց` is not `Երևան`), lower-case spellings of an acronym (`Ապա`),
Azerbaijani sentence-initial words that are not very close or carry a diacritic the name lacks (`Şüşə`),
and derivations that start with the whole term (`Qazaxıstan`, `Gəncəli`, `բաքվեցի`): `derived` reports
adjectives and demonyms (`азербайджано-`, `Лачинскому`, `бакинцы`, `հայկական`) as the term present, and
one made from a misspelt stem (`Кяльбаджарском`) as not exact; the caller also tries the forbidden forms.

A source copy joined to capitalised Latin-script words in a Cyrillic or Armenian target (`"Adelaide Show"`,
`Qatar Airways`, `The Moscow Times`) is a name kept as written (`latin_run`): its suspect carries the name and
no repair, and the caller holds the term with a note, as the source side leaves a longer name alone.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from . import morph
from ..glossary.model import in_capitals

SOURCE_COPY = "term-source-copy"
VARIANT = "term-variant"
#: a variant's key distance, divided by the longer key's length, must stay under this
MAX_DISTANCE = 0.26
MIN_KEY = 3
#: at the start of a sentence any word is capitalised: without an Azerbaijani dictionary, demand a closer match
INITIAL_DISTANCE = 0.1

_WORD = re.compile(r"[^\W\d_]+")
_SEPARATOR = re.compile(morph.SEPARATOR)
_fold = lru_cache(maxsize=32768)(morph.fold)
_JOINTS = "-'’ʼ\u2010\u2011"


# --- transliteration keys -----------------------------------------------------------------------------
# One symbol per sound class: vowels a e i o u; consonants as in English, with
# k = k/g/q, h = h/kh/x/ğ/gh, j = dzh/j/c(az)/zh, c = ch/ç, S = sh/ş/щ, T = ts, y = й/y/յ.

_CYR = {"а": "a", "б": "b", "в": "v", "г": "k", "д": "d", "е": "e", "ё": "yo", "ж": "j", "з": "z", "и": "i",
        "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
        "у": "u", "ф": "f", "х": "h", "ц": "T", "ч": "c", "ш": "S", "щ": "S", "ъ": "", "ы": "i", "ь": "",
        "э": "e", "ю": "yu", "я": "ya", "ə": "e", "і": "i", "\u0452": "j"}
_AZ = {"a": "a", "b": "b", "c": "j", "ç": "c", "d": "d", "e": "e", "ə": "e", "f": "f", "g": "k", "ğ": "h",
       "h": "h", "x": "h", "ı": "i", "i": "i", "j": "j", "k": "k", "q": "k", "l": "l", "m": "m", "n": "n",
       "o": "o", "ö": "o", "p": "p", "r": "r", "s": "s", "ş": "S", "t": "t", "u": "u", "ü": "u", "v": "v",
       "y": "y", "z": "z", "w": "v"}
_HY = {"ա": "a", "բ": "b", "գ": "k", "դ": "d", "ե": "e", "զ": "z", "է": "e", "ը": "e", "թ": "t", "ժ": "j",
       "ի": "i", "լ": "l", "խ": "h", "ծ": "T", "կ": "k", "հ": "h", "ձ": "z", "ղ": "h", "ճ": "c", "մ": "m",
       "յ": "y", "ն": "n", "շ": "S", "ո": "o", "չ": "c", "պ": "p", "ջ": "j", "ռ": "r", "ս": "s", "վ": "v",
       "տ": "t", "ր": "r", "ց": "T", "ւ": "v", "փ": "p", "ք": "k", "օ": "o", "ֆ": "f", "և": "ev"}
_EN_DIGRAPHS = (("dzh", "j"), ("tch", "c"), ("kh", "h"), ("gh", "h"), ("zh", "j"), ("sh", "S"), ("ch", "c"),
                ("ts", "T"), ("dj", "j"), ("ph", "f"), ("ck", "k"), ("x", "ks"), ("w", "v"), ("c", "k"),
                ("q", "k"), ("g", "k"))
_VOWELS = frozenset("aeiou")
# Substitutions cheaper than 1: sound classes transliterations confuse.
_NEAR = {frozenset(p): c for p, c in [
    (("k", "h"), 0.5), (("j", "c"), 0.5), (("j", "z"), 0.6), (("S", "c"), 0.7), (("T", "s"), 0.6),
    (("T", "c"), 0.6), (("z", "s"), 0.6), (("v", "u"), 0.5), (("b", "p"), 0.7), (("d", "t"), 0.7),
    (("f", "p"), 0.7), (("y", "i"), 0.3), (("y", "e"), 0.5), (("v", "b"), 0.8), (("S", "s"), 0.4)]}


def script(word: str) -> str:
    """"cyr", "arm" or "lat" by the first letter."""
    for c in word:
        if "\u0400" <= c <= "\u04ff":
            return "cyr"
        if "\u0530" <= c <= "\u058f" or "\ufb13" <= c <= "\ufb17":
            return "arm"
        if c.isalpha():
            return "lat"
    return "lat"


@lru_cache(maxsize=32768)
def key(word: str, how: str) -> str:
    """The sound key of `word`; `how` is "cyr", "arm", "az" (Azerbaijani Latin) or "en" (English Latin)."""
    w = _fold(word, "az" if how == "az" else "ru" if how == "cyr" else "hy" if how == "arm" else "en")
    out: list[str] = []
    if how == "cyr":
        w = w.replace("дж", "\u0452")         # one sound: ђ stands in for it below
        for i, c in enumerate(w):
            if c == "е" and (i == 0 or w[i - 1] in "аеиоуыэюяьъ"):
                out.append("ye")
            else:
                out.append(_CYR.get(c, c))
    elif how == "arm":
        w = w.replace("ու", "u").replace("եւ", "ev")
        for i, c in enumerate(w):
            if c == "ե" and i == 0:
                out.append("ye")
            elif c == "ո" and i == 0:
                out.append("vo")
            else:
                out.append(_HY.get(c, c))
    elif how == "az":
        out = [_AZ.get(c, c) for c in w]
    else:
        for a, b in _EN_DIGRAPHS:
            w = w.replace(a, b)
        w = re.sub(r"y(?![aeiou])", "i", w)
        out = [c for c in w]
    k = "".join(out)
    return re.sub(r"(.)\1+", r"\1", k)          # doubled letters: Gəncə / Ganja / Гянджа agree


def keys(word: str, lang: str) -> tuple[str, ...]:
    s = script(word)
    if s == "cyr":
        return (key(word, "cyr"),)
    if s == "arm":
        return (key(word, "arm"),)
    return (key(word, "az"), key(word, "en")) if lang == "az" else (key(word, "en"), key(word, "az"))


def _cost(a: str, b: str) -> float:
    if a == b:
        return 0.0
    if a in _VOWELS and b in _VOWELS:
        return 0.4
    return _NEAR.get(frozenset((a, b)), 1.0)


def _indel(c: str) -> float:
    return 0.5 if c in _VOWELS or c == "y" else 0.6 if c == "h" else 1.0


@lru_cache(maxsize=65536)
def distance(a: str, b: str, limit: float = float("inf")) -> float:
    """Weighted edit distance between two keys (vowels and same-class consonants are cheap); any value over
    `limit` may be returned as soon as the distance is known to exceed it."""
    indel = [_indel(c) for c in b]
    prev = [0.0]
    for x in indel:
        prev.append(prev[-1] + x)
    for ca in a:
        da = _indel(ca)
        cur = [prev[0] + da]
        for j, cb in enumerate(b):
            sub = prev[j] if ca == cb else prev[j] + _cost(ca, cb)
            cur.append(min(prev[j + 1] + da, cur[j] + indel[j], sub))
        if min(cur) > limit:
            return min(cur)
        prev = cur
    return prev[-1]


def _last_consonant(k: str) -> str:
    return next((c for c in reversed(k) if c not in _VOWELS and c != "y"), "")


def _same_start(a: str, b: str) -> bool:
    vowelish = _VOWELS | {"y"}
    return a == b or (a in vowelish and b in vowelish) or _NEAR.get(frozenset((a, b)), 1.0) <= 0.5


def _close(a: str, b: str) -> float | None:
    """Normalised distance of two keys, None when they are not plausibly the same name."""
    if len(a) < MIN_KEY or len(b) < MIN_KEY or abs(len(a) - len(b)) > max(2, len(b) // 3):
        return None
    if not _same_start(a[0], b[0]):
        return None                      # names keep their first sound
    last_a, last_b = _last_consonant(a), _last_consonant(b)
    if last_a and last_b and last_a != last_b and frozenset((last_a, last_b)) not in _NEAR:
        return None                      # ... and their last consonant (Երևաց 'appeared' is not Երևան)
    longer, shorter = (a, b) if len(a) >= len(b) else (b, a)
    if longer != shorter and longer.startswith(shorter) and set(longer[len(shorter):]) - _VOWELS:
        return None                      # a derivation or a truncation, not a spelling
    plain_a, plain_b = a.replace("y", ""), b.replace("y", "")
    longer, shorter = (plain_a, plain_b) if len(plain_a) >= len(plain_b) else (plain_b, plain_a)
    if longer.startswith(shorter) and len(longer) - len(shorter) >= 2:
        return None                      # two sounds more or less at the end: another word (Թյուրք, Թուրքիա)
    longest = max(len(a), len(b))
    d = distance(a, b, MAX_DISTANCE * longest) / longest
    return d if d <= MAX_DISTANCE else None


# --- endings ------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Word:
    wf: morph.WordForms
    stem: str                                   # folded, common to all forms
    endings: dict[str, frozenset[str]]          # ending after `stem` -> slots
    keys: tuple[str, ...]                       # keys of the folded base form
    splits: dict[str, tuple[frozenset[str], bool]]   # every ending a variant may carry -> (slots, the term's own)
    longest: int                                # the longest of them


def _common_prefix(words: Iterable[str]) -> str:
    words = list(words)
    p = words[0]
    for w in words[1:]:
        while not w.startswith(p):
            p = p[:-1]
    return p


@cache
def _generic_endings(lang: str) -> dict[str, frozenset[str]]:
    """Endings a variant may carry whatever its stem (az: every harmony, also with e for ə)."""
    out: dict[str, set[str]] = {}
    if lang == "az":
        for stem in ("ba", "bə", "bo", "bü", "bak", "bək", "bok", "bük"):
            for suffix, slot in morph._az_suffixes(stem):
                for s in {suffix, suffix.replace("ə", "e")}:
                    out.setdefault(s, set()).add(slot)
        for s, slot in [("te", "loc"), ("ta", "loc"), ("ten", "abl"), ("tan", "abl"), ("de", "loc"),
                        ("den", "abl"), ("ye", "dat"), ("e", "dat"), ("nin", "gen"), ("in", "gen"),
                        ("un", "gen"), ("ün", "gen"), ("nun", "gen"), ("nün", "gen")]:
            out.setdefault(s, set()).add(slot)      # Turkish endings small models produce
    elif lang == "ru":
        for cls, sample in (("hard", "стол"), ("a", "школа"), ("soft", "конь")):
            for form, slot in morph._ru_rules(sample):
                ending = form[len(sample) - (0 if cls == "hard" else 1):]
                if ending:
                    out.setdefault(f"{cls}:{ending}", set()).add(slot)
    elif lang == "hy":
        for s, slot in [("ի", "gen"), ("ում", "loc"), ("ից", "abl"), ("ով", "ins"), ("ին", "dat.def"),
                        ("ը", "def"), ("ն", "def"), ("յի", "gen"), ("յում", "loc"), ("յից", "abl"),
                        ("յով", "ins"), ("յին", "dat.def")]:
            out.setdefault(s, set()).add(slot)
    return {k: frozenset(v) for k, v in out.items()}


@cache
def _word(term: str, lang: str, k: int) -> _Word:
    wf = morph.model(term, lang).words[k]
    forms = [f for f in wf.forms if "'" not in f and "-" not in f] or list(wf.forms)
    stem = _common_prefix(forms)
    endings: dict[str, set[str]] = {}
    for f, slots in wf.forms.items():
        if f.startswith(stem) and "'" not in f and "-" not in f:
            endings.setdefault(f[len(stem):], set()).update(slots)
    base = morph.fold(wf.word, lang)
    own = {e: frozenset(s) for e, s in endings.items()}
    generic = _generic_endings(lang)
    if lang == "ru":        # a variant declines like the term: only the endings of the term's class
        cls = _ru_class(wf.word) + ":"
        generic = {e[len(cls):]: s for e, s in generic.items() if e.startswith(cls)}
    splits = {e: (s, False) for e, s in generic.items()}
    splits.update({e: (s, True) for e, s in own.items() if e})
    return _Word(wf, stem, own, keys(base, lang), splits, max(map(len, splits), default=0))


# --- tokens -------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    text: str
    stem: str          # the letters before a joined suffix ("Goris" of "Goris-ի", "Gazakh" of "Gazakhда")
    suffix: str        # a suffix after a hyphen/apostrophe or in another script, else ""


def _split_script(word: str) -> tuple[str, str]:
    first = script(word)
    for i, c in enumerate(word):
        if c.isalpha() and script(c) != first:
            return word[:i], word[i:]
    return word, ""


@lru_cache(maxsize=2048)
def tokens(text: str, lang: str) -> tuple[_Token, ...]:
    raw = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    endings = _ENDINGS_RU_SHORT if lang == "ru" else set(_generic_endings(lang))
    out: list[_Token] = []
    i = 0
    while i < len(raw):
        s, e = raw[i]
        word = text[s:e]
        if i + 1 < len(raw):
            s2, e2 = raw[i + 1]
            tail = text[s2:e2]
            if s2 == e + 1 and text[e] in _JOINTS and morph.fold(tail, lang) in endings:
                out.append(_Token(s, e2, text[s:e2], word, tail))
                i += 2
                continue
        stem, suffix = _split_script(word)
        out.append(_Token(s, e, word, stem, suffix))
        i += 1
    return tuple(out)


# Russian endings a model glues to a Latin name with a hyphen (Goris-е, Baku-у)
_ENDINGS_RU_SHORT = frozenset({"а", "у", "е", "ом", "ем", "ой", "ы", "и", "ах", "ам", "ами", "ов"})


# --- suspects -----------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Suspect:
    code: str                  # term-source-copy | term-variant
    start: int                 # span in the target as written
    end: int
    text: str
    seen: str                  # the variant's base form as far as it can be told (for reviewers)
    repair: str | None         # the preferred term in the same slot; None when that is not safe
    score: float               # 0 = same key
    kept: str = ""             # the Latin-script name a source copy sits in ("Adelaide Show"): never repaired


@dataclass(frozen=True, slots=True)
class _Fit:
    score: float
    slots: frozenset[str] | None    # None: the form's slot is unknown
    copy: bool
    exact: bool
    base: str                       # the token's stem with the term's base ending
    cross: bool = False             # the ending belongs to another declension class: never repair


_PREP_RU = {"в": "loct", "во": "loct", "на": "loct", "о": "loct", "об": "loct", "при": "loct",
            "из": "gent", "от": "gent", "до": "gent", "у": "gent", "около": "gent", "для": "gent", "без": "gent",
            "возле": "gent", "вокруг": "gent", "после": "gent", "среди": "gent", "близ": "gent", "вблизи": "gent",
            "к": "datv", "ко": "datv", "по": "datv", "через": "accs", "про": "accs",
            "под": "ablt", "над": "ablt", "перед": "ablt", "между": "ablt"}
_MOTION = re.compile(r"\b(?:to|into|toward|towards)\s+(?:the\s+)?$", re.IGNORECASE)
_OF = re.compile(r"\bof\s+(?:the\s+)?$", re.IGNORECASE)
_POSSESSIVE = re.compile(r"['’]s?\b")


def _ru_slot(text: str, start: int, source_before: str, source_after: str = "") -> frozenset[str]:
    """A bare source copy in Russian: the case its preposition asks for; nominative at the start of a clause;
    the genitive where English said "of X" or "X's" (жители Gazakh ← residents of Gazakh); otherwise unknown
    (an empty set: flag, don't guess)."""
    head = text[:start].rstrip()
    if not head or head[-1] in ".,;:!?—–-«\"(" or re.search(r"(?<!\w)(?:и|а|или|но)$", head, re.IGNORECASE):
        return frozenset({morph.BASE})
    before = re.findall(r"[^\W\d_]+", head)
    prep = before[-1].lower() if before and head.endswith(before[-1]) else ""
    case = _PREP_RU.get(prep)
    if case is None:
        if _OF.search(source_before) or _POSSESSIVE.match(source_after):
            return frozenset({"gent,sing"})
        return frozenset()
    if case == "loct" and prep in ("в", "во", "на"):
        verbs = " ".join(before[-4:-1]).lower()
        if _MOTION.search(source_before) or _MOTION_RU.search(verbs):
            case = "accs"
    return frozenset({f"{case},sing"})


_MOTION_RU = re.compile(r"(?:при(?:был|ех|лет|шл|бы)|въех|вош|вступ|верну|направ|отправ|переброс|перевез|доставл"
                        r"|рейс|поездк|визит|дорог)")


def _fit(tok: _Token, w: _Word, k: int, lang: str, english: Sequence[str], kind: str = "") -> _Fit | None:
    folded = _fold(tok.text, lang)
    slots = w.wf.forms.get(folded)
    if slots is not None:
        return _Fit(0.0, slots, False, True, tok.text)
    if w.wf.word[:1].isupper() and not tok.stem[:1].isupper():
        return None                                   # names are capitalised; common words are not
    stem_f = _fold(tok.stem, lang)
    suffix_f = _fold(tok.suffix, lang)
    base_ending = next((e for e, s in w.endings.items() if morph.BASE in s), "")
    # A source copy: a word of the English term as written (any position: "Министерство Defense"), bare or
    # with a target ending.
    if script(tok.stem) == "lat":
        en_words = {e.casefold() for en in english for e in en.split()}
        if stem_f.casefold() in en_words:
            if not suffix_f:
                return _Fit(0.0, None, True, False, tok.stem)
            s = _ending_slots(suffix_f, w, lang)
            if s is not None:
                return _Fit(0.0, s, True, False, tok.stem)
        elif not suffix_f and lang == "az":
            for e_low in en_words:
                if folded.startswith(e_low) and len(folded) > len(e_low):
                    s = _ending_slots(folded[len(e_low):], w, lang)
                    if s is not None:
                        return _Fit(0.0, s, True, False, tok.text[:len(e_low)])
    # A variant: some split into stem + ending, the stem's key close to the term's. Names keep their first
    # sound, which rules out most words before any splitting.
    starts = {tk[:1] for tk in w.keys}
    if not any(_same_start(own[:1], t) for own in keys(stem_f if suffix_f else folded, lang) for t in starts):
        return None
    best: _Fit | None = None
    whole = folded if not suffix_f else stem_f
    splits: list[tuple[str, frozenset[str] | None, str, str]] = []   # (stem, slots, ending for the base, how)
    if suffix_f and not w.wf.inflects:
        # A word of a multi-word term that does not inflect holds its ending itself (Ադրբեջանի in
        # Ադրբեջանի ԱԳՆ): compare the copy with its ending (Azerbaijan-ի) to the whole word.
        whole_keys = tuple(k + key(tok.suffix, script(tok.suffix) if script(tok.suffix) != "lat" else "en")
                           for k in keys(stem_f, lang))
        best = None
        for kk in whole_keys:
            for tk in w.keys:
                d = _close(kk, tk)
                if d is not None and (best is None or d < best.score):
                    best = _Fit(d, frozenset({morph.BASE}), False, False, tok.text)
        return best
    if suffix_f:
        s = _ending_slots(suffix_f, w, lang)
        if s is None:
            return None
        splits.append((stem_f, s, "", "suffix"))
    else:
        for n in range(1, min(w.longest, len(whole) - 2) + 1):
            hit = w.splits.get(whole[-n:])
            if hit is not None:
                splits.append((whole[:-n], hit[0], base_ending if hit[1] else "", "ending"))
        splits.append((whole, w.endings.get("", frozenset({morph.BASE})), "", "whole"))
    same_script = script(tok.stem) == script(w.wf.word)
    if not same_script and not suffix_f:
        splits = [(whole, None, "", "foreign")]     # a foreign-script word: its form says nothing here
    target_keys = (*w.keys, *keys(w.stem, lang)) if same_script and w.stem else w.keys
    term_class = _ru_class(w.wf.word) if lang == "ru" else ""
    for stem, s, add, how in splits:
        if len(stem) < 2:
            continue
        cross = False
        if lang == "ru" and same_script and kind != "person":
            # Russian: the variant must decline like the term (a hard-stem Нахчивана is not Нахичевань)
            # (a whole word ending in a vowel is an ending not told apart, Эривани: never the nominative)
            cross = (how == "whole" and _ru_class(stem) != term_class
                     and not (term_class == "hard" and stem[-1:] not in "аяьеиоуыэю"))
        for i, kk in enumerate(keys(stem, lang)):
            # same script: compare like with like (Azerbaijani key with Azerbaijani key, English with English)
            for tk in (target_keys if not same_script else target_keys[i::len(w.keys)]):
                d = _close(kk, tk)
                if d is not None and (best is None or d < best.score):
                    best = _Fit(d, s, False, False, tok.text[:len(stem)] + add, cross)
    return best


def _ending_slots(suffix: str, w: _Word, lang: str) -> frozenset[str] | None:
    if suffix in w.endings:
        return w.endings[suffix]
    hit = w.splits.get(suffix)
    return hit[0] if hit is not None else None


def suspects(target: str, term: str, lang: str, *, english: Sequence[str] = (), kind: str = "",
             taken: Sequence[tuple[int, int]] = (), source_before: str = "", source_after: str = "",
             limit: int = 1, known: frozenset[str] = frozenset()) -> list[Suspect]:
    """Places in `target` where the engine most likely wrote `term` wrongly, best first (at most `limit`).
    `known`: the case-folded words of every glossary name the source sentence holds (`latin_run`)."""
    m = morph.model(term, lang)
    n = len(m.words)
    words = [_word(term, lang, k) for k in range(n)]
    toks = tokens(target, lang)
    found: list[Suspect] = []
    capital = [w.wf.word[:1].isupper() for w in words]
    windows = [toks[i:i + n] for i in range(len(toks) - n + 1)]
    joined: set[int] = set()
    if n == 1 and " " not in term and "-" not in term:
        # A one-word name split in two by the engine: Кызыл-Булаг, Qızıl Bulaq
        for a, b in zip(toks, toks[1:]):
            if target[a.end:b.start] in ("-", " ") and a.text[:1].isupper() and b.text[:1].isupper() \
                    and not a.suffix:
                pair = _Token(a.start, b.end, a.text + b.text, a.text + b.stem, b.suffix)
                joined.add(id(pair))
                windows.append((pair,))
    for window in windows:
        if capital[0] and not window[0].stem[:1].isupper() and not window[0].text[:1].isupper():
            continue              # a lower-case word is neither a variant nor (found already) the term
        last = window[-1]
        if last.text[-1:] == _LINK.get(lang) and target[last.end:last.end + 1] in _HYPHENS \
                and target[last.end + 1:last.end + 2].islower():
            continue              # Армяно-азербайджанские: the first half of a compound adjective
        if any(not (t.end <= s or t.start >= e) for t in window for s, e in taken):
            continue
        gaps = [target[window[j].end:window[j + 1].start] for j in range(n - 1)]
        if any(len(g) > 3 or not _SEPARATOR.fullmatch(g) for g in gaps):
            continue              # the words of a term are next to each other
        fits = []
        for k, tok in enumerate(window):
            f = _fit(tok, words[k], k, lang, english, kind)
            if f is None or not f.exact and not _eligible(tok, words[k], lang, kind):
                fits = []
                break
            if lang == "az" and not f.exact and not f.copy and not tok.suffix \
                    and _sentence_initial(target, tok.start) and not _az_plausible(f.base, words[k], f.score):
                fits = []             # capitalised only by position (Şüşə, Adam): be stricter there
                break
            fits.append(f)
        if fits and id(window[0]) in joined and fits[0].exact:    # the term itself, split in two
            fits = [_Fit(0.0, fits[0].slots, False, False, window[0].text)]
        if not fits or all(f.exact for f in fits):
            continue
        found.append(_suspect(target, window, fits, words, term, lang, (source_before, source_after), kind, known))
    found.sort(key=lambda s: s.score)
    out: list[Suspect] = []
    for s in found:
        if all(s.end <= o.start or s.start >= o.end for o in out):
            out.append(s)
        if len(out) == limit:
            break
    return out


def _is_acronym(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


_AZ_MARKED = frozenset("əıöüçşğ")


def _az_plausible(word: str, w: _Word, score: float) -> bool:
    """A sentence-initial Azerbaijani word as a misspelt name: very close, and no marked letter the name
    lacks (a model drops diacritics from a name, it does not add them: Şüşə 'glass' is not Şuşa)."""
    word = word[1:] if word[:1] == "I" else word      # a capital I typed for İ is a dropped dot
    extra = set(_fold(word, "az")) & _AZ_MARKED - set(_fold(w.wf.word, "az"))
    own, name = key(word, "az"), w.keys[0]
    clipped = own != name and (name.startswith(own) or own.startswith(name))   # Gənc 'young' is not Gəncə
    return score <= INITIAL_DISTANCE and not extra and not clipped


def _az_marked_extra(word: str, name: str) -> bool:
    # ə only: Turkish-trained models write ü, ö, ç, ş, ğ, ı into Azerbaijani names (Müdafie), never ə
    return "ə" in _fold(word, "az") and "ə" not in _fold(name, "az")


def _sentence_initial(text: str, start: int) -> bool:
    head = text[:start].rstrip(" \t\"'«“„(")
    return not head or head[-1] in ".!?։:;…—–\n"


def _eligible(tok: _Token, w: _Word, lang: str, kind: str) -> bool:
    word = tok.stem
    written = w.wf.word
    if _is_acronym(written) and not _is_acronym(word):
        return False                                  # an acronym is written in capitals (Ապա 'then' is not APA)
    if written[:1].isupper() and not word[:1].isupper():
        return False                                  # names are capitalised; common words are not
    if lang == "ru" and script(word) == "cyr":
        return _ru_may_be_name(tok.text, kind)
    return True


def _ru_may_be_name(word: str, kind: str) -> bool:
    """A word pymorphy3 knows as something else (Баки = tanks, Борис = a first name for a city) is left alone."""
    parses = morph._morph().parse(word)
    known = [p for p in parses if p.is_known]
    if not known:
        return True
    wanted = ("Name", "Surn", "Patr") if kind == "person" else ("Geox", "Orgn", "Abbr")
    return any(any(g in p.tag for g in wanted) for p in known)


def _suspect(target: str, window: Sequence[_Token], fits: Sequence[_Fit], words: Sequence[_Word], term: str,
             lang: str, source: tuple[str, str], kind: str = "", known: frozenset[str] = frozenset()) -> Suspect:
    start, end = window[0].start, window[-1].end
    code = SOURCE_COPY if any(f.copy for f in fits) else VARIANT
    # The slot: a correct word of the term next to the wrong one says it best (Ильхамом Aliyev), narrowed by
    # the wrong word's own ending and, for a bare foreign-script word in Russian, by the preposition before it.
    wrong = next(k for k, f in enumerate(fits) if not f.exact)
    sure = sorted((abs(k - wrong), k) for k, (f, w) in enumerate(zip(fits, words))
                  if f.exact and w.wf.inflects and f.slots)
    own = [f.slots for f, w in zip(fits, words) if not f.exact and w.wf.inflects and f.slots is not None]
    candidates: list[frozenset[str]] = []
    if sure:
        k = sure[0][1]
        near = fits[k].slots or frozenset()
        dash = any(c in target[min(window[k].end, window[wrong].end):max(window[k].start, window[wrong].start)]
                   for c in "-\u2013\u2014")
        if lang == "ru" and dash and "nomn,sing" in near:
            near = frozenset({"nomn,sing"})          # Лачин — Шуша: the pair stays in the nominative
        candidates.append(near)
    candidates += own
    if lang == "ru":
        # the preposition (or a clause start) before the name: decisive for a bare foreign word, a
        # tie-breaker otherwise (Арарат Мирзаян сказал: nominative, not the accusative of the same spelling)
        by_prep = _ru_slot(target, start, *source)
        if candidates or sure:
            by_prep = frozenset({"nomn,sing"} if morph.BASE in by_prep else by_prep)
        foreign = any(not f.exact and f.slots is None for f in fits)
        if foreign and not by_prep and not candidates:
            candidates.append(frozenset())            # after a noun: genitive or apposition, unknown
        elif by_prep and (foreign or candidates):
            candidates.append(by_prep)
    slots: frozenset[str] = candidates[0] if candidates else frozenset({morph.BASE})
    candidates = [c for c in candidates if c] if slots else []
    for more in candidates[1:]:
        if slots & more:
            slots = slots & more
        elif not slots:
            slots = more
    if lang == "ru" and "accs,sing" in slots and _ru_class(term.split()[-1]) != "a":
        # the accusative of a masculine name: like the nominative for a place, like the genitive for a person
        slots = (slots - {"accs,sing"}) | {"gent,sing" if kind == "person" else "nomn,sing"}
    parts: list[str] = []
    last = start
    repair_ok = True
    separators = morph.model(term, lang).separators
    for k, (tok, f, w) in enumerate(zip(window, fits, words, strict=True)):
        if k:       # the glossary's own separator: Нью-Йорк, never Нью Йорка
            parts.append(separators[k - 1])
        else:
            parts.append(target[last:tok.start])
        if f.exact:
            parts.append(tok.text)
        else:
            new = None if f.cross else _in_slot(w.wf, slots, lang)
            if new is None:
                repair_ok = False
                break
            if len(tok.stem) > 1 and tok.stem.isupper() and not w.wf.word.isupper():
                new = morph.upper(new, lang)
            parts.append(new)
        last = tok.end
    repair = "".join(parts) if repair_ok else None
    if lang == "az" and any(not f.exact and not f.copy and _az_marked_extra(f.base, w.wf.word)
                            for f, w in zip(fits, words, strict=True)):
        # A spelling with an Azerbaijani ə the name lacks (Qəmər for Komoro) is another name a person wrote,
        # not a model's slip (models drop diacritics): reported, never rewritten.
        repair = None
    kept = latin_run(target, start, end, lang, known) if code == SOURCE_COPY else ""
    if kept:
        repair = None
    seen = " ".join(t.text if f.exact else _ru_dictionary_base(t.text) or f.base if lang == "ru" else
                    f.base if not f.exact else t.text for t, f in zip(window, fits, strict=True))
    score = sum(f.score for f in fits)
    return Suspect(code, start, end, target[start:end], seen, repair if repair != target[start:end] else None,
                   score, kept)


#: a Latin-script word joined to the copy by a space, a no-break space or a hyphen (not a quote or a comma:
#: `«Baku», Moscow` are two names); its last letter may not carry a target-script ending
_LATIN_BEFORE = re.compile(r"([^\W\d_][\w'’.]*)[ \u00a0\-\u2010\u2011]+$")
_LATIN_AFTER = re.compile(r"[ \u00a0\-\u2010\u2011]+([^\W\d_][\w'’]*)")


def latin_run(target: str, start: int, end: int, lang: str, known: frozenset[str] = frozenset()) -> str:
    """The run of Latin-script words that a source copy at `start`-`end` of a Cyrillic or Armenian target
    sits in (`"Adelaide Show"`, `Jordan Spieth`, `Qatar Airways`: capitalised Latin words joined to it), or ""
    when it stands alone among the target's words (`в Baku`). Such a run is a name kept as written: its first word is no place to put a
    glossary term (`Аделаида Show`), however the English wrote it. A number is no word of the run (`в Baku
    20 января` is a copy in a dateline), nor is a copy of another glossary name of the sentence (`known`:
    `рейсом Baku-Moscow`, `BAKU AZERTAC` are two copies); in a Latin-script target every word is Latin, so
    nothing is told."""
    if lang not in ("ru", "hy") or script(target[start:end]) != "lat":
        return ""
    left, right = start, end
    while (m := _LATIN_BEFORE.search(target, 0, left)) and _name_word(m.group(1), known):
        left = m.start(1)
    while (m := _LATIN_AFTER.match(target, right)) and _name_word(m.group(1), known):
        right = m.end(1)
    return target[left:right] if (left, right) != (start, end) else ""


def _name_word(word: str, known: frozenset[str]) -> bool:
    # capitalised and all Latin: a lower-case English word beside the copy (`в Baku last week`) is text the
    # engine left untranslated, not a name, and the copy in it is still a copy
    return word[:1].isupper() and all(script(c) == "lat" for c in word if c.isalpha()) \
        and word.casefold() not in known


def _ru_dictionary_base(word: str) -> str:
    """The nominative pymorphy3's dictionary gives a Russian place name (Белоруссии → Белоруссия), or "":
    the term's own ending put on a variant's stem is a guess (Белоруссиь), and `glossary conflicts` offers
    what is seen here as a variant to list."""
    if script(word) != "cyr" or not word[:1].isupper():
        return ""
    for p in morph._morph().parse(word):
        if p.is_known and "Geox" in p.tag:
            base = p.normal_form
            return word[:1] + base[1:] if base[:1] == word[:1].lower() else ""
    return ""


def _in_slot(wf: morph.WordForms, slots: frozenset[str], lang: str) -> str | None:
    if not wf.inflects or len(set(wf.forms)) == 1:
        return wf.word                       # indeclinable (Баку): every slot has the one form
    if lang == "ru" and in_capitals(wf.word):
        # A Russian acronym stays as written in every case in news style (агентство АЗЕРТАДЖ, в МИД), so a
        # repair needs no case; its inflected forms (МИДа) are still accepted where found. Not in az/hy,
        # where an acronym takes its case after a hyphen (AZƏRTAC-ın, ԱԳՆ-ի).
        return wf.word
    if not slots:
        return None
    forms = {wf.by_slot.get(s) for s in slots}
    if morph.BASE in slots:
        forms.discard(wf.by_slot.get(morph.BASE))
        forms.add(morph.fold(wf.word, lang))
    forms.discard(None)
    if len(forms) != 1:
        return None
    return morph._recase(forms.pop(), wf.word, lang)


# --- derived forms ------------------------------------------------------------------------------------

_DERIVED = {
    "ru": re.compile(r"(?:ск|цк)(?:ий|ая|ое|ие|ого|ому|ом|ой|ую|им|ими|их|ый|ого)$"
                     r"|(?:ец|цы|цев|цам|цами|цах|ца|цу|цем|це)$"),     # бакинцы, лачинец
    "az": re.compile(r"(?:lı|li|lu|lü)"
                     r"(?:lar|lər|ların|lərin|lara|lərə|ları|ləri|da|də|dan|dən|nın|nin|nun|nün|ya|yə)?$"),
    "hy": re.compile(r"(?:ական|յան|ցի|եցի|ացի)(?:ի|ը|ն|ում|ից|ով|ին|ներ|ների|ները|ներին)?$"),
}


def _consonants(k: str) -> str:
    return "".join(c for c in k if c not in _VOWELS and c not in "yh")


@dataclass(frozen=True, slots=True)
class Derived:
    start: int                 # span of the derived word in the target as written
    end: int
    exact: bool                # made from the term as written; False: from a misspelt stem (Кяльбаджарском)


#: how many letters at the end of a name's stem a derivation may change (Армения → армянский, Թուրքիա →
#: թուրքական); a difference before them is a misspelling of the name, not its derivation
_STEM_SLACK = {"ru": 3, "az": 1, "hy": 2}


def derived(target: str, term: str, lang: str, *, taken: Sequence[tuple[int, int]] = (),
            exact_only: bool = False) -> Derived | None:
    """An adjective or demonym made from `term` (`азербайджано-`, `лачинскому`, `Gəncəli`, `ադրբեջանական`):
    in attributive use it counts as the term present. One made from a misspelt stem (`в Кяльбаджарском
    районе` for Кельбаджар: same consonants, a letter of the stem changed before its end; in Russian also
    not a dictionary word, so белорусский stays Belarus's) is returned with `exact` False, unless
    `exact_only`; the first exact one wins."""
    rule = _DERIVED.get(lang)
    model = morph.model(term, lang)
    if rule is None or len(model.words) > 1:
        return None                                   # adjectives come from one-word names
    head = model.words[0]
    base = _fold(head.word, lang)
    stem = base[:-1] if lang == "ru" and base[-1:] in "аяоеуыийь" else base
    if lang == "hy" and stem.endswith("ու"):
        stem = stem[:-2]
    skeleton = _consonants(keys(stem, lang)[0])
    # Country names built on a people's name derive from the root: Հայաստան → հայկական, Ermənistan → erməni.
    root = next((base[:-len(x)] for x in _COUNTRY_SUFFIX.get(lang, ()) if base.endswith(x)), "")
    root = root if len(root) >= 3 else ""
    if len(skeleton) < 2 and not root:
        return None
    firsts = {stem[:1], root[:1]} - {""}
    misspelt: Derived | None = None
    for m in _WORD.finditer(target):
        if _fold(m.group()[:1], lang) not in firsts:
            continue
        if any(not (m.end() <= s or m.start() >= e) for s, e in taken):
            continue
        word = _fold(m.group(), lang)
        if word == base or word in head.forms:
            continue
        # the first half of a compound adjective: азербайджано-армянский, ադրբեջանա-հայկական
        compound = word[-1:] == _LINK.get(lang) and target[m.end():m.end() + 1] in _HYPHENS
        if root and word.startswith(root) and (rule.search(word) or word == root or compound):
            return Derived(m.start(), m.end(), True)
        if not (rule.search(word) or compound) or len(skeleton) < 2:
            continue
        if not _consonants(keys(word, lang)[0]).startswith(skeleton):
            # the stem's last consonant alternates in a dictionary adjective: Польша → польский, Швеция →
            # шведский (the letters before it agree; not a misspelling, so never reported)
            if lang == "ru" and _consonants(keys(word, lang)[0]).startswith(skeleton[:-1]) \
                    and _stem_agrees(word, stem, lang, at_least=3) and _ru_known(m.group()):
                return Derived(m.start(), m.end(), True)
            continue
        if _stem_agrees(word, stem, lang) or lang == "ru" and _ru_known(m.group()):
            return Derived(m.start(), m.end(), True)
        if misspelt is None and not exact_only:
            misspelt = Derived(m.start(), m.end(), False)
    return misspelt


def _stem_agrees(word: str, stem: str, lang: str, at_least: int = 0) -> bool:
    agree = next((i for i, (a, b) in enumerate(zip(word, stem)) if a != b), min(len(word), len(stem)))
    return agree >= max(len(stem) - _STEM_SLACK.get(lang, 2), at_least)


def _ru_known(word: str) -> bool:
    return any(p.is_known for p in morph._morph().parse(word))


_COUNTRY_SUFFIX = {"hy": ("աստան",), "az": ("stan",)}
_LINK = {"ru": "о", "hy": "ա"}
_HYPHENS = ("-", "\u2010", "\u2011")


# --- waivers and notes ----------------------------------------------------------------------------------

_WAIVER = re.compile(r"^\s*toolkit:\s*accept\s+(.+?)\s*$", re.IGNORECASE | re.MULTILINE)


def waivers(translator_comment: str) -> frozenset[str]:
    """Concept ids or English terms a translator accepted in a `# toolkit: accept lachin, baku` comment."""
    out: set[str] = set()
    for m in _WAIVER.finditer(translator_comment or ""):
        out.update(w.strip().casefold() for w in re.split(r"[,;]", m.group(1)) if w.strip())
    return frozenset(out)


def is_waived(waived: frozenset[str], concept_id: str, english: Iterable[str]) -> bool:
    return bool(waived) and ("all" in waived or concept_id.casefold() in waived
                             or any(e.casefold() in waived for e in english))


_NOTE = re.compile(r"\((?P<id>[^()\s]+)\): repaired (?P<kind>forbidden|admitted|variant|source copy) "
                   r"«(?P<seen>[^»]*)» → «(?P<new>[^»]*)»(?: \(seen as «(?P<base>[^»]*)»\))?")


def note(source: str, preferred: str, concept_id: str, kind: str, seen: str, new: str, base: str = "") -> str:
    """The `#.` line recording a repair; `repairs_in` reads it back for `glossary conflicts`."""
    tail = f" (seen as «{base}»)" if base and base != seen else ""
    return f"term: {source} → {preferred} ({concept_id}): repaired {kind} «{seen}» → «{new}»{tail}"


def repairs_in(comment: str) -> list[tuple[str, str, str, str]]:
    """(concept id, what was repaired: forbidden | admitted | variant | source copy, the variant's base form,
    what it became) for each repair note in an extracted comment."""
    flat = " ".join(comment.split())          # PO writers wrap long comments
    return [(m.group("id"), m.group("kind"), m.group("base") or m.group("seen"), m.group("new"))
            for m in _NOTE.finditer(flat)]


def _ru_class(word: str) -> str:
    last = morph.fold(word.split()[0] if word.split() else word, "ru")[-1:]
    if last in "ая":
        return "a"
    if last in "ь":
        return "soft"
    if last in "еиоуыэю":
        return "indeclinable"
    return "hard"


def same_class(variant: str, preferred: str, lang: str) -> bool:
    """Whether replacing `variant` by `preferred` keeps agreement: in Russian a masculine Елизаветполь
    cannot become the feminine Гянджа without the adjectives and verbs around it (flag, don't guess)."""
    if lang != "ru" or script(variant) != "cyr":
        return True
    return _ru_class(variant) == _ru_class(preferred)
