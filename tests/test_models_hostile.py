"""Hostile and unlucky model installs (issue 16, the model and download parts): each case is one line on stderr,
the right exit code, and a models directory whose working model is exactly as it was.

The servers are tests/conftest_models.py `ModelServer` on 127.0.0.1; download limits are shrunk so a dripping
server is met within a second.
"""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest_models import Route, built, model_server, models_dir, tiny_package  # noqa: F401
from toolkit import models
from toolkit.models import archives, download
from toolkit.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def short_limits(monkeypatch):
    monkeypatch.setattr(download, "LIMITS", download.Limits(deadline=1.0, stall=1.0, attempts=2, backoff=0,
                                                            max_bytes=50 << 20))


@pytest.fixture
def working(tiny_package, models_dir) -> Path:
    """A models dir holding a working en→ru model, the thing no failed install may touch."""
    models.install(tiny_package)
    return models_dir


def tree_hashes(root: Path) -> dict[str, str]:
    """Every file and link under `root` (hidden work folders and the lock file aside) with its content hash."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith((".install-", ".download-", ".opus-", ".trash-")) or rel == ".toolkit-models.lock":
            continue
        if path.is_symlink():
            out[rel] = "link:" + os.readlink(path)
        elif path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _rezip(src: Path, dst: Path, *, top: str | None = None, add: dict[str, bytes] | None = None,
           meta: dict | None = None) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            name = info.filename
            data = zin.read(info)
            if meta is not None and name.endswith("/metadata.json"):
                data = json.dumps(meta).encode()
            if top is not None:
                name = top + "/" + name.split("/", 1)[1]
            zout.writestr(name, data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


def _links_string_index(server, package: Path) -> str:
    server.routes["/p.argosmodel"] = Route(package.read_bytes())
    entry = {"package_version": "1.9", "argos_version": "1.9", "from_code": "en", "from_name": "English",
             "to_code": "ru", "to_name": "Russian", "links": server.url("/p.argosmodel"), "code": "translate-en_ru"}
    server.routes["/index.json"] = Route(json.dumps([entry]).encode())
    return server.url("/index.json")


def _broken_metadata_dir(tmp: Path, package: Path) -> str:
    with zipfile.ZipFile(package) as zf:
        zf.extractall(tmp / "unzipped")
    pkg = next((tmp / "unzipped").iterdir())
    (pkg / "metadata.json").write_text("{nope", encoding="utf-8")
    return str(pkg) + "/"


def _random_ct2_dir(tmp: Path, package: Path) -> str:
    """model.bin of random bytes beside a real vocabulary and tokenizer: looks like a model, is not one."""
    with zipfile.ZipFile(package) as zf:
        zf.extractall(tmp / "unzipped")
    pkg = next((tmp / "unzipped").iterdir())
    (pkg / "model" / "model.bin").write_bytes(os.urandom(4096))
    return str(pkg / "model")


def _bad_crc(tmp: Path, package: Path) -> str:
    """One byte flipped inside the largest stored member (model.bin): the zip opens, its CRC check fails."""
    data = bytearray(package.read_bytes())
    with zipfile.ZipFile(package) as zf:
        big = max(zf.infolist(), key=lambda i: i.file_size)
    data[big.header_offset + 30 + len(big.filename) + 1000] ^= 0xFF
    (tmp / "crc.argosmodel").write_bytes(bytes(data))
    return str(tmp / "crc.argosmodel")


def _model_bin_to_dev_zero(tmp: Path, package: Path) -> str:
    model = Path(_random_ct2_dir(tmp, package))
    (model / "model.bin").unlink()
    (model / "model.bin").symlink_to("/dev/zero")
    return str(model)


# (case, how to build the argument, extra CLI args, exit code, what the one line says)
CASES = [
    ("content-length-abc", lambda s, t, p: s.add("/p", Route(p.read_bytes(), content_length="abc")), [], 4,
     "invalid Content-Length 'abc'"),
    ("url-ends-in-dotdot", lambda s, t, p: s.base + "/v1/..", [], 4, "HTTP 404"),
    ("bad-ipv6-url", lambda s, t, p: "http://[::1/x", [], 4, "not a valid URL: Invalid IPv6 URL"),
    ("http-500", lambda s, t, p: s.add("/p", Route(b"", status=500)), [], 4, "HTTP 500"),
    ("http-403", lambda s, t, p: s.add("/p", Route(b"", status=403)), [], 4, "refused the download"),
    ("drips-one-byte-at-a-time", lambda s, t, p: s.add("/p", Route(b"x" * 100, drip=0.05)), [], 4,
     "did not finish within 1 s"),
    ("drips-its-headers", lambda s, t, p: s.add("/p", Route(drip_headers=0.05)), [], 4,
     "did not finish within 1 s"),
    ("announces-too-much", lambda s, t, p: s.add("/p", Route(b"x", content_length=str(60 << 20))), [], 4,
     "more than the 52,428,800 allowed"),
    ("redirect-to-ftp", lambda s, t, p: s.add_redirect("/p", "ftp://127.0.0.1/x"), [], 4, "not http(s)"),
    ("not-a-zip", lambda s, t, p: s.add("/p", Route(b"<html>login</html>")), [], 4, "not a zip archive"),
    ("fifo", lambda s, t, p: (os.mkfifo(t / "fifo"), str(t / "fifo"))[1], [], 3, "not a regular file"),
    ("dev-zero", lambda s, t, p: "/dev/zero", ["--lang", "ru"], 3, "not a regular file"),
    ("lang-contradicts-package", lambda s, t, p: str(p), ["--lang", "az"], 2, "--lang az contradicts the package"),
    ("model-bin-links-to-dev-zero", lambda s, t, p: _model_bin_to_dev_zero(t, p), ["--lang", "ru"], 4,
     "model.bin is not a regular file"),
    ("bad-crc", lambda s, t, p: _bad_crc(t, p), [], 4, "Bad CRC-32"),
    # ru's Argos package (the catalogue's index route; ru's default is the OPUS-MT tc-big release)
    ("index-links-is-a-string", "index", ["--model", "translate-en_ru"], 4, "`links` that is not a list of URLs"),
    ("index-nested-100k-deep", "nested-index", ["--model", "translate-en_ru"], 4,
     "the package index is not valid JSON"),
    ("dir-with-broken-metadata", lambda s, t, p: _broken_metadata_dir(t, p), [], 4,
     "metadata.json is not valid JSON"),
    ("random-bytes-ctranslate2", lambda s, t, p: _random_ct2_dir(t, p), ["--lang", "ru"], 4,
     "the model does not load or translate"),
    ("top-folder-names-another-language", lambda s, t, p: str(_rezip(p, t / "x.argosmodel",
                                                                        top="translate-en_az-0_0")), [], 4,
     "its folder translate-en_az-0_0/ says en→az but its metadata.json says en→ru"),
    ("unknown-target-in-metadata", lambda s, t, p: str(_rezip(p, t / "x.argosmodel", meta={
        "from_code": "en", "to_code": "../..", "package_version": "1"})), [], 4, "unknown target language"),
]


class _Server:
    def __init__(self, server) -> None:
        self.server, self.base = server, server.base

    def add(self, path: str, route: Route) -> str:
        self.server.routes[path] = route
        return self.server.url(path)

    def add_redirect(self, path: str, location: str) -> str:
        original = self.server._answer

        def answer(h):
            if h.path == path:
                h.send_response(302)
                h.send_header("Location", location)
                h.send_header("Content-Length", "0")
                h.end_headers()
                return None
            return original(h)

        self.server._answer = answer
        return self.server.url(path)


@pytest.mark.parametrize(("case", "make", "extra", "code", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_installs_are_one_line_and_change_nothing(case, make, extra, code, message, working, tiny_package,
                                                      model_server, tmp_path, monkeypatch):
    before = tree_hashes(working)
    if make == "index":
        monkeypatch.setenv(models.PACKAGE_INDEX_ENV, _links_string_index(model_server, tiny_package))
        target = "ru"
    elif make == "nested-index":
        model_server.routes["/index.json"] = Route(b"[" * 100_000)
        monkeypatch.setenv(models.PACKAGE_INDEX_ENV, model_server.url("/index.json"))
        target = "ru"
    else:
        target = make(_Server(model_server), tmp_path, tiny_package)
    result = runner.invoke(app, ["models", "install", target, *extra])
    assert result.exit_code == code, (result.output, result.exception)
    line = result.stderr.rstrip("\n")
    assert "\n" not in line and line.startswith("toolkit: error: ") and message in line, line
    assert "Traceback" not in result.output and ".download-" not in line and "no network" not in line
    assert tree_hashes(working) == before
    assert [m.target for m in models.list_installed()] == ["ru"]
    assert not [p for p in working.iterdir() if p.name.startswith((".install-", ".download-", ".opus-"))]


def test_a_redirect_is_followed_with_our_user_agent(tiny_package, model_server, models_dir):
    model_server.routes["/new/p.argosmodel"] = Route(tiny_package.read_bytes(), refuse_python_urllib=True)
    model_server.routes["/old/p.argosmodel"] = Route(redirect="/new/p.argosmodel")
    assert models.install(model_server.url("/old/p.argosmodel")).target == "ru"
    assert [p for p, _ in model_server.requests] == ["/old/p.argosmodel", "/new/p.argosmodel"]
    assert {h["User-Agent"] for _, h in model_server.requests} == {download.USER_AGENT}


def test_a_hidden_top_folder_is_installed_under_its_metadata_name_and_listed(tiny_package, tmp_path, models_dir):
    hidden = _rezip(tiny_package, tmp_path / "hidden.argosmodel", top=".hidden")
    result = runner.invoke(app, ["models", "install", str(hidden)])
    assert result.exit_code == 0, result.output
    assert [m.path.name for m in models.list_installed()] == ["translate-en_ru-0_0"]
    assert not (models_dir / ".hidden").exists()


def test_a_zip_bomb_is_refused_before_extraction(tiny_package, tmp_path, working, monkeypatch):
    monkeypatch.setattr(archives, "MAX_UNPACKED_BYTES", 8 << 20)
    bomb = tmp_path / "bomb.argosmodel"
    with zipfile.ZipFile(tiny_package) as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
        zout.writestr("translate-en_ru-0_0/stanza/huge.bin", bytes(32 << 20))     # 32 MB of zeros, ~32 kB zipped
    assert bomb.stat().st_size < 2 << 20
    before = tree_hashes(working)
    result = runner.invoke(app, ["models", "install", str(bomb)])
    assert result.exit_code == 4
    assert "the archive unpacks to 34.1 MB, more than the 8.4 MB allowed for a model" in result.stderr
    assert tree_hashes(working) == before


def test_leftovers_of_a_killed_run_are_cleaned_and_nothing_else(tiny_package, models_dir):
    models_dir.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()                   # a pid that has just exited
    killed = models_dir / f".download-{dead}-abc123"
    (killed / "sub").mkdir(parents=True)
    (killed / ".toolkit-work").write_text(dead)
    (killed / "sub" / "translate-en_ru.argosmodel").write_bytes(b"partial")
    not_ours = models_dir / f".download-{dead}-nomarker"            # right name, no marker: not ours
    not_ours.mkdir()
    running = models_dir / f".install-{os.getppid()}-xyz"           # a live process's work folder
    running.mkdir()
    (running / ".toolkit-work").write_text(str(os.getppid()))
    models.install(tiny_package)
    assert not killed.exists() and not_ours.exists() and running.exists()


def test_two_installs_at_once_both_end_cleanly(tiny_package, models_dir):
    errors: list[BaseException] = []

    def install() -> None:
        try:
            models.install(tiny_package)
        except BaseException as exc:   # noqa: BLE001 — collected and asserted on below
            errors.append(exc)

    threads = [threading.Thread(target=install) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert [m.path.name for m in models.list_installed()] == ["translate-en_ru-0_0"]
    assert not [p for p in models_dir.iterdir() if p.name.startswith((".install-", ".trash-"))]


def test_planted_symlinks_are_never_written_through(tiny_package, models_dir, tmp_path):
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("precious")
    models_dir.mkdir()
    (models_dir / "translate-en_ru-0_0").symlink_to(victim, target_is_directory=True)
    model = models.install(tiny_package)
    assert model.path.is_dir() and not model.path.is_symlink()
    assert [p.name for p in victim.iterdir()] == ["keep.txt"] and (victim / "keep.txt").read_text() == "precious"

    # a by-hand package whose missing config.json is a dangling link: resolve replaces the link, never follows it
    (model.model_dir / "config.json").unlink()
    (model.model_dir / "config.json").symlink_to(tmp_path / "elsewhere.json")
    models.resolve("ru")
    assert not (tmp_path / "elsewhere.json").exists() and not (model.model_dir / "config.json").is_symlink()


def test_download_refuses_an_existing_or_linked_destination(tmp_path, model_server):
    model_server.routes["/p"] = Route(b"data")
    (tmp_path / "target").write_text("keep")
    (tmp_path / "link").symlink_to(tmp_path / "target")
    for name in ("target", "link"):
        with pytest.raises(Exception, match="cannot create the download file"):
            download.fetch(model_server.url("/p"), tmp_path / name)
    assert (tmp_path / "target").read_text() == "keep"


def test_disk_full_during_a_download_is_one_line(tiny_package, model_server, models_dir):
    """A real write failure: the child may not grow a file past 64 kB (RLIMIT_FSIZE, SIGXFSZ ignored: EFBIG)."""
    model_server.routes["/p.argosmodel"] = Route(tiny_package.read_bytes())

    def limit() -> None:
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 << 10, 64 << 10))

    env = {**os.environ, "TOOLKIT_MODELS_DIR": str(models_dir), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, "-m", "toolkit", "models", "install", model_server.url("/p.argosmodel")],
                          capture_output=True, text=True, env=env, cwd=ROOT, preexec_fn=limit, timeout=120)
    assert done.returncode == 5, done.stderr
    assert done.stderr.strip().count("\n") == 0
    assert "disk full while downloading" in done.stderr and model_server.url("/p.argosmodel") in done.stderr
    assert models.list_installed(models_dir) == []
    assert not [p for p in models_dir.iterdir() if p.name.startswith(".download-")]


def test_the_cap_also_holds_while_unpacking(tiny_package, tmp_path, working, monkeypatch):
    """Headers can lie (a tar member, a crafted zip): bytes are counted as they are written, whatever the
    pre-check said. The pre-check is switched off here to reach that second guard."""
    monkeypatch.setattr(archives, "MAX_UNPACKED_BYTES", 100_000)
    monkeypatch.setattr(archives, "check_space", lambda *args: None)
    before = tree_hashes(working)
    result = runner.invoke(app, ["models", "install", str(tiny_package)])
    assert result.exit_code == 4
    assert "the archive unpacks to more than the 0.1 MB allowed for a model" in result.stderr
    assert tree_hashes(working) == before
