"""Revoking a translator's waiver (`# toolkit: accept lachin` on a catalog entry): the one catalog edit a
review decision makes. Only the comment line that holds the waived word changes (the word leaves the list;
the line goes when nothing is left): every other byte of the catalog (its wrapping, line endings, BOM,
header, the entry's other comments) stays as the translator's editor saved it.
"""
from __future__ import annotations

import codecs
import hashlib
import os
import re
from pathlib import Path

from .. import fsutil, pofile
from ..catalog import label as entry_label
from ..errors import CatalogError, ChangedOnDisk
from ..terms import variants
from .decision import Decision

_ACCEPT = re.compile(r"^(?P<head>#\s*toolkit:\s*accept\s+)(?P<words>.+?)(?P<tail>\s*)$", re.IGNORECASE)


def plan_revoke(d: Decision, locales: Path, *, follow_links: bool = False) -> tuple[Path, bytes, str]:
    """(catalog, its new bytes, the SHA-256 they replace) for a `revoke-waiver` decision; refused when the
    catalog is not one under `locales`, its language folder is a link (unless `follow_links`), it changed
    since the page was loaded, or the entry no longer waives."""
    from .. import locales as locales_mod

    if d.entry is None:
        raise CatalogError("the decision names no catalog entry; reload the page")
    path, line, label = Path(d.entry[0]), int(d.entry[1]), d.entry[2]
    # Compared as named (made absolute, not resolved), as the glossary files are: the file a catalog link
    # points to is not a catalog under `locales`, and naming it must not write it.
    known = {os.path.abspath(p): lang for lang, p in locales_mod.catalogs(locales, missing_ok=True)}
    lang = known.get(os.path.abspath(path))
    if lang is None:
        raise CatalogError("not a catalog under the locales folder", path=path, hint="reload the page")
    locales_mod.check_folder(locales, [lang], follow=follow_links)   # as `translate` refuses a linked <lang>
    data = fsutil.read_regular(path, limit=pofile.MAX_BYTES, what="a catalog", error=CatalogError)
    sha = hashlib.sha256(data).hexdigest()
    if d.catalog_sha and sha != d.catalog_sha:
        raise ChangedOnDisk("the catalog changed since this page was loaded; nothing was written", path=path,
                            hint="reload the page and decide again")
    return path, revoke(data, path, line, label, d.term.casefold()), sha


def revoke(data: bytes, path: Path, line: int, label: str, word: str) -> bytes:
    """The catalog's bytes without `word` in the waiver of the entry starting at `line` (labelled `label`)."""
    header = pofile.validate_bytes(data, path)
    before = pofile.parse(data, header.charset)
    target = next((e for e in before if not e.obsolete and e.linenum == line and entry_label(e) == label), None)
    if target is None:
        raise ChangedOnDisk("the entry moved since this page was loaded; nothing was written", path=path, line=line,
                            hint="reload the page")
    if word not in variants.waivers(target.tcomment):
        raise CatalogError(f"the entry no longer waives {word!r}; nothing was written", path=path, line=line,
                           hint="reload the page")
    bom = data.startswith(codecs.BOM_UTF8)
    lines = data[len(codecs.BOM_UTF8) if bom else 0:].decode(header.charset).split("\n")
    out = list(lines)
    i = line - 1
    while i < len(lines) and lines[i].startswith("#"):
        text = lines[i].rstrip("\r")
        cr = lines[i][len(text):]
        m = _ACCEPT.match(text)
        if m is not None:
            words = [w for w in re.split(r"([,;])", m.group("words"))]
            kept = [w.strip() for w in words[::2] if w.strip() and w.strip().casefold() != word]
            if len(kept) != len([w for w in words[::2] if w.strip()]):
                out[i] = m.group("head") + ", ".join(kept) + m.group("tail") + cr if kept else None
        i += 1
    new = ((codecs.BOM_UTF8 if bom else b"")
           + "\n".join(x for x in out if x is not None).encode(header.charset))
    _same_but_the_waiver(before, pofile.parse(new, pofile.validate_bytes(new, path).charset), target, word, path)
    return new


def _same_but_the_waiver(before, after, target, word: str, path: Path) -> None:
    """Never write a catalog that differs in anything but the revoked word (checked on the parsed result)."""
    olds = [e for e in before]
    news = [e for e in after]
    ok = len(olds) == len(news) and before.metadata == after.metadata
    for old, new in zip(olds, news, strict=False):
        if old is target:
            ok = ok and variants.waivers(new.tcomment) == variants.waivers(old.tcomment) - {word} \
                and (new.msgctxt, new.msgid, new.msgstr, new.comment, new.flags, new.occurrences) == \
                (old.msgctxt, old.msgid, old.msgstr, old.comment, old.flags, old.occurrences)
        else:
            ok = ok and pofile.entry_key(old) == pofile.entry_key(new) and old.tcomment == new.tcomment
    if not ok:
        raise CatalogError("the waiver could not be removed from this entry alone; nothing was written",
                           path=path, line=target.linenum, hint="edit the comment in your PO editor")
