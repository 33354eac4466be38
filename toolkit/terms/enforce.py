"""Hold glossary terms through machine translation: protect, choose among n-best, verify and repair.

1. Before MT, `mask` hides protected terms (do-not-translate and fixed forms) behind short ASCII
   placeholders (`Xq1`) that SentencePiece keeps in a few pieces and models copy through. Translatable
   names stay in the sentence for real engines, because the target grammar must inflect them; the pseudo
   engine gets everything masked (policy "all").
2. `enforce` looks at every hypothesis, best first, and keeps the first one where every placeholder came
   back and every expected term is present; otherwise the one that holds the most terms.
3. It then verifies each term in the target in any inflected form (`toolkit.terms.morph`), repairs forbidden
   (and, by policy, admitted) variants into the preferred term in the same grammatical form, searches the
   chosen hypothesis for what the engine wrote instead of a missing name (`toolkit.terms.variants`: source
   copies, other spellings; repaired in the same slot when that is safe, else reported with the span; a
   derived adjective counts as the term, one made from a forbidden or misspelt stem is reported), and
   records what happened: `notes` for the PO extracted comments, `issues` (codes, spans) and their
   `problems` messages to keep the entry fuzzy.
A placeholder the engine dropped is never lost silently: `enforce` puts the term back near its source
position, with a note and a problem, and the pipeline sends the segment again `unprotected`, keeping
what `after_retry` chooses. `check_entry` runs step 3 on an existing catalog entry.
Nothing here calls an engine: the pipeline does, and hands the hypotheses in.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from . import morph, source as source_names, variants as name_variants
from ..glossary import Concept, Glossary, TermHit


class Hypothesis(Protocol):
    """What the term logic reads of an engine's hypothesis (`toolkit.engines.Hypothesis`): its text."""

    text: str


MASK_POLICIES = ("all", "protected", "none")
ADMITTED = ("accept", "repair")
_PLACEHOLDER = "Xq{}"
_PLACEHOLDER_RE = re.compile(r"(?<![A-Za-z0-9])Xq(\d+)(?!\d)")
_WORDS = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class Masked:
    source: str                       # the segment as written
    text: str                         # what the engine sees
    hits: tuple[TermHit, ...]
    masked_hits: tuple[int, ...]      # indexes into hits that were replaced by placeholders (number = index + 1)
    policy: str = "protected"


@dataclass(frozen=True, slots=True)
class TermIssue:
    """One term problem as data; `code` decides severity (toolkit.findings.CODES), never the message's words."""

    code: str                          # term-missing | term-forbidden | term-variant | term-source-copy | ...
    concept: str                       # concept id
    message: str
    span: tuple[int, int] | None = None  # where in the target the suspect text is
    text: str = ""                     # the suspect text as written
    variant: str = ""                  # its base form as far as it can be told (for `glossary conflicts`)


@dataclass(frozen=True, slots=True)
class TermOutcome:
    """What the term step made of one target: the text to keep, and what it did and could not do."""

    text: str
    notes: tuple[str, ...]            # what was done, one line per term, for the PO extracted comments
    problems: tuple[str, ...]         # terms that could not be verified or repaired: the entry stays fuzzy
    terms_total: int
    terms_ok: int
    dropped: tuple[int, ...] = ()     # placeholders the engine lost in the chosen hypothesis (hit indexes)
    hypothesis: int = 0               # which of the n-best was chosen (0 = the engine's best)
    changed: bool = False             # check_entry: the target was repaired
    repairs: tuple[str, ...] = ()     # the notes that say what was repaired (also in `notes`)
    issues: tuple[TermIssue, ...] = ()  # the problems as data: code, concept, span (same order as problems)

    @property
    def needs_retry(self) -> bool:
        return bool(self.dropped)


def policy_for(engine: object) -> str:
    """Mask everything for the pseudo engine; only do-not-translate and fixed forms for real engines."""
    return "all" if getattr(engine, "name", "") == "pseudo" else "protected"


