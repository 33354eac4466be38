"""Shared test set-up: an isolated home for models and caches, and GNU msgfmt as the judge of catalogs."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# argostranslate.settings reads XDG_* and ARGOS_PACKAGES_DIR once, at import, and creates directories
# there: point everything at a throwaway home before any test imports it.
_HOME = Path(tempfile.mkdtemp(prefix="toolkit-tests-"))
for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CACHE_HOME", "cache"), ("XDG_CONFIG_HOME", "config"),
                 ("ARGOS_PACKAGES_DIR", "data/argos-translate/packages"), ("TOOLKIT_MODELS_DIR", "models"),
                 ("TOOLKIT_CACHE_DIR", "toolkit-cache")):
    os.environ[var] = str(_HOME / sub)
# Tests never reach the network: an index URL that fails at once if anything tries.
os.environ.setdefault("TOOLKIT_PACKAGE_INDEX", "http://127.0.0.1:9/index.json")

settings.register_profile("default", deadline=None, max_examples=100,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "karabakh-mining.txt"
SEGMENTATION = ROOT / "seeds" / "karabakh-mining.segments.json"   # the seed as a careful human splits it
FIXTURES = ROOT / "tests" / "fixtures"


def msgfmt_check(path: Path) -> None:
    """GNU gettext is the outside judge of every catalog we write."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("GNU gettext's msgfmt is not installed (the CI script installs it)")
    result = subprocess.run([msgfmt, "--check-format", "--check-header", "-o", os.devnull, str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, f"msgfmt rejected {path}:\n{result.stderr}"
    msgcat_check(path)


def msgcat_check(path: Path) -> None:
    """GNU msgcat rewrites a catalog in gettext's canonical form: ours must already be in it, byte for byte,
    so a translator's GNU tools and editors make minimal diffs."""
    msgcat = shutil.which("msgcat")
    if msgcat is None:
        pytest.skip("GNU gettext's msgcat is not installed (the CI script installs it)")
    data = Path(path).read_bytes()
    result = subprocess.run([msgcat, "-"], input=data, capture_output=True)
    assert result.returncode == 0, f"msgcat rejected {path}:\n{result.stderr.decode(errors='replace')}"
    assert result.stdout == data, f"msgcat rewrites {path}: not in GNU gettext's form"


@pytest.fixture
def seed_article(tmp_path: Path) -> Path:
    """A copy of the seed article in a fresh directory (tests may edit it)."""
    dst = tmp_path / "karabakh-mining.txt"
    shutil.copyfile(SEED, dst)
    return dst


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_HOME, ignore_errors=True)


def assert_one_line_error(result, code: int, words) -> None:
    """A user's mistake: one `toolkit: error:` line naming what went wrong, its exit code, no traceback."""
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("toolkit: error: ")
    for w in words:
        assert w in lines[0], lines[0]
    assert "Traceback" not in result.output
