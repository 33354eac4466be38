"""Hide glossary terms from the MT engine, then put the glossary's target forms back and check them."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .engines import Hypothesis
from .glossary import TermHit

# Short ASCII tokens with a digit: SentencePiece models keep them in few pieces and copy them through,
# and the pseudo engine leaves anything with a digit untouched.
_PLACEHOLDER = "Xq{}"
_PLACEHOLDER_RE = re.compile(r"Xq(\d+)")


@dataclass(frozen=True, slots=True)
class Masked:
    source: str                       # the segment as written
    text: str                         # what the engine sees
    hits: tuple[TermHit, ...]
    masked: tuple[int, ...]           # indexes into hits that were replaced by placeholders


@dataclass(frozen=True, slots=True)
class Enforced:
    text: str
    notes: tuple[str, ...]            # what was done, one line per term, for the PO extracted comments
    problems: tuple[str, ...]         # terms that could not be verified or repaired: the entry stays fuzzy
    terms_total: int
    terms_ok: int


def mask(source: str, hits: Sequence[TermHit], lang: str) -> Masked:
    parts: list[str] = []
    masked: list[int] = []
    last = 0
    for i, hit in enumerate(hits):
        if hit.concept.preferred(lang) is None:
            continue
        parts.append(source[last:hit.start])
        parts.append(_PLACEHOLDER.format(i + 1))
        masked.append(i)
        last = hit.end
    parts.append(source[last:])
    return Masked(source, "".join(parts), tuple(hits), tuple(masked))


def enforce(masked: Masked, hypotheses: Sequence[Hypothesis], lang: str) -> Enforced:
    """Pick the best hypothesis that kept every placeholder, restore the target terms, report the rest."""
    wanted = {i + 1 for i in masked.masked}
    chosen = hypotheses[0]
    for hyp in hypotheses:
        if {int(n) for n in _PLACEHOLDER_RE.findall(hyp.text)} >= wanted:
            chosen = hyp
            break
    notes: list[str] = []
    problems: list[str] = []
    found = {int(n) for n in _PLACEHOLDER_RE.findall(chosen.text)}

    def put_back(m: re.Match[str]) -> str:
        n = int(m.group(1))
        if n - 1 >= len(masked.hits):
            return m.group(0)
        return masked.hits[n - 1].concept.preferred(lang) or masked.hits[n - 1].text

    text = _PLACEHOLDER_RE.sub(put_back, chosen.text)
    ok = 0
    for i, hit in enumerate(masked.hits):
        target = hit.concept.preferred(lang)
        if target is None:
            problems.append(f"term {hit.text!r} ({hit.concept.id}): no {lang} target in the glossary")
        elif i + 1 in found:
            ok += 1
            notes.append(f"term: {hit.text} → {target} ({hit.concept.id}, protected)")
        else:
            problems.append(f"term {hit.text!r} → {target!r} ({hit.concept.id}): dropped by the engine")
    return Enforced(text, tuple(notes), tuple(problems), len(masked.hits), ok)
