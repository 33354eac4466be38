"""Which English occurrences of a glossary name are the glossary's concept, and which belong to another name.

The matcher (`Glossary.match`) finds a term only where it is capitalised as the glossary writes it. This step
decides, from the words around it, whether that capitalised name is the concept or part of a longer name the
glossary does not list. The rules, in the order they apply:

1. **A title or honorific before it** makes it a person: `Ms Davis`, `Mr. Jordan`, `President Aliyev`,
   `Sen. Chad`, `Dr Paris` (`TITLES`), unless the glossary's concept is a person (`President Ilham
   Aliyev` is Ilham Aliyev). **`St.`/`Saint`/`San`/`Santa` before it** names something after a saint
   (`St. Paul`, `Saint Helena` where only `Helena` is listed).
2. **An organisation "X of" it** is another entity: `Bank of China`, `Bank of New York Mellon`, `Museum of
   London` (`ORGANISATIONS_OF`); an office or the state itself is not (`President of Russia`, `the Republic
   of Azerbaijan`, `the Mayor of London`). **A possessive after a saint's name** names a place of its own:
   `St. Martin's` is a church, not the island `St. Martin` (but `St. Lucia's economy`, a common noun after
   it, is the island's). A possessive after any other name is still the place (`Auckland's beaches`,
   `Auckland's National Women's Hospital`).
3. **The area around a city**, a lower-case `region`, `oblast`, `area`, `province` after it, is another
   place (`the Moscow region`, `the Buenos Aires province`); after a region or a country it is that place
   (`the Karabakh region`).
4. **A capitalised word joined to it** by a space or a hyphen, before or after, makes a longer name:
   `Jordan Spieth`, `Chad Hammel`, `Rolando Mendoza`, `Qatar Airways`, `New York Times`, `Rapid Vienna`,
   `South China Morning Post`, `Los Angeles Lakers`, `Paris-Saint Germain`, `Taipei IT Month`, `Yerevan
   State University`, `the Moscow Kremlin` (a landmark translated as a whole: `Московский Кремль`). What
   does not join, so the name is still the concept:
   - a compass word before it (`Eastern Paraguay`, `Central Auckland`, `Southern China`, `DIRECTIONS`);
   - a nationality before it (`Russian Moscow`, `the Ecuadorean Galápagos Islands`), except before an
     institution whose note names another country: `the Azerbaijani Foreign Ministry` is the glossary's
     ("of Azerbaijan"), the `Turkish Foreign Ministry` another ministry;
   - a month or weekday (`protests in Moscow Monday`, `Baku January 20`);
   - a capitalised function word, determiner or common adjective opening the sentence (`In Baku`, `Through
     Zangezur`, `Several Bishkek residents`);
   - a word that is itself a glossary name (`Baku AZERTAC`, `the Azerbaijan-Armenia border`);
   - after the name, a word for the place's own office or body, or an agency's credit (`the Baku Mayor`,
     `Chad President Idriss Deby`, `Armenia Foreign Minister`, `(AA Photo)`, `SAME_AFTER`).
5. **In a headline** (a line in Title Case or in capitals) capitals tell nothing, so rule 4 is off there;
   rules 1 to 3 still apply.
6. **A surname met in the article**: once an article names `Rolando Mendoza` or `Ms Davis`, a bare
   `Mendoza` or `Davis` in another of its sentences is that person (`translate` reads a document, `check`
   and `stats` a catalog, as one article, all through `article_surnames`: a title before it, or one
   capitalised word before a city's name). A
   team met as `Rapid Vienna` makes a bare `Vienna` of that article unchecked too: a missed check, never a
   wrong repair.

A longer name that is itself in the glossary never reaches these rules: the matcher takes the longest term
(`South Africa`, `Papua New Guinea`, `Mexico City`). A name inside a longer one gets no enforcement, no
repair, no warning: it is passed over, and `glossary conflicts` lists it so one step can add it
(`toolkit glossary add-name "New York Times" --kind dnt`).

Known limits: a capitalised name opening a sentence is taken as the name (`Resolute, he said` would match
a hamlet called Resolute); a Title Case line of three or more long words without final punctuation is
taken for a headline (`Yerevan State University` alone on a line is read as Yerevan); which of two
same-spelt places is meant (Georgia the state or the country) is not decided here.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from ..glossary.matching import TermHit

if TYPE_CHECKING:
    from ..glossary import Concept, Glossary

#: words before a name that make it a person's (or a saint's) name; compared without a trailing period
TITLES = frozenset("""
    mr mrs ms miss mx dr prof sir dame lord lady madam monsieur mme herr sen senator rep representative gov
    governor gen general col colonel capt captain lt lieutenant sgt sergeant maj major adm admiral cmdr
    rev reverend fr father pastor rabbi imam sheikh sheik emir king queen prince princess duke duchess
    pope cardinal bishop archbishop president vice premier chancellor minister judge justice coach
    ambassador mayor chairman chairwoman deputy secretary commissioner inspector officer detective agent
    dj uncle aunt brother sister mother st ste saint san santa são sao
