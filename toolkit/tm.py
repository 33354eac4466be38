"""Translation memory: engine output cached by everything that determines it, so re-runs cost nothing.

The key is the text the engine saw (after glossary masking), the target language, the engine and model
identity (name, version, compute type), the number of hypotheses asked for, and the glossary entries that
apply to the segment. Changing a glossary entry therefore misses the cache only for the segments that
contain its term; changing a model misses it everywhere for that language.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import urllib.parse
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from .engines import Engine, Hypothesis
from .errors import LockedError, ToolkitError, WriteError

SCHEMA = 1
LOCK_TIMEOUT = 30.0


def default_dir() -> Path:
    env = os.environ.get("TOOLKIT_CACHE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("toolkit", appauthor=False))


def key(text: str, lang: str, identity: str, num_hypotheses: int, terms: Iterable[str] = ()) -> str:
    parts = [str(SCHEMA), lang, identity, str(num_hypotheses), text, *sorted(terms)]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


class Memory:
    """A SQLite file; safe for concurrent readers and one writer at a time (WAL).

    It is only a cache, so it is handled with suspicion: a row that does not parse is a miss (and is
    overwritten), a file of another layout or not a database at all is one line naming `toolkit cache clear`,
    which always works because it only deletes files; the file is opened without following a link.
    """

    def __init__(self, directory: str | Path | None = None, *, timeout: float | None = None) -> None:
        self.path = Path(directory or default_dir()) / "tm.sqlite3"
        self.timeout = LOCK_TIMEOUT if timeout is None else timeout   # seconds to wait for another writer
        self._db: sqlite3.Connection | None = None

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise WriteError(f"cannot create the translation memory's folder: {exc.strerror or exc}",
                                 path=self.path.parent, hint="set TOOLKIT_CACHE_DIR, or pass --no-cache") from None
            for suffix in ("", "-wal", "-shm", "-journal"):   # SQLite's nofollow guards only the main file
                _check_file(Path(str(self.path) + suffix))
            db = None
            try:
                uri = f"file:{urllib.parse.quote(str(self.path.absolute()))}?nofollow=1"
                db = sqlite3.connect(uri, uri=True, timeout=self.timeout)
                columns = [row[1] for row in db.execute("PRAGMA table_info(tm)")]   # before changing anything
                if columns and columns != ["key", "hyps"]:
                    raise _LayoutError(columns)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("CREATE TABLE IF NOT EXISTS tm (key TEXT PRIMARY KEY, hyps TEXT NOT NULL)")
                db.text_factory = bytes     # rows are decoded by us: a damaged one is a miss, not a traceback
            except _LayoutError as exc:
                db.close()
                raise WriteError(f"the translation memory has another layout (columns {', '.join(exc.args[0])}; "
                                 "made by another program or version?)", path=self.path, hint=CLEAR_HINT) from None
            except (sqlite3.Error, UnicodeDecodeError) as exc:   # a schema whose text is no longer UTF-8
                if db is not None:
                    db.close()
                raise self._error(exc) from None
            self._db = db
        return self._db

    def _error(self, exc: sqlite3.Error | UnicodeDecodeError) -> ToolkitError:
        """One line for what SQLite says: locked, disk full, read-only, not a database."""
        name = getattr(exc, "sqlite_errorname", "") or ""
        text = str(exc)
        if isinstance(exc, UnicodeDecodeError):
            return WriteError("the translation memory is damaged (its schema is not UTF-8)", path=self.path,
                              hint=CLEAR_HINT)
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
            return LockedError(f"the translation memory is locked by another program (waited {self.timeout:g} s)",
                               path=self.path, hint="wait for it to finish, or run with --no-cache")
        if (name.startswith(("SQLITE_IOERR", "SQLITE_FULL")) or "disk I/O error" in text or "disk is full" in text) \
                and _near_size_limit(self.path):
            # Python ignores SIGXFSZ, so `ulimit -f` reaches SQLite as EFBIG, which it reports as an I/O error
            return WriteError("would be larger than this process may write (ulimit -f) while writing the "
                              "translation memory", path=self.path,
                              hint="raise the limit, e.g. `ulimit -f unlimited`, or run with --no-cache")
        if name.startswith("SQLITE_FULL") or "disk is full" in text or (
                (name.startswith("SQLITE_IOERR") or "disk I/O error" in text) and _nearly_full(self.path.parent)):
            # in WAL mode a full disk often surfaces as SQLITE_IOERR (the -shm/-wal grow failed), not SQLITE_FULL
            return WriteError("disk full while writing the translation memory", path=self.path,
                              hint="free some space, or run with --no-cache")
        if name.startswith("SQLITE_CANTOPEN") or "unable to open" in text or (
                (name.startswith("SQLITE_READONLY") or "readonly" in text) and not _writable(self.path)):
            # nothing to clear there: the folder is the problem (a writable one means the file is: see below)
            return WriteError("cannot open or write the translation memory here", path=self.path,
                              hint="check its permissions, set TOOLKIT_CACHE_DIR, or run with --no-cache")
        if name.startswith("SQLITE_IOERR") or "disk I/O error" in text:
            return WriteError(f"cannot read or write the translation memory ({text})", path=self.path,
                              hint="check the disk, or run with --no-cache")
        if name.startswith("SQLITE_READONLY") or "readonly" in text:
            # a header that says "written by a newer SQLite format" (found by fuzzing byte 18)
            return WriteError(f"the translation memory cannot be written ({text}; another version's file, or "
                              "damaged)", path=self.path, hint=CLEAR_HINT)
        if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")) or "not a database" in text or "malformed" in text:
            return WriteError(f"the translation memory is damaged ({text})", path=self.path, hint=CLEAR_HINT)
        return WriteError(f"cannot use the translation memory: {text}", path=self.path, hint=CLEAR_HINT)

    def get_many(self, keys: Sequence[str]) -> dict[str, list[Hypothesis]]:
        if not keys:
            return {}
        db = self._conn()
        found: dict[str, list[Hypothesis]] = {}
        try:
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                marks = ",".join("?" * len(chunk))
                for k, hyps in db.execute(f"SELECT key, hyps FROM tm WHERE key IN ({marks})", chunk):
                    parsed = _hypotheses(hyps)
                    if parsed is not None and isinstance(k, bytes):   # a garbage row is a miss; replaced later
                        found[k.decode("ascii", "replace")] = parsed
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        return found

    def put_many(self, items: Iterable[tuple[str, Sequence[Hypothesis]]]) -> None:
        rows = [(k, json.dumps([[h.text, h.score, h.logprob, h.length] for h in hyps],
                                  ensure_ascii=False)) for k, hyps in items]
        if not rows:
            return
        db = self._conn()
        try:
            with db:
                db.executemany("INSERT OR REPLACE INTO tm (key, hyps) VALUES (?, ?)", rows)
        except sqlite3.Error as exc:
            raise self._error(exc) from None

    def count(self) -> int:
        if not os.path.lexists(self.path):
            return 0
        try:
            return self._conn().execute("SELECT COUNT(*) FROM tm").fetchone()[0]
        except sqlite3.Error as exc:
            raise self._error(exc) from None

    def clear(self) -> int | None:
        """Delete the memory; returns how many entries it held (None when it was unreadable).

        Works on a damaged memory too: the files are deleted, never opened (a link is removed, not followed).
        """
        try:
            n: int | None = self.count()
        except ToolkitError:
            n = None
        self.close()
        for suffix in ("", "-wal", "-shm", "-journal"):
            p = Path(str(self.path) + suffix)
            try:
                if os.path.lexists(p):
                    os.unlink(p)
            except IsADirectoryError:
                raise WriteError("is a directory, not part of the translation memory", path=p,
                                 hint="remove it by hand, or set TOOLKIT_CACHE_DIR") from None
            except OSError as exc:
                raise WriteError(f"cannot delete: {exc.strerror or exc}", path=p,
                                 hint="check the folder's permissions") from None
        return n

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


CLEAR_HINT = "run `toolkit cache clear --yes` (it only deletes cached engine output), or run with --no-cache"


class _LayoutError(Exception):
    pass


def _check_file(path: Path) -> None:
    """The memory is a regular file of ours or absent: a link or a special file there is refused."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise WriteError(f"cannot use the translation memory: {exc.strerror or exc}", path=path) from None
    if stat.S_ISLNK(st.st_mode):
        raise WriteError("part of the translation memory is a symbolic link; refusing to follow it", path=path,
                         hint=CLEAR_HINT)
    if not stat.S_ISREG(st.st_mode):
        raise WriteError("part of the translation memory is not a regular file", path=path,
                         hint="remove it by hand, set TOOLKIT_CACHE_DIR, or run with --no-cache")


