"""Fixtures for the model tests: synthetic packages built once per session, and a local HTTP server.

Imported by tests/test_models.py and tests/test_engine_argos.py (not a conftest: tests/conftest.py belongs
to the whole suite). Everything is written under pytest's tmp dirs.
"""
from __future__ import annotations

import functools
import http.server
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from toolkit import models
from toolkit_dev import modelgen


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


# --- fixtures that mirror the real packages and servers ----------------------------------------------

@pytest.fixture(scope="session")
def real_layouts(tmp_path_factory) -> dict[str, Path]:
    """One package per layout users meet (toolkit_dev.modelgen.build_argos_package documents each):
    "az-2x": argos-train + CTranslate2 2.x en→az (no config.json, shared_vocabulary.txt, make_archive folder
    entries), "ru-locomotive": Locomotive en→ru (config.json, shared_vocabulary.json, stanza/, file entries)."""
    out = tmp_path_factory.mktemp("layouts")
    return {
        "az-2x": modelgen.build_argos_package(out / "translate-en_az-1_5.argosmodel", target="az",
                                              layout="argos-train-2x", seed=5),
        "ru-locomotive": modelgen.build_argos_package(out / "translate-en_ru-1_9.argosmodel", target="ru",
                                                      layout="locomotive", seed=9),
    }


@dataclass
class Route:
    """How the test server answers one path. Each behaviour mirrors something a real server did."""
    body: bytes = b""
    status: int = 200
    refuse_python_urllib: bool = False   # the Argos model server's 403 to Python's default User-Agent (#269)
    cut_after: int | None = None         # send Content-Length in full, then only this many bytes, then close
    cut_times: int = 1                   # ... on this many requests, then answer properly
    chunked_cut: bool = False            # chunked transfer that stops mid-chunk (http.client IncompleteRead)
    ranges: bool = False                 # honour "Range: bytes=N-" with 206 + Content-Range
    redirect: str | None = None          # 302 to this path
    drip: float | None = None            # seconds between single bytes of the body
    drip_headers: float | None = None    # seconds between single bytes of the status line and headers
    content_length: str | None = None    # a Content-Length header value to send instead of the true one


class ModelServer:
    """An HTTP server on 127.0.0.1 with per-path behaviours; records every request's path and headers."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:   # noqa: N802
                server.requests.append((self.path, dict(self.headers)))
                try:
                    server._answer(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def _answer(self, h) -> None:
        route = self.routes.get(h.path.split("?", 1)[0])
        if route is None:
            return self._send(h, 404, b"not found")
        if route.refuse_python_urllib and h.headers.get("User-Agent", "").startswith("Python-urllib"):
            return self._send(h, 403, b"<html>403 Forbidden</html>")
        if route.redirect:
            h.send_response(302)
            h.send_header("Location", self.base + route.redirect)
            h.send_header("Content-Length", "0")
            h.send_header("Connection", "close")
            h.end_headers()
            return
        if route.status != 200:
            return self._send(h, route.status, b"server error")
        if route.drip_headers is not None:
            head = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\nX-Slow: " + b"x" * 1000 + b"\r\n\r\n"
            for i in range(len(head)):
                h.wfile.write(head[i:i + 1])
                h.wfile.flush()
                time.sleep(route.drip_headers)
            return
        body, start = route.body, 0
        match = re.fullmatch(r"bytes=(\d+)-", h.headers.get("Range", ""))
        if route.ranges and match and int(match.group(1)) < len(body):
            start = int(match.group(1))
            h.send_response(206)
            h.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            h.send_response(200)
        h.send_header("ETag", '"v1"')
        h.send_header("Connection", "close")
        part = body[start:]
        if route.chunked_cut:
            h.send_header("Transfer-Encoding", "chunked")
            h.end_headers()
            half = part[: len(part) // 2]
            h.wfile.write(f"{len(part):x}\r\n".encode() + half)   # announces the whole, sends half, hangs up
            h.wfile.flush()
            return
        h.send_header("Content-Length", route.content_length or str(len(part)))
        h.end_headers()
        if route.cut_after is not None and route.cut_times > 0:
            route.cut_times -= 1
            h.wfile.write(part[: route.cut_after])
            h.wfile.flush()
            h.close_connection = True
            return
        if route.drip is not None:
            for i in range(len(part)):
                h.wfile.write(part[i:i + 1])
                h.wfile.flush()
                time.sleep(route.drip)
            return
        h.wfile.write(part)

    @staticmethod
    def _send(h, status: int, body: bytes) -> None:
        h.send_response(status)
        h.send_header("Content-Length", str(len(body)))
        h.send_header("Connection", "close")
        h.end_headers()
        h.wfile.write(body)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def model_server():
    server = ModelServer()
    try:
        yield server
    finally:
        server.close()


def real_index(base: str, packages: dict[str, str]) -> list[dict]:
    """The en→ru and en→az entries of argosopentech/argospm-index `index.json` (main, commit c9738fcd) as
    published, only the host of the https links pointed at `base`; `packages` maps a code to the path served.
    Note what is real: no `type`, no licence, `code`, argos_version "1.9"/"1.5", and az's second link ipfs://."""
    return [
        {"package_version": "1.9", "argos_version": "1.9", "from_code": "en", "from_name": "English",
         "to_code": "ru", "to_name": "Russian",
         "links": [base + packages.get("ru", "/v1/translate-en_ru-1_9.argosmodel")], "code": "translate-en_ru"},
        {"package_version": "1.5", "argos_version": "1.5", "from_code": "en", "from_name": "English",
         "to_code": "az", "to_name": "Azerbaijani",
         "links": [base + packages.get("az", "/v1/translate-en_az-1_5.argosmodel"),
                   "ipfs://QmNn1rBjRvGjTycGnKq7PoMrro4BvyTHT7nXu3sgqbo1RH"], "code": "translate-en_az"},
        {"package_version": "1.5", "argos_version": "1.5", "from_code": "az", "from_name": "Azerbaijani",
         "to_code": "en", "to_name": "English",
         "links": [base + "/v1/translate-az_en-1_5.argosmodel",
                   "ipfs://QmeikEbAZf6BdJC1GQnKJb6X6XtgkXrLUBw7EntinxpEbz"], "code": "translate-az_en"},
    ]


class Recorder:
    """Wraps a ctranslate2.Translator and records each translate_batch call: what CTranslate2
    itself receives, so a test sees the engine's real input (tokens, target prefix), not a mock's."""

    def __init__(self, translator) -> None:
        self.translator = translator
        self.calls: list[tuple[list, dict]] = []

    def translate_batch(self, batch, **kwargs):
        self.calls.append((batch, kwargs))
        return self.translator.translate_batch(batch, **kwargs)
