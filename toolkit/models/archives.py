"""Unpack model archives (zip, tar) safely: nothing outside the destination, no links, no file written through
a link (members are created with O_EXCL|O_NOFOLLOW), and a size cap checked against the headers before
anything is written and against the bytes while they are written (a 1 GiB zip bomb once filled a disk)."""
from __future__ import annotations

import errno
import os
import shutil
import tarfile
import zipfile
from pathlib import Path, PurePosixPath

from ..errors import InputError, ModelError, WriteError

#: What an archive may unpack to; the free space of the destination is checked too.
MAX_UNPACKED_BYTES = 8 << 30


def safe_members(zf: zipfile.ZipFile, archive: Path) -> list[zipfile.ZipInfo]:
    members = []
    for info in zf.infolist():
        pure = PurePosixPath(info.filename.replace("\\", "/"))
        if pure.is_absolute() or ".." in pure.parts or (pure.parts and ":" in pure.parts[0]):
            raise ModelError(f"unsafe path {info.filename!r} in the archive (it would be written outside the "
                             "package directory); refusing to install", path=archive)
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise ModelError(f"symbolic link {info.filename!r} in the archive; refusing to install", path=archive)
        members.append(info)
    return members


def check_space(declared: int, root: Path, archive: Path) -> None:
    if declared > MAX_UNPACKED_BYTES:
        raise ModelError(f"the archive unpacks to {_human(declared)}, more than the {_human(MAX_UNPACKED_BYTES)} "
                         "allowed for a model; refusing to install", path=archive)
    try:
        free = shutil.disk_usage(root).free
    except OSError:
        return
    if declared > free:
        raise WriteError(f"the archive unpacks to {_human(declared)} but only {_human(free)} are free",
                         path=root, hint="free some space and run again")


def _human(n: int) -> str:
    return f"{n / 1e9:.1f} GB" if n >= 1e9 else f"{n / 1e6:.1f} MB"


def extract_zip(zf: zipfile.ZipFile, members: list[zipfile.ZipInfo], dest: Path, archive: Path) -> None:
    """Extract member by member, counting what is written (a lying header cannot exceed the cap), into new
    files only (O_EXCL|O_NOFOLLOW: nothing is written through a link)."""
    check_space(sum(m.file_size for m in members), dest.parent, archive)
    try:
        _extract_members(zf, members, dest, archive)
    except OSError as exc:
        raise write_error(exc, archive) from None
    except (zipfile.BadZipFile, EOFError) as exc:     # a CRC mismatch or a truncated member
        raise ModelError(f"cannot extract the archive: {exc}", path=archive) from None


def write_error(exc: OSError, archive: Path) -> WriteError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return WriteError("disk full while unpacking; nothing was installed", path=archive,
                          hint="free some space in the models directory and run again")
    return WriteError(f"cannot unpack: {exc.strerror or exc}; nothing was installed", path=archive)


def _extract_members(zf: zipfile.ZipFile, members: list[zipfile.ZipInfo], dest: Path, archive: Path) -> None:
    written = 0
    for info in members:
        target = dest.joinpath(*PurePosixPath(info.filename.replace("\\", "/")).parts)
        if info.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        except FileExistsError:
            raise ModelError(f"{info.filename!r} appears twice in the archive; refusing to install",
                             path=archive) from None
        with os.fdopen(fd, "wb") as out, zf.open(info) as src:
            while block := src.read(1 << 20):
                written += len(block)
                if written > MAX_UNPACKED_BYTES:
                    raise ModelError(f"the archive unpacks to more than the {_human(MAX_UNPACKED_BYTES)} "
                                     "allowed for a model; refusing to install", path=archive)
                out.write(block)


def open_zip(path: Path) -> zipfile.ZipFile:
    if not path.exists():
        raise InputError("file not found", path=path)
    if path.is_dir():
        raise InputError("is a directory, expected a .argosmodel file", path=path,
                         hint="for a CTranslate2 model directory use `toolkit models install DIR --lang LANG`")
    if not zipfile.is_zipfile(path):
        raise ModelError("not a zip archive, so not an .argosmodel package", path=path,
                         hint="the download may be incomplete or an HTML error page; fetch it again")
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ModelError(f"cannot read the zip archive: {exc}", path=path) from exc


def extract(path: Path, dest: Path) -> None:
    if zipfile.is_zipfile(path):
        with open_zip(path) as zf:
            dest.mkdir(parents=True, exist_ok=True)
            extract_zip(zf, safe_members(zf, path), dest, path)
        return
    if tarfile.is_tarfile(path):
        try:
            with tarfile.open(path) as tf:
                members = tf.getmembers()
                check_space(sum(m.size for m in members if m.isfile()), dest.parent, path)
                tf.extractall(dest, members=members, filter="data")  # refuses absolute paths, .., outside links
        except tarfile.FilterError as exc:
            raise ModelError(f"unsafe entry in the archive: {exc}; refusing to install", path=path) from exc
        except (tarfile.TarError, EOFError) as exc:
            raise ModelError(f"cannot read the tar archive: {exc}", path=path) from exc
        except OSError as exc:
            raise write_error(exc, path) from None
        return
    raise ModelError("not a directory, zip or tar archive", path=path)
