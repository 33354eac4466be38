"""Which articles a command works on: the files and folders of `*.txt` articles named on the command line.

Each article's catalogs are named after its file's stem (`locales/<lang>/LC_MESSAGES/<stem>.po`), so two
articles with the same stem would write the same catalogs: that is refused before anything is read or written.
"""
from __future__ import annotations

import os
import stat
from collections.abc import Callable, Sequence
from pathlib import Path

from .errors import InputError, UsageError

PATTERN = "*.txt"


def collect(paths: Sequence[str | Path], *, recursive: bool = False,
            on_error: Callable[[str | Path, InputError], None] | None = None) -> list[Path]:
    """The articles named by `paths`, in order: a file as it is (whatever its extension), a folder's `*.txt`
    files sorted by name (its subfolders too with `recursive`; hidden files, hidden folders and the translations
    `toolkit build` wrote next to their articles never). A file named twice counts once. A path that names nothing raises, or is passed to `on_error` and skipped."""
    if not paths:
        raise UsageError("no article given", hint="name article files or folders, e.g. `toolkit translate day/`")
    out: list[Path] = []
    seen: set[Path] = set()
    for given in paths:
        p = Path(given)
        try:
            found = [p] if not _is_folder(p, given) else _folder(p, recursive)
        except InputError as exc:
            if on_error is None:
                raise
            on_error(given, exc)
            continue
        for article in found:
            key = article.resolve()
            if key not in seen:
                seen.add(key)
                out.append(article)
    check_names([(p.stem, str(p)) for p in out])
    return out


def is_built(path: Path) -> bool:
    """A translated article `toolkit build` wrote next to its source (`rail.ru.txt`): not an article."""
    from . import langs

    code = Path(path.stem).suffix[1:]
    return bool(code) and langs.is_known(code) and path.with_name(Path(path.stem).stem + path.suffix).exists()


def _is_folder(p: Path, given: str | Path) -> bool:
    try:
        return stat.S_ISDIR(os.stat(p).st_mode)
    except FileNotFoundError:
        raise InputError("no such file", path=str(given), hint="check the path") from None
    except OSError as exc:       # a name too long, a link loop, a file where a folder should be
        raise InputError(f"cannot open: {exc.strerror or exc}", path=str(given), hint="check the path") from None


def _folder(folder: Path, recursive: bool) -> list[Path]:
    try:
        return _articles_in(folder, recursive)
    except OSError as exc:       # a subfolder we may not list
        raise InputError(f"cannot list the folder: {exc.strerror or exc}", path=str(exc.filename or folder),
                         hint="check its permissions") from None


def _articles_in(folder: Path, recursive: bool) -> list[Path]:
    found = sorted(f for f in (folder.rglob(PATTERN) if recursive else folder.glob(PATTERN))
                   if f.is_file() and not any(part.startswith(".") for part in f.relative_to(folder).parts)
                   and not is_built(f))
    if not found:
        nested = not recursive and any(d.is_dir() and not d.name.startswith(".") for d in folder.iterdir())
        raise InputError(f"no {PATTERN} articles in this folder", path=str(folder),
                         hint="add --recursive to look in its subfolders" if nested else "check the path")
    return found


def check_names(articles: Sequence[tuple[str, str]]) -> None:
    """Two articles (catalog name, path) whose catalogs would have the same name: an error naming both,
    before any work."""
    by_name: dict[str, str] = {}
    for name, shown in articles:
        other = by_name.setdefault(name, shown)
        if other != shown:
            raise UsageError(f"{other} and {shown} would both write the catalogs named {name!r}",
                             hint="rename one of them, or translate them in separate runs with different --locales")