def mask(source: str, hits: Sequence[TermHit], lang: str, policy: str = "protected") -> Masked:
    if policy not in MASK_POLICIES:
        raise ValueError(f"policy must be one of {', '.join(MASK_POLICIES)}, not {policy!r}")
    parts: list[str] = []
    masked: list[int] = []
    last = 0
    for i, hit in enumerate(hits):
        if hit.concept.preferred(lang) is None or policy == "none":
            continue
        if policy == "protected" and not hit.concept.is_protected:
            continue
        parts.append(source[last:hit.start])
        parts.append(_PLACEHOLDER.format(i + 1))
        masked.append(i)
        last = hit.end
    parts.append(source[last:])
    return Masked(source, "".join(parts), tuple(hits), tuple(masked), policy)


def unmask(text: str, masked: Masked, lang: str) -> tuple[str, tuple[int, ...]]:
    """Placeholders replaced by their target terms; also the masked hit indexes that did not come back."""
    wanted = {i + 1: masked.hits[i] for i in masked.masked_hits}
    seen: set[int] = set()

    def put_back(m: re.Match[str]) -> str:
        n = int(m.group(1))
        hit = wanted.get(n)
        if hit is None:
            return m.group(0)
        seen.add(n)
        return hit.concept.preferred(lang) or hit.text

    restored = _PLACEHOLDER_RE.sub(put_back, text)
    return restored, tuple(n - 1 for n in wanted if n not in seen)


def enforce(masked: Masked, hypotheses: Sequence[Hypothesis], lang: str, *,
            admitted: str = "accept") -> TermOutcome:
    """Choose the best hypothesis that keeps the glossary, restore protected terms, verify and repair the rest."""
    texts = [h.text for h in hypotheses] or [""]
    best: tuple[tuple, TermOutcome] | None = None
    for rank, text in enumerate(texts):
        restored, dropped = unmask(text, masked, lang)
        done = _verify(masked.hits, restored, lang, fix=True, admitted=admitted,
                       protected={i for i in masked.masked_hits if i not in dropped}, search=False)
        done = replace(done, dropped=dropped, hypothesis=rank, text=restored if done.problems else done.text)
        quality = (not dropped and not done.problems, -len(dropped), done.terms_ok, -len(done.problems), -rank)
        if best is None or quality > best[0]:
            best = (quality, done)
        if not dropped and not done.problems:
            break
    done = best[1]
    if done.problems and not done.dropped:
        # Only the chosen hypothesis is searched for variants of missing names (the ranking stays cheap).
        protected = set(masked.masked_hits)
        done = replace(_verify(masked.hits, done.text, lang, fix=True, admitted=admitted, protected=protected,
                               source=masked.source), hypothesis=done.hypothesis)
    if done.dropped:
        text = done.text
        for i in done.dropped:
            hit = masked.hits[i]
            text = _put_near(text, hit.concept.preferred(lang) or hit.text, hit.start / max(len(masked.source), 1))
        again = _verify(masked.hits, text, lang, fix=True, admitted=admitted, protected=set(), source=masked.source)
        done = replace(again, dropped=done.dropped, hypothesis=done.hypothesis)
    notes = list(done.notes)
    problems = list(done.problems)
    issues = list(done.issues)
    if done.hypothesis:
        notes.append(f"terminology: chose hypothesis {done.hypothesis + 1} of {len(texts)} "
                     "(the engine's best broke a glossary term)")
    for i in done.dropped:
        hit = masked.hits[i]
        target = hit.concept.preferred(lang) or hit.text
        problems.append(f"term {hit.text!r} → {target!r} ({hit.concept.id}): the engine dropped it; "
                        "put back near its source position, check the placement")
        issues.append(TermIssue("term-dropped", hit.concept.id, problems[-1]))
    return replace(done, notes=tuple(notes), problems=tuple(problems), issues=tuple(issues))


