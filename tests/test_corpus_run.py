"""Many articles in one run: one batch per language, a shared sentence sent once, a bad article reported in
one line while the others are written complete and valid, same-stem collisions refused before any write."""
from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest
from typer.testing import CliRunner

from toolkit import pipeline
from toolkit.cli import app
from toolkit.engines.scripted import ScriptedEngine
from toolkit.tm import Memory

from .conftest import ROOT, msgfmt_check

runner = CliRunner()
GLOSSARY = str(ROOT / "glossaries")

DATELINE = "BAKU, Dec. 4 (AZERTAC) - Officials met on Sunday."
BOILERPLATE = "Follow the agency's English service for the latest updates from the region."
BACKGROUND = "Karabakh is internationally recognized as part of Azerbaijan."
ARTICLES = {
    "rail": f"Railway to reopen in May\n\n{DATELINE} Trains will run twice a day.\n\n{BACKGROUND}\n\n{BOILERPLATE}\n",
    "mine": f"Gold output starts in Kyzylbulag\n\n{DATELINE} The mine employs 300 people.\n\n{BACKGROUND} "
            f"Experts visited the site.\n\n{BOILERPLATE}\n",
    "wheat": f"Wheat harvest reaches record\n\nFarmers in Lachin harvested 40 thousand tonnes.\n\n{BOILERPLATE}\n",
}


@pytest.fixture
def day(tmp_path: Path) -> Path:
    folder = tmp_path / "day"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def active(path: Path) -> list[polib.POEntry]:
    return [e for e in polib.pofile(str(path)) if not e.obsolete]


@pytest.mark.parametrize("with_memory", [False, True])
def test_a_shared_sentence_goes_to_the_engine_once(day, tmp_path, with_memory):
    engine = ScriptedEngine(lambda source, target: f"{target.upper()}: {source}", name="recorder")
    run = pipeline.translate_files([day], ["ru", "az"], engine=engine, glossary_dir=GLOSSARY,
                                   locales=tmp_path / "locales", memory=Memory(tmp_path / "tm") if with_memory else None)
    assert len(run.reports) == 3 and not run.failures
    assert len(engine.calls) == 2                                   # one batch per language, for all articles
    for call in engine.calls:
        assert len(call) == len(set(call))                          # nothing sent twice
        assert sum("Officials met on Sunday" in s for s in call) == 1   # the dateline of two articles: once
        assert sum(BOILERPLATE == s for s in call) == 1             # the boilerplate of three: once
        assert sum("internationally recognized" in s for s in call) == 1
    total = sum(len(r.document.segments) for r in run.reports)
    assert engine.sent == 2 * (total - 1 - 2 - 1)      # dateline 1, boilerplate 2, background 1 repeat saved
    for report in run.reports:                                      # ... and every catalog has them all
        for lang in report.languages:
            entries = active(lang.catalog)
            assert len(entries) == len(report.document.segments)
            assert all(e.msgstr for e in entries)
            msgfmt_check(lang.catalog)


def test_a_second_run_of_the_folder_sends_nothing(day, tmp_path):
    engine = ScriptedEngine(name="recorder")
    args = dict(engine=engine, glossary_dir=GLOSSARY, locales=tmp_path / "locales", memory=Memory(tmp_path / "tm"))
    pipeline.translate_files([day], ["ru"], **args)
    before = {p: p.read_bytes() for p in (tmp_path / "locales").rglob("*.po")}
    again = pipeline.translate_files([day], ["ru"], **args)
    assert len(engine.calls) == 1
    assert all(not lang.written for r in again.reports for lang in r.languages)
    assert {p: p.read_bytes() for p in before} == before


def write_bad(folder: Path) -> dict[str, str]:
    """Bad articles among good ones, and the words their one-line error must have."""
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (folder / "cp1251.txt").write_bytes("Баку заявил о переговорах.\n".encode("cp1251"))
    (folder / "empty.txt").write_text("  \n\n", encoding="utf-8")
    return {"binary.txt": "binary file", "cp1251.txt": "not valid utf-8", "empty.txt": "the article is empty"}


def test_keep_going_reports_each_bad_article_in_one_line_and_writes_the_good_ones(day, tmp_path):
    bad = write_bad(day)
    locales = tmp_path / "locales"
    result = runner.invoke(app, ["translate", str(day), "--to", "ru", "--to", "hy", "--engine", "pseudo",
                                 "--glossary", GLOSSARY, "--locales", str(locales), "--keep-going"])
    assert result.exit_code == 3, result.output                      # bad input, reported at the end
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("toolkit: error:")]
    assert len(errors) == len(bad)
    for name, words in bad.items():
        line, = [ln for ln in errors if str(day / name) in ln]
        assert words in line and "skipped" in line
    for name in ARTICLES:
        for lang in ("ru", "hy"):
            po = locales / lang / "LC_MESSAGES" / f"{name}.po"
            msgfmt_check(po)
            entries = active(po)
            assert entries and all(e.msgstr and e.fuzzy for e in entries)
        msgfmt_check(locales / f"{name}.pot")
    for name in bad:
        assert not list(locales.rglob(f"{Path(name).stem}.po*"))
    assert not [p for p in locales.rglob("*") if p.name.startswith(".") and p.name != ".toolkit.lock"]


