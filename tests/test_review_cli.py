"""`toolkit review` from the command line, and what reviewers read in the terminal (`glossary conflicts`)."""
from __future__ import annotations

import hashlib
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


# --- `glossary conflicts`: two groups, --to, the run's paths in the command, waivers naming no concept ---------

# A catalog as `toolkit translate` and a translator leave it (the `#.` repair note is the one
# `terms.variants.note` writes; the waiver a translator comment, as any PO editor saves it).
DAY_PO = r'''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Language: ru\n"

#. term: Kalbajar → Кельбаджар (kalbajar): repaired variant «Кяльбаджаре» →
#. «Кельбаджаре» (seen as «Кяльбаджар»)
#: day.txt:1
#, fuzzy
msgctxt "b1.s1"
msgid "The conference took place in Kalbajar."
msgstr "Конференция прошла в Кельбаджаре."

#: day.txt:3
#, fuzzy
msgctxt "b2.s1"
msgid "Yerevan denied it."
msgstr "Москва это отрицала."

# toolkit: accept kyzylbulg, lachin
#: day.txt:5
msgctxt "b3.s1"
msgid "The road to Lachin was closed."
msgstr "Дорога в Бердзор была закрыта."
'''


def day_project(tmp_path: Path, lang: str = "ru") -> Path:
    project = desk_project(tmp_path)
    po = project / "locales" / lang / "LC_MESSAGES" / "day.po"
    po.parent.mkdir(parents=True)
    po.write_text(DAY_PO.replace("Language: ru", f"Language: {lang}"), encoding="utf-8")
    return project


def test_conflicts_lists_the_glossary_decisions_apart_from_the_machine_drafts_warnings(tmp_path, monkeypatch):
    project = day_project(tmp_path)
    monkeypatch.chdir(project)
    args = ["glossary", "conflicts", "--glossary", "glossaries", "--locales", "locales"]
    report = json.loads(runner.invoke(app, [*args, "--format", "json"]).stdout)
    assert set(report) == {"decisions", "drafts"}
    decisions = {(f["code"], f["lang"], f["term"]) for f in report["decisions"]}
    assert {("variant-seen", "ru", "Кяльбаджар"), ("waiver", "ru", "lachin"),
            ("waiver-unknown", "ru", "kyzylbulg")} <= decisions
    # the unreviewed draft that lost Yerevan is the draft's problem, not a decision for the glossary
    assert [(f["code"], f["severity"], f["msgctxt"]) for f in report["drafts"]] == [
        ("catalog-term", "warning", "b2.s1")]
    [unknown] = [f for f in report["decisions"] if f["code"] == "waiver-unknown"]
    assert unknown["severity"] == "warning" and unknown["msgctxt"] == "b3.s1" and unknown["concept"] == ""
    [waiver] = [f for f in report["decisions"] if f["code"] == "waiver"]
    assert waiver["concept"] == "lachin"
    # the one-step command names the glossary this run used (and --locales, whose lock guards the glossary,
    # when it is not the default `locales`: tests/test_variants.py)
    [seen] = [f for f in report["decisions"] if f["code"] == "variant-seen"]
    assert "`toolkit glossary add-variant kalbajar ru 'Кяльбаджар' --as forbidden --glossary glossaries`" \
        in seen["message"]
    text = runner.invoke(app, args, env={"COLUMNS": "80"}).stdout
    head, _, drafts = text.partition("unreviewed machine drafts")
    assert head.startswith("glossary conflicts: decisions: ") and "variant-seen" in head and "catalog-term" not in head
    assert "catalog-term" in drafts and "b2.s1 (fuzzy)" in drafts and "variant-seen" not in drafts
    assert max(len(line) for line in text.splitlines()) <= 80