def _put_near(text: str, term: str, ratio: float) -> str:
    """Insert `term` at the word boundary nearest to the same relative position."""
    if not text:
        return term
    goal = round(ratio * len(text))
    bounds = [0, len(text), *(m.start() for m in re.finditer(r"\s", text))]
    at = min(bounds, key=lambda b: abs(b - goal))
    if at == 0:
        return f"{term} {text}"
    if at == len(text):
        return f"{text} {term}"
    return f"{text[:at]} {term}{text[at:]}"


def unprotected(masked: Masked) -> Masked:
    """The same segment with nothing masked: what the engine gets again when it lost a placeholder."""
    return replace(masked, text=masked.source, masked_hits=(), policy="none")


def after_retry(first: TermOutcome, again: TermOutcome, masked: Masked) -> TermOutcome:
    """The better of the masked result that lost placeholders and the unmasked second try (a note says so)."""
    lost = ", ".join(masked.hits[k].text for k in first.dropped)
    if len(again.problems) <= len(first.problems) - len(first.dropped):
        return replace(again, notes=(*again.notes, f"terminology: the engine dropped the protected "
                                     f"term(s) {lost}; translated again without protection"))
    return first


def check_entry(source: str, target: str, glossary: Glossary, lang: str, *, fix: bool = False,
                admitted: str = "accept", waived: frozenset[str] = frozenset(), fixable: bool = True,
                surnames: frozenset[str] = frozenset()) -> TermOutcome:
    """Verify (and with `fix`, repair) the glossary terms of an existing translation: for `toolkit check`.

    The caller decides which entries may be fixed: approved (non-fuzzy) ones never are. `waived` holds
    the concept ids or English terms a translator accepted (`variants.waivers` of the entry's comment);
    `surnames` the article's people named elsewhere by their full name (`source.article_surnames`).
    `fixable` False (an approved entry, which `check --fix` leaves alone) drops the "--fix makes it" hints.
    """
    hits = tuple(source_names.concept_hits(glossary, source, surnames))
    done = _verify(hits, target, lang, fix=fix, admitted=admitted, protected=set(),
                   waived=waived, source=source, fixable=fixable)
    return replace(done, changed=done.text != target)


# --- verification ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Found:
    concept: Concept
    term: str
    status: str                      # preferred | admitted | forbidden
    occ: morph.Occurrence


def find_terms(target: str, concepts: Sequence[Concept], lang: str) -> list[_Found]:
    """Occurrences of the concepts' target terms (any status) in `target`; the longest wins an overlap,
    and an accepted term wins over a forbidden one on the same span."""
    found: list[_Found] = []
    for c in concepts:
        terms = [(t, "preferred" if k == 0 else "admitted") for k, t in enumerate(c.accepted(lang))]
        terms += [(t, "forbidden") for t in c.forbidden(lang)]
        for term, status in terms:
            for occ in morph.find(target, term, lang):
                found.append(_Found(c, term, status, occ))
    rank = {"preferred": 0, "admitted": 1, "forbidden": 2}
    found.sort(key=lambda f: (-(f.occ.end - f.occ.start), rank[f.status]))
    kept: list[_Found] = []
    for f in found:
        if all(f.occ.end <= k.occ.start or f.occ.start >= k.occ.end for k in kept):
            kept.append(f)
    kept.sort(key=lambda f: f.occ.start)
    return kept


