"""Real processes: SIGKILL a run while it writes catalogs, and two runs at once on the same catalogs."""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from toolkit import catalog, fsutil, pofile

from .conftest import ROOT


LANGS = ("ru", "az", "hy")
# Fixed clock for byte-identical catalogs; bytecode cached outside the tree (the first run compiles, the
# others start in a fraction of the time even where PYTHONDONTWRITEBYTECODE is set).
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
       "SOURCE_DATE_EPOCH": "1700000000", "PYTHONPATH": str(ROOT),
       "PYTHONPYCACHEPREFIX": os.path.join(tempfile.gettempdir(), "toolkit-test-pycache")}
WORDS = ("Baku", "Yerevan", "ministry", "mine", "road", "village", "officials", "talks", "said", "opened",
         "prices", "border", "gold", "on Tuesday", "next year", "the report", "residents")


def article(n: int, seed: int, *, edit_every: int = 0) -> str:
    rng = random.Random(seed)
    lines = []
    for i in range(n):
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14)))
        if edit_every and i % edit_every == 0:
            words += " (updated)"
        lines.append(f"Sentence {i}: {words}.")
    # three sentences per paragraph
    return "\n".join(" ".join(lines[i:i + 3]) for i in range(0, n, 3)) + "\n"


def run(project: Path, *langs: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "toolkit", "translate", "story.txt", "--to", ",".join(langs),
                             "--engine", "pseudo", "--no-glossary", "--locales", "locales"],
                            cwd=project, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def catalogs(project: Path) -> dict[str, bytes]:
    out = {}
    for lang in LANGS:
        p = project / "locales" / lang / "LC_MESSAGES" / "story.po"
        out[lang] = p.read_bytes() if p.exists() else b""
    return out


@pytest.fixture(scope="module")
def states(tmp_path_factory) -> tuple[Path, dict[str, bytes], dict[str, bytes], float]:
    """A project with catalogs (old), the catalogs a full re-run on the edited article writes (new), its time."""
    base = tmp_path_factory.mktemp("kill-base")
    (base / "story.txt").write_text(article(300, 7), encoding="utf-8")
    proc = run(base, *LANGS)
    assert proc.wait() == 0, proc.stderr.read()
    old = catalogs(base)
    (base / "story.txt").write_text(article(300, 7, edit_every=60), encoding="utf-8")
    done = tmp_path_factory.mktemp("kill-done") / "p"
    shutil.copytree(base, done)
    start = time.monotonic()
    proc = run(done, *LANGS)
    assert proc.wait() == 0, proc.stderr.read()
    elapsed = time.monotonic() - start
    new = catalogs(done)
    assert all(old[lang] != new[lang] for lang in LANGS)
    return base, old, new, elapsed


def test_sigkill_at_random_points_leaves_every_catalog_old_or_new(states, tmp_path):
    base, old, new, elapsed = states
    rng = random.Random(2024)
    outcomes = []
    for i in range(int(os.environ.get("TOOLKIT_KILL_ITERATIONS", "3"))):
        project = tmp_path / f"run{i}"
        shutil.copytree(base, project)
        proc = run(project, *LANGS)
        time.sleep(rng.uniform(0.35, 1.0) * elapsed)   # mostly past start-up, into translating and writing
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = catalogs(project)
        for lang in LANGS:
            assert now[lang] in (old[lang], new[lang]), f"{lang} catalog torn after SIGKILL in run {i}"
            pofile.read(project / "locales" / lang / "LC_MESSAGES" / "story.po", lang=lang)
        outcomes.append(tuple(now[lang] == new[lang] for lang in LANGS))
        # The next run cleans what the killed one left and finishes the job.
        again = run(project, *LANGS)
        assert again.wait() == 0, again.stderr.read()
        assert catalogs(project) == new
        assert [p for p in project.rglob(fsutil.TEMP_PREFIX + "*") if fsutil.is_temp(p.name)] == []
    print("catalogs already new when killed (ru, az, hy):", outcomes)


def test_two_runs_at_once_do_not_interleave(states, tmp_path):
    """The second run is refused with the lock message (exit 6) or runs after the first; nothing is lost."""
    base, old, _, _ = states
    project = tmp_path / "p"
    shutil.copytree(base, project)
    ru = project / "locales" / "ru" / "LC_MESSAGES" / "story.po"
    po = pofile.read(ru, lang="ru")
    approved = {}
    for e in [e for e in po if not e.obsolete][:50]:
        e.msgstr = f"ОДОБРЕНО {catalog.position(e)}"
        if "fuzzy" in e.flags:
            e.flags.remove("fuzzy")
        approved[catalog.position(e)] = e.msgstr
    pofile.write(po, ru)
    codes = set()
    for attempt in range(2):
        first, second = run(project, "ru", "az"), run(project, "ru", "hy")
        results = [(p.wait(), p.stderr.read()) for p in (first, second)]
        for code, err in results:
            assert code in (0, 6), err
            if code == 6:
                assert "locked by another toolkit run (pid " in err and err.count("\n") == 1, err
            codes.add(code)
        assert any(code == 0 for code, _ in results)
        for lang in LANGS:
            pofile.read(project / "locales" / lang / "LC_MESSAGES" / "story.po", lang=lang)
        kept = {catalog.position(e): e.msgstr for e in pofile.read(ru, lang="ru") if catalog.position(e) in approved}
        assert kept == approved
        (project / "story.txt").write_text(article(300, 7, edit_every=50 + attempt), encoding="utf-8")
    print("exit codes seen:", sorted(codes))
