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
        pad = "·" * max(1, int(len(text) * self.expansion / 4))
        return f"[{target}: {body} {pad}]"
