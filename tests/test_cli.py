"""The command line through typer's runner: the main job end to end with the pseudo engine."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from typer.testing import CliRunner

from toolkit import __version__
from toolkit.cli import app

from .conftest import ROOT, SEED, SEGMENTATION, msgfmt_check

runner = CliRunner()


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"toolkit {__version__}"


def test_segment_json_reproduces_the_human_segmentation(seed_article: Path):
    result = runner.invoke(app, ["segment", str(seed_article), "--json", "--glossary", str(ROOT / "glossaries")])
    assert result.exit_code == 0, result.output
    expected = json.loads(SEGMENTATION.read_text(encoding="utf-8"))["blocks"]
    assert json.loads(result.output) == expected


def test_translate_all_with_pseudo_writes_valid_catalogs(seed_article: Path, tmp_path: Path):
    locales = tmp_path / "locales"
    result = runner.invoke(app, ["translate", str(seed_article), "--to", "all", "--engine", "pseudo",
                                 "--locales", str(locales), "--glossary", str(ROOT / "glossaries")])
    assert result.exit_code == 0, result.output
    pot = locales / "karabakh-mining.pot"
    msgfmt_check(pot)
    for lang in ("ru", "az", "hy"):
        path = locales / lang / "LC_MESSAGES" / "karabakh-mining.po"
        msgfmt_check(path)
        po = polib.pofile(str(path))
        assert po.metadata["Language"] == lang
        assert len([e for e in po if not e.obsolete]) == 20
        assert all(e.fuzzy for e in po if not e.obsolete)
    header = next(line for line in result.output.splitlines() if line.startswith("article"))
    assert header.split() == ["article", "segments", "ru", "az", "hy"]        # one short column per language
    assert "20/20" in result.output                                           # 20 sent, 20 entries written


def test_second_run_changes_nothing(seed_article: Path, tmp_path: Path):
    args = ["translate", str(seed_article), "--to", "ru", "--engine", "pseudo", "--locales",
            str(tmp_path / "loc"), "--glossary", str(ROOT / "glossaries")]
    assert runner.invoke(app, args).exit_code == 0
    po = tmp_path / "loc" / "ru" / "LC_MESSAGES" / "karabakh-mining.po"
    before = po.read_bytes()
    again = runner.invoke(app, args)
    assert again.exit_code == 0
    assert " 0/0" in again.output          # nothing sent, no entry changed
    assert po.read_bytes() == before


def test_user_error_is_one_line_and_exit_code(tmp_path: Path):
    result = runner.invoke(app, ["translate", str(tmp_path / "missing.txt"), "--to", "ru", "--engine", "pseudo"])
    assert result.exit_code == 3
    assert result.output.strip().count("\n") == 0
    assert "missing.txt: no such file" in result.output


def test_unknown_language_is_a_usage_error(seed_article: Path):
    result = runner.invoke(app, ["translate", str(seed_article), "--to", "xx-nonsense", "--engine", "pseudo"])
    assert result.exit_code == 2
    assert "unknown language code" in result.output


def test_python_dash_m_works():
    out = subprocess.run([sys.executable, "-m", "toolkit", "--version"], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    assert out.stdout.strip() == f"toolkit {__version__}"


@pytest.mark.parametrize("args", [["--help"], ["segment", "SEED"], ["segment", "SEED", "--json"]])
def test_help_and_segment_load_no_model_code(args):
    """Start-up stays light: no CTranslate2, SentencePiece, argostranslate or pymorphy3 for these commands, and
    not the review page's web stack (Starlette, uvicorn, Jinja2)."""
    args = [str(SEED) if a == "SEED" else a for a in args]
    code = ("import sys, atexit\n"
            "heavy = {'ctranslate2', 'sentencepiece', 'argostranslate', 'pymorphy3', 'torch', 'stanza', "
            "'starlette', 'uvicorn', 'jinja2'}\n"
            "atexit.register(lambda: print('HEAVY', sorted({m.split('.')[0] for m in sys.modules} & heavy), "
            "file=sys.stderr))\n"
            f"sys.argv = ['toolkit', *{args!r}]\n"
            "from toolkit.cli import main\nmain()\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "HEAVY []" in result.stderr


def test_translate_outside_a_project_without_glossaries(tmp_path: Path, monkeypatch):
    """The default glossaries/ may be missing (a note, no terminology); a --glossary given must exist; and a
    missing article is reported before anything about glossaries."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("Baku is the capital.\n", encoding="utf-8")
    result = runner.invoke(app, ["translate", "a.txt", "--to", "ru", "--engine", "pseudo"])
    assert result.exit_code == 0, result.output
    assert "no glossaries/ here, translated without terminology" in result.stderr
    msgfmt_check(tmp_path / "locales" / "ru" / "LC_MESSAGES" / "a.po")
    result = runner.invoke(app, ["translate", "a.txt", "--to", "ru", "--engine", "pseudo", "-g", "nothere"])
    assert result.exit_code == 3 and "nothere: no such glossary file or directory" in result.stderr
    result = runner.invoke(app, ["translate", "nope.txt", "--to", "ru", "--engine", "pseudo"])
    assert result.exit_code == 3 and result.stderr.strip() == "toolkit: error: nope.txt: no such file (check the path)"


# Every command follows one glossary rule (toolkit.glossary.choose): a --glossary named must exist; none named
# means glossaries/ if there is one, else a note and no terminology, or an error where the glossary is the subject.
GLOSSARY_RULE = [
    (["segment", "a.txt"], "segmented", "works from the article alone"),
    (["translate", "a.txt", "--to", "ru", "--engine", "pseudo"], "translated", "the first command a user runs"),
    (["build", "a.txt", "--to", "ru", "--out", "-"], "built", "segments the article as translate did"),
    (["check"], "checked", "term checks are skipped, the rest runs"),
    (["stats", "--format", "json"], "counted", "term columns stay empty"),
    (["glossary", "check"], None, "the glossary is the subject: required"),
    (["glossary", "conflicts"], None, "required"),
    (["glossary", "export"], None, "required"),
]


@pytest.mark.parametrize(("args", "done", "reason"), GLOSSARY_RULE, ids=[" ".join(r[0][:2]) for r in GLOSSARY_RULE])
def test_every_command_follows_one_glossary_rule(args, done, reason, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("Baku is the capital.\n", encoding="utf-8")
    made = runner.invoke(app, ["translate", "a.txt", "--to", "ru", "--engine", "pseudo", "--no-glossary"])
    assert made.exit_code == 0 and "note" not in made.stderr, made.output     # --no-glossary: silent

    named = runner.invoke(app, [*args, "--glossary", "nothere"])
    assert named.exit_code == 3, reason
    assert named.stderr.strip() == "toolkit: error: nothere: no such glossary file or directory (check --glossary)"

    default = runner.invoke(app, args)
    if done is None:
        assert default.exit_code == 3 and "glossaries: no such glossary file or directory" in default.stderr, reason
    else:
        assert default.exit_code == 0, (reason, default.output)
        assert default.stderr.strip().endswith(f"toolkit: note: no glossaries/ here, {done} without terminology "
                                               "(pass --glossary DIR, or --no-glossary to silence this)"), reason
        assert "note" not in runner.invoke(app, [*args, "--no-glossary"]).stderr, reason