def test_the_suggested_add_variant_command_works_as_printed(tmp_path, monkeypatch):
    import shlex

    project = day_project(tmp_path)
    monkeypatch.chdir(project)
    report = json.loads(runner.invoke(app, ["glossary", "conflicts", "--glossary", "glossaries", "--locales",
                                            "locales", "--format", "json"]).stdout)
    [seen] = [f for f in report["decisions"] if f["code"] == "variant-seen"]
    command = seen["message"].split("`")[1]
    result = runner.invoke(app, shlex.split(command)[1:])
    assert result.exit_code == 0, result.output
    assert "kalbajar\tplace\tKalbajar\tКельбаджар; !Кяльбаджар\t" in (project / "glossaries" / "50-desk.tsv").read_text(
        encoding="utf-8")
    after = json.loads(runner.invoke(app, ["glossary", "conflicts", "--glossary", "glossaries", "--locales",
                                           "locales", "--format", "json"]).stdout)
    assert "variant-seen" not in {f["code"] for f in after["decisions"]}


# (--to, codes and languages expected among the findings, languages never shown, why)
TO_CASES = [
    (["ru"], {("waiver", "ru"), ("contested", "ru"), ("overlap", "en")}, {"az", "hy"},
     "one language; the English side's overlaps concern every language"),
    (["az"], {("empty-cell", "az"), ("waiver", "az"), ("overlap", "en")}, {"ru", "hy"},
     "the catalogs of that language only"),
    (["ru,az"], {("waiver", "ru"), ("waiver", "az")}, {"hy"}, "several, as --to takes them everywhere"),
]


@pytest.mark.parametrize("to, present, absent, why", TO_CASES, ids=[c[-1] for c in TO_CASES])
def test_conflicts_to_keeps_those_languages(tmp_path, monkeypatch, to, present, absent, why):
    project = day_project(tmp_path)
    az = project / "locales" / "az" / "LC_MESSAGES" / "day.po"
    az.parent.mkdir(parents=True)
    az.write_text(DAY_PO.replace("Language: ru", "Language: az").replace("Дорога в Бердзор была закрыта.",
                                                                         "Berdzor yolu bağlandı."), encoding="utf-8")
    monkeypatch.chdir(project)
    result = runner.invoke(app, ["glossary", "conflicts", "--glossary", "glossaries", "--to", *to, "--format", "json"])
    report = json.loads(result.stdout)
    found = report["decisions"] + report["drafts"]
    assert present <= {(f["code"], f["lang"]) for f in found}
    assert not {f["lang"] for f in found} & absent


def test_stats_to_keeps_those_languages(tmp_path, monkeypatch):
    project = day_project(tmp_path)
    hy = project / "locales" / "hy" / "LC_MESSAGES" / "day.po"
    hy.parent.mkdir(parents=True)
    hy.write_text(DAY_PO.replace("Language: ru", "Language: hy"), encoding="utf-8")
    monkeypatch.chdir(project)
    rows = json.loads(runner.invoke(app, ["stats", "--glossary", "glossaries", "--format", "json"]).stdout)
    assert [r["lang"] for r in rows] == ["hy", "ru"]
    only = json.loads(runner.invoke(app, ["stats", "--glossary", "glossaries", "--to", "ru", "--format",
                                          "json"]).stdout)
    assert [r["lang"] for r in only] == ["ru"] and only[0] == rows[1]