def _verify(hits: Sequence[TermHit], target: str, lang: str, *, fix: bool, admitted: str,
            protected: set[int], search: bool = True, waived: frozenset[str] = frozenset(),
            source: str = "", fixable: bool = True) -> TermOutcome:
    if admitted not in ADMITTED:
        raise ValueError(f"admitted must be one of {', '.join(ADMITTED)}, not {admitted!r}")
    notes: list[str] = []
    repairs: list[str] = []
    issues: list[TermIssue] = []
    concepts: dict[str, Concept] = {}
    needed: dict[str, list[int]] = {}
    for i, hit in enumerate(hits):
        concepts.setdefault(hit.concept.id, hit.concept)
        needed.setdefault(hit.concept.id, []).append(i)
    found = find_terms(target, list(concepts.values()), lang)
    taken = [(f.occ.start, f.occ.end) for f in found]
    known = frozenset(w.casefold() for h in hits for w in _WORDS.findall(h.text))
    edits: list[tuple[int, int, str]] = []
    ok = 0

    def problem(code: str, cid: str, message: str, span: tuple[int, int] | None = None, variant: str = "") -> None:
        text = target[span[0]:span[1]] if span else ""
        issues.append(TermIssue(code, cid, message, span, text, variant or text))

    for cid, indexes in needed.items():
        concept = concepts[cid]
        source_term = hits[indexes[0]].text
        english = tuple(dict.fromkeys(hits[i].text for i in indexes))
        preferred = concept.preferred(lang)
        count = len(indexes)
        if name_variants.is_waived(waived, cid, (*english, concept.preferred("en") or "")):
            ok += count
            notes.append(f"term: {source_term} → {preferred} ({cid}, accepted by the translator's waiver)")
            continue
        if preferred is None:
            problem("term-no-target", cid, f"term {source_term!r} ({cid}): no {lang} target in the glossary")
            continue
        mine = [f for f in found if f.concept.id == cid]
        good = 0
        flagged = len(issues)
        named = 0
        shielded = sum(1 for i in indexes if i in protected)
        if search and " " in preferred and any(f.status == "admitted" for f in mine):
            # A short admitted form inside a longer wrong one (МИД Azerbaijan, Azerbaijan-ի ԱԳՆ): the whole
            # multi-word term is what the engine meant; handled with the variants below.
            others = [(g.occ.start, g.occ.end) for g in found if g.concept.id != cid]
            wider = name_variants.suspects(target, preferred, lang, english=english, kind=concept.kind,
                                           taken=others, limit=count)
            inside = [f for f in mine if f.status == "admitted"
                      and any(w.start <= f.occ.start and f.occ.end <= w.end and (w.start, w.end) !=
                              (f.occ.start, f.occ.end) for w in wider)]
            if inside:
                mine = [f for f in mine if f not in inside]
                taken[:] = [t for t in taken if t not in {(f.occ.start, f.occ.end) for f in inside}]
        for f in mine:
            if f.status == "preferred":
                good += 1
                continue
            if f.status == "admitted" and admitted == "accept":
                good += 1
                notes.append(f"term: {source_term} → {f.occ.text} ({cid}, admitted variant; preferred {preferred!r})")
                continue
            what = "forbidden" if f.status == "forbidden" else "admitted"
            code = "term-forbidden" if f.status == "forbidden" else "term-admitted"
            safe = name_variants.same_class(f.term, preferred, lang)
            new = morph.repair(f.occ, preferred, lang) if fix and safe else None
            span = (f.occ.start, f.occ.end)
            if new is not None:
                edits.append((f.occ.start, f.occ.end, new))
                good += 1
                repairs.append(name_variants.note(source_term, preferred, cid, what, f.occ.text, new, f.term))
                notes.append(repairs[-1])
            elif fix:
                why = "another declension class" if not safe else "its grammatical form is unclear"
                problem(code, cid, f"term {source_term!r} → {preferred!r} ({cid}): {what} variant {f.occ.text!r}, "
                        f"{why}; replace it by hand", span, f.term)
            else:
                problem(code, cid, f"term {source_term!r} → {preferred!r} ({cid}): {what} variant {f.occ.text!r}",
                        span, f.term)
        if search and good + (len(issues) - flagged) < count:
            first = hits[indexes[0]]
            before, after = (source[:first.start], source[first.end:first.end + 3]) if source else ("", "")
            for sus in name_variants.suspects(target, preferred, lang, english=english, kind=concept.kind,
                                             taken=taken, source_before=before, source_after=after,
                                             limit=count - good - (len(issues) - flagged), known=known):
                taken.append((sus.start, sus.end))
                what = "source copy" if sus.code == name_variants.SOURCE_COPY else "variant"
                span = (sus.start, sus.end)
                if fix and sus.repair is not None:
                    edits.append((sus.start, sus.end, sus.repair))
                    good += 1
                    repairs.append(name_variants.note(source_term, preferred, cid, what, sus.text, sus.repair,
                                                      sus.seen))
                    notes.append(repairs[-1])
                elif sus.kept:
                    # A name kept as written ("Adelaide Show"), as the source side leaves `Qatar Airways`:
                    # the translator's decision, held like a waiver; only a note says which name it was.
                    good += 1
                    named += 1
                    notes.append(f"term: {source_term} → {preferred} ({cid}): left alone inside the Latin-script "
                                 f"name {sus.kept!r}")
                else:
                    hint = "; replace it by hand" if fix else (f"; --fix makes it {sus.repair!r}" if sus.repair and fixable else "")
                    problem(sus.code, cid, f"term {source_term!r} → {preferred!r} ({cid}): {what} {sus.text!r} "
                            f"at {span[0]}–{span[1]}{hint}", span, sus.seen)
        if search and good + (len(issues) - flagged) < count:
            good += _derived(concept, source_term, target, lang, taken, notes, problem)
        held = min(count, good)
        ok += held
        if held == count:
            how = "protected" if shielded == count else "verified"
            if not named:       # a name kept as written has its own note
                notes.append(f"term: {source_term} → {preferred} ({cid}, {how})")
        elif len(issues) == flagged:        # a variant already reported explains the gap
            missing = count - held
            times = f" ({missing} of {count} occurrences)" if count > 1 else ""
            problem("term-missing", cid, f"term {source_term!r} → {preferred!r} ({cid}): not found in the "
                    f"translation{times}")
    text = target
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    if edits:       # what is still reported points into the repaired text
        issues = [replace(i, span=_shifted(i.span, edits)) if i.span else i for i in issues]
    return TermOutcome(text, tuple(dict.fromkeys(notes)), tuple(i.message for i in issues), len(hits), ok,
                       repairs=tuple(dict.fromkeys(repairs)), issues=tuple(issues))


