"""Atomic writes, stale temp files and the run lock: a failure at any point leaves the old file intact."""
from __future__ import annotations

import contextlib
import errno
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from toolkit import fsutil
from toolkit.errors import ChangedOnDisk, LockedError, WriteError

from .conftest import ROOT


def _only(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_atomic_write_replaces_and_keeps_permissions(tmp_path):
    target = tmp_path / "ru.po"
    target.write_bytes(b"old")
    os.chmod(target, 0o640)
    fsutil.atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o640
    assert _only(tmp_path) == ["ru.po"]


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _device(path: Path) -> Path:
    os.symlink("/dev/null", path)     # a link to a device: as a target it must be refused as a link
    return path


# What may sit where atomic_write is asked to write: never written through, never replaced.
NOT_REPLACEABLE = [
    ("symlink", lambda d: (d / "ru.po").symlink_to(d / "article.txt") or d / "ru.po", "is a symbolic link"),
    ("dangling_symlink", lambda d: (d / "ru.po").symlink_to(d / "new.txt") or d / "ru.po", "is a symbolic link"),
    ("fifo", lambda d: _fifo(d / "ru.po"), "is not a regular file"),
    ("link_to_device", lambda d: _device(d / "ru.po"), "is a symbolic link"),
    ("directory", lambda d: (d / "ru.po").mkdir() or d / "ru.po", "is a directory"),
]


@pytest.mark.parametrize("make,words", [c[1:] for c in NOT_REPLACEABLE], ids=[c[0] for c in NOT_REPLACEABLE])
def test_atomic_write_never_writes_through_a_link_or_replaces_a_special_file(make, words, tmp_path):
    (tmp_path / "article.txt").write_bytes(b"the English source")
    target = make(tmp_path)
    before = sorted((p.name, os.lstat(p).st_mode) for p in tmp_path.iterdir())
    with pytest.raises(WriteError) as info:
        fsutil.atomic_write(target, b"catalog bytes")
    assert words in str(info.value) and str(target) in str(info.value) and info.value.exit_code == 5
    assert (tmp_path / "article.txt").read_bytes() == b"the English source"
    assert sorted((p.name, os.lstat(p).st_mode) for p in tmp_path.iterdir()) == before


def test_atomic_write_to_dev_null_is_refused():
    with pytest.raises(WriteError, match="not a regular file"):
        fsutil.atomic_write("/dev/null", b"x")      # as root, os.replace would have replaced the device
    assert os.path.exists("/dev/null") and not Path("/dev/null").is_file()


# What can go wrong while the temp file is written, and what the caller must see.
FAILURES = [
    ("fsync", OSError(errno.ENOSPC, "No space left on device"), WriteError, "disk full"),
    ("fsync", OSError(errno.EIO, "Input/output error"), WriteError, "cannot write"),
    ("fsync", KeyboardInterrupt(), KeyboardInterrupt, None),        # Ctrl-C mid-write
    ("replace", OSError(errno.EXDEV, "cross-device"), WriteError, "cannot write"),
]


@pytest.mark.parametrize("where,exc,expected,words", FAILURES, ids=["enospc", "eio", "ctrl-c", "replace"])
def test_a_failed_write_leaves_the_old_file_and_no_temp(where, exc, expected, words, tmp_path, monkeypatch):
    target = tmp_path / "ru.po"
    target.write_bytes(b"translator's work")

    def boom(*args, **kwargs):
        raise exc

    monkeypatch.setattr(os, where, boom)
    with pytest.raises(expected) as info:
        fsutil.atomic_write(target, b"x" * 100_000)
    monkeypatch.undo()
    assert target.read_bytes() == b"translator's work"
    assert _only(tmp_path) == ["ru.po"]
    if words:
        assert words in str(info.value) and str(target) in str(info.value)
        assert info.value.exit_code == 5


@contextlib.contextmanager
def _tiny_tmpfs(where: Path, size: str) -> Path:
    where.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root); the monkeypatched ENOSPC case covers it")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], capture_output=True)


