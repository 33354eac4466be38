"""Fuzzing the readers of what users hand us (catalogs, glossaries, TBX): random bytes and random mutations of
real files. Whatever the bytes, a reader returns or raises the project's own error: never a traceback, never
a hang (a watchdog per example), never a write (the folder's hashes before and after)."""
from __future__ import annotations

import collections
import contextlib
import hashlib
import os
import signal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from toolkit import document, glossary, pofile
from toolkit.errors import ToolkitError

from .conftest import ROOT, SEED

FIXTURES = Path(__file__).parent / "fixtures"
PO_SEEDS = sorted((FIXTURES / "po").glob("*.po")) + sorted((FIXTURES / "poedit").glob("*.po")) + \
    sorted((ROOT / "tests" / "golden").glob("*.po")) + sorted((ROOT / "locales").rglob("*.po*"))
GLOSSARY_SEEDS = sorted((ROOT / "glossaries").glob("*.tsv")) + sorted((FIXTURES / "glossary").rglob("*.tsv")) + \
    sorted((FIXTURES / "glossary").glob("*.tbx"))
WATCHDOG_SECONDS = 20     # not a speed limit: a reader that loops forever must fail instead of hanging CI

# Bytes that mean something to the formats: quotes, escapes, keywords, separators, markup, bad UTF-8.
TOKENS = [b'"', b"\\", b"\n", b"\r", b"\r\n", b"\t", b"\x00", b"\x04", b"\xff", b"\xc3", b"\xef\xbb\xbf",
          b"msgid ", b"msgstr ", b"msgctxt ", b'msgstr[0] ', b"msgid_plural ", b"#, fuzzy\n", b"#~ ", b"#| ",
          b'"Content-Type: text/plain; charset=KOI8-R\\n"', b'"Plural-Forms: nplurals=0; plural=n/0;\\n"',
          b"\\x", b"\\777", b"\\u", b";", b"!", b",", b"#", b"<", b">", b"&", b"&#0;", b"<!DOCTYPE x [",
          b"<![CDATA[", b"xml:lang=", b'"' * 3, "Ё".encode(), "\u202e".encode(), b" " * 200]


OUTCOMES: collections.Counter = collections.Counter()   # printed with -s: how often the bytes were accepted


class Hang(Exception):
    pass


@contextlib.contextmanager
def watchdog(seconds: int = WATCHDOG_SECONDS):
    def fire(*_):
        raise Hang(f"no answer after {seconds} s")

    old = signal.signal(signal.SIGALRM, fire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _hashes(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


@st.composite
def mutated(draw, seeds: list[Path]) -> tuple[str, bytes]:
    """A real file with a few edits: a slice deleted, duplicated or overwritten, a token inserted, a cut."""
    seed = draw(st.sampled_from(seeds))
    data = bytearray(seed.read_bytes())
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, max(len(data), 1))) % (len(data) + 1)
        op = draw(st.sampled_from(["insert", "delete", "duplicate", "flip", "truncate"]))
        if op == "insert":
            data[at:at] = draw(st.one_of(st.sampled_from(TOKENS), st.binary(min_size=1, max_size=8)))
        elif op == "delete":
            del data[at:at + draw(st.integers(1, 64))]
        elif op == "duplicate":
            data[at:at] = data[at:at + draw(st.integers(1, 400))]
        elif op == "flip" and at < len(data):
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "truncate":
            del data[at:]
    return seed.suffix, bytes(data)


def _raw(suffixes: list[str]):
    return st.tuples(st.sampled_from(suffixes), st.binary(max_size=2000))


FUZZ = settings(max_examples=int(os.environ.get("TOOLKIT_FUZZ_EXAMPLES", "120")),   # raise it for a longer hunt
                 suppress_health_check=[HealthCheck.function_scoped_fixture,
                                         HealthCheck.too_slow, HealthCheck.data_too_large])


def _read_catalog(path: Path) -> None:
    pofile.read(path)


