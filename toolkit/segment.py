"""Split one block of English news prose into sentences (first version; see tests/test_segment.py)."""
from __future__ import annotations

import re
from collections.abc import Sequence

_ABBREV = {"dec", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "mr", "mrs",
           "ms", "dr", "st", "prof", "gen", "col", "lt", "sgt", "jr", "sr", "no", "vs", "etc", "u.s", "e.g", "i.e"}
_BOUNDARY = re.compile(r'[.!?]+["”’)\]]*(?=\s+["“‘(\[]?[A-Z0-9(])')


def split(text: str, protected: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Return (start, end) spans of the sentences in `text`; the gaps between them are whitespace."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        if any(a < end < b for a, b in protected):
            continue
        word = re.search(r"(\S+)$", text[start:m.start() + 1])
        token = word.group(1).rstrip(".").lower() if word else ""
        if m.group(0).startswith(".") and token in _ABBREV:
            continue
        if text[m.start():m.start() + 3] == "..." and not m.group(0).endswith(("\"", "”")):
            continue
        spans.append((start, end))
        nxt = end
        while nxt < len(text) and text[nxt].isspace():
            nxt += 1
        start = nxt
    if start < len(text):
        spans.append((start, len(text.rstrip())))
    return spans
