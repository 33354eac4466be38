"""Split one block of English news prose into sentence spans, fast, without cutting glossary terms."""
from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence

# How it works: one compiled regex finds every run of sentence-final punctuation that is followed by
# whitespace and captures what comes next; a little Python per candidate decides from the token before
# it and the word after it. Lists ("1. ... 2. ...", "(a) ... (b) ...") are found by
# a second regex that only runs when the block starts with a list marker or has a colon before one.
# Every regex is written so that it cannot backtrack quadratically: runs are possessive and a candidate
# can only start at the first character of a run.

_TERM = ".!?…"  # ‽ and the like are too rare in news to pay for
_CLOSE = "\"'”’»›)\\]}"
_OPEN = "\"'“‘”’«‹(\\[{¿¡"
_BULLETS = "•⁃▪◦‣"

_CANDIDATE_PATTERN = rf"""
    (?P<term>
        {{first}}                                                    # a run starts here, not inside one
        [{_TERM}]*+(?:\ [{_TERM}]++)*+                               # "?!", "....", ". . . ."
    )
    (?P<close>[{_CLOSE}]*+)
    (?=(?P<ws>\s++)(?P<open>[{_OPEN}]*+)(?P<word>\w*+)(?P<after>[.)](?=\s))?)
    """  # no "|\Z": the run that ends the text is never a boundary, so it needs no match object
_CANDIDATE = re.compile(_CANDIDATE_PATTERN.replace(
    "{first}", rf"[{_TERM}](?<![{_TERM}][{_TERM}])(?<![{_TERM}]\ [{_TERM}])"), re.VERBOSE)
# The same for text whose only terminator is the period: a literal first character makes the C scan for
# candidates several times faster than a character class does.
_PERIOD_CANDIDATE = re.compile(
    _CANDIDATE_PATTERN.replace("{first}", rf"\.(?<![{_TERM}]\.)(?<![{_TERM}]\ \.)"), re.VERBOSE)
_STRIP = _TERM + _CLOSE
_LEAD = _OPEN + _BULLETS
_LIST_HEADS = "(" + _BULLETS
_NO_LIST: tuple[list[tuple[int, int]], set[int]] = ([], set())   # read only

_MARK = r"(?P<paren>\()?(?P<value>\d{1,3}|[a-z])(?P<punct>\.\)|[.)])(?=\s)"
_MARKER = re.compile(rf"(?P<bullet>[{_BULLETS}]\s*)?{_MARK}")
# A marker later in the block, with the whitespace before it (one match per whitespace run).
_LATER_MARKER = re.compile(rf"\s(?<!\s\s)\s*+(?P<item>(?P<bullet>[{_BULLETS}]\s*)?{_MARK})")
_LATER_BULLET = re.compile(rf"\s(?<!\s\s)\s*+(?P<item>[{_BULLETS}])")
_COLON_MARKER = re.compile(rf":\s++(?={_MARK})")

# a.m./p.m. followed by "Mr." ends the sentence unless the sentence so far is only the time phrase.
_TIME_ONLY = re.compile(r"\W*+(?:\w+\s+)?\d{1,2}(?:[:.]\d\d)?\s*\Z")
_DOTTED = re.compile(r"(?:[A-Za-z]{1,2}\.)+[A-Za-z]{1,2}")

_PRE, _POST, _CORP, _NUMBER = 1, 2, 3, 4   # kinds of abbreviation
_CAPITAL = 8                               # ...that is an ordinary word unless capitalised ("No.", "Gen.")

# Titles and other abbreviations that stand before a name: a capitalised word after them is that name.
_PREPOSITIVE = """mr mrs ms mx messrs mmes dr drs prof profs gen gens lt col capt cmdr cdr maj sgt cpl pvt adm
    brig rev hon pres gov sen sens rep reps supt insp det atty amb fr st ste mt ft rt vs v sr sra srta"""
# Abbreviations that may end a sentence: they end it before a capitalised word, not before a number.
_POSTPOSITIVE = """jr esq etc al cf viz approx ca est dept univ assn ave blvd rd hwy sq bldg ft lb lbs oz hr hrs
    yr yrs mo mos min max ext tel misc govt intl natl assoc e.g i.e a.m p.m
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun"""
_CORPORATE = "inc corp co cos ltd plc llc bros"
# Abbreviations that are never final before a number ("No. 5", "p. 55", "Dec. 3").
_NUMBERING = "no nos n° nº p pp para paras fig figs vol vols ch chap sec art op"
# Words that are abbreviations only when capitalised; lower-case they are ordinary English words.
_CAPITAL_ONLY = "gen col rev sen rep pres det fr hon maj amb no mar sat sun wed fig art sec op est min max"

_ABBREV: dict[str, int] = {}
for _kind, _words in ((_POST, _POSTPOSITIVE), (_NUMBER, _NUMBERING), (_CORP, _CORPORATE), (_PRE, _PREPOSITIVE)):
    for _w in _words.split():
        _ABBREV[_w] = _kind
