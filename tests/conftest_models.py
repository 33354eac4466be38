"""Fixtures for the model tests: synthetic packages built once per session, and a local HTTP server.

Imported by tests/test_models.py and tests/test_engine_argos.py (not a conftest: tests/conftest.py belongs
to the whole suite). Everything is written under pytest's tmp dirs.
"""
from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

from toolkit import modelgen, models


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict[str, Path]:
    """tiny en→ru package, multilingual (NLLB-style prefixes) en→hy package, tiny OPUS-MT release."""
    out = tmp_path_factory.mktemp("built")
    return {
        "ru": modelgen.build_argos_package(out / "translate-en_ru.argosmodel", target="ru"),
        "hy-multi": modelgen.build_argos_package(out / "translate-en_hy.argosmodel", target="hy",
                                                 multilingual=True),
        "opus": modelgen.build_opus_mt_release(out / "opus-2020-06-16.zip", target="hy"),
    }


@pytest.fixture(scope="session")
def tiny_package(built) -> Path:
    return built["ru"]


@pytest.fixture
def models_dir(tmp_path, monkeypatch) -> Path:
    """An empty models dir, also set as $TOOLKIT_MODELS_DIR."""
    path = tmp_path / "models"
    monkeypatch.setenv(models.MODELS_DIR_ENV, str(path))
    return path


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def http_root(tmp_path):
    """(directory, base URL) of an HTTP server on 127.0.0.1 serving that directory."""
    root = tmp_path / "www"
    root.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


#: A URL that fails at once: nothing listens on the discard port of the loopback interface.
DEAD_URL = "http://127.0.0.1:9/"
