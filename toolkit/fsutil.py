"""Writing files so that a crash, a full disk or a second run never leaves one half-written."""
from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import LockedError, WriteError

TEMP_PREFIX = ".toolkit-tmp-"


def atomic_write(path: str | Path, data: bytes) -> None:
    """Temp file in the same directory, flush, fsync, os.replace, fsync the directory.

    On any failure the target is untouched and the temp file is removed; OSErrors become WriteError
    with the path (polib's ENOSPC carries filename=None).
    """
    target = Path(path)
    directory = target.parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX + target.name + ".", dir=directory)
    except OSError as exc:
        raise _write_error(exc, directory) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if target.exists():
            # Keep the translator's permissions on the file we replace.
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _write_error(exc, target) from None
        raise
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
    if exc.errno == errno.ENOSPC:
        return WriteError("disk full; nothing was changed", path=path, hint="free some space and run again")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return WriteError("not writable; nothing was changed", path=path,
                          hint="check the directory's permissions or choose another with --locales")
    return WriteError(f"cannot write: {exc.strerror or exc}; nothing was changed", path=path)


def remove_stale_temps(directory: str | Path) -> None:
    """Temp files left by a killed run are never catalogs: delete them."""
    d = Path(directory)
    if d.is_dir():
        for p in d.glob(TEMP_PREFIX + "*"):
            with contextlib.suppress(OSError):
                p.unlink()


@contextlib.contextmanager
def locked(directory: str | Path, *, name: str = ".toolkit.lock", timeout: float = 0.0) -> Iterator[Path]:
    """An exclusive lock on a directory of catalogs, held for the whole read-merge-write.

    Atomic renames prevent torn files but not lost updates: two runs must not interleave, so the second
    one is refused (or waits `timeout` seconds) with a message naming the holder.
    """
    import time

    d = Path(directory)
    try:
        d.mkdir(parents=True, exist_ok=True)
        lock_path = d / name
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise _write_error(exc, d) from None
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
                    raise LockedError(f"locked by another toolkit run (pid {holder})", path=lock_path,
                                      hint="wait for it to finish, then run again") from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield lock_path
    finally:
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        os.close(fd)