for _w in _CAPITAL_ONLY.split():
    _ABBREV[_w] |= _CAPITAL

# Words that begin sentences and (almost) never follow "U.S." or "a.m." inside one; after such an
# abbreviation a capitalised word is more often a name ("U.S. Army"), so only these words end it.
_STARTERS = frozenset("""
    A About According After Again All Also Although An And Another Any Are As At Because Before Being Both
    But By Can Could Despite Did Do Does During Each Either Even Every Finally First For Following From
    Further Furthermore Had Has Have He Her Here His How However I If In Instead Is It Its Last Later Let
    Many Meanwhile Millions More Moreover Most Much My Neither Nevertheless Nor Not Now Of Officials On Once
    One Only Or Other Our Over Perhaps Please Second Several She Should Since So Some Still Such Than Thank
    Thanks That The Their Then There Therefore These They This Those Though Thus To Today Tomorrow Under
    Unlike Until Upon Was We Were What Whatever When Where Whether Which While Who Whose Why With Within
    Without Would Yes Yesterday Yet You Your
""".split())
_TITLES = frozenset("Mr Mrs Ms Dr Prof".split())
# After "Inc." or "Co." these continue the name ("Co. Ltd.") or give a role in it ("Inc. CEO Tim Cook").
_ROLES = frozenset("Ltd LTD Inc Corp LLC PLC Plc CEO CFO COO Chief Chairman Chairwoman President Executive Founder"
                   .split())