""".split())
SAINTS = frozenset({"st", "ste", "saint", "san", "santa", "são", "sao"})
#: a compass word before a place still names that place (`Eastern Paraguay`)
DIRECTIONS = frozenset("""
    north south east west northern southern eastern western central northeast northwest southeast southwest
    northeastern northwestern southeastern southwestern upper lower greater inner outer mid
""".split())
#: after a name, a word for the place's own office, head or body, or an agency's credit: still the name
#: (`the Baku Mayor`, `Chad President Idriss Deby`, `Armenia Prime Minister`, `the Azerbaijan Embassy`,
#: `(AA Photo)`); a capitalised `Region` or `Oblast` is another entity (`Moscow Region` is not the city)
SAME_AFTER = frozenset("""
    mayor mayors governor governors president presidents prime premier pm minister ministers foreign defence
    defense interior king queen emir government parliament embassy consulate army police authorities officials
    photo photos video
""".split())
#: nationality adjectives not made by adding a suffix to the country's name (`Azerbaijani` and
#: `Jordanian` are recognised from the glossary's countries)
_DEMONYMS = frozenset("""
    french spanish turkish dutch swiss greek welsh scottish irish british english danish swedish finnish
    polish thai lao filipino iraqi saudi yemeni omani kuwaiti qatari emirati bahraini israeli pakistani
    bangladeshi nepali afghan kazakh uzbek tajik kyrgyz turkmen georgian
""".split())
_DEMONYM_ENDINGS = ("n", "i", "ese", "ish", "ic")
#: an organisation named "X of <place>" is another entity (`Bank of China`, `University of Toronto`); an
#: office or a state of it is not (`President of Russia`, `Republic of Azerbaijan`, `Mayor of London`)
ORGANISATIONS_OF = frozenset("""
    bank university college school museum church cathedral academy institute hospital library theatre theater
    orchestra conservatory society club
""".split())
#: after a city, the area around it is another place (`the Moscow region` is Подмосковье, not Москва)
CITY_AREAS = frozenset("region oblast krai province area suburbs governorate prefecture".split())
_HYPHENS = ("-", "\u2010", "\u2011")
_CALENDAR = frozenset("""
    january february march april may june july august september october november december jan feb mar apr
    jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday mon tue tues
    wed thu thur thurs fri sat sun
""".split())
#: capitalised at a sentence's start or in a title, not part of a name
_FUNCTION = frozenset("""
    a an the and or but nor so yet for of in on at to from by with as into onto over under after before
    since during until near across against between among around about via per than like unlike if when
    while where whereas because though although unless once then there here this that these those it its
    he she we they you i his her our their my your both either neither each every all some any no not
    also only even just still now today yesterday tomorrow tonight last next meanwhile however moreover
    earlier later recently including according outside inside within without beyond toward towards
    through throughout upon amid amidst along alongside beside besides behind below above beneath despite
    except off out up down back away home welcome visit visiting see go come get take leave from
    what who whom whose which why how whether several many most few more much other another such same own
    local former rural downtown nearby neighbouring neighboring suburban coastal ancient historic modern
    metropolitan rival
