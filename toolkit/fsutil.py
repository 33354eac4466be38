"""Writing files so that a crash, a full disk, a second run or a planted link never leaves one half-written."""
from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import re
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from .errors import ChangedOnDisk, InputError, LockedError, ToolkitError, WriteError

#: Temp files start with this (hidden, never named *.po): a killed run's leftovers are never loaded.
TEMP_PREFIX = ".toolkit-tmp-"
TEMP_SUFFIX = ".tmp"
# What a temp file of ours is called: prefix, the target's name, 128 random bits, suffix. Cleanup removes only
# names of exactly this shape (an article called `.toolkit-tmp-notes.txt` is not ours and is left alone).
_TEMP_NAME = re.compile(re.escape(TEMP_PREFIX) + r".+\.[0-9a-f]{32}" + re.escape(TEMP_SUFFIX) + r"\Z", re.S)

# O_NOFOLLOW: a link planted where we write (a cloned repository can carry `locales/.toolkit.lock ->
# ../article.txt`) is refused instead of followed. O_CLOEXEC: msgfmt and friends never inherit our files.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def is_temp(name: str) -> bool:
    """Whether a file name is one of our temp files' (a killed run's leftover, never a catalog)."""
    return _TEMP_NAME.match(name) is not None


def atomic_write(path: str | Path, data: bytes, *, expect_sha256: str | None = None) -> None:
    """Temp file in the same directory, flush, fsync, os.replace, fsync the directory.

    On any failure (OSError, Ctrl-C) the target is untouched and the temp file is removed; OSErrors become
    WriteError with the path (polib's ENOSPC carries filename=None). The target must be a regular file or
    absent: a symbolic link, a device or a FIFO there is refused, never written through or replaced
    (writing through a link planted in a cloned repository would overwrite whatever it points at; replacing
    /dev/null as root would break the machine). With `expect_sha256`, the target must still have those bytes
    just before the replace, otherwise ChangedOnDisk and nothing is replaced.
    """
    target = Path(path)
    directory = target.parent
    mode = check_replaceable(target)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = _create_temp(directory, target.name)
    except OSError as exc:
        raise _write_error(exc, directory) from None
    pending: Path | None = tmp
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        # the translator's permissions on the file we replace; fchmod never follows a link
        os.fchmod(fd, mode if mode is not None else 0o666 & ~_umask())
        os.fsync(fd)
        if expect_sha256 is not None and _sha256(target) != expect_sha256:
            raise ChangedOnDisk("changed on disk while this run was working (saved by an editor?); "
                                "nothing was written", path=path, hint="run again to merge with the saved version")
        os.replace(tmp, target)   # replaces the directory entry: a link put there meanwhile is replaced, not followed
        pending = None
    except OSError as exc:
        raise _write_error(exc, target) from None
    finally:
        if pending is not None:
            with contextlib.suppress(OSError):
                os.unlink(pending)
        os.close(fd)              # only now: the temp file's lock told a cleanup it was in use until here
    _fsync_directory(directory)


def check_replaceable(target: Path) -> int | None:
    """The permission bits of the regular file at `target` (None if there is none); anything else refused."""
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _write_error(exc, target) from None
    if stat.S_ISLNK(st.st_mode):
        stream = str(target).startswith("/dev/") or os.path.realpath(target).startswith("/proc/")
        raise WriteError("is a symbolic link; refusing to write through it, nothing was changed", path=target,
                         hint="for standard output (/dev/stdout is a link) use `--out -`" if stream else
                         "remove the link, or give the real path")
    if stat.S_ISDIR(st.st_mode):
        raise WriteError("is a directory; nothing was changed", path=target, hint="give a file name")
    if not stat.S_ISREG(st.st_mode):
        raise WriteError("is not a regular file (a device, FIFO or socket); refusing to replace it, nothing was "
                         "changed", path=target, hint="remove it, or give the path of a regular file")
    return st.st_mode & 0o7777


def _create_temp(directory: Path, name: str) -> tuple[int, Path]:
    """A new file only this process knows the name of: O_EXCL never opens an existing file or link."""
    import secrets

    for _ in range(100):   # the name is shortened: a 230-character catalog name must not make its temp name too long
        tmp = directory / f"{TEMP_PREFIX}{name[:64]}.{secrets.token_hex(16)}{TEMP_SUFFIX}"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o600)
        except FileExistsError:
            continue
        # The marker of a temp file in use: its writer holds this lock until the file is renamed or removed,
        # so a concurrent run's cleanup (which needs the lock) never takes a temp file from under a writer.
        # Best effort: a file system without flock (some NFS) still gets the write.
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return fd, tmp
    raise FileExistsError(errno.EEXIST, "cannot create a unique temp file", str(directory))


