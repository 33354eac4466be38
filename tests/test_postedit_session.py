"""A real post-editing session, end to end through the CLI with the pseudo engine.

translate → a translator approves, rewrites, comments → the article changes (edit, insert, delete) and
a glossary term changes → translate again: entry by entry nothing human is lost and every change is
marked; `build` gives the golden article, `check` the expected findings, `stats` the expected counts.
Golden files are rewritten with UPDATE_GOLDEN=1 and reviewed as a diff.
"""
from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import polib
import pytest
from typer.testing import CliRunner

from toolkit import catalog, pofile
from toolkit.cli import app

from .conftest import ROOT, msgfmt_check

runner = CliRunner()
GOLDEN = Path(__file__).parent / "golden"

ARTICLE_V1 = """Baku and Yerevan met in Moscow.
Over 6,500 people came on Dec. 4. The talks lasted 20 years.
Russia sent 2,000 peacekeepers.
"""
ARTICLE_V2 = """Baku and Yerevan met in Moscow.
It was cold. Over 6,500 people came on Dec. 4. The talks lasted 20 long years.
The EU said nothing.
"""
PO = Path("loc/ru/LC_MESSAGES/article.po")


def cli(*args: str):
    result = runner.invoke(app, list(args))
    return result


def translate():
    result = cli("translate", "article.txt", "--to", "ru", "--engine", "pseudo", "--locales", "loc",
                 "--glossary", "gl")
    assert result.exit_code == 0, result.output
    msgfmt_check(PO)
    msgfmt_check(Path("loc/article.pot"))
    return result


def entries(po: polib.POFile, obsolete: bool = False) -> dict[str, polib.POEntry]:
    """By position (the `#. segment` note), for active entries; by msgid for obsolete ones."""
    return {(e.msgid if obsolete else catalog.position(e)): e for e in po if e.obsolete == obsolete}


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"differs from {path}; UPDATE_GOLDEN=1 and review the diff"


def normalised(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'"(POT-Creation-Date|PO-Revision-Date): [^"\\]*', r'"\1: DATE', text)
    return re.sub(r"toolkit \d+(?:\.\d+)+", "toolkit VERSION", text)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(ROOT / "glossaries", tmp_path / "gl")
    (tmp_path / "article.txt").write_text(ARTICLE_V1, encoding="utf-8")
    return tmp_path


