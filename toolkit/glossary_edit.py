"""Change one glossary cell in place: add a variant reviewers decided on, as forbidden or admitted.

Only the concept's own line is rewritten (every other byte of the file stays as it was), atomically.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from . import glossary as glossary_mod
from .errors import GlossaryError, UsageError
from .glossary import Term

STATUSES = ("forbidden", "admitted")


def add_variant(paths: str | Path, concept_id: str, lang: str, term: str, status: str) -> Path:
    """Add `term` to `concept_id`'s `lang` cell (`!term` when forbidden); returns the file changed."""
    if status not in STATUSES:
        raise UsageError(f"--as must be forbidden or admitted, not {status!r}")
    term = " ".join(term.split())
    if not term or ";" in term or "\t" in term:
        raise UsageError(f"not a term: {term!r}")
    loaded = glossary_mod.load(paths)
    concept = loaded.get(concept_id)
    if concept is None:
        raise UsageError(f"no concept {concept_id!r} in {paths}", hint="ids are the first column of the glossary")
    path = Path(concept.path)
    if path.suffix.lower() == ".tbx":
        raise GlossaryError("a TBX glossary is edited in its own tool", path=path, line=concept.line)
    existing = concept.terms_for(lang)
    if any(glossary_mod.fold(t.text) == glossary_mod.fold(term) for t in existing):
        raise UsageError(f"{concept_id} already lists {term!r} in {lang}", hint=f"edit {path}:{concept.line}")
    header, rows = glossary_mod.read_rows(path)
    if lang not in header:
        raise GlossaryError(f"no {lang} column", path=path, line=1)
    row = next(r for r in rows if r.line == concept.line)
    raw = path.read_bytes().decode("utf-8-sig")
    bom = path.read_bytes().startswith(b"\xef\xbb\xbf")
    lines = raw.splitlines(keepends=True)
    line = lines[row.line - 1]
    body = line.rstrip("\r\n")
    delimiter = "," if path.suffix.lower() == ".csv" else "\t"
    cells = next(csv.reader([body], delimiter=delimiter))
    if len(cells) != len(header):
        raise GlossaryError("this row spans several lines; edit it by hand", path=path, line=row.line)
    new = (*existing, Term(term, "forbidden" if status == "forbidden" else "admitted"))
    cells[header.index(lang)] = glossary_mod.format_cell(new)
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="").writerow(cells)
    lines[row.line - 1] = buf.getvalue() + line[len(body):]
    from . import fsutil

    fsutil.atomic_write(path, (b"\xef\xbb\xbf" if bom else b"") + "".join(lines).encode("utf-8"))
    return path