def test_the_desk_glossary_of_the_readme_walkthrough_applies_its_forms(tmp_path):
    """README, Review: `cp glossaries/names.tsv /tmp/desk/10-names.tsv` beside examples/review/50-desk.tsv.
    Files load in name order and a later one wins; a digit sorts before a letter, so the desk file must load
    after a numbered copy (beside a plain names.tsv it would load first and lose)."""
    from toolkit import glossary, pofile

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "cp glossaries/names.tsv /tmp/desk/10-names.tsv" in readme
    desk = desk_project(tmp_path) / "glossaries"
    assert [p.name for p in glossary.glossary_files(desk)] == ["10-names.tsv", "50-desk.tsv"]
    loaded = glossary.load(desk)
    assert loaded.get("kalbajar").origin.endswith("50-desk.tsv:6")
    assert [h.concept.id for h in loaded.match("Yerevan")] == ["yerevan-desk"]
    # and a run uses them: the desk's Эривань, not names.tsv's Ереван
    locales = tmp_path / "locales"
    result = runner.invoke(app, ["translate", str(SEED), "--to", "ru", "--engine", "pseudo", "--glossary", str(desk),
                                 "--locales", str(locales), "--no-cache"])
    assert result.exit_code == 0, result.output
    targets = " ".join(e.msgstr for e in pofile.read(locales / "ru" / "LC_MESSAGES" / "karabakh-mining.po"))
    assert "Эривань" in targets and "Ереван" not in targets
    # the plain names.tsv beside it: the desk loses (the order the README warns about)
    (desk / "10-names.tsv").rename(desk / "names.tsv")
    assert [h.concept.id for h in glossary.load(desk).match("Yerevan")] == ["yerevan"]


# (the translator's comment, the waiver findings expected as (code, term, concept), why)
WAIVER_CASES = [
    ("toolkit: accept lachin", [("waiver", "lachin", "lachin")], "a concept id"),
    ("toolkit: accept Lachin", [("waiver", "lachin", "lachin")], "case does not matter"),
    ("toolkit: accept all", [("waiver", "all", "lachin-shusha-road"), ("waiver", "all", "shusha")],
     "all: every concept the source names (the longest match, as everywhere), one card each"),
    ("toolkit: accept kyzylbulg; lachin", [("waiver-unknown", "kyzylbulg", ""), ("waiver", "lachin", "lachin")],
     "a typo is a finding; the other word still waives"),
    ("checked by desk", [], "an ordinary comment waives nothing"),
]


@pytest.mark.parametrize("comment, expected, why", WAIVER_CASES, ids=[c[-1] for c in WAIVER_CASES])
def test_each_waived_word_is_one_finding_naming_its_concept(tmp_path, comment, expected, why):
    import polib

    from toolkit import catalog, glossary, pofile, qa

    po = polib.POFile(wrapwidth=79)
    po.metadata = catalog.header("ru")
    po.append(polib.POEntry(msgctxt="b1.s1", msgid="The Lachin-Shusha road and Shusha.",
                            msgstr="Дорога Бердзор-Шуши и Шуши.", tcomment=comment))
    path = tmp_path / "loc" / "ru" / "LC_MESSAGES" / "a.po"
    path.parent.mkdir(parents=True)
    pofile.write(po, path)
    found = qa.glossary_conflicts(glossary.load(ROOT / "glossaries"), tmp_path / "loc")
    assert [(f.code, f.term, f.concept) for f in found if f.code.startswith("waiver")] == expected


def test_a_waiver_decision_with_a_garbled_or_missing_entry_is_refused_and_writes_nothing(tmp_path, monkeypatch):
    import urllib.parse

    from toolkit import glossary
    from toolkit.review import edit

    from .review_server import TOKEN, Served

    project = day_project(tmp_path)
    monkeypatch.chdir(project)
    po = project / "locales" / "ru" / "LC_MESSAGES" / "day.po"
    files = {p: p.read_bytes() for p in [po, *glossary.glossary_files(project / "glossaries")]}
    seen = edit.digest(glossary.glossary_files(project / "glossaries"))
    names = str(project / "glossaries" / "10-names.tsv")
    served = Served(project)
    try:
        for fields, said in [
            ({"action": "revoke-waiver", "entry": json.dumps([str(po), "25", "b3.s1"])}, "is not [catalog file"),
            ({"action": "revoke-waiver", "entry": json.dumps([str(po), 25])}, "is not [catalog file"),
            ({"action": "accept-waiver", "at": json.dumps([names, "lachin"])}, "names no catalog entry"),
            ({"action": "revoke-waiver", "entry": json.dumps([str(project / "day.po"), 25, "b3.s1"])},
             "not a catalog under the locales folder"),
        ]:
            body = urllib.parse.urlencode({"token": TOKEN, "seen": seen, "lang": "ru", "term": "lachin",
                                           **fields}).encode()
            with pytest.raises(urllib.error.HTTPError) as err:
                urllib.request.urlopen(urllib.request.Request(served.url("/decide"), data=body), timeout=10)
            assert err.value.code == 400 and said in err.value.read().decode(), fields
    finally:
        served.stop()
    assert {p: p.read_bytes() for p in files} == files