""".split())
_WORD = re.compile(r"\w[\w\u0300-\u036f]*")
_LETTERS = re.compile(r"[^\W\d_]")
_APOSTROPHES = "'\u2019\u02bc"


@dataclass(frozen=True, slots=True)
class OtherName:
    """A glossary name inside a longer name the glossary does not list: left alone."""

    concept: Concept
    term: str              # the glossary name as written ("New York")
    name: str              # the longer name as written ("New York Times")
    start: int             # the longer name's character offsets in the source
    end: int
    why: str               # title | saint | organisation | possessive | name | area | surname


@dataclass(frozen=True, slots=True)
class Reading:
    hits: tuple[TermHit, ...]          # occurrences that are the concept: enforce these
    others: tuple[OtherName, ...]      # occurrences inside another name: no check, no repair


def read(glossary: Glossary, text: str, surnames: frozenset[str] = frozenset()) -> Reading:
    """Split the glossary matches of English `text` into the concept's occurrences and other names;
    `surnames` are the article's people met by their full name elsewhere (`article_surnames`)."""
    found = glossary.match(text)
    if not found:
        return Reading((), ())
    words = [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(text)]
    starts = {start: i for i, (_, start, _) in enumerate(words)}
    ends = {end: i for i, (_, _, end) in enumerate(words)}
    named = {i for h in found for i in range(starts.get(h.start, -1), ends.get(h.end, -2) + 1)}
    headline = is_headline(text)
    hits: list[TermHit] = []
    others: list[OtherName] = []
    for h in found:
        first, last = starts.get(h.start), ends.get(h.end)
        if first is None or last is None:      # a term that starts or ends in punctuation: leave it as found
            hits.append(h)
            continue
        other = _other_name(glossary, text, words, first, last, named, headline, h)
        if other is None and h.text in surnames:
            other = OtherName(h.concept, h.text, h.text, h.start, h.end, "surname")
        if other is None:
            hits.append(h)
        else:
            others.append(other)
    return Reading(tuple(hits), tuple(others))


def concept_hits(glossary: Glossary, text: str, surnames: frozenset[str] = frozenset()) -> list[TermHit]:
    """The glossary matches of `text` that are the concept (what the term step enforces)."""
    return list(read(glossary, text, surnames).hits)


def article_surnames(glossary: Glossary, texts: Iterable[str]) -> frozenset[str]:
    """Glossary names an article uses as a person's surname (`Rolando Mendoza`, `Ms Davis`): a bare
    `Mendoza` or `Davis` elsewhere in that article is the person too."""
    out = set()
    for text in texts:
        for other in read(glossary, text).others:
            if " " in other.term or not other.name.endswith(other.term) or other.name == other.term:
                continue
            if other.why == "title" or other.why == "name" and other.concept.kind == "city" and \
                    len(other.name.split()) == 2:      # `Rolando Mendoza`; `Qatar Airways` ends in no name
                out.add(other.term)
    return frozenset(out)


def is_headline(text: str) -> bool:
    """A line in capitals, or in Title Case (every word of four letters or more capitalised, at least three
    of them, and no sentence punctuation at its end): capitals there say nothing about names."""
    letters = _LETTERS.findall(text)
    if len(letters) >= 4 and all(c.isupper() for c in letters):
        return True
    if text.rstrip().endswith((".", "?", "!", ":", ";", ",")):
        return False
    long = [w for w in _WORD.findall(text) if len(w) >= 4 and _LETTERS.match(w)]
    return len(long) >= 3 and all(w[0].isupper() for w in long)


def _other_name(glossary: Glossary, text: str, words: list[tuple[str, int, int]], first: int, last: int,
                named: set[int], headline: bool, hit: TermHit) -> OtherName | None:
    start, end = hit.start, hit.end
    before = _word_before(text, words, first)
    if before is not None:
        word, at = before
        key = word.casefold()
        if key in TITLES and (key in SAINTS or hit.concept.kind != "person"):
            return OtherName(hit.concept, hit.text, text[at:end], at, end, "saint" if key in SAINTS else "title")
    if first >= 2 and words[first - 1][0].casefold() == "of" and words[first - 2][0][:1].isupper() and \
            words[first - 2][0].casefold() in ORGANISATIONS_OF and _joined(text, words, first - 2, first - 1) and \
            _joined(text, words, first - 1, first, hyphen=False):
        at, to = words[first - 2][1], words[_right_end(text, words, last, named)][2]
        return OtherName(hit.concept, hit.text, text[at:to], at, to, "organisation")
    lead = _WORD.match(hit.text)
    if lead and lead.group(0).casefold() in SAINTS and _possessive_after(text, end):
        return OtherName(hit.concept, hit.text, text[start:end + 2], start, end + 2, "possessive")
    if hit.concept.kind == "city" and last + 1 < len(words) and _joined(text, words, last, last + 1, hyphen=False) \
            and words[last + 1][0] in CITY_AREAS:
        return OtherName(hit.concept, hit.text, text[start:words[last + 1][2]], start, words[last + 1][2], "area")
    if headline:
        return None
    left = first
    while left > 0 and _joined(text, words, left - 1, left) and _name_word(words[left - 1][0], named, left - 1) \
            and words[left - 1][0].casefold() not in TITLES:      # a person's title: still the person
        left -= 1
    right = _right_end(text, words, last, named)
    if right == last and all(w.casefold() in DIRECTIONS or _demonym(glossary, w, hit.concept)
                             for w, _, _ in words[left:first]):
        return None                        # `Eastern Paraguay`: a part of the place, still the place
    return OtherName(hit.concept, hit.text, text[words[left][1]:words[right][2]], words[left][1], words[right][2],
                     "name")