def test_real_disk_full_on_a_tiny_tmpfs(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    with _tiny_tmpfs(tmp_path / "disk", "64k") as disk:
        target = disk / "ru.po"
        target.write_bytes(b"a" * 40_000)
        with pytest.raises(WriteError) as info:
            fsutil.atomic_write(target, b"b" * 50_000)      # old + new do not fit: ENOSPC
        assert "disk full" in str(info.value)
        assert target.read_bytes() == b"a" * 40_000
        assert _only(disk) == ["ru.po"]


def test_expected_hash_guards_against_an_editors_save(tmp_path):
    target = tmp_path / "ru.po"
    target.write_bytes(b"read by us")
    import hashlib

    seen = hashlib.sha256(b"read by us").hexdigest()
    target.write_bytes(b"saved by Poedit meanwhile")
    with pytest.raises(ChangedOnDisk):
        fsutil.atomic_write(target, b"ours", expect_sha256=seen)
    assert target.read_bytes() == b"saved by Poedit meanwhile"
    assert _only(tmp_path) == ["ru.po"]


def _stale_name(target: str) -> str:
    return f"{fsutil.TEMP_PREFIX}{target}.{'0123456789abcdef' * 2}{fsutil.TEMP_SUFFIX}"


def test_stale_temps_are_removed_in_the_whole_tree(tmp_path):
    deep = tmp_path / "ru" / "LC_MESSAGES"
    deep.mkdir(parents=True)
    stale = [tmp_path / _stale_name("a.pot"), deep / _stale_name("a.po")]
    for p in stale:
        p.write_bytes(b"half a catalog")
    (deep / "a.po").write_bytes(b"kept")
    assert sorted(fsutil.remove_stale_temps(tmp_path)) == sorted(stale)
    assert _only(deep) == ["a.po"]


# Files whose names start like ours but that this program did not make: a cleanup must never delete them.
NOT_OURS = [
    (fsutil.TEMP_PREFIX + "notes.txt", "an article named like a temp file"),
    (fsutil.TEMP_PREFIX + "a.po.abc123", "the old six-letter suffix: guessable, a user may have made it"),
    (fsutil.TEMP_PREFIX + "a.po." + "0" * 31 + fsutil.TEMP_SUFFIX, "one hex digit short"),
    (fsutil.TEMP_PREFIX + "a.po." + "G" * 32 + fsutil.TEMP_SUFFIX, "not lowercase hex"),
    (fsutil.TEMP_PREFIX + "a.po." + "0" * 32 + fsutil.TEMP_SUFFIX + ".txt", "something after our suffix"),
]


@pytest.mark.parametrize("name,reason", NOT_OURS, ids=[r for _, r in NOT_OURS])
def test_stale_temp_cleanup_leaves_files_it_did_not_make(name, reason, tmp_path):
    (tmp_path / name).write_bytes(b"a user's file")
    assert fsutil.remove_stale_temps(tmp_path) == []
    assert (tmp_path / name).read_bytes() == b"a user's file"


def test_stale_temp_cleanup_leaves_links_hard_links_and_live_writers(tmp_path):
    article = tmp_path / "article.txt"
    article.write_bytes(b"source")
    (tmp_path / _stale_name("a.po")).symlink_to(article)
    os.link(article, tmp_path / _stale_name("b.po"))
    fd, live = fsutil._create_temp(tmp_path, "c.po")       # another run is writing this one right now
    try:
        assert fsutil.remove_stale_temps(tmp_path) == []
        assert live.exists() and article.read_bytes() == b"source"
    finally:
        os.close(fd)
    assert fsutil.remove_stale_temps(tmp_path) == [live]    # its writer is gone: now it is stale


def test_temp_names_are_unguessable_and_match_the_cleanup(tmp_path):
    fsutil.atomic_write(tmp_path / "x.po", b"1")
    fd1, t1 = fsutil._create_temp(tmp_path, "x.po")
    fd2, t2 = fsutil._create_temp(tmp_path, "x.po")
    os.close(fd1)
    os.close(fd2)
    assert t1 != t2 and fsutil._TEMP_NAME.match(t1.name) and fsutil._TEMP_NAME.match(t2.name)
    assert sorted(fsutil.remove_stale_temps(tmp_path)) == sorted([t1, t2])


_HOLDER = """
import sys, time
from toolkit import fsutil
with fsutil.locked(sys.argv[1]):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _hold_lock(directory: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", _HOLDER, str(directory), str(seconds)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_second_run_is_refused_with_the_holders_pid(tmp_path):
    holder = _hold_lock(tmp_path, 30)
    try:
        with pytest.raises(LockedError) as info:
            with fsutil.locked(tmp_path):
                pass
        assert f"pid {holder.pid}" in str(info.value) and info.value.exit_code == 6
        assert list(tmp_path.iterdir()) == []    # the lock is on the folder itself: no file in the tree
    finally:
        holder.kill()
        holder.wait()
    with fsutil.locked(tmp_path):   # a killed holder's lock is released by the kernel: never stale
        pass


def test_the_lock_holds_through_another_path_to_the_same_folder(tmp_path):
    """`locales` reached through a symbolic link (or a bind mount) is the same folder: one lock."""
    real = tmp_path / "locales"
    real.mkdir()
    (tmp_path / "alias").symlink_to(real)
    holder = _hold_lock(real, 30)
    try:
        with pytest.raises(LockedError, match=f"pid {holder.pid}"):
            with fsutil.locked(tmp_path / "alias"):
                pass
    finally:
        holder.kill()
        holder.wait()


def test_waiting_for_the_lock(tmp_path):
    holder = _hold_lock(tmp_path, 0.5)
    start = time.monotonic()
    with fsutil.locked(tmp_path, timeout=10):
        assert time.monotonic() - start < 5
    holder.wait()


def test_lock_in_an_unwritable_place_is_a_write_error(tmp_path):
    blocker = tmp_path / "locales"
    blocker.write_text("a file where the directory should be")
    with pytest.raises(WriteError) as info:
        with fsutil.locked(blocker):
            pass
    assert str(blocker) in str(info.value)


# What a cloned repository (or an unlucky user) can leave where older versions kept their lock file: the
# lock is on the folder, so none of it is ever opened (a FIFO cannot block, a link cannot be written through).
def _hard_link(d: Path) -> None:
    os.link(d / "article.txt", d / ".toolkit.lock")


LOCK_PLANTS = [
    ("symlink_to_article", lambda d: (d / ".toolkit.lock").symlink_to("article.txt")),
    ("dangling_symlink", lambda d: (d / ".toolkit.lock").symlink_to("elsewhere.txt")),
    ("hard_link_to_article", _hard_link),
    ("fifo", lambda d: os.mkfifo(d / ".toolkit.lock")),
    ("directory", lambda d: (d / ".toolkit.lock").mkdir()),
    ("someones_file", lambda d: (d / ".toolkit.lock").write_bytes(b"my notes, not a pid")),
    ("an_older_toolkits_pid", lambda d: (d / ".toolkit.lock").write_bytes(b"4194303")),
]


@pytest.mark.parametrize("plant", [c[1] for c in LOCK_PLANTS], ids=[c[0] for c in LOCK_PLANTS])
def test_a_planted_lock_file_is_never_opened_and_nothing_is_changed(plant, tmp_path):
    (tmp_path / "article.txt").write_bytes(b"The English source, a day's work.\n")
    plant(tmp_path)

    def state() -> dict:
        return {p.name: (os.lstat(p).st_mode, os.lstat(p).st_mtime_ns, p.read_bytes() if p.is_file() else None)
                for p in tmp_path.iterdir()}

    before = state()
    with fsutil.locked(tmp_path):
        pass
    assert state() == before


def test_the_model_store_keeps_its_sidecar_lock(tmp_path):
    """`name=` (the model store, outside any repository) still locks a sidecar file holding the pid."""
    with fsutil.locked(tmp_path, name=".toolkit-models.lock"):
        assert (tmp_path / ".toolkit-models.lock").read_text().strip() == str(os.getpid())
    (tmp_path / "x").symlink_to("elsewhere")
    with pytest.raises(WriteError, match="is a symbolic link"):
        with fsutil.locked(tmp_path, name="x"):
            pass


def test_an_unopenable_folder_is_named(tmp_path, monkeypatch):
    real_open = os.open

    def denied(path, flags, *args):      # root opens anything: simulate chmod 000 on the folder
        if Path(path) == tmp_path:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", denied)
    with pytest.raises(WriteError) as info:
        with fsutil.locked(tmp_path):
            pass
    assert str(info.value).startswith(f"{tmp_path}: not writable")


def test_a_file_system_without_locks_is_one_line(tmp_path, monkeypatch):
    import fcntl

    def no_locks(fd, op):
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    with pytest.raises(WriteError) as info:
        with fsutil.locked(tmp_path):
            pass
    assert str(info.value).startswith(f"{tmp_path}: cannot lock: No locks available")


def test_read_regular_refuses_a_fifo_and_a_device_and_caps_the_size(tmp_path):
    from toolkit.errors import InputError

    fifo = _fifo(tmp_path / "article.txt")
    with pytest.raises(InputError, match="not a regular file"):
        fsutil.read_regular(fifo, limit=100, what="an article")       # would block forever on open or read
    with pytest.raises(InputError, match="not a regular file"):
        fsutil.read_regular("/dev/zero", limit=100, what="an article")   # would never end
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 101)
    with pytest.raises(InputError, match="is 101 bytes, more than the 100 bytes toolkit reads as an article"):
        fsutil.read_regular(big, limit=100, what="an article")
    assert fsutil.read_regular(big, limit=101, what="an article") == b"x" * 101
