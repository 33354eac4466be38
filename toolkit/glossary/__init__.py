"""Terminology glossaries: load TSV/CSV/TBX files, find their source terms in English text, lint them.

File format (TSV, or CSV for `.csv`): a header row naming the columns `id`, `kind`, `en`, one column per
target language (`ru`, `az`, `hy`, ...) and `note`; then one row per concept. A cell may hold several terms
separated by `;`: the first is preferred, the others admitted, and a term written `!term` is forbidden:
`Кызылбулаг; !Гызылбулаг; Дрмбон`. Kinds are free words (country, city, place, institution, person, ...)
plus two that change how a term is handled: `dnt` (do not translate: the English form in every language)
and `fixed` (a fixed form per script, e.g. AZERTAC → АЗЕРТАДЖ); both are protected from the engine.

Precedence: `load(paths)` reads its arguments in order; a directory contributes its `*.tsv`, `*.csv` and
`*.tbx` files in name order (name them `00-base.tsv`, `50-project.tsv`). A later file wins: a concept with
the same id replaces the earlier one, and a later concept with the same English term takes over matching.
So pass `[base, project]`, or number the files, to put a project glossary over a base one.
`lint` reports where files disagree; `load` never stops on disagreement, only on malformed files.

This package, by layer: `model` (terms and concepts), `matching` (the Glossary and its matcher),
`tsv` (TSV/CSV cells and rows), `tbx` (TBX in and out), `files` (which files load in which order),
`checks` (lint: what a reviewer must decide), `cldr` (proposals from CLDR). Import from `toolkit.glossary`.
"""
from __future__ import annotations

from ..findings import Finding
from .checks import LOOKALIKES, SCRIPTS, contested, kept_apart, lint, lint_concepts
from .cldr import seed_from_cldr
from .files import DEFAULT_DIR, GLOSSARY_SUFFIXES, GlossaryChoice, choose, glossary_files, load, read_file
from .matching import Glossary, TermHit, match_key, tokens
from .model import MAX_BYTES, PROTECTED_KINDS, STATUSES, Concept, Term, canonical_language, in_capitals, \
    starts_like_a_formula
from .tsv import META_COLUMNS, REQUIRED_COLUMNS, Cell, Row, format_cell, parse_cell, read_rows, write_tsv

__all__ = [
    "DEFAULT_DIR", "GLOSSARY_SUFFIXES", "LOOKALIKES", "MAX_BYTES", "META_COLUMNS", "PROTECTED_KINDS",
    "REQUIRED_COLUMNS", "SCRIPTS", "STATUSES", "Cell", "Concept", "Finding", "Glossary", "GlossaryChoice", "Row",
    "Term", "TermHit", "canonical_language", "choose", "contested", "format_cell", "glossary_files", "in_capitals",
    "kept_apart", "lint", "lint_concepts", "load", "match_key", "parse_cell", "read_file", "read_rows",
    "seed_from_cldr", "starts_like_a_formula", "tokens", "write_tsv",
]