def _writable(path: Path) -> bool:
    """Whether this process may create and change the memory's files there."""
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return False
    return not os.path.exists(path) or os.access(path, os.R_OK | os.W_OK)


def _near_size_limit(path: Path) -> bool:
    """Whether a file of the memory is within SQLite's largest single write (1 MiB is ample for WAL frames and
    the -shm map's 32 KiB steps) of the file size limit (RLIMIT_FSIZE, `ulimit -f`), or the limit is that small."""
    import resource

    limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    if limit == resource.RLIM_INFINITY:
        return False
    sizes = [0]
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            sizes.append(os.lstat(str(path) + suffix).st_size)
        except OSError:
            pass
    return max(sizes) + (1 << 20) > limit


def _nearly_full(directory: Path) -> bool:
    import shutil

    try:
        return shutil.disk_usage(directory).free < (1 << 20)
    except OSError:
        return False


def _hypotheses(raw: object) -> list[Hypothesis] | None:
    """A stored row back as hypotheses; None for anything we did not write (garbage rows are misses)."""
    try:
        data = json.loads(raw)
    except (TypeError, ValueError, RecursionError):
        return None
    if not isinstance(data, list) or not data:
        return None
    out = []
    for item in data:
        # [text, score], or since confidence [text, score, log-probability, length] (None when unknown)
        if (not isinstance(item, list) or len(item) not in (2, 4) or not isinstance(item[0], str)
                or not _is_number(item[1])):
            return None
        logprob, length = item[2:] if len(item) == 4 else (None, None)
        if not (logprob is None or _is_number(logprob)) or not (length is None or type(length) is int):
            return None
        out.append(Hypothesis(item[0], float(item[1]), None if logprob is None else float(logprob), length))
    return out


