"""Pseudo-translation: accented, lengthened text that shows where text flows, with no model.

What localisation tools call pseudo-localisation. Glossary targets and numbers pass through unchanged
(the pipeline protects them before the engine sees the text), so the whole pipeline, terminology
enforcement included, can be exercised and reviewed without any model installed.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from . import Hypothesis

_ACCENTS = str.maketrans(
    "AaCcEeIiNnOoUuYySsZzGgKkLlDdRrTtHhWw",
    "ÅåÇçÉéÎîÑñÖöÛûÝýŠšŽžĞğĶķĻļĐđŘřŤťĤĥŴŵ",
)
# Protected spans the pipeline inserted: keep them verbatim. Anything with a digit is a number or date.
_KEEP = re.compile(r"(\S*\d\S*|[A-Z][a-z]*[A-Z]\w*|\b[A-Z]{2,}\b)")
_PAD = "·"
# What `pseudo` writes: "[ru: Азербайджан ûřğéš … ···]", an n-best alternative with " ~k" after it.
_SHAPE = re.compile(rf"\[[a-z]{{2,3}}(?:[-_][A-Za-z0-9]+)?: .*(?:{_PAD}\]|\])(?: ~\d+)?", re.DOTALL)
_ACCENTED = frozenset("ÅåÇçÉéÎîÑñÖöÛûÝýŠšŽžĞğĶķĻļĐđŘřŤťĤĥŴŵ")


def is_pseudo(text: str) -> bool:
    """`text` still has the pseudo-translation's shape: the `[xx: …]` frame with its `·` padding, or with
    the accented Latin letters it writes. Approval removes the fuzzy flag, not this shape, so the gate
    recognises a pseudo-translation someone approved (or lightly edited) by its content."""
    text = text.strip()
    if not _SHAPE.fullmatch(text):
        return False
    return _PAD + "]" in text or sum(ch in _ACCENTED for ch in text) >= 3


class PseudoEngine:
    """Deterministic: the same input always gives the same output, so catalogs are stable."""

    name = "pseudo"

    def __init__(self, *, expansion: float = 0.3, **_ignored: object) -> None:
        self.expansion = expansion

    def identity(self, target: str) -> str:
        return f"pseudo 1 (expansion {self.expansion:.0%})"

    def translate_batch(self, sources: Sequence[str], target: str, *, num_hypotheses: int = 1,
                        progress: Callable[[int], None] | None = None) -> list[list[Hypothesis]]:
        out = []
        for src in sources:
            text = self.pseudo(src, target)
            hyps = [Hypothesis(text, 0.0)]
            for k in range(1, num_hypotheses):
                hyps.append(Hypothesis(f"{text} ~{k}", -float(k)))
            out.append(hyps)
        if progress:
            progress(len(sources))
        return out

    def pseudo(self, text: str, target: str) -> str:
        parts = []
        last = 0
        for m in _KEEP.finditer(text):
            parts.append(text[last:m.start()].translate(_ACCENTS))
            parts.append(m.group(0))
            last = m.end()
        parts.append(text[last:].translate(_ACCENTS))
        body = "".join(parts)
        pad = _PAD * max(1, int(len(text) * self.expansion / 4))
        return f"[{target}: {body} {pad}]"
