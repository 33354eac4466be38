"""Add a variant seen in machine output to a glossary concept, as forbidden or admitted, or a longer name
seen in the sources as a concept of its own: the one steps after `toolkit glossary conflicts` lists them.

The row edit is the review tool's (`toolkit.review.edit`): only the concept's row changes, the decision is
recorded in its note, the file is written atomically under the catalogs' lock. A new name is one row
appended to a TSV/CSV file, every other byte of the file kept.
"""
from __future__ import annotations

import csv
import getpass
import hashlib
import io
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path

from . import fsutil, glossary as glossary_mod
from .errors import GlossaryError, UsageError
from .glossary.model import CONTROL_CHARS, MAX_CELL, MAX_ID

STATUSES = ("forbidden", "admitted")


def add_variant(paths: str | Path, concept_id: str, lang: str, term: str, status: str, *,
                locales: str | Path = "locales", who: str | None = None) -> Path:
    """Add `term` to `concept_id`'s `lang` cell (`!term` when forbidden); returns the file changed."""
    from .review import edit
    from .review.decision import Decision

    if status not in STATUSES:
        raise UsageError(f"--as must be forbidden or admitted, not {status!r}")
    term = " ".join(term.split())
    if not term or ";" in term or "\t" in term:
        raise UsageError(f"not a term: {term!r}")
    if lang in glossary_mod.META_COLUMNS or glossary_mod.canonical_language(lang) != lang:
        raise UsageError(f"{lang!r} is not a language column; add-variant edits a language's cell only",
                         hint="give a language code as the glossary header writes it: ru, az, hy")
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


def add_name(paths: str | Path, name: str, *, kind: str = "dnt", targets: Mapping[str, str] | None = None,
             into: str | Path | None = None, locales: str | Path = "locales", who: str | None = None
             ) -> tuple[Path, str]:
    """Append a concept for the longer name `name` (`New York Times`): kind `dnt` keeps it as written in every
    language, another kind takes its `targets` ({lang: term}). Written to `into`, else the glossary's last
    TSV/CSV file (the one that wins). Returns the file and the new concept's id."""
    from .review.decision import stamp

    # spaces collapsed as in the name: `--ru ' '` is no term, not an empty cell written as one
    targets = {lang: unicodedata.normalize("NFC", " ".join(term.split())) for lang, term in (targets or {}).items()}
    name = unicodedata.normalize("NFC", " ".join(name.split()))
    _check_cell("not a name", name)
    for lang, term in targets.items():
        _check_cell(f"not a {lang} term", term)
    if not _KIND.fullmatch(kind):     # a kind is one word the glossary's readers and lint compare with
        raise UsageError(f"--kind {kind!r}: a kind is one lower-case word", hint="e.g. dnt, person, place, institution")
    if kind == "dnt" and targets:
        raise UsageError("kind dnt keeps the English form in every language: give no translations, or --kind")
    if kind != "dnt" and not targets:
        raise UsageError(f"kind {kind} needs its translations (--ru, --az, --hy), or use --kind dnt")
    loaded = glossary_mod.load(paths)
    key = glossary_mod.match_key(name)
    for c in loaded.concepts:
        if any(glossary_mod.match_key(t.text) == key for t in c.terms_for("en")):
            raise UsageError(f"{name!r} is already in the glossary", hint=f"see {c.origin}")
    path = Path(into) if into is not None else _last_table(loaded.files, paths)
    if into is not None and path.exists() and not path.is_symlink() and fsutil.same_file(path, loaded.files) is None:
        # a row written elsewhere is a concept no command reads: the name would stay passed over, silently
        raise UsageError(f"not a file of the glossary {paths}", path=path,
                         hint="name one of its TSV/CSV files with --into, or pass --glossary")
    if path.suffix.lower() not in (".tsv", ".csv"):
        raise UsageError(f"{path}: a new name is added to a TSV or CSV glossary", hint="name one with --into")
    header, rows = glossary_mod.read_rows(path)
    missing = [lang for lang in targets if lang not in header]
    if missing:
        raise GlossaryError(f"no {', '.join(missing)} column", path=path, hint="add the column first")
    cid = _new_id(name, {r.cells["id"].raw.strip() for r in rows} | {c.id for c in loaded.concepts})
    note = f"[{stamp(who or _login())}] a longer name seen in the sources (glossary conflicts, name-seen)"
    values = {"id": cid, "kind": kind, "en": name, "note": note, **targets}
    buf = io.StringIO()
    csv.writer(buf, delimiter="," if path.suffix.lower() == ".csv" else "\t", lineterminator="\n").writerow(
        [values.get(h, "") for h in header])
    with fsutil.locked(locales):
        data = path.read_bytes()
        sep = b"" if not data or data.endswith(b"\n") else (b"\r\n" if b"\r\n" in data else b"\n")
        row = buf.getvalue().encode("utf-8")
        if b"\r\n" in data:
            row = row.replace(b"\n", b"\r\n")
        fsutil.atomic_write(path, data + sep + row, expect_sha256=hashlib.sha256(data).hexdigest())
    return path, cid


_KIND = re.compile(r"[a-z][a-z0-9_-]{0,63}")


def _check_cell(what: str, text: str) -> None:
    """What a glossary cell can hold: the readers refuse control characters and over-long cells, the term
    syntax gives `;` and a leading `!` a meaning, and a spreadsheet runs a cell starting with `=` as a formula."""
    bad = CONTROL_CHARS.search(text) if text else None
    if not text or any(ch in text for ch in ";\t\r\n") or text.startswith("!"):
        raise UsageError(f"{what}: {text!r} (a term holds no ';', tab or line break and does not start with '!')")
    if bad:
        raise UsageError(f"{what}: {text!r} holds the control character {bad.group()!r}")
    if glossary_mod.starts_like_a_formula(text):
        raise UsageError(f"{what}: {text!r} starts with {text[0]!r}, which a spreadsheet runs as a formula")
    if len(text) > MAX_CELL:
        raise UsageError(f"{what}: {len(text):,} characters, more than the {MAX_CELL:,} a glossary "
                         "cell holds")


def _last_table(files: tuple[str, ...], paths: str | Path) -> Path:
    tables = [Path(f) for f in files if Path(f).suffix.lower() in (".tsv", ".csv")]
    if not tables:
        raise UsageError(f"{paths}: no TSV or CSV glossary file to add a name to", hint="name one with --into")
    return tables[-1]


def _new_id(name: str, taken: set[str]) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    # an id the readers accept (glossary.MAX_ID), with room for the "-2" that keeps it unique
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.casefold()).strip("-")[:MAX_ID - 8].strip("-") or "name"
    cid, n = base, 2
    while cid in taken:
        cid, n = f"{base}-{n}", n + 1
    return cid


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
