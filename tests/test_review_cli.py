"""`toolkit review` from the command line, and what reviewers read in the terminal (`glossary conflicts`)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from toolkit.cli import app

from .conftest import ROOT, SEED

runner = CliRunner()


def desk_project(tmp_path: Path) -> Path:
    (tmp_path / "glossaries").mkdir()
    shutil.copyfile(ROOT / "glossaries" / "names.tsv", tmp_path / "glossaries" / "10-names.tsv")
    shutil.copyfile(ROOT / "examples" / "review" / "50-desk.tsv", tmp_path / "glossaries" / "50-desk.tsv")
    return tmp_path


def test_conflicts_in_the_terminal_fit_80_columns_with_project_relative_paths(tmp_path, monkeypatch):
    project = desk_project(tmp_path)
    monkeypatch.chdir(project)
    result = runner.invoke(app, ["glossary", "conflicts", "--glossary", str(project / "glossaries")],
                           env={"COLUMNS": "80"})
    assert result.exit_code == 7, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert str(project) not in result.stdout                    # relative to the project, in messages too
    # every place on a line of its own, whole: a line number is never split from its file
    assert "  glossaries/50-desk.tsv:3" in lines and "  glossaries/10-names.tsv:6" in lines
    assert "'Эривань' (glossaries/50-desk.tsv:3)" in result.stdout.replace("\n  ", " ")
    # JSON keeps the full data: the paths as given
    result = runner.invoke(app, ["glossary", "conflicts", "--glossary", str(project / "glossaries"),
                                 "--format", "json"])
    places = {p["file"] for f in json.loads(result.stdout)["decisions"] for p in f["places"]}
    assert str(project / "glossaries" / "50-desk.tsv") in places


def test_review_and_translate_do_not_load_the_web_stack_until_review_runs(tmp_path):
    """`--help` and `translate` stay light: Starlette, uvicorn and Jinja2 load only for `toolkit review`."""
    web = "{'starlette', 'uvicorn', 'jinja2', 'selenium'}"
    cases = [(["--help"], "[]"), (["review", "--help"], "[]"),
             (["translate", str(SEED), "--to", "ru", "--engine", "pseudo", "--locales", str(tmp_path / "l"),
               "--no-cache"], "[]")]
    for args, expected in cases:
        code = ("import sys, atexit\n"
                f"atexit.register(lambda: print('WEB', sorted({{m.split('.')[0] for m in sys.modules}} & {web}), "
                "file=sys.stderr))\n"
                f"sys.argv = ['toolkit', *{args!r}]\n"
                "from toolkit.cli import main\nmain()\n")
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
        assert result.returncode == 0, result.stderr
        assert f"WEB {expected}" in result.stderr, (args, result.stderr)


def test_review_command_serves_on_loopback_with_a_token(tmp_path):
    project = desk_project(tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "toolkit", "review", "--no-browser", "--reviewer", "ann"],
                            cwd=project, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                            env={**os.environ, "BROWSER": "false"})
    try:
        line = proc.stderr.readline()
        url = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=([\w-]{20,})", line)
        assert url, line
        deadline = time.monotonic() + 15
        while True:
            try:
                page = urllib.request.urlopen(url.group(0), timeout=5).read().decode()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        assert 'data-code="source-conflict"' in page and "glossaries/50-desk.tsv:3" in page
    finally:
        proc.terminate()
        proc.wait(10)


def test_review_says_a_missing_glossary_in_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["review", "--no-browser", "--glossary", "nothere"])
    assert result.exit_code == 3
    assert result.stderr.strip() == "toolkit: error: nothere: no such glossary file or directory (check --glossary)"


def test_review_on_a_port_in_use_says_so(tmp_path, monkeypatch):
    import socket

    desk_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = runner.invoke(app, ["review", "--no-browser", "--port", str(port)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"toolkit: error: cannot listen on 127.0.0.1:{port}: ")
    assert result.stderr.rstrip().endswith("(choose another --port)")


def test_a_glossary_broken_on_disk_while_the_page_is_open_is_said_not_crashed(tmp_path, monkeypatch):
    from .review_server import Served

    project = desk_project(tmp_path)
    monkeypatch.chdir(project)
    served = Served(project)
    try:
        (project / "glossaries" / "50-desk.tsv").write_text("id\ten\tru\tnote\nx\tBaku\n", encoding="utf-8")
        for path in ("/", "/summary"):
            with pytest.raises(urllib.error.HTTPError) as err:
                urllib.request.urlopen(served.url(path), timeout=10)
            page = err.value.read().decode()
            assert err.value.code == 400 and "glossaries/50-desk.tsv:2: expected 4 columns" in page
    finally:
        served.stop()
