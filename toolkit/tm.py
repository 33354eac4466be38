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
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from .engines import Engine, Hypothesis
from .errors import WriteError

SCHEMA = 1


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
    """A SQLite file; safe for concurrent readers and one writer at a time (WAL)."""

    def __init__(self, directory: str | Path | None = None) -> None:
        self.path = Path(directory or default_dir()) / "tm.sqlite3"
        self._db: sqlite3.Connection | None = None

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=30)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("CREATE TABLE IF NOT EXISTS tm (key TEXT PRIMARY KEY, hyps TEXT NOT NULL)")
            except (OSError, sqlite3.Error) as exc:
                raise WriteError(f"cannot open the translation memory: {exc}", path=self.path,
                                 hint="run `toolkit cache clear` or set TOOLKIT_CACHE_DIR") from None
            self._db = db
        return self._db

    def get_many(self, keys: Sequence[str]) -> dict[str, list[Hypothesis]]:
        if not keys:
            return {}
        db = self._conn()
        found: dict[str, list[Hypothesis]] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for k, hyps in db.execute(f"SELECT key, hyps FROM tm WHERE key IN ({marks})", chunk):
                found[k] = [Hypothesis(t, s) for t, s in json.loads(hyps)]
        return found

    def put_many(self, items: Iterable[tuple[str, Sequence[Hypothesis]]]) -> None:
        rows = [(k, json.dumps([[h.text, h.score] for h in hyps], ensure_ascii=False)) for k, hyps in items]
        if not rows:
            return
        db = self._conn()
        with db:
            db.executemany("INSERT OR REPLACE INTO tm (key, hyps) VALUES (?, ?)", rows)

    def count(self) -> int:
        if not self.path.exists():
            return 0
        return self._conn().execute("SELECT COUNT(*) FROM tm").fetchone()[0]

    def clear(self) -> int:
        """Delete the memory; returns how many entries it held."""
        n = self.count()
        self.close()
        for suffix in ("", "-wal", "-shm"):
            p = Path(str(self.path) + suffix)
            if p.exists():
                p.unlink()
        return n

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


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
                        announce: Callable[[int], None] | None = None) -> list[list[Hypothesis]]:
        keys = self._keys(sources, target, num_hypotheses, fingerprints)
        cached = self.memory.get_many(keys) if self.memory is not None else {}
        todo = [i for i, k in enumerate(keys) if k not in cached]
        if announce:
            announce(len(todo))
        if todo:   # one batch: the engine sorts it by length for its own sub-batches
            outputs = self.engine.translate_batch([sources[i] for i in todo], target, num_hypotheses=num_hypotheses)
            fresh = {keys[i]: hyps for i, hyps in zip(todo, outputs, strict=True)}
            if self.memory is not None:
                self.memory.put_many(fresh.items())
            cached.update(fresh)
        return [cached[k] for k in keys]
