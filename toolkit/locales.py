"""The locales folder: where a document's catalogs live, and the one walk over them."""
from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path

from .errors import CatalogError, WriteError


def catalogs(locales: str | Path, *, name: str | Collection[str] | None = None, targets: Sequence[str] = (),
             missing_ok: bool = False) -> list[tuple[str, Path]]:
    """(lang, path) of every catalog under `locales`, sorted; optionally some documents (one name, or the names
    of a run's articles) and some languages.

    The one walk over a locales folder (check, stats, compile, glossary conflicts): read each catalog with
    `pofile.read`. Finding none is an error unless `missing_ok`.
    """
    names = {name} if isinstance(name, str) else set(name) if name is not None else None
    found = []
    for path in sorted(Path(locales).glob("*/LC_MESSAGES/*.po")):
        lang = path.parent.parent.name
        if (names is None or path.stem in names) and (not targets or lang in targets):
            found.append((lang, path))
    if not found and not missing_ok:
        langs = f"{', '.join(targets)} " if targets else ""
        what = f"no {langs}catalogs" + (f" for {', '.join(map(repr, sorted(names)))}" if names else "")
        have = sorted({p.parent.parent.name for p in Path(locales).glob("*/LC_MESSAGES/*.po")
                       if names is None or p.stem in names}) if targets else []
        if have:     # `--to hy` where only ru and az were translated: say so, not "no catalogs" at all
            what += f" (only {', '.join(have)})"
        raise CatalogError(f"{what} under {locales}", path=locales,
                           hint=f"run `toolkit translate FILE --to {targets[0] if targets else 'LANG'}` first")
    return found


def check_folder(locales: str | Path, langs: Iterable[str], *, follow: bool = False) -> None:
    """Refuse to write under a file or a linked folder. `locales/ru -> ../other-project/locales/ru` in a cloned
    repository would make a run rewrite another project's catalogs. The folder itself, each `<lang>` folder
    and its `LC_MESSAGES` are checked; `follow` (`--follow-links`) is the user saying the links are meant."""
    root = Path(locales)
    folders = (root, *(p for lang in langs for p in (root / lang, root / lang / "LC_MESSAGES")))
    for path in folders:
        if path.is_symlink() and not follow:
            raise WriteError(f"is a symbolic link (to {os.readlink(path)}); refusing to write catalogs through it, "
                             "nothing was changed", path=path,
                             hint="pass --follow-links if the catalogs are meant to be written there")
        if path.exists() and not path.is_dir():      # mkdir would say only "File exists" or "Not a directory"
            raise WriteError("is a file, not a folder of catalogs; nothing was changed", path=path,
                             hint="give the catalogs' folder with --locales" if path == root else
                             "move the file away; toolkit makes the folder")