def has_bytes(path: str | Path, data: bytes) -> bool:
    """Whether `path` is a regular file holding exactly `data` (a FIFO or device there is never read)."""
    return _sha256(Path(path)) == hashlib.sha256(data).hexdigest()


def _sha256(path: Path) -> str | None:
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _CLOEXEC | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno in (errno.EMFILE, errno.ENFILE):   # not a change on disk: the process ran out of descriptors
            raise
        return "unreadable"
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return "not a regular file"
        h = hashlib.sha256()
        while chunk := os.read(fd, 1 << 20):
            h.update(chunk)
        return h.hexdigest()
    finally:
        os.close(fd)


def _fsync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):
        dfd = os.open(directory, os.O_RDONLY | _CLOEXEC)
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
    if exc.errno == errno.EFBIG:       # Python ignores SIGXFSZ, so `ulimit -f` arrives as EFBIG
        return WriteError("would be larger than this process may write (ulimit -f); nothing was changed", path=path,
                          hint="raise the limit, e.g. `ulimit -f unlimited`, and run again")
    if exc.errno in (errno.EMFILE, errno.ENFILE):
        return WriteError("cannot open another file: too many open files (ulimit -n); nothing was changed",
                          path=path, hint="raise the limit, e.g. `ulimit -n 1024`, and run again")
    if exc.errno == errno.ELOOP:
        return WriteError("is a symbolic link; refusing to write through it, nothing was changed", path=path,
                          hint="remove the link, or give the real path")
    return WriteError(f"cannot write: {exc.strerror or exc}; nothing was changed", path=path)


def remove_stale_temps(directory: str | Path) -> list[Path]:
    """Temp files left by a killed run are never catalogs: delete them (call it while holding the lock).

    Looks in the whole tree (catalogs live in <lang>/LC_MESSAGES/), never through a linked directory, and
    removes only what this program created: a regular file named as `_create_temp` names them that no live
    writer still holds (the writer's lock is the marker). Returns what was removed.
    """
    d = Path(directory)
    removed = []
    if not d.is_dir():
        return removed
    for p in d.rglob(TEMP_PREFIX + "*"):
        if not _TEMP_NAME.match(p.name):
            continue
        try:
            fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | _NOFOLLOW | _CLOEXEC)
        except OSError:
            continue
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue                      # a live writer is still filling it
            now = os.lstat(p)
            if (now.st_dev, now.st_ino) == (st.st_dev, st.st_ino):
                os.unlink(p)
                removed.append(p)
        except OSError:
            continue
        finally:
            os.close(fd)
    return removed


#: The lock file holds the holder's pid, space-padded to this width: rewritten in place, never truncated.
_PID_WIDTH = 16


@contextlib.contextmanager
def locked(directory: str | Path, *, name: str | None = None, timeout: float = 0.0) -> Iterator[Path]:
    """An exclusive lock on a directory of catalogs, held for the whole read-merge-write.

    Atomic renames prevent torn files but not lost updates: two runs must not interleave, so the second
    one is refused (or waits `timeout` seconds) with a message naming the holder. The lock is an `flock`,
    so the kernel releases it when a holder is killed: no stale locks. By default it is taken on the
    directory itself, so a run writes no lock file into the translator's repository (a run that changes
    nothing leaves `git status` clean) and nothing planted in the folder (`.toolkit.lock -> article.txt`,
    a FIFO, a hard link) is ever opened. With `name`, on a sidecar file of that name (the model store):
    opened without following a link, and it must look like one of ours (a regular file with one name,
    holding at most a pid): anything else is refused untouched, never truncated.
    """
    d = Path(directory)
    try:
        d.mkdir(parents=True, exist_ok=True)
    except FileExistsError:     # mkdir's "File exists" says nothing of the fix
        raise WriteError("is not a directory; cannot keep catalogs in it, nothing was changed", path=d,
                         hint="pass another --locales DIR or move the file away") from None
    except OSError as exc:
        raise _write_error(exc, d) from None
    if name is None:
        with _locked_directory(d, timeout):
            yield d
        return
    lock_path = d / name
    fd = _open_lock(lock_path)
    try:
        _flock(fd, lock_path, timeout,
               lambda: os.pread(fd, _PID_WIDTH, 0).decode("ascii", "replace").strip() or "unknown")
        with contextlib.suppress(OSError):
            os.pwrite(fd, f"{os.getpid():<{_PID_WIDTH - 1}}\n".encode(), 0)
        yield lock_path
    finally:
        os.close(fd)      # closing releases the flock; the pid stays (harmless: it is only read while locked)


