"""Reading and writing PO files safely: strict validation first, atomic writes, fixed wrapping.

polib and babel both accept a catalog truncated inside a string without a word, so GNU msgfmt judges
every catalog before it is trusted. Reads are always from paths (polib parsing a string cuts text at
U+2028 and friends).
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import polib

from . import fsutil
from .errors import CatalogError

WRAP_WIDTH = 79


def read(path: Path, *, lang: str | None = None) -> polib.POFile:
    """Parse a catalog strictly: GNU msgfmt judges the syntax (polib accepts truncated strings silently)."""
    validate(path)
    try:
        po = polib.pofile(str(path), wrapwidth=WRAP_WIDTH, check_for_duplicates=False)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise CatalogError(f"cannot parse: {exc}", path=path, hint="fix or remove the file") from None
    if lang is not None:
        declared = po.metadata.get("Language", "").replace("-", "_")
        if declared and declared.split("_")[0] != lang.split("_")[0]:
            raise CatalogError(f"its Language header says {declared!r} but it lives in the {lang!r} folder",
                               path=path, hint="move it to the right folder or fix the header")
    return po


def validate(path: Path) -> None:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return
    result = subprocess.run([msgfmt, "--check-format", "-o", "/dev/null", str(path)], capture_output=True,
                            text=True, errors="replace")
    if result.returncode != 0:
        first = next((ln for ln in result.stderr.splitlines() if ln.strip()), "rejected by msgfmt")
        raise CatalogError(f"malformed catalog: {first.removeprefix(str(path) + ':')}", path=path,
                           hint="fix it in a PO editor or restore it from version control")


def render(po: polib.POFile) -> bytes:
    return (str(po).rstrip("\n") + "\n").encode("utf-8")


def write(po: polib.POFile, path: Path) -> bool:
    """Write atomically; returns False (and leaves the file alone) when the bytes would not change."""
    data = render(po)
    if path.exists() and path.read_bytes() == data:
        return False
    fsutil.atomic_write(path, data)
    return True