def _is_number(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float))


class CachedEngine:
    """An engine behind the translation memory: what the memory holds is never sent again, and every new
    output is stored. Keys: segment text, language, engine identity and decoding settings (they change the
    output but are not written into catalogs), n-best size, and the glossary facts that shaped the text."""

    def __init__(self, engine: Engine, memory: Memory | None, identity: str) -> None:
        self.engine = engine
        self.name = getattr(engine, "name", "")
        self.memory = memory
        decoding = getattr(engine, "decoding_signature", None)
        self.memory_identity = f"{identity} | {decoding()}" if decoding else identity

    def identity(self, target: str) -> str:
        return self.engine.identity(target)

    def _keys(self, sources: Sequence[str], target: str, num_hypotheses: int,
              fingerprints: Sequence[Sequence[str]] | None) -> list[str]:
        prints = fingerprints if fingerprints is not None else [()] * len(sources)
        return [key(s, target, self.memory_identity, num_hypotheses, f)
                for s, f in zip(sources, prints, strict=True)]

    def translate_batch(self, sources: Sequence[str], target: str, *, num_hypotheses: int = 1,
                        fingerprints: Sequence[Sequence[str]] | None = None,
                        announce: Callable[[int], None] | None = None,
                        progress: Callable[[int], None] | None = None) -> list[list[Hypothesis]]:
        keys = self._keys(sources, target, num_hypotheses, fingerprints)
        cached = self.memory.get_many(keys) if self.memory is not None else {}
        # A sentence that recurs (in one article or across a run's articles) is sent once.
        first: dict[str, int] = {}
        for i, k in enumerate(keys):
            if k not in cached:
                first.setdefault(k, i)
        todo = list(first.values())
        if announce:
            announce(len(todo))
        if todo:   # one batch: the engine sorts it by length for its own sub-batches
            extra = {"progress": progress} if progress else {}
            outputs = self.engine.translate_batch([sources[i] for i in todo], target, num_hypotheses=num_hypotheses,
                                                  **extra)
            fresh = {keys[i]: hyps for i, hyps in zip(todo, outputs, strict=True)}
            if self.memory is not None:
                self.memory.put_many(fresh.items())
            cached.update(fresh)
        return [cached[k] for k in keys]
