"""Applying decisions (decision.py) to glossary files: only the rows they name change.

Each decision rewrites the row of one concept (TSV/CSV) or its `conceptEntry` (TBX): every other byte of
the file (row order, comment lines, untouched rows, the BOM, line endings) stays as it was. Who decided
what and when goes into the concept's `note` (the TBX entry's `<note>`), so the glossary carries its own
audit trail. Files are written atomically, under the catalogs' lock (a running `translate` or a second
`review` waits its turn), and only if the glossary is still what the reviewer's page showed.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from .. import fsutil, glossary
from ..glossary import Term
from ..errors import ChangedOnDisk, GlossaryError
from . import decision, tbxedit
from .decision import KEEP_APART, Decision

_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")


def digest(files: Sequence[Path]) -> str:
    """What the page saw: one hash over every glossary file's name and bytes."""
    h = hashlib.sha256()
    for f in files:
        h.update(str(f).encode() + b"\0")
        try:
            h.update(hashlib.sha256(_read(Path(f))).digest())
        except GlossaryError:
            h.update(b"missing")
    return h.hexdigest()[:20]


class NewErrors(GlossaryError):
    """The decision would give the glossary a blocking finding it does not have now: said before writing, so
    the reviewer confirms it (or decides otherwise). `findings` are the new errors, with the real paths."""

    def __init__(self, findings: Sequence[glossary.Finding], path: str | Path) -> None:
        self.findings = tuple(findings)
        super().__init__("the decision would create " + "; ".join(f.message for f in findings), path=path,
                         hint="confirm it to write it anyway, or decide otherwise")


def apply(decisions: Sequence[Decision], *, glossary_paths: Sequence[str | Path], locales: str | Path, seen: str,
          who: str, when: datetime | None = None, confirmed: bool = False, follow_links: bool = False) -> list[Path]:
    """Apply `decisions` (all or none) if the glossary files still hash to `seen`; returns the files written.
    Unless `confirmed`, a decision that would create a new blocking glossary finding raises NewErrors and
    writes nothing. A waiver's revocation also edits its catalog entry (`waivers`), refused in a linked
    language folder unless `follow_links`."""
    from . import waivers

    mark = decision.stamp(who, when)
    with fsutil.locked(locales):
        files = glossary.glossary_files(list(glossary_paths))
        if digest(files) != seen:
            raise ChangedOnDisk("the glossary changed since this page was loaded (edited on disk, or another "
                                "decision was saved); nothing was written", path=_common(files),
                                hint="reload the page and decide again")
        # The form names the file: only the glossaries under review may be written, whatever it says. Paths
        # are compared as named (made absolute, not resolved): a link's target is not a file under review.
        reviewed = {_absolute(f): f for f in files}
        linked = _links(files)
        by_file: dict[Path, list[Decision]] = {}
        catalogs: list[tuple[Path, bytes, str]] = []
        for d in decisions:
            decision.check(d)
            if d.action in decision.WAIVER_ACTIONS and d.entry is None:
                raise GlossaryError("the decision names no catalog entry", hint="reload the page")
            if d.action == "revoke-waiver":
                catalogs.append(waivers.plan_revoke(d, Path(locales), follow_links=follow_links))
            if not d.path and d.action in decision.WAIVER_ACTIONS:
                continue            # a waiver naming no concept: only its catalog entry changes
            for named in (Path(d.path), decision.other_path(d)):
                if _absolute(named) not in reviewed:
                    raise GlossaryError("not one of the glossary files under review", path=named,
                                        hint="reload the page")
                if _absolute(named) in linked:
                    raise GlossaryError(f"is a symbolic link (to {linked[_absolute(named)]}); the review writes "
                                        "only regular files", path=named,
                                        hint="edit the file it points to, or name that file with --glossary")
            if d.action == "merge" and (_absolute(decision.other_path(d)), d.other) == (_absolute(Path(d.path)),
                                                                                       d.concept):
                raise GlossaryError(f"cannot merge {d.concept!r} into itself", path=d.path)
            by_file.setdefault(Path(d.path), []).append(d)
            if d.action == "merge":
                by_file.setdefault(decision.other_path(d), [])
        merged_rows = _merge_sources(decisions)
        planned: list[tuple[Path, bytes, str]] = []
        for path, mine in by_file.items():
            data = _read(path)
            drops = [(d.other, d.concept) for d in decisions if d.action == "merge" and decision.other_path(d) == path]
            new = edit_bytes(data, path, mine, mark, merged_rows, drops)
            _validate(new, path)
            planned.append((path, new, hashlib.sha256(data).hexdigest()))
        if not confirmed and planned:
            created = new_errors(files, {p.resolve(): new for p, new, _ in planned})
            if created:
                raise NewErrors(created, planned[0][0])
        # A revoked waiver writes its catalog and then the glossary: if the second write fails (a full disk),
        # the error says the first one was written instead of "nothing was changed".
        writes = [*catalogs, *planned]
        log = fsutil.WriteLog([p for p, _, _ in writes], base=Path.cwd())
        for path, new, sha in writes:
            log.write(path, lambda p=path, n=new, s=sha: fsutil.atomic_write(p, n, expect_sha256=s))
        return [p for p, _, _ in writes]