@contextlib.contextmanager
def _locked_directory(d: Path, timeout: float) -> Iterator[None]:
    try:
        fd = os.open(d, os.O_RDONLY | os.O_DIRECTORY | _CLOEXEC)
    except NotADirectoryError:
        raise WriteError("is not a directory; cannot keep catalogs in it, nothing was changed", path=d,
                         hint="pass another --locales DIR or move the file away") from None
    except OSError as exc:
        raise _write_error(exc, d) from None
    try:
        _flock(fd, d, timeout, lambda: _flock_holder(fd))
        yield
    finally:
        os.close(fd)      # closing releases the flock


def _flock(fd: int, path: Path, timeout: float, holder: Callable[[], str]) -> None:
    """Take an exclusive flock on `fd`, waiting up to `timeout` seconds; refused with the holder's pid."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise LockedError(f"locked by another toolkit run (pid {holder()})", path=path,
                                  hint="wait for it to finish, then run again") from None
            time.sleep(0.05)
        except OSError as exc:    # ENOLCK, EOPNOTSUPP: a file system without locks (some NFS, some FUSE)
            raise WriteError(f"cannot lock: {exc.strerror or exc}; nothing was changed", path=path,
                             hint="keep the catalogs on a local disk (--locales DIR)") from None


def _flock_holder(fd: int) -> str:
    """The pid holding an flock on this file, from /proc/locks (Linux); "unknown" elsewhere."""
    st = os.fstat(fd)
    inode = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as fh:
            for line in fh:
                fields = line.split()   # "1: FLOCK  ADVISORY  WRITE 4242 fd:01:1234 0 EOF"
                if "->" not in fields and len(fields) >= 6 and fields[1] == "FLOCK" and fields[5] == inode:
                    return fields[4]
    except OSError:
        pass
    return "unknown"


def _open_lock(lock_path: Path) -> int:
    def refuse(what: str) -> WriteError:
        return WriteError(f"{what}; refusing to use it as the lock file, nothing was changed", path=lock_path,
                          hint=f"remove it (toolkit recreates it): rm {lock_path}")

    try:
        st = os.lstat(lock_path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise _write_error(exc, lock_path) from None
    if st is not None:                        # look before opening: opening a device can have effects
        if stat.S_ISLNK(st.st_mode):
            raise refuse("is a symbolic link")
        if not stat.S_ISREG(st.st_mode):
            raise refuse("is not a regular file")
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NONBLOCK | _NOFOLLOW | _CLOEXEC, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise refuse("is a symbolic link") from None
        if st is not None and exc.errno in (errno.EACCES, errno.EPERM):
            raise WriteError("cannot open the lock file (permission denied)", path=lock_path,
                             hint=f"fix its permissions, or remove it (toolkit recreates it): rm {lock_path}") from None
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise _write_error(exc, lock_path.parent) from None
        raise WriteError(f"cannot open the lock file: {exc.strerror or exc}", path=lock_path) from None
    try:
        st = os.fstat(fd)
        problem = None
        if not stat.S_ISREG(st.st_mode):
            problem = "is not a regular file"
        elif st.st_nlink != 1:
            problem = f"has {st.st_nlink} names (a hard link to another file)"
        elif st.st_size > _PID_WIDTH or not re.fullmatch(rb"\s*\d*\s*", os.pread(fd, _PID_WIDTH + 1, 0)):
            problem = "holds something other than a toolkit run's pid"
        if problem:
            raise refuse(problem)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_regular(path: str | Path, *, limit: int, what: str, error: type[ToolkitError] = InputError,
                 follow: bool = True, expect: tuple[int, int] | None = None) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; links to one are followed unless `follow` is False.

    A FIFO, a device (/dev/zero) or a socket would block forever or never end: refused with `error`, as is
    a file above `limit` (named as `what`: "an article"). With `expect` (device, inode), the file opened must
    be that one: a file swapped for another (or for a link) since it was listed is refused, never read.
    Missing files and permission problems are left to the caller as the usual OSError (FileNotFoundError,
    PermissionError, IsADirectoryError), so each caller keeps its own wording for them.
    """
    def check(st: os.stat_result) -> None:
        if stat.S_ISLNK(st.st_mode):
            raise error("is a symbolic link now; not followed, nothing was read", path=path,
                        hint="replace the link with the file, or name the file it points at")
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
        if not stat.S_ISREG(st.st_mode):
            raise error("is not a regular file (a FIFO, a device or a socket); nothing was read", path=path,
                        hint="give a regular file")
        if expect is not None and (st.st_dev, st.st_ino) != expect:
            raise error("was replaced by another file while this run was starting; nothing was read",
                        path=path, hint="run again once nothing is changing the folder")

    # before opening: opening a socket fails oddly, opening some devices has effects
    check(os.stat(path) if follow else os.lstat(path))
    try:       # O_NONBLOCK: a FIFO swapped in does not block; O_NOFOLLOW: nor does a link swapped in get followed
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | _CLOEXEC | (0 if follow else _NOFOLLOW))
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow:
            check(os.lstat(path))
        raise
    try:
        st = os.fstat(fd)
        check(st)
        if st.st_size > limit:
            raise error(f"is {st.st_size:,} bytes, more than the {_mib(limit)} toolkit reads as {what}", path=path,
                        hint="split it into smaller files")
        chunks = []
        size = 0
        while chunk := os.read(fd, min(1 << 20, limit + 1 - size)):   # the file may grow while we read it
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise error(f"grew past {_mib(limit)} while being read, the most toolkit reads as {what}",
                            path=path, hint="split it into smaller files")
        return b"".join(chunks)
    finally:
        os.close(fd)


