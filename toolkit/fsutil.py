"""Writing files so that a crash, a full disk or a second run never leaves one half-written."""
from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from .errors import ChangedOnDisk, LockedError, WriteError

#: Temp files start with this (hidden, never named *.po): a killed run's leftovers are never loaded.
TEMP_PREFIX = ".toolkit-tmp-"


def atomic_write(path: str | Path, data: bytes, *, expect_sha256: str | None = None) -> None:
    """Temp file in the same directory, flush, fsync, os.replace, fsync the directory.

    On any failure (OSError, Ctrl-C) the target is untouched and the temp file is removed; OSErrors become
    WriteError with the path (polib's ENOSPC carries filename=None). A symlinked target is written
    through the link. With `expect_sha256`, the target must still have those bytes just before the
    replace, otherwise ChangedOnDisk and nothing is replaced.
    """
    target = Path(os.path.realpath(path))
    directory = target.parent
    tmp: str | None = None
    try:
        try:
            directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX + target.name + ".", dir=directory)
        except OSError as exc:
            raise _write_error(exc, directory) from None
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            mode = target.stat().st_mode & 0o7777  # keep the translator's permissions on the file we replace
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        os.chmod(tmp, mode)
        if expect_sha256 is not None and _sha256(target) != expect_sha256:
            raise ChangedOnDisk("changed on disk while this run was working (saved by an editor?); "
                                "nothing was written", path=path, hint="run again to merge with the saved version")
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise _write_error(exc, Path(path)) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    _fsync_directory(directory)


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def _fsync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_error(exc: OSError, path: Path) -> WriteError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return WriteError("disk full; nothing was changed", path=path, hint="free some space and run again")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return WriteError("not writable; nothing was changed", path=path,
                          hint="check the directory's permissions or choose another with --locales")
    return WriteError(f"cannot write: {exc.strerror or exc}; nothing was changed", path=path)


def remove_stale_temps(directory: str | Path) -> list[Path]:
    """Temp files left by a killed run are never catalogs: delete them (call it while holding the lock).

    Looks in the whole tree (catalogs live in <lang>/LC_MESSAGES/); returns what was removed.
    """
    d = Path(directory)
    removed = []
    if d.is_dir():
        for p in d.rglob(TEMP_PREFIX + "*"):
            with contextlib.suppress(OSError):
                if p.is_file() and not p.is_symlink():
                    p.unlink()
                    removed.append(p)
    return removed


@contextlib.contextmanager
def locked(directory: str | Path, *, name: str = ".toolkit.lock", timeout: float = 0.0) -> Iterator[Path]:
    """An exclusive lock on a directory of catalogs, held for the whole read-merge-write.

    Atomic renames prevent torn files but not lost updates: two runs must not interleave, so the second
    one is refused (or waits `timeout` seconds) with a message naming the holder. The lock is an
    `flock` on a sidecar file, so the kernel releases it when a holder is killed: no stale locks.
    """
    d = Path(directory)
    try:
        d.mkdir(parents=True, exist_ok=True)
        lock_path = d / name
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise _write_error(exc, d) from None
    deadline = time.monotonic() + timeout
    acquired = False
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                acquired = True
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
                    raise LockedError(f"locked by another toolkit run (pid {holder})", path=lock_path,
                                      hint="wait for it to finish, then run again") from None
                time.sleep(0.05)
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield lock_path
    finally:
        if acquired:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
        os.close(fd)
