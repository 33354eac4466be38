"""Add a variant seen in machine output to a glossary concept, as forbidden or admitted: the one step
after `toolkit glossary conflicts` lists it.

The row edit is the review tool's (`toolkit.review.edit`): only the concept's row changes, the decision is
recorded in its note, the file is written atomically under the catalogs' lock.
"""
from __future__ import annotations

import getpass
from pathlib import Path

from . import glossary as glossary_mod
from .errors import GlossaryError, UsageError

STATUSES = ("forbidden", "admitted")


def add_variant(paths: str | Path, concept_id: str, lang: str, term: str, status: str, *,
                locales: str | Path = "locales", who: str | None = None) -> Path:
    """Add `term` to `concept_id`'s `lang` cell (`!term` when forbidden); returns the file changed."""
    from .review import edit
    from .review.decision import Decision

    if status not in STATUSES:
        raise UsageError(f"--as must be forbidden or admitted, not {status!r}")
    if lang in glossary_mod.META_COLUMNS or glossary_mod.canonical_language(lang) != lang:
        raise UsageError(f"{lang!r} is not a language column; a variant goes into a language's cell",
                         hint="give a language code such as ru, az or hy")
    term = " ".join(term.split())
    if not term or ";" in term or "\t" in term:
        raise UsageError(f"not a term: {term!r}")
    if glossary_mod.starts_like_a_formula(term):     # the TSV cell would run as a formula in a spreadsheet
        raise UsageError(f"not a term: {term!r} starts with {term[0]!r}, which a spreadsheet runs as a formula")
    concept = glossary_mod.load(paths).get(concept_id)
    if concept is None:
        raise UsageError(f"no concept {concept_id!r} in {paths}", hint="ids are the first column of the glossary")
    if lang not in concept.languages and lang not in _columns(concept):
        raise GlossaryError(f"no {lang} column", path=concept.path, line=concept.line)
    if any(glossary_mod.match_key(t.text) == glossary_mod.match_key(term) for t in concept.terms_for(lang)):
        raise UsageError(f"{concept_id} already lists {term!r} in {lang}", hint=f"edit {concept.origin}")
    files = glossary_mod.glossary_files(paths)
    action = "forbid" if status == "forbidden" else "admit"
    [written] = edit.apply([Decision(action, concept.path, concept_id, lang, term)], glossary_paths=[paths],
                           locales=locales, seen=edit.digest(files), who=who or _login())
    return written


def _columns(concept: glossary_mod.Concept) -> tuple[str, ...]:
    if Path(concept.path).suffix.lower() == ".tbx":
        return ()
    header, _ = glossary_mod.read_rows(Path(concept.path))
    return tuple(header)


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
