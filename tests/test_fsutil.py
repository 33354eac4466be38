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


def test_atomic_write_goes_through_a_symlink(tmp_path):
    real = tmp_path / "repo" / "ru.po"
    real.parent.mkdir()
    real.write_bytes(b"old")
    link = tmp_path / "ru.po"
    link.symlink_to(real)
    fsutil.atomic_write(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"


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


def test_stale_temps_are_removed_in_the_whole_tree(tmp_path):
    deep = tmp_path / "ru" / "LC_MESSAGES"
    deep.mkdir(parents=True)
    stale = [tmp_path / (fsutil.TEMP_PREFIX + "a.pot.x1"), deep / (fsutil.TEMP_PREFIX + "a.po.x2")]
    for p in stale:
        p.write_bytes(b"half a catalog")
    (deep / "a.po").write_bytes(b"kept")
    assert sorted(fsutil.remove_stale_temps(tmp_path)) == sorted(stale)
    assert _only(deep) == ["a.po"]


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
        assert (tmp_path / ".toolkit.lock").read_text() == str(holder.pid)   # the refused run wiped nothing
    finally:
        holder.kill()
        holder.wait()
    with fsutil.locked(tmp_path):   # a killed holder's lock is released by the kernel: never stale
        pass


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