def _mib(n: int) -> str:
    return f"{n / (1 << 20):g} MiB" if n >= 1 << 20 else f"{n:,} bytes"


def refuse_overwriting(target: str | Path, inputs: Iterable[tuple[str, Iterable[str | Path]]]) -> None:
    """An output that is one of the run's inputs (same inode: a hard link or a link counts) is refused:
    `--out` onto the English article, a catalog or a glossary would destroy it. `inputs`: (what, files)."""
    from .errors import UsageError

    for what, files in inputs:
        files = list(files)
        hit = same_file(target, files)
        if hit is not None:
            same = "" if Path(hit) == Path(target) else f" ({hit})"
            raise UsageError(f"the output is {what}{same}; refusing to overwrite it", path=target,
                             hint="give another output path, or --out - for standard output"
                             if what == "the article itself" else "give another output path")


def same_file(path: str | Path, others: Iterable[str | Path]) -> Path | None:
    """The first of `others` that is the file at `path` (same device and inode: a hard link counts), if any."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    for other in others:
        try:
            o = os.stat(other)
        except OSError:
            continue
        if (o.st_dev, o.st_ino) == (st.st_dev, st.st_ino):
            return Path(other)
    return None


class WriteLog:
    """The files one command writes, in order. Each is replaced atomically and on its own, so when one fails
    (a full disk during `translate --to all`) the error says which files the command had already written and
    which it had not, instead of a "nothing was changed" that is only true of the last one."""

    def __init__(self, planned: Sequence[Path], *, base: Path) -> None:
        self.planned, self.base, self.done = list(planned), Path(base), []

    def write(self, path: Path, write: Callable[[], bool | None]) -> bool:
        """`write()` writes `path` and says whether it changed it (None: it did)."""
        try:
            written = write() is not False
        except WriteError as exc:
            if not self.done:
                raise
            rest = self.planned[self.planned.index(path):] if path in self.planned else [path]
            raise type(exc)(f"{exc.reason.replace('nothing was changed', 'that file was not changed')}; "
                            f"written before it: {self._names(self.done)}; not written: {self._names(rest)}",
                            path=exc.path, hint=exc.hint) from None
        if written:
            self.done.append(path)
        return written

    def _names(self, paths: Sequence[Path]) -> str:
        def name(p: Path) -> str:
            try:
                return str(p.relative_to(self.base))
            except ValueError:
                return str(p)

        return ", ".join(name(p) for p in paths)