def split(text: str, protected: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Return (start, end) spans of the sentences in `text`; the gaps between them are whitespace.

    No boundary falls strictly inside a `protected` span (glossary terms).
    """
    last = len(text.rstrip())
    first = len(text) - len(text.lstrip())
    if first >= last:
        return []
    # Most blocks are one sentence with no terminator before its end: `in` and `find` (C speed, and
    # several times cheaper than any regex scan) settle those without a scan.
    head = text[first]
    may_list = (":" in text or head.isdigit() or head in _LIST_HEADS
                or text[first + 1:first + 2] in (".", ")"))
    marks = "?" in text or "!" in text or "…" in text
    scan_from = first
    if not marks:
        scan_from = text.find(".")
        if scan_from < 0 or scan_from == last - 1 or (
                scan_from >= last - 4 and scan_from >= len(text.rstrip(_STRIP))):
            if not may_list:
                return [(first, last)]
            scan_from = first
    items, markers = _list_items(text, first, last) if may_list else _NO_LIST
    guard = _Guard(protected, last) if protected else None
    ends: list[int] = []
    starts = [first]
    start = first
    n_items = len(items)
    ii = 0
    for m in (_CANDIDATE if marks else _PERIOD_CANDIDATE).finditer(text, scan_from, last):
        end = m.end()
        p = m.start()
        while ii < n_items and items[ii][1] <= p:
            cut, nxt = items[ii]
            ii += 1
            if nxt > start and not (guard and guard.blocks(cut, nxt)):
                ends.append(cut)
                starts.append(nxt)
                start = nxt
        term, close, ws, _, word, after = m.groups()
        # "b) Second item" starts a list item even though it is lower-case.
        if word[:1].islower() and not (after and len(word) == 1):
            continue
        nxt = end + len(ws)
        if term == ".":
            if not _ends_at_period(text, p, start, bool(close), word, after, markers):
                continue
        elif not term.strip(". …"):
            cut = _ellipsis_cut(text, p, start, term, end)
            if cut is None:
                continue
            if cut != end:  # "compounds. . . . The": the period ends it, the ellipsis opens the next
                end, nxt = cut, cut + 1
        # else "!", "?", "?!": a new sentence, since the next word is not lower-case (checked above)
        if guard and guard.blocks(end, nxt):
            continue
        ends.append(end)
        starts.append(nxt)
        start = nxt
    while ii < n_items:
        cut, nxt = items[ii]
        ii += 1
        if start < nxt < last and not (guard and guard.blocks(cut, nxt)):
            ends.append(cut)
            starts.append(nxt)
            start = nxt
    ends.append(last)
    return list(zip(starts, ends))


def _ends_at_period(text: str, p: int, start: int, closed: bool, word: str, after: str | None,
                    markers: set[int]) -> bool:
    """Whether the single period at `p`, followed by a word that is not lower-case, ends a sentence."""
    lo = p - 40 if p - 40 > start else start
    if p == lo or text[p - 1].isspace():
        return True
    tok = text[lo:p].rsplit(None, 1)[-1]
    core = tok.lstrip(_LEAD)
    if markers and p - len(core) in markers:
        return False  # "1." or "a." opening a list item
    if closed or not core:
        return True  # '."' ".)": the quotation or bracket closes the sentence too
    key = core.lower()
    kind = _ABBREV.get(key)
    if kind is None and len(core) > 1 and "." not in core:
        return True  # an ordinary word: the common case, answered first
    if kind is not None:
        if kind & _CAPITAL and not core[0].isupper():
            return True
        kind &= 7
        if kind == _PRE:
            return word in _STARTERS and not after and key not in ("vs", "v")
        if key in ("a.m", "p.m"):
            return _ends_at_time(text, p - len(core), start, word, after)
        if key in ("e.g", "i.e"):
            return word in _STARTERS and not after
        if not word[:1].isupper():
            return False  # "Dec. 3", "No. 5", "etc. (", "Inc. $5"
        return not (kind == _CORP and word in _ROLES)
    if "." in core:
        if _DOTTED.fullmatch(core):  # U.S., U.S.A., Ph.D.
            return word in _STARTERS and not after
        return True  # URL, e-mail, 3.14, 1026.253.553
    if len(core) == 1 and core.isupper():
        # An initial ("John F. Kennedy", "J. R. R. Tolkien"), except the pronoun in "you and I."
        if core != "I" or word[:1].isdigit():
            return False
        prev = text[lo:p - len(tok)].rsplit(None, 1)
        return bool(prev) and prev[-1][:1].islower()
    return True


def _ends_at_time(text: str, at: int, start: int, word: str, after: str | None) -> bool:
    """Whether "a.m."/"p.m." starting at `at` ends the sentence before `word`."""
    if word in _TITLES:  # "at 6 P.M. Mr. Smith then..." but "At 5 a.m. Mr. Smith went..."
        return not _TIME_ONLY.match(text, start, at)
    return word in _STARTERS and not after


def _ellipsis_cut(text: str, p: int, start: int, term: str, end: int) -> int | None:
    """Where a run of dots (or "…") at `p`, followed by a word that is not lower-case, ends the sentence.

    `end` is the end of the run with its closing quotes and brackets; None means it does not end one.
    """
    if p and text[p - 1] == "[":
        return None  # "[...]" marks words left out of a quotation
    dots = term.count(".") + 3 * term.count("…")
    if " " in term:
        if dots < 4:
            return None  # ". . ." is a pause inside the sentence
        if term[1] == " " and p > start and not text[p - 1].isspace():
            return p + 1  # "compounds. . . . The": a period, then an ellipsis that opens the next one
        return end
    if end > p + len(term) or dots >= 4 or "…" not in term:
        return end  # '..." She', "that.... She", "I mean... I"
    return None  # a lone "…" before a capital is a pause, as in pysbd and sentencex


def _list_items(text: str, first: int, last: int) -> tuple[list[tuple[int, int]], set[int]]:
    """List items after the first: (end of the text before, start of the item); and marker positions."""
    head = text[first]
    if head in _BULLETS:
        items: list[tuple[int, int]] = []
        markers: set[int] = set()
        m = _MARKER.match(text, first, last)
        if m:
            markers.add(m.start("value"))
        for b in _LATER_BULLET.finditer(text, first, last):
            if b["item"] == head:
                items.append((b.start(), b.start("item")))
                m = _MARKER.match(text, b.start("item"), last)
                if m:
                    markers.add(m.start("value"))
        return items, markers
    if head.isalnum() or head == "(":
        m = _MARKER.match(text, first, last)
        if m:
            items, markers = _sequence(text, m, last)
            markers.add(m.start("value"))
            return items, markers
    if ":" in text:
        for c in _COLON_MARKER.finditer(text, first, last):
            m = _MARKER.match(text, c.end(), last)
            if m:
                items, markers = _sequence(text, m, last)
                if items:  # "Options: (a) red (b) blue": split before each item, as pysbd does
                    markers.add(m.start("value"))
                    return [(c.start() + 1, c.end()), *items], markers
    return [], set()


def _sequence(text: str, m: re.Match[str], last: int) -> tuple[list[tuple[int, int]], set[int]]:
    """The markers that continue the list opened by `m`: same style, next number or letter each time."""
    style = _style(m)
    expected = _ordinal(m["value"]) + 1
    items: list[tuple[int, int]] = []
    markers: set[int] = set()
    for n in _LATER_MARKER.finditer(text, m.end(), last):
        if _ordinal(n["value"]) == expected and _style(n) == style:
            items.append((n.start(), n.start("item")))
            markers.add(n.start("value"))
            expected += 1
    return items, markers


def _style(m: re.Match[str]) -> tuple[bool, bool, bool, str]:
    return bool(m["bullet"]), bool(m["paren"]), m["value"].isdigit(), m["punct"]


def _ordinal(value: str) -> int:
    return int(value) if value.isdigit() else ord(value)


class _Guard:
    """Answers "would a cut between `end` and `start` break a protected span?" in O(log n)."""

    def __init__(self, protected: Sequence[tuple[int, int]], last: int) -> None:
        spans = sorted((a, b) for a, b in protected if a < b and b > 0 and a < last)
        self.starts = [a for a, _ in spans]
        self.reach: list[int] = []  # reach[i]: the furthest end among spans[0..i]
        far = -1
        for _, b in spans:
            far = b if b > far else far
            self.reach.append(far)

    def blocks(self, end: int, start: int) -> bool:
        k = bisect_left(self.starts, start)
        return k > 0 and self.reach[k - 1] > end