def new_errors(files: Sequence[Path], changed: dict[Path, bytes]) -> list[glossary.Finding]:
    """The blocking lint findings the glossary would have with `changed` files' new bytes and not has now
    (a form forbidden that another concept prefers, a second preferred target for one source, ...)."""
    def key(f: glossary.Finding, names: dict[str, str]) -> tuple:
        return (f.code, f.lang, f.term, tuple((names.get(p, p), n) for p, n in f.places))

    now = glossary.lint(list(files))
    with tempfile.TemporaryDirectory(prefix="toolkit-review-") as tmp:
        probes: list[Path] = []
        names: dict[str, str] = {}
        for i, f in enumerate(files):     # one folder per file: the same names, in the same order
            probe = Path(tmp) / str(i) / Path(f).name
            probe.parent.mkdir()
            probe.write_bytes(changed.get(Path(f).resolve()) or _read(Path(f)))
            probes.append(probe)
            names[str(probe)] = str(f)
        after = glossary.lint(probes)
    before = {key(f, {}) for f in now if f.is_blocking}
    return [replace(f, places=tuple((names.get(p, p), n) for p, n in f.places),
                    message=_unprobed(f.message, names))
            for f in after if f.is_blocking and key(f, names) not in before]


def _unprobed(message: str, names: dict[str, str]) -> str:
    for probe, real in sorted(names.items(), key=lambda kv: len(kv[0]), reverse=True):
        message = message.replace(probe, real)
    return message


def _absolute(path: str | Path) -> str:
    return os.path.abspath(path)


def _links(files: Sequence[Path]) -> dict[str, str]:
    """The glossary files that are symbolic links, with where each points. One in a folder may have come with
    a cloned repository and point anywhere; fsutil.atomic_write would refuse it too, this says so before
    anything is planned."""
    return {_absolute(f): os.readlink(f) for f in files if os.path.islink(f)}


def _common(files: Sequence[Path]) -> str:
    return str(files[0].parent) if files else "glossary"


def _read(path: Path) -> bytes:
    try:    # a FIFO given as a glossary would block the server: refused like every reader refuses it
        return fsutil.read_regular(path, limit=glossary.MAX_BYTES, what="a glossary", error=GlossaryError)
    except OSError as exc:
        raise GlossaryError(f"cannot read: {exc.strerror}", path=path) from None


def _validate(data: bytes, path: Path) -> None:
    """Never put on disk a glossary `load` would refuse: parse the new bytes as the real file would be."""
    with tempfile.TemporaryDirectory(prefix="toolkit-review-") as tmp:
        probe = Path(tmp) / path.name
        probe.write_bytes(data)
        try:
            glossary.read_file(probe)
        except GlossaryError as exc:
            raise GlossaryError(f"the decision would break the file: {exc.reason}", path=path, line=exc.line,
                                hint="nothing was written") from None


def _merge_sources(decisions: Sequence[Decision]) -> dict[tuple[str, str], dict[str, str]]:
    """For each merge, the cells of the concept being folded in, read before any file is edited."""
    out: dict[tuple[str, str], dict[str, str]] = {}
    for d in decisions:
        if d.action != "merge":
            continue
        path = decision.other_path(d)
        if path.suffix.lower() == ".tbx":
            from ..glossary import tbx

            concept = next((c for c in tbx.read(path) if c.id == d.other), None)
            cells = None if concept is None else {
                **{lang: glossary.format_cell(terms) for lang, terms in concept.terms}, "note": concept.note}
        else:
            _, rows = glossary.read_rows(path)
            row = next((r for r in rows if r.cells["id"].raw.strip() == d.other), None)
            cells = None if row is None else {h: c.raw for h, c in row.cells.items()}
        if cells is None:
            raise GlossaryError(f"no concept {d.other!r} to merge", path=path, hint="reload the page")
        out[(str(path), d.other)] = cells
    return out


def edit_bytes(data: bytes, path: Path, decisions: Sequence[Decision], mark: str,
               merged: dict[tuple[str, str], dict[str, str]] | None = None,
               drops: Sequence[tuple[str, str]] = ()) -> bytes:
    """The file's new bytes: `decisions` edit rows of this file; each (id, into) of `drops` (merged away into
    another concept) becomes a comment line."""
    if path.suffix.lower() == ".tbx":
        return tbxedit.edit(data, path, decisions, mark, merged or {}, drops)
    return _edit_table(data, path, decisions, mark, merged or {}, drops)


# --- TSV / CSV -------------------------------------------------------------------------------------

