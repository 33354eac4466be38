"""Which articles a command works on: the files and folders of `*.txt` articles named on the command line.

Each article's catalogs are named after its file's stem (`locales/<lang>/LC_MESSAGES/<stem>.po`), so two
articles with the same stem would write the same catalogs: that is refused before anything is read or written.

A folder is trusted no further than its own entries: a link inside it (`notes.txt -> ~/secret` in a cloned
repository) is refused by name, never followed, and a symbolic link to a subfolder is never entered by
`--recursive` (no loops, no walking out of the tree). A file named on the command line is the user's own
choice and is read even when it is a link. Each article remembers the file it was when listed, so the file
read is the file listed (`Article.identity`).
"""
from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, UsageError

PATTERN = "*.txt"
SUFFIX = ".txt"
# A catalog name and the `#:` references of its entries are one line of UTF-8 text: a newline, another control
# character or the lone surrogates that stand for bytes of a file name that are not UTF-8 cannot be written there.
_UNNAMEABLE = re.compile("[\x00-\x1f\x7f\u2028\u2029\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Article:
    path: Path
    identity: tuple[int, int]     # (device, inode) when listed: what is read must still be this file
    in_folder: bool               # found in a folder (a link there is never followed), not named directly


def collect(paths: Sequence[str | Path], *, recursive: bool = False,
            on_error: Callable[[str | Path, InputError], None] | None = None) -> list[Path]:
    """The paths of `collect_articles`."""
    return [a.path for a in collect_articles(paths, recursive=recursive, on_error=on_error)]


def collect_articles(paths: Sequence[str | Path], *, recursive: bool = False,
                     on_error: Callable[[str | Path, InputError], None] | None = None) -> list[Article]:
    """The articles named by `paths`, in order: a file as it is (whatever its extension), a folder's `*.txt`
    files sorted by name (its subfolders too with `recursive`; hidden files, hidden folders and the translations
    `toolkit build` wrote next to their articles never). A file named twice counts once. A path that names
    nothing, a link or a special file inside a folder, and a file name a catalog cannot carry raise, or are
    passed to `on_error` and skipped."""
    if not paths:
        raise UsageError("no article given", hint="name article files or folders, e.g. `toolkit translate day/`")
    out: list[Article] = []
    seen: set[Path] = set()

    def refused(given: str | Path, exc: InputError) -> None:
        if on_error is None:
            raise exc
        on_error(given, exc)

    for given in paths:
        p = Path(given)
        try:
            st = _stat(p, given)
            found = _folder(p, recursive, refused) if stat.S_ISDIR(st.st_mode) else \
                [Article(p, (st.st_dev, st.st_ino), False)]
        except InputError as exc:
            refused(given, exc)
            continue
        for article in found:
            try:
                check_name(article.path)
            except InputError as exc:
                refused(article.path, exc)
                continue
            key = article.path.resolve()     # named twice; two hard links are two articles, as before
            if key not in seen:
                seen.add(key)
                out.append(article)
    check_names([(a.path.stem, str(a.path)) for a in out])
    return out


def check_name(path: Path) -> None:
    """A path that cannot become a catalog name and its entries' `#:` references (a newline, bytes that are
    not UTF-8, in the file's name or a folder's): said by name, before anything is read or written."""
    in_name = _UNNAMEABLE.search(path.name)
    bad = in_name or _UNNAMEABLE.search(str(path.parent))
    if bad is None:
        return
    what = "bytes that are not UTF-8" if "\ud800" <= bad.group() <= "\udfff" else \
        "a newline" if bad.group() == "\n" else f"the control character U+{ord(bad.group()):04X}"
    where = "file name" if in_name else "folder name"
    raise InputError(f"the {where} holds {what}, which a catalog name and its references cannot hold",
                     path=str(path), hint=f"rename the {'file' if in_name else 'folder'}")


def is_built(path: Path) -> bool:
    """A translated article `toolkit build` wrote next to its source (`rail.ru.txt`): not an article."""
    from . import langs

    code = Path(path.stem).suffix[1:]
    return bool(code) and langs.is_known(code) and path.with_name(Path(path.stem).stem + path.suffix).exists()


def _stat(p: Path, given: str | Path) -> os.stat_result:
    try:
        return os.stat(p)
    except FileNotFoundError:
        raise InputError("no such file", path=str(given), hint="check the path") from None
    except OSError as exc:       # a name too long, a link loop, a file where a folder should be
        raise InputError(f"cannot open: {exc.strerror or exc}", path=str(given), hint="check the path") from None


def _folder(folder: Path, recursive: bool, refused: Callable[[str | Path, InputError], None]) -> list[Article]:
    skipped: list[InputError] = []

    def refuse(path: str | Path, exc: InputError) -> None:
        skipped.append(exc)
        refused(path, exc)

    try:
        found = _articles_in(folder, recursive, refuse)
    except OSError as exc:       # a subfolder we may not list
        raise InputError(f"cannot list the folder: {exc.strerror or exc}", path=str(exc.filename or folder),
                         hint="check its permissions") from None
    if not found and not skipped:    # a folder of refused entries has said why already
        nested = not recursive and any(e.is_dir(follow_symlinks=False) and not e.name.startswith(".")
                                       for e in os.scandir(folder))
        raise InputError(f"no {PATTERN} articles in this folder", path=str(folder),
                         hint="add --recursive to look in its subfolders" if nested else "check the path")
    return sorted(found, key=lambda a: a.path)


def _articles_in(folder: Path, recursive: bool, refused: Callable[[str | Path, InputError], None]) -> list[Article]:
    """Walked by hand with lstat: Path.glob follows links to files (and, before 3.13, `**` links to folders)."""
    found: list[Article] = []
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.name.startswith("."):
                continue
            path = folder / entry.name
            st = entry.stat(follow_symlinks=False)
            if stat.S_ISDIR(st.st_mode):
                if recursive:
                    found += _articles_in(path, recursive, refused)
                continue
            if not entry.name.endswith(SUFFIX) or is_built(path):
                continue
            if stat.S_ISLNK(st.st_mode):
                refused(path, InputError("is a symbolic link inside the folder; not followed (it can point at any "
                                         "file)", path=str(path), hint="name the file it points at on the command "
                                         "line, or replace the link with the file"))
            elif not stat.S_ISREG(st.st_mode):
                refused(path, InputError("is not a regular file (a FIFO, a device or a socket); nothing was read",
                                         path=str(path), hint="remove it from the folder"))
            else:
                found.append(Article(path, (st.st_dev, st.st_ino), True))
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