def test_review_follow_links_writes_through_a_linked_language_folder(tmp_path):
    """`toolkit review --follow-links` reaches the catalog writes: /fuzzy marks the entry in the catalog that
    `locales/ru -> ../team-catalogs/ru` points at (without the option the same form is a 400: test_review_hostile)."""
    import urllib.parse

    project = day_project(tmp_path)
    team = project / "team-catalogs"
    team.mkdir()
    (project / "locales" / "ru").rename(team / "ru")
    (project / "locales" / "ru").symlink_to("../team-catalogs/ru")
    real = team / "ru" / "LC_MESSAGES" / "day.po"
    before = real.read_bytes()
    proc = subprocess.Popen([sys.executable, "-m", "toolkit", "review", "--no-browser", "--follow-links"],
                            cwd=project, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                            env={**os.environ, "BROWSER": "false"})
    try:
        url = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=([\w-]{20,})", proc.stderr.readline())
        assert url
        body = urllib.parse.urlencode({
            "catalog": json.dumps(["locales/ru/LC_MESSAGES/day.po", hashlib.sha256(before).hexdigest()]),
            "entry": json.dumps(["locales/ru/LC_MESSAGES/day.po", before.decode().split("\n").index(
                "# toolkit: accept kyzylbulg, lachin") + 1, "b3.s1"])}).encode()
        target = f"http://127.0.0.1:{url.group(1)}/fuzzy?token={url.group(2)}"
        deadline = time.monotonic() + 15
        while True:
            try:
                page = urllib.request.urlopen(urllib.request.Request(target, data=body), timeout=10).read().decode()
                break
            except urllib.error.HTTPError:
                raise
            except urllib.error.URLError:       # not listening yet
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        assert "1 approved entry marked fuzzy" in page
    finally:
        proc.terminate()
        proc.wait(10)
    assert real.read_bytes() == before.replace(b"#: day.txt:5\n", b"#: day.txt:5\n#, fuzzy\n")
    assert (project / "locales" / "ru").is_symlink()      # written through, not replaced by a folder


# --- the review page reads a catalog as one article, as `check` and `stats` do ------------------------------

# The 2010 Manila hostage crisis as the news reported it (tests/test_source.py has the same sentences), in
# catalogs shaped like tests/golden/session.ru.po. The gunman's name is written Мендоза; the Argentine city
# is Мендоса (CLDR America/Argentina/Mendoza), so a bare `Mendoza` read as the city looks like its variant.
MENDOZA_HEADER = r'''msgid ""
msgstr ""
"Project-Id-Version: toolkit 0.1.0\n"
"Language: ru\n"
"MIME-Version: 1.0\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Content-Transfer-Encoding: 8bit\n"
"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && "
"n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\n"
"X-Generator: toolkit 0.1.0\n"
'''
FULL_NAME = ("Rolando Mendoza fired his M16 rifle at the tourists.", "Роландо Мендоза открыл огонь по туристам из M16.")
BARE_NAME = ("Mendoza said he wanted his job back.", "Мендоза сказал, что хочет вернуться на работу.")