def _right_end(text: str, words: list[tuple[str, int, int]], last: int, named: set[int]) -> int:
    """The last word of the capitalised words joined after word `last` (`New York` → `Times`)."""
    right = last
    while right + 1 < len(words) and _joined(text, words, right, right + 1) and \
            _name_word(words[right + 1][0], named, right + 1) and words[right + 1][0].casefold() not in SAME_AFTER:
        right += 1
    return right


def _word_before(text: str, words: list[tuple[str, int, int]], first: int) -> tuple[str, int] | None:
    """The word right before word `first`, over a space or an abbreviation's period (`Mr. Jordan`)."""
    if first == 0:
        return None
    word, at, end = words[first - 1]
    gap = text[end:words[first][1]]
    if gap.strip() == "" and gap or gap.strip() == "." and gap.startswith("."):
        return word, at
    return None


def _joined(text: str, words: list[tuple[str, int, int]], a: int, b: int, *, hyphen: bool = True) -> bool:
    """Words `a` and `b` are next to each other with only spaces between, or a hyphen (`Paris-Saint Germain`);
    a comma, a dash or a bracket separates them."""
    gap = text[words[a][2]:words[b][1]]
    return bool(gap) and gap.strip() == "" and "\n" not in gap or hyphen and gap in _HYPHENS


def _name_word(word: str, named: set[int], index: int) -> bool:
    """Can this capitalised neighbour be part of a longer name with the glossary name it touches?"""
    key = word.casefold()
    acronym = len(word) > 1 and word.isupper()        # `Taipei IT Month`: IT is no pronoun
    return word[:1].isupper() and index not in named and key not in _CALENDAR and (acronym or key not in _FUNCTION)


def _demonym(glossary: Glossary, word: str, concept: Concept) -> bool:
    """`Azerbaijani`, `Russian`, `Jordanian`, `Chinese`: a country's name less its last letter, and an ending.
    Before an institution whose note names its country (`Foreign Ministry`, "of Azerbaijan"), only that
    country's: the `Turkish Foreign Ministry` is another ministry."""
    key = word.casefold()
    stems = _country_stems(glossary)
    note = concept.note.casefold().split() if concept.kind == "institution" else []
    own = [stem for stem in stems if any(w.startswith(stem) for w in note)]
    if own:
        return any(key.startswith(stem) for stem in own)
    if key in _DEMONYMS:
        return True
    return key.endswith(_DEMONYM_ENDINGS) and any(key[:n] in stems for n in range(4, len(key)))


@lru_cache(maxsize=8)
def _country_stems(glossary: Glossary) -> frozenset[str]:
    out = set()
    for c in glossary.concepts:
        if c.kind in ("country", "region"):
            for t in c.terms_for("en"):
                first = t.text.split()[0].casefold() if t.text.split() else ""
                if len(first) >= 5:
                    out.add(first[:-1])
    return frozenset(out)


def _possessive_after(text: str, end: int) -> bool:
    """`St. Martin's` (a church or school named after the saint), unless a common noun follows, as in
    `St. Lucia's economy`, where the possessive is the island's."""
    if not (len(text) >= end + 2 and text[end] in _APOSTROPHES and text[end + 1] in "sS") or \
            end + 2 < len(text) and text[end + 2].isalnum():
        return False
    following = _WORD.match(text, end + 2 + len(text[end + 2:]) - len(text[end + 2:].lstrip()))
    if following is None or not text[end + 2:following.start()].strip() == "":
        return True
    word = following.group(0)
    return word[:1].isupper() or word.casefold() in _FUNCTION
