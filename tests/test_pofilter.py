"""Our typography checks beside translate-toolkit's pofilter, on the same catalogs.

pofilter is the outside judge: each row says what pofilter reports (run for real on a catalog of these
rows, `--language` set to the target) and what `qa` reports, and why they differ where they do. The
tests we take and the ones we leave are listed in docs/pofilter.md.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from toolkit import catalog, pofile, qa

#: pofilter's tests that concern what we check (the rest are for software strings: docs/pofilter.md)
POFILTER_TESTS = ("brackets", "doublespacing", "endpunc", "endwhitespace", "startwhitespace", "newlines",
                  "doublequoting", "compendiumconflicts")

# (lang, source, target, pofilter's tests, our codes, why)
ROWS = [
    ("ru", "The talks lasted 20 years.", "Переговоры длились 20 лет", {"endpunc"}, {"end-punctuation"},
     "a dropped full stop: both"),
    ("ru", "The talks (in Baku) ended.", "Переговоры (в Баку закончились.", {"brackets"}, {"brackets"},
     "a bracket left open: both"),
    ("ru", "The EU said nothing.", "ЕС  ничего не сказал.", {"doublespacing"}, {"spaces"}, "both"),
    ("ru", "The EU said nothing.", "ЕС ничего не сказал. ", {"endwhitespace"}, {"spaces"}, "both"),
    ("ru", "The EU said nothing.", " ЕС ничего не сказал.", {"startwhitespace"}, {"spaces"}, "both"),
    ("ru", "The EU said nothing.", "ЕС ничего\nне сказал.", {"newlines"}, {"newline"},
     "both; ours blocks an approved entry: the line break splits the built paragraph"),
    ("ru", "Who said it?", "Кто это сказал?", set(), set(), "a clean question"),
    ("ru", "Baku, 4 December (AA)", "Баку, 4 декабря (Анадолу)", set(), set(), "a clean caption"),
    ("ru", 'It said "no".', "Он сказал «нет».", {"doublequoting"}, set(),
     "noise we leave: «» are Russia's quotes"),
    ("ru", 'The "Kyzylbulag" mine.', "Рудник „Кызылбулаг“.", {"doublequoting"}, set(),
     "noise we leave: „“ are Russian quotes too"),
    ("ru", 'The "Kyzylbulag" mine.', "Рудник «Кызылбулаг.", {"doublequoting"}, {"brackets"},
     "a guillemet left open: pofilter sees only other quotes, we see the unbalanced «"),
    ("ru", "The EU said nothing.", "ЕС ничего не сказал!", {"endpunc"}, set(),
     "an exclamation for a full stop is an editor's choice, not a dropped sentence end"),
    ("az", 'It said "no".', "O “yox” dedi.", {"doublequoting"}, set(), "noise we leave: az prints “”"),
    ("az", "The EU said nothing.", "Aİ heç nə demədi", {"endpunc"}, {"end-punctuation"}, "both"),
    ("hy", "Talks ended in Baku.", "Բանակցություններն ավարտվեցին Բաքվում։", set(), set(),
     "the Armenian full stop ։ ends the sentence: both know it"),
    ("hy", "Who said it?", "Ո՞վ ասաց դա։", {"endpunc"}, set(),
     "noise we leave: Armenian puts its question mark ՞ on the word asked about and ends with ։"),
    ("hy", 'It said "no".', "Նա ասաց «ոչ»։", {"doublequoting"}, set(), "noise we leave: «» are Armenian quotes"),
    ("hy", "Talks ended in Baku.", "Բանակցություններն ավարտվեցին Բաքվում", {"endpunc"}, {"end-punctuation"},
     "no sentence end at all: both"),
    ("hy", "Talks ended in Baku.", "Բանակցություններն ավարտվեցին Բաքվում:", {"endpunc"}, set(),
     "noise we leave: ':' typed for ։, as FLORES-200's professional Armenian does in most sentences"),
    ("ru", "The National Security Advisor (NSA) resigned.", "Советник по национальной безопасности ушёл в отставку.",
     {"brackets"}, set(), "noise we leave: the bracketed acronym dropped with its brackets is editing"),
]


def pofilter(path: Path, lang: str, tests=POFILTER_TESTS) -> dict[str | None, set[str]]:
    """What the real pofilter reports per entry (keyed by msgctxt) of the catalog at `path`."""
    tool = shutil.which("pofilter")
    if tool is None:
        pytest.skip("translate-toolkit's pofilter is not installed (uv sync installs the dev dependencies)")
    args = [tool, "--progress=none", "--language", lang, *(f"-t{t}" for t in tests), str(path)]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return {e.msgctxt: set(re.findall(r"\(pofilter\) (\w+):", e.tcomment)) for e in polib.pofile(out) if e.msgid}


@pytest.fixture(scope="module")
def reported(tmp_path_factory) -> dict[int, set[str]]:
    """pofilter's verdict on every row, from one catalog per language."""
    folder = tmp_path_factory.mktemp("pofilter")
    out: dict[int, set[str]] = {}
    for lang in sorted({row[0] for row in ROWS}):
        po = polib.POFile(wrapwidth=79)
        po.metadata = catalog.header(lang)
        for i, (row_lang, source, target, *_) in enumerate(ROWS):
            if row_lang == lang:
                po.append(polib.POEntry(msgctxt=f"row {i}", msgid=source, msgstr=target))
        path = folder / f"{lang}.po"
        pofile.write(po, path)
        for ctxt, tests in pofilter(path, lang).items():
            out[int(ctxt.split()[1])] = tests
    return out


@pytest.mark.parametrize("i", range(len(ROWS)), ids=[f"{r[0]}:{r[5]}" for r in ROWS])
def test_ours_and_pofilters_side_by_side(reported: dict[int, set[str]], i: int):
    lang, source, target, theirs, ours, _why = ROWS[i]
    assert reported.get(i, set()) == theirs, "pofilter changed its verdict: look at the row again"
    found = {f.code for f in qa.typography_findings(source, target, lang) + qa.punctuation_findings(source, target, lang)}
    assert found == ours


def test_compendium_conflicts_are_our_merge_conflicts(tmp_path: Path):
    """pofilter's compendiumconflicts and our merge-conflict agree on a real msgcat merge."""
    msgcat = shutil.which("msgcat")
    if msgcat is None:
        pytest.skip("GNU gettext's msgcat is not installed")
    for name, caption in (("ours", "(Фото Анадолу)"), ("theirs", "(Фото: Анадолу)")):
        po = polib.POFile(wrapwidth=79)
        po.metadata = catalog.header("ru")
        po.append(polib.POEntry(msgid="(AA Photo)", msgstr=caption))
        po.append(polib.POEntry(msgid="Baku said.", msgstr="Баку заявил."))
        pofile.write(po, tmp_path / f"{name}.po")
    merged = tmp_path / "merged.po"
    subprocess.run([msgcat, "-o", str(merged), str(tmp_path / "ours.po"), str(tmp_path / "theirs.po")], check=True)
    theirs = pofilter(merged, "ru", ("compendiumconflicts",))
    po = polib.pofile(str(merged))
    ours = {e.msgid for e in po if e.msgid and any(f.code == "merge-conflict" for f in qa.entry_findings(e, "ru"))}
    assert list(theirs.values()) == [{"compendiumconflicts"}]
    assert ours == {"(AA Photo)"}