def mendoza_catalog(project: Path, article: str, sentences, *, approved: bool) -> Path:
    """A ru catalog of `article` whose last sentence is approved (or a machine draft), the others drafts."""
    entries = []
    for i, (en, ru) in enumerate(sentences, 1):
        fuzzy = "" if approved and i == len(sentences) else "#, fuzzy\n"
        entries.append(f'#. machine translation: argos translate-en_ru 1.9\n#: {article}.txt:{2 * i - 1}\n{fuzzy}'
                       f'msgctxt "b{i}.s1"\nmsgid "{en}"\nmsgstr "{ru}"\n')
    path = project / "locales" / "ru" / "LC_MESSAGES" / f"{article}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([MENDOZA_HEADER, *entries]), encoding="utf-8")
    return path


def cards_of(page: str, code: str) -> list[str]:
    return [part for part in page.split('<section class="card')[1:] if f'data-code="{code}"' in part.split(">", 1)[0]]


# (ru cell of the city, the catalog's sentences, the last one approved?, card code, the card's examples (their
#  articles), the "Мендоза" row of its counts (machine, approved) or None for no such card, why)
ARTICLE_CASES = [
    ("Мендоса; Мендоза", [FULL_NAME, BARE_NAME], True, "contested", [], (0, 0),
     "the gunman named in full earlier: his bare surname is no example of the city and counts for none of its forms"),
    ("Мендоса; Мендоза", [BARE_NAME], True, "contested", ["hostage.txt:1"], (0, 1),
     "no full name in this article: the bare Mendoza is the city, an approved Мендоза"),
    ("Мендоса", [FULL_NAME, BARE_NAME], False, "variant-seen", [], None,
     "the gunman's Мендоза in a machine draft is no variant of the city: no card"),
    ("Мендоса", [BARE_NAME], False, "variant-seen", ["hostage.txt:1"], (1, 0),
     "alone, the bare Mendoza is the city and its Мендоза a variant to decide on"),
]


@pytest.mark.parametrize("cell, sentences, approved, code, examples, counts, why", ARTICLE_CASES,
                         ids=[c[-1][:40] for c in ARTICLE_CASES])
def test_the_review_page_reads_a_catalog_as_one_article(tmp_path, monkeypatch, cell, sentences, approved, code,
                                                         examples, counts, why):
    from .conftest import msgfmt_check
    from .review_server import Served

    project = desk_project(tmp_path)
    (project / "glossaries" / "60-cities.tsv").write_text(
        f"id\tkind\ten\tru\taz\thy\tnote\nmendoza\tcity\tMendoza\t{cell}\tMendosa\tՄենդոսա\tCLDR America/Argentina/Mendoza\n",
        encoding="utf-8")
    msgfmt_check(mendoza_catalog(project, "hostage", sentences, approved=approved))
    monkeypatch.chdir(project)
    served = Served(project)
    try:
        page = urllib.request.urlopen(served.url("/"), timeout=30).read().decode()
    finally:
        served.stop()
    found = [c for c in cards_of(page, code) if "Mendoza" in c or "Мендоза" in c]
    if counts is None:
        assert found == [], why
        return
    [mine] = found
    shown = mine.split('<div class="label">Examples</div>')[1:]
    assert re.findall(r'<span class="article">([^<]*)</span>', "".join(shown)) == examples, why
    row = re.search(r'<td lang="ru">Мендоза</td><td>[^<]*</td>\s*<td class="n">(\d+)</td><td class="n">(\d+)</td>', mine)
    assert row is not None and (int(row[1]), int(row[2])) == counts, why
    # and `check` agrees: a bare Mendoza is the city only where no full name came first
    result = runner.invoke(app, ["check", "--locales", str(project / "locales"), "--glossary",
                                 str(project / "glossaries"), "--format", "json"])
    mendoza = [f for f in json.loads(result.stdout)["findings"] if f.get("concept") == "mendoza"]
    assert bool(mendoza) == (len(sentences) == 1 and cell == "Мендоса"), (why, mendoza)