def test_without_keep_going_a_bad_article_stops_the_run_before_anything_is_written(day, tmp_path):
    write_bad(day)
    locales = tmp_path / "locales"
    result = runner.invoke(app, ["translate", str(day), "--to", "ru", "--engine", "pseudo", "--glossary", GLOSSARY,
                                 "--locales", str(locales)])
    assert result.exit_code == 3
    assert str(day / "binary.txt") in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not list(locales.rglob("*.po*")) if locales.exists() else True


def test_same_stem_in_two_folders_is_an_error_before_anything_is_written(day, tmp_path):
    other = tmp_path / "wires"
    other.mkdir()
    (other / "rail.txt").write_text("Another rail story.\n", encoding="utf-8")
    locales = tmp_path / "locales"
    result = runner.invoke(app, ["translate", str(day), str(other), "--to", "ru", "--engine", "pseudo",
                                 "--glossary", GLOSSARY, "--locales", str(locales)])
    assert result.exit_code == 2
    assert "rail.txt and" in result.stderr and "'rail'" in result.stderr
    assert not locales.exists()


def test_recursive_json_summary(day, tmp_path):
    sub = day / "sport"
    sub.mkdir()
    (sub / "football.txt").write_text(f"Qarabag win 2-1\n\n{BOILERPLATE}\n", encoding="utf-8")
    args = ["translate", str(day), "--to", "ru", "--engine", "pseudo", "--glossary", GLOSSARY,
            "--locales", str(tmp_path / "locales"), "--format", "json"]
    flat = json.loads(runner.invoke(app, args).stdout)
    assert [a["name"] for a in flat["articles"]] == ["mine", "rail", "wheat"]
    deep = runner.invoke(app, [*args, "--recursive"])
    assert deep.exit_code == 0, deep.output
    out = json.loads(deep.stdout)
    assert [a["name"] for a in out["articles"]] == ["mine", "rail", "football", "wheat"]   # path order
    football = out["articles"][2]
    assert football["path"] == str(sub / "football.txt")
    assert football["languages"][0]["lang"] == "ru" and football["languages"][0]["sent"] == 2
    assert out["totals"]["articles"] == 4 and out["totals"]["failed"] == 0
    assert out["totals"]["segments"] == sum(a["segments"] for a in out["articles"])
    assert out["failures"] == []


def test_progress_counts_segments_of_the_whole_run_per_language(day, tmp_path):
    heard: list[tuple[str, int, int]] = []
    run = pipeline.translate_files([day], ["ru", "hy"], engine="pseudo", glossary_dir=GLOSSARY,
                                   locales=tmp_path / "locales", progress=lambda lang, done, total, _: heard.append(
                                       (lang, done, total)))
    total = sum(len(r.document.segments) for r in run.reports)
    for lang in ("ru", "hy"):
        mine = [(done, t) for lg, done, t in heard if lg == lang]
        assert {t for _, t in mine} == {total}                       # one bar: all articles' segments
        assert [d for d, _ in mine] == sorted(d for d, _ in mine) and mine[-1][0] == total


def test_keep_going_skips_an_article_whose_catalog_is_broken(day, tmp_path):
    locales = tmp_path / "locales"
    args = ["translate", str(day), "--to", "ru", "--engine", "pseudo", "--glossary", GLOSSARY, "--locales", str(locales)]
    assert runner.invoke(app, args).exit_code == 0
    broken = locales / "ru" / "LC_MESSAGES" / "rail.po"
    broken.write_bytes(broken.read_bytes() + b"\nmsgid \"unterminated\n")
    kept = broken.read_bytes()
    (day / "mine.txt").write_text(ARTICLES["mine"] + "\nA new paragraph was added.\n", encoding="utf-8")
    result = runner.invoke(app, [*args, "--keep-going"])
    assert result.exit_code == 3
    line, = result.stderr.strip().splitlines()
    assert "rail.po" in line and "skipped" in line
    assert broken.read_bytes() == kept                                   # never rewritten
    mine = locales / "ru" / "LC_MESSAGES" / "mine.po"
    assert any(e.msgid == "A new paragraph was added." for e in active(mine))
    msgfmt_check(mine)


def test_build_and_compile_take_the_folder_too(day, tmp_path):
    locales = tmp_path / "locales"
    common = ["--glossary", GLOSSARY, "--locales", str(locales)]
    assert runner.invoke(app, ["translate", str(day), "--to", "ru", "--to", "az", "--engine", "pseudo", *common]
                         ).exit_code == 0
    out = tmp_path / "published"
    built = runner.invoke(app, ["build", str(day), "--to", "ru", "--to", "az", "--out", str(out), *common])
    assert built.exit_code == 0, built.output
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.{lang}.txt" for n in ARTICLES for lang in ("ru", "az"))
    assert (out / "rail.ru.txt").read_text(encoding="utf-8").count("\n") == ARTICLES["rail"].count("\n")
    compiled = runner.invoke(app, ["compile", str(day / "rail.txt"), str(day / "wheat.txt"), "--locales", str(locales)])
    assert compiled.exit_code == 0, compiled.output
    assert sorted(p.relative_to(locales).as_posix() for p in locales.rglob("*.mo")) == [
        "az/LC_MESSAGES/rail.mo", "az/LC_MESSAGES/wheat.mo", "ru/LC_MESSAGES/rail.mo", "ru/LC_MESSAGES/wheat.mo"]