def _derived(concept: Concept, source_term: str, target: str, lang: str, taken: list[tuple[int, int]],
             notes: list[str], problem) -> int:
    """A word derived from the name (лачинскому, Gəncəli): 1 when it is made from an accepted term, else 0;
    one made from a forbidden form (Гызылбулагское) or a misspelt stem (Кяльбаджарском) is reported with its
    span and never rewritten (its ending follows its own stem)."""
    cid, preferred = concept.id, concept.preferred(lang) or ""
    for term in concept.accepted(lang):
        d = name_variants.derived(target, term, lang, taken=taken, exact_only=True)
        if d is not None:
            taken.append((d.start, d.end))
            notes.append(f"term: {source_term} → {preferred} ({cid}, derived form {target[d.start:d.end]!r})")
            return 1
    for term in concept.forbidden(lang):
        d = name_variants.derived(target, term, lang, taken=taken, exact_only=True)
        if d is not None:
            taken.append((d.start, d.end))
            word = target[d.start:d.end]
            problem("term-forbidden", cid, f"term {source_term!r} → {preferred!r} ({cid}): {word!r} at "
                    f"{d.start}–{d.end} is made from the forbidden {term!r}; derive it from {preferred!r}",
                    (d.start, d.end), term)
            return 0
    d = name_variants.derived(target, preferred, lang, taken=taken)
    if d is not None:
        taken.append((d.start, d.end))
        word = target[d.start:d.end]
        problem(name_variants.VARIANT, cid, f"term {source_term!r} → {preferred!r} ({cid}): {word!r} at "
                f"{d.start}–{d.end} is made from a misspelt {preferred!r}; check its spelling",
                (d.start, d.end), word)
    return 0


def _shifted(span: tuple[int, int], edits: Sequence[tuple[int, int, str]]) -> tuple[int, int]:
    """A span of the target before `edits`, in the target after them (edits never overlap it)."""
    delta = sum(len(new) - (end - start) for start, end, new in edits if end <= span[0])
    return span[0] + delta, span[1] + delta