def test_post_editing_session(workdir: Path):
    translate()
    po = pofile.read(PO)
    e = entries(po)
    assert list(e) == ["b1.s1", "b2.s1", "b2.s2", "b3.s1"] and all(x.fuzzy for x in e.values())

    # The translator at work: approve with a rewrite and a comment, approve a rewrite, approve as is, leave one.
    e["b1.s1"].msgstr, e["b1.s1"].tcomment = "Баку и Ереван встретились в Москве.", "checked by desk"
    e["b2.s1"].msgstr = "4 декабря пришли более 6\u00a0500 человек."
    e["b2.s2"].msgstr = "Переговоры длились 20 лет."
    for ctxt in ("b1.s1", "b2.s1", "b2.s2"):
        e[ctxt].flags.remove("fuzzy")
    pofile.write(po, PO)
    msgfmt_check(PO)

    # The article changes (edit b2.s2, insert before it so it shifts to b2.s3, delete b3.s1, add a new one),
    # and the glossary now prefers another spelling of Baku, forbidding the one the translator used.
    Path("article.txt").write_text(ARTICLE_V2, encoding="utf-8")
    names = Path("gl/names.tsv")
    names.write_text(names.read_text(encoding="utf-8").replace("\tБаку\t", "\tБакы; !Баку\t"), encoding="utf-8")
    rerun = translate()
    assert "ru: warning: 1 approved translation(s) break the glossary (b1.s1)" in rerun.stderr

    po2 = pofile.read(PO)
    now, gone = entries(po2), entries(po2, obsolete=True)
    assert list(now) == ["b1.s1", "b2.s1", "b2.s2", "b2.s3", "b3.s1"]
    # approved, unchanged sentence: text, state and comment kept; the glossary conflict is reported, not fixed
    assert (now["b1.s1"].msgstr, now["b1.s1"].fuzzy) == ("Баку и Ереван встретились в Москве.", False)
    assert now["b1.s1"].tcomment == "checked by desk"
    assert "glossary: term 'Baku' → 'Бакы' (baku): forbidden variant 'Баку'" in now["b1.s1"].comment
    # inserted sentence: machine suggestion, fuzzy
    assert now["b2.s1"].msgid == "It was cold." and now["b2.s1"].fuzzy and now["b2.s1"].msgstr.startswith("[ru:")
    # shifted sentence: same text, so same approved translation
    assert now["b2.s2"].msgid.startswith("Over 6,500")
    assert (now["b2.s2"].msgstr, now["b2.s2"].fuzzy) == ("4 декабря пришли более 6\u00a0500 человек.", False)
    # edited approved sentence: fuzzy, previous source marked, the approved text kept as the suggestion
    # (as msgmerge --previous), the new machine output in a note
    edited = now["b2.s3"]
    assert edited.fuzzy and edited.msgstr == "Переговоры длились 20 лет."
    assert (edited.previous_msgctxt, edited.previous_msgid) == (None, "The talks lasted 20 years.")
    assert any(n.startswith("new machine suggestion: [ru:") for n in edited.comment.split("\n"))
    # deleted sentence: obsolete, its machine text intact; new sentence in its place is a new entry
    assert gone["Russia sent 2,000 peacekeepers."].msgstr.startswith("[ru:")
    assert now["b3.s1"].msgid == "The EU said nothing." and now["b3.s1"].previous_msgid is None
    # no msgctxt anywhere (no sentence repeats), positions in #: and #. segment, approved entries lean
    assert all(e.msgctxt is None for e in po2)
    assert now["b2.s2"].comment == "segment b2.s2" and now["b2.s2"].previous_msgid is None
    golden("session.ru.po", normalised(PO))

    built = cli("build", "article.txt", "--to", "ru", "--locales", "loc", "--glossary", "gl")
    assert built.exit_code == 0, built.output
    assert "3 fuzzy (unreviewed) translation(s) used" in built.stderr
    golden("session.ru.txt", Path("article.ru.txt").read_text(encoding="utf-8"))

    check = cli("check", "article.txt", "--to", "ru", "--locales", "loc", "--glossary", "gl", "--format", "json")
    assert check.exit_code == 7  # the glossary conflict on an approved entry blocks publishing
    found = [(f["msgctxt"], f["code"], f["severity"]) for f in json.loads(check.stdout)["findings"]]
    assert found == [
        ("b1.s1", "term-forbidden", "error"),
        ("b2.s1", "fuzzy", "warning"),
        ("b2.s3", "fuzzy", "warning"),
        ("b3.s1", "fuzzy", "warning"),
    ]

    stats = cli("stats", "--locales", "loc", "--glossary", "gl", "--format", "json")
    assert stats.exit_code == 0, stats.output
    (ru,) = json.loads(stats.stdout)
    assert {k: ru[k] for k in ("segments", "approved", "fuzzy", "untranslated", "conflicts")} == \
        {"segments": 5, "approved": 2, "fuzzy": 3, "untranslated": 0, "conflicts": 1}
    assert ru["approved_pct"] == 40.0 and ru["words"] == 26  # "6,500" is one word


def test_second_run_is_byte_identical_and_says_0_changes(workdir: Path):
    translate()
    before = {p: p.read_bytes() for p in (PO, Path("loc/article.pot"))}
    again = translate()
    assert " 0/0" in again.output          # the table's cell: 0 sent / 0 entries changed
    assert {p: p.read_bytes() for p in before} == before
