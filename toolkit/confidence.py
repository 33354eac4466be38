"""How sure the engine was of a segment, from its n-best list: a signal to sort post-editing by.

Two signals, both from the engine's own output, combined into one number in [0, 1]:
- probability: exp of the chosen hypothesis's log-probability divided by its length in target tokens (the
  end-of-sentence token included), i.e. the geometric mean of its token probabilities. Length-normalised, so
  long sentences are not punished for being long.
- agreement: how much the other hypotheses of the n-best list say the same thing (mean word-level similarity
  to the chosen one). A model torn between different readings gives an n-best list that disagrees.
The value is their geometric mean (the probability alone when there is one hypothesis): it rises with each.

It is the model's opinion of its own output, not a quality measure: a fluent mistranslation the model is sure
of scores high, and a correct but unusual phrasing low. It only ranks entries for review.
"""
from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Protocol

#: the `#.` comment line in a catalog entry, e.g. "confidence: 0.42 (probability 0.51, agreement 0.35)"
PREFIX = "confidence: "
_COMMENT = re.compile(r"^confidence: (\d(?:\.\d+)?)(?: \(probability (\d(?:\.\d+)?)"
                      r"(?:, agreement (\d(?:\.\d+)?))?\))?$")


class Scored(Protocol):
    """What is read of a hypothesis (toolkit.engines.Hypothesis has it)."""

    text: str
    logprob: float | None      # sum of the target tokens' log-probabilities
    length: int | None         # how many target tokens that sum covers


@dataclass(frozen=True, slots=True)
class Confidence:
    value: float
    probability: float
    agreement: float | None    # None with a single hypothesis: nothing to agree with

    def comment(self) -> str:
        """The catalog's `#.` line (two decimals: enough to sort by, not pretending to more)."""
        parts = f"probability {self.probability:.2f}"
        if self.agreement is not None:
            parts += f", agreement {self.agreement:.2f}"
        return f"{PREFIX}{self.value:.2f} ({parts})"

    def as_dict(self) -> dict:
        return {"value": round(self.value, 4), "probability": round(self.probability, 4),
                "agreement": None if self.agreement is None else round(self.agreement, 4)}


def token_probability(logprob: float, length: int) -> float:
    """Geometric mean of the token probabilities: exp(log-probability / length)."""
    return math.exp(logprob / max(length, 1))


def agreement(chosen: str, others: Sequence[str]) -> float | None:
    """Mean word-level similarity (difflib ratio, 0..1) of `chosen` to each of `others`."""
    if not others:
        return None
    words = chosen.split()
    return sum(SequenceMatcher(None, words, o.split(), autojunk=False).ratio() for o in others) / len(others)


def combine(probability: float, agreement_: float | None) -> float:
    return probability if agreement_ is None else math.sqrt(probability * agreement_)


def estimate(hypotheses: Sequence[Scored], chosen: int = 0) -> Confidence | None:
    """The confidence of `hypotheses[chosen]`; None when the engine gave no log-probability (pseudo, or a
    translation memory entry written before scores were kept)."""
    if not hypotheses or not 0 <= chosen < len(hypotheses):
        return None
    best = hypotheses[chosen]
    logprob, length = getattr(best, "logprob", None), getattr(best, "length", None)
    if logprob is None or not length or not math.isfinite(logprob):
        return None
    p = token_probability(logprob, length)
    a = agreement(best.text, [h.text for k, h in enumerate(hypotheses) if k != chosen])
    return Confidence(combine(p, a), p, a)


def parse(comment: str) -> Confidence | None:
    """The Confidence in a catalog entry's extracted comments (one `confidence:` line), if any."""
    for line in comment.splitlines():
        m = _COMMENT.match(line.strip())
        if m:
            value = float(m.group(1))
            return Confidence(value, float(m.group(2)) if m.group(2) else value,
                              float(m.group(3)) if m.group(3) else None)
    return None