def _read_article(path: Path) -> None:
    document.read(path)


def _read_glossary(path: Path) -> None:
    glossary.read_file(path)
    glossary.lint(path)


CASES = [  # reader, inputs, whether some inputs must get through (mutations of valid files mostly stay valid)
    (_read_catalog, mutated(PO_SEEDS), True), (_read_catalog, _raw([".po", ".pot"]), False),
    (_read_glossary, mutated(GLOSSARY_SEEDS), True), (_read_glossary, _raw([".tsv", ".csv", ".tbx"]), False),
    (_read_article, mutated([SEED]), True), (_read_article, _raw([".txt"]), False),
]


@pytest.mark.parametrize("reader,inputs,some_read", CASES, ids=["po-mutated", "po-random", "glossary-mutated",
                                                                "glossary-random", "article-mutated", "article-random"])
def test_readers_never_crash_hang_or_write(reader, inputs, some_read, tmp_path_factory):
    assert PO_SEEDS and GLOSSARY_SEEDS

    @FUZZ
    @given(inputs)
    def run(case):
        suffix, data = case
        d = tmp_path_factory.mktemp("fuzz")
        path = d / f"input{suffix}"
        path.write_bytes(data)
        before = _hashes(d)
        with watchdog():
            try:
                reader(path)
                OUTCOMES["read"] += 1
            except ToolkitError as exc:
                OUTCOMES[type(exc).__name__] += 1
                line = str(exc)
                assert "\n" not in line and str(path) in line, line       # one line that names the file
        assert _hashes(d) == before

    OUTCOMES.clear()
    run()
    print(reader.__name__, dict(OUTCOMES))
    if some_read:
        assert OUTCOMES["read"] > 0, "every mutation was refused: the fuzzer never reaches the deeper code"


@pytest.fixture(scope="module")
def real_memory(tmp_path_factory) -> bytes:
    """The bytes of a real translation memory with a few hundred rows (one checkpointed SQLite file)."""
    from toolkit.engines import Hypothesis
    from toolkit.tm import Memory

    memory = Memory(tmp_path_factory.mktemp("tm"))
    memory.put_many([(f"key{i}", [Hypothesis(f"перевод {i} " * 5, -0.5), Hypothesis("x", -1.0)]) for i in range(300)])
    memory._conn().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    memory.close()
    return memory.path.read_bytes()


def test_a_damaged_memory_is_a_miss_or_one_line_never_a_traceback(real_memory, tmp_path_factory):
    """Flipped bytes in a real SQLite memory: every operation the pipeline uses answers or says one line."""
    from toolkit.engines import Hypothesis
    from toolkit.tm import Memory

    @FUZZ
    @given(st.lists(st.tuples(st.integers(0, len(real_memory) - 1), st.integers(1, 255)), min_size=1, max_size=8))
    def run(flips):
        data = bytearray(real_memory)
        for at, mask in flips:
            data[at] ^= mask
        d = tmp_path_factory.mktemp("tmfuzz")
        (d / "tm.sqlite3").write_bytes(bytes(data))
        memory = Memory(d, timeout=0)
        with watchdog():
            for step in (lambda: memory.get_many([f"key{i}" for i in range(0, 300, 7)]), memory.count,
                         lambda: memory.put_many([("new", [Hypothesis("y", 0.0)])])):
                try:
                    step()
                    OUTCOMES["ok"] += 1
                except ToolkitError as exc:
                    OUTCOMES[type(exc).__name__] += 1
                    assert "\n" not in str(exc) and "tm.sqlite3" in str(exc)
                    assert "toolkit cache clear --yes" in str(exc) or "disk" in str(exc), str(exc)
        memory.close()
        memory.clear()                                  # clear always works, whatever the damage
        assert not (d / "tm.sqlite3").exists()

    OUTCOMES.clear()
    run()
    print("memory", dict(OUTCOMES))
