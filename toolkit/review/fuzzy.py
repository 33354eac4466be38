"""Marking approved entries fuzzy from the review page: the entry's flag line is the only line that changes.

A translator's catalog was saved by their PO editor (its own wrapping, CRLF line endings, a legacy charset):
rendering the marked entry again, as a run does, would rewrap its text. So the flag goes in as a byte edit,
like revoking a waiver (`waivers`): `#, python-format` becomes `#, fuzzy, python-format` (GNU's order, as
`msgattrib --set-fuzzy` writes it), or a `#, fuzzy` line is added where GNU puts flags (after the `#:`
references, before the `#|` previous strings), with the line ending of the line it precedes. The result is
parsed and compared before anything is written: only the ticked entries' flags may differ.
"""
from __future__ import annotations

import copy
import hashlib
from collections.abc import Collection, Sequence
from pathlib import Path

from .. import fsutil, pofile
from ..catalog import label
from ..errors import CatalogError, ChangedOnDisk, ToolkitError


def mark(locales: Path, entries: Sequence[tuple[str, int, str]], page: Collection[tuple[str, str]], *,
         follow_links: bool = False) -> int:
    """Add the fuzzy flag to the approved entries ((catalog path, line, label)) of catalogs the page showed
    ((path, SHA-256)); returns how many were not fuzzy yet. Every catalog is checked and its new bytes made
    before the first is written; a linked language folder is refused unless `follow_links`."""
    from .. import locales as locales_mod

    wanted: dict[str, set[tuple[int, str]]] = {}
    for path, line, ctxt in entries:
        wanted.setdefault(path, set()).add((line, ctxt))
    if not wanted:
        raise ToolkitError("no entry was ticked")
    with fsutil.locked(locales):
        known = {str(p): lang for lang, p in locales_mod.catalogs(locales, missing_ok=True)}
        for path in wanted:
            if path not in known:
                raise CatalogError("not a catalog under the locales folder", path=path, hint="reload the page")
        # as `translate` and `check --fix` do: a linked <lang> folder may be another project's catalogs
        locales_mod.check_folder(locales, {known[p] for p in wanted}, follow=follow_links)
        planned: list[tuple[Path, bytes, str]] = []
        marked = 0
        for path, items in wanted.items():
            target = Path(path)
            fsutil.check_replaceable(target)     # a link or a FIFO swapped in since the page: refused, not read
            data = fsutil.read_regular(target, limit=pofile.MAX_BYTES, what="a catalog", error=CatalogError)
            sha = hashlib.sha256(data).hexdigest()
            if (path, sha) not in page:
                raise ChangedOnDisk("the catalog changed since this page was loaded; nothing was marked",
                                    path=target, hint="reload the page")
            new, count = flag(data, target, items)
            marked += count
            if new != data:
                planned.append((target, new, sha))
        log = fsutil.WriteLog([p for p, _, _ in planned], base=Path(locales))
        for target, new, sha in planned:
            log.write(target, lambda t=target, n=new, s=sha: fsutil.atomic_write(t, n, expect_sha256=s))
    return marked


def flag(data: bytes, path: Path, items: Collection[tuple[int, str]]) -> tuple[bytes, int]:
    """The catalog's bytes with the entries starting at these lines (and carrying these labels) fuzzy, and
    how many of them were not. Lines are handled as bytes: every charset a catalog may declare keeps ASCII
    (and `#`, `\\n`) as single bytes, so nothing is decoded and encoded again."""
    header = pofile.validate_bytes(data, path)
    before = pofile.parse(data, header.charset)
    by_line = {e.linenum: e for e in before if not e.obsolete}
    targets = []
    for line, ctxt in sorted(items, reverse=True):       # from the end: an added line shifts only later ones
        e = by_line.get(line)
        if e is None or label(e) != ctxt:
            raise ChangedOnDisk("the entry moved since this page was loaded; nothing was marked", path=path,
                                line=line, hint="reload the page")
        if not e.fuzzy:
            targets.append(e)
    lines = data.split(b"\n")
    for e in targets:
        _add_flag(lines, e.linenum - 1)
    new = b"\n".join(lines)
    if targets:
        _only_the_flags(before, pofile.parse(new, pofile.validate_bytes(new, path).charset), targets, path)
    return new, len(targets)


def _add_flag(lines: list[bytes], first: int) -> None:
    i = first
    while i < len(lines) and lines[i].startswith(b"#") and not lines[i].startswith((b"#,", b"#|")):
        i += 1
    if i < len(lines) and lines[i].startswith(b"#,"):
        rest = lines[i][2:].lstrip(b" \t")
        lines[i] = b"#, fuzzy, " + rest if rest.rstrip(b"\r") else b"#, fuzzy" + rest
    else:
        eol = b"\r" if i < len(lines) and lines[i].endswith(b"\r") else b""
        lines.insert(i, b"#, fuzzy" + eol)


def _only_the_flags(before, after, targets, path: Path) -> None:
    """Never write a catalog that differs in anything but the fuzzy flag of the ticked entries."""
    ids = {id(e) for e in targets}
    olds, news = list(before), list(after)
    ok = len(olds) == len(news) and before.metadata == after.metadata and before.header == after.header
    for old, new in zip(olds, news, strict=False):
        want = pofile.entry_key(old) if id(old) not in ids else pofile.entry_key(_fuzzy_copy(old))
        ok = ok and pofile.entry_key(new) == want
    if not ok:
        raise CatalogError("the fuzzy flag could not be added to these entries alone; nothing was marked",
                           path=path, line=targets[0].linenum, hint="mark them fuzzy in your PO editor")


def _fuzzy_copy(e):
    out = copy.copy(e)
    out.flags = ["fuzzy", *e.flags]
    return out