def _edit_table(data: bytes, path: Path, decisions: Sequence[Decision], mark: str,
                merged: dict[tuple[str, str], dict[str, str]], drops: Sequence[tuple[str, str]]) -> bytes:
    bom = data.startswith(codecs.BOM_UTF8)
    lines = io.StringIO(data.decode("utf-8-sig"), newline="").readlines()
    header, rows = glossary.read_rows(path)
    by_id = {r.cells["id"].raw.strip(): r for r in rows}
    delimiter = "," if path.suffix.lower() == ".csv" else "\t"
    replaced: dict[int, tuple[int, str]] = {}     # first line index -> (line count, new text)

    def span(row: glossary.Row) -> tuple[int, int, str]:
        first = row.line - 1
        count = 1 + sum(c.raw.count("\n") for c in row.cells.values())
        last = lines[first + count - 1]
        eol = "\r\n" if last.endswith("\r\n") else "\n" if last.endswith("\n") else ""
        return first, count, eol

    rowcells: dict[str, dict[str, str]] = {}
    for d in decisions:
        row = by_id.get(d.concept)
        if row is None:
            raise GlossaryError(f"no concept {d.concept!r} here any more", path=path, hint="reload the page")
        if "note" not in header:
            raise GlossaryError("the file has no note column to record the decision in", path=path, line=1,
                                hint="add a `note` column (tab-separated, after the languages)")
        cells = rowcells.setdefault(d.concept, {h: c.raw for h, c in row.cells.items()})
        if d.lang and d.lang not in cells:
            raise GlossaryError(f"no {d.lang} column", path=path, line=1)
        what = _apply_to_cells(cells, d, merged, where=f"{path}:{row.line}")
        cells["note"] = decision.add_note(cells["note"], f"[{mark}] {decision.one_line(what)}")
    for cid, cells in rowcells.items():
        first, count, eol = span(by_id[cid])
        buf = io.StringIO()
        csv.writer(buf, delimiter=delimiter, lineterminator=eol).writerow([cells[h] for h in header])
        replaced[first] = (count, buf.getvalue())
    for gone, into in drops:     # the merged-away concept leaves a comment where its row was
        row = by_id.get(gone)
        if row is None:
            raise GlossaryError(f"no concept {gone!r} here any more", path=path, hint="reload the page")
        first, count, eol = span(row)
        comment = decision.one_line(f"# {gone} merged into {into} [{mark}]").replace('"', "'")
        replaced[first] = (count, comment + eol)
    out = []
    i = 0
    while i < len(lines):
        if i in replaced:
            count, text = replaced[i]
            out.append(text)
            i += count
        else:
            out.append(lines[i])
            i += 1
    return (codecs.BOM_UTF8 if bom else b"") + "".join(out).encode("utf-8")


def _apply_to_cells(cells: dict[str, str], d: Decision, merged: dict[tuple[str, str], dict[str, str]],
                    where: str) -> str:
    """Edit the row's cells in place; returns the audit line describing the decision."""
    if d.action == "fill":
        text = " ".join(unicodedata.normalize("NFC", d.term).split())
        glossary.parse_cell(text, path=where)
        if not text:
            raise GlossaryError(f"empty {d.lang} term", path=where)
        before = cells[d.lang].strip()
        cells[d.lang] = text
        return f"{d.lang}: set to {text!r}" + (f" (was {before!r})" if before else "") + decision.why(d)
    if d.action == "normalize":
        before = cells[d.lang]
        after = _INVISIBLE.sub("", unicodedata.normalize("NFC", before)).replace("\u00a0", " ")
        if after == before:
            raise GlossaryError(f"the {d.lang} cell is already normalised", path=where, hint="reload the page")
        cells[d.lang] = after
        return f"{d.lang}: Unicode normalised (NFC, invisible characters removed)" + decision.why(d)
    if d.action == "keep-apart":
        if not d.reason.strip():
            raise GlossaryError("say why the two stay apart", path=where, hint="fill in the reason")
        return KEEP_APART.format(code=d.other, lang=d.lang, term=d.term) + decision.why(d)
    if d.action in decision.WAIVER_ACTIONS:
        return decision.waiver_note(d)
    if d.action == "merge":
        src = merged[(str(decision.other_path(d)), d.other)]
        for col, raw in src.items():
            if col in ("id", "kind", "note") or col not in cells:
                continue
            cells[col] = glossary.format_cell(decision.merge_terms(_terms(cells[col], where), _terms(raw, where)))
        return f"merged {d.other} into this concept" + (f" (its note: {src.get('note', '').strip()})"
                                                        if src.get("note", "").strip() else "") + decision.why(d)
    terms = list(_terms(cells[d.lang], where))
    cells[d.lang] = glossary.format_cell(decision.change_status(terms, d.term, d.action, where, d.lang))
    return decision.describe(d)


def _terms(raw: str, where: str) -> tuple[Term, ...]:
    return glossary.parse_cell(unicodedata.normalize("NFC", raw.strip()), path=where)


