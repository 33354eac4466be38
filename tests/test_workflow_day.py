"""A translator's and reviewer's day (issue 21's held-back pass), in a real git repository, with the outside
tools as judges: three articles are translated, approved in three PO editors' saves, changed, translated
again, merged by GNU msgmerge, checked, built, compiled and reviewed.

After each step: no approved translation or translator comment is lost, `git diff` touches only the entries
that had to change, a run with nothing to do leaves `git status` clean, `check` and `build --fuzzy fail`
agree, `stats` agrees with translate-toolkit's `pocount` and GNU `msgfmt --statistics`, and findings over
several articles name their article.

The editors' saves are made the way the editors make them (headers matched against real saves found in
public repositories): Poedit 3.4.2 ("X-Generator: Poedit 3.4.2", Last-Translator with an address, a
PO-Revision-Date with its own time zone; GNU wrapping at 79, CRLF as on Windows), Lokalize 21.12.1
(newsboat's po/fr.po: X-Generator before Plural-Forms; no wrapping), Weblate 5.5.3 (a Language-Team URL,
`Plural-Forms` without parentheses, translate-toolkit's wrapping at 77 columns).
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import polib
import pytest
from typer.testing import CliRunner

from toolkit import glossary as glossary_mod, pofile
from toolkit.cli import app
from toolkit.review import edit
from toolkit.review.decision import Decision

from .test_pofilter import POFILTER_TESTS, pofilter

pytestmark = pytest.mark.skipif(any(shutil.which(t) is None for t in ("git", "msgmerge", "msgcat", "msgfmt")),
                                reason="git and GNU gettext are needed")

runner = CliRunner()
ARTICLES = {
    "a1": "Baku and Yerevan met in Moscow.\n\nOver 6,500 people came on Dec. 4. The talks lasted 20 years.\n",
    "a2": "Russia sent 2,000 peacekeepers.\n\nThe ministry thanked Yerevan.\n",
    "a3": "Moscow made no comment.\n\nThe mine will open in 2027.\n",
}
# The day's changes: an inserted paragraph (a1), an edited sentence (a2), a sentence duplicated before its
# approved original (a3).
CHANGED = {
    "a1": "Baku and Yerevan met in Moscow.\n\nIt was cold.\n\n"
          "Over 6,500 people came on Dec. 4. The talks lasted 20 years.\n",
    "a2": "Russia sent 2,000 peacekeepers.\n\nThe ministry thanked Yerevan again.\n",
    "a3": "The mine will open in 2027.\n\nMoscow made no comment.\n\nThe mine will open in 2027.\n",
}
GLOSSARY = ("id\tkind\ten\tru\tnote\n"
            "baku\tcity\tBaku\tБаку\t\n"
            "yerevan\tcity\tYerevan\tЕреван\t\n"
            "moscow\tcity\tMoscow\tМосква\t\n"
            "russia\tcountry\tRussia\tРоссия\t\n")
# What the translators write (an approval is the translation without `#, fuzzy`).
HUMAN = {
    "Baku and Yerevan met in Moscow.": "Баку и Ереван встретились в Москве.",
    "Over 6,500 people came on Dec. 4.": "4 декабря пришли более 6\u00a0500 человек.",
    "Russia sent 2,000 peacekeepers.": "Россия направила 2\u00a0000 миротворцев.",
    "The ministry thanked Yerevan.": "Министерство поблагодарило Ереван.",
    "Moscow made no comment.": "Первопрестольная промолчала.",     # a form the glossary does not list: waived
    "The mine will open in 2027.": "Шахта откроется в 2027 году.",
}


def po(name: str) -> Path:
    return Path("loc/ru/LC_MESSAGES") / f"{name}.po"


def cli(*args: str, code: int | None = 0):
    result = runner.invoke(app, list(args))
    if code is not None:
        assert result.exit_code == code, result.output
    return result


def translate(code: int = 0):
    return cli("translate", "art", "--to", "ru", "--engine", "pseudo", "--glossary", "gl", "--locales", "loc",
               code=code)


def git(*args: str) -> str:
    return subprocess.run(["git", *args], capture_output=True, text=True, check=True).stdout


def commit(message: str) -> None:
    git("add", "-A")
    git("commit", "-q", "--allow-empty", "-m", message)


def assert_clean(what: str) -> None:
    assert git("status", "--porcelain") == "", f"{what} left the repository dirty:\n{git('diff', '--stat')}"


def human(path: Path) -> dict[str, tuple[str, str]]:
    """The translator's work in a catalog: approved msgid → (msgstr, translator comment); fuzzy entries
    with a translator comment too (a comment is never lost, whatever the state)."""
    return {e.msgid: (e.msgstr if not e.fuzzy else "", e.tcomment) for e in pofile.read(path)
            if not e.obsolete and (e.translated() or e.tcomment)}


def changed_msgids(path: Path) -> set[str]:
    """The msgids of the entries whose lines `git diff` shows changed (header = "")."""
    old = polib.pofile(git("show", f"HEAD:{path.as_posix()}"))
    new = polib.pofile(path.read_text(encoding="utf-8"))
    def key(e: polib.POEntry):
        return (e.msgctxt, e.msgid, e.obsolete)
    before = {key(e): str(e) for e in old}
    after = {key(e): str(e) for e in new}
    out = {k[1] for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    if old.metadata != new.metadata:
        out.add("")
    return out


def diff_lines(path: Path) -> list[str]:
    return [line for line in git("diff", "-U0", "--", path.as_posix()).splitlines()
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def editor_save(path: Path, editor: str, approve: dict[str, str], comments: dict[str, str] | None = None) -> None:
    """Approve entries (msgid → translation) and add translator comments, then save as `editor` does."""
    cat = polib.pofile(path.read_text(encoding="utf-8"), wrapwidth=0)
    for e in cat:
        if e.msgid in approve:
            e.msgstr = approve[e.msgid]
            if "fuzzy" in e.flags:
                e.flags.remove("fuzzy")
            e.previous_msgid = e.previous_msgctxt = None     # an editor drops #| when the entry is approved
        if comments and e.msgid in comments:
            e.tcomment = comments[e.msgid]
    meta = cat.metadata
    if editor == "poedit":
        meta["Last-Translator"] = "Ann Petrova <ann@example.org>"
        meta["Language-Team"] = "Russian"
        meta["PO-Revision-Date"] = "2026-12-02 14:05+0400"
        meta["X-Generator"] = "Poedit 3.4.2"
        width, crlf = 79, True
    elif editor == "lokalize":
        meta["Last-Translator"] = "Boris <boris@example.org>"
        meta["PO-Revision-Date"] = "2026-12-02 15:10+0100"
        meta = {k: v for k, v in meta.items() if k not in ("Plural-Forms", "X-Generator")}
        meta["X-Generator"] = "Lokalize 21.12.1"
        meta["Plural-Forms"] = cat.metadata["Plural-Forms"]
        cat.metadata = meta
        width, crlf = 0, False
    else:
        meta["Last-Translator"] = "Weblate Admin <admin@example.org>"
        meta["Language-Team"] = "Russian <https://weblate.example.org/projects/news/articles/ru/>"
        meta["PO-Revision-Date"] = "2026-12-02 11:00+0000"
        meta["X-Generator"] = "Weblate 5.5.3"
        width, crlf = 77, False
    raw = str(cat).encode("utf-8") + b"\n"
    argv = ["msgcat", "--no-wrap" if width == 0 else f"--width={width}", "-"]
    data = subprocess.run(argv, input=raw, capture_output=True, check=True).stdout
    if crlf:
        data = data.replace(b"\n", b"\r\n")
    path.write_bytes(data)


def msgfmt_statistics(path: Path) -> tuple[int, int, int]:
    out = subprocess.run(["msgfmt", "--statistics", "-o", "/dev/null", str(path)], capture_output=True,
                         text=True, check=True).stderr
    n = {kind: int(m.group(1)) if (m := re.search(rf"(\d+) {kind}", out)) else 0
         for kind in ("translated", "fuzzy", "untranslated")}
    return n["translated"], n["fuzzy"], n["untranslated"]


def pocount(paths: list[Path]) -> dict[str, tuple[int, int, int, int]]:
    """translate-toolkit's counts per catalog (translated, fuzzy, untranslated messages, source words)."""
    exe = shutil.which("pocount")
    if exe is None:
        pytest.skip("translate-toolkit's pocount is not installed (dev dependency)")
    out = subprocess.run([exe, "--csv", *map(str, paths)], capture_output=True, text=True, check=True).stdout
    # Filename, Translated Messages, Translated Source Words, Translated Target Words, Fuzzy Messages,
    # Fuzzy Source Words, Untranslated Messages, Untranslated Source Words, Total Message, Total Source Words
    rows = [r.split(",") for r in out.strip().splitlines()[1:]]
    return {Path(r[0]).stem: (int(r[1]), int(r[4]), int(r[6]), int(r[9])) for r in rows}


def assert_counts_agree() -> dict:
    """`stats` (all, and --by-article) = pocount = msgfmt --statistics, catalog by catalog."""
    stats = json.loads(cli("stats", "--locales", "loc", "--glossary", "gl", "--format", "json").stdout)
    (ru,) = stats
    catalogs = sorted(Path("loc/ru/LC_MESSAGES").glob("*.po"))
    gnu = {p.stem: msgfmt_statistics(p) for p in catalogs}
    theirs = pocount(catalogs)
    by_article = json.loads(cli("stats", "--by-article", "--locales", "loc", "--glossary", "gl", "--format",
                                "json").stdout)
    ours = {r["article"]: (r["approved"], r["fuzzy"], r["untranslated"], r["words"]) for r in by_article}
    assert ours == theirs, (ours, theirs)
    assert {name: n[:3] for name, n in ours.items()} == gnu, (ours, gnu)
    assert (ru["approved"], ru["fuzzy"], ru["untranslated"], ru["words"]) == tuple(map(sum, zip(*ours.values())))
    return ru


def findings(*paths: str, code: int | None = None) -> tuple[int, list[dict]]:
    result = cli("check", *paths, "--to", "ru", "--glossary", "gl", "--locales", "loc", "--format", "json",
                 code=code)
    return result.exit_code, json.loads(result.stdout)["findings"]


@pytest.fixture
def day(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    (tmp_path / "art").mkdir()
    for name, text in ARTICLES.items():
        (tmp_path / "art" / f"{name}.txt").write_text(text, encoding="utf-8")
    (tmp_path / "gl").mkdir()
    (tmp_path / "gl" / "names.tsv").write_text(GLOSSARY, encoding="utf-8")
    git("init", "-q")
    git("config", "user.email", "desk@example.org")
    git("config", "user.name", "desk")
    git("config", "core.autocrlf", "false")
    return tmp_path


def test_a_day_of_translating_and_reviewing(day: Path):
    # 1. Three articles, machine drafts; the catalogs are committed.
    translate()
    commit("machine drafts")
    translate()
    assert_clean("a run with nothing to do")
    ru = assert_counts_agree()
    assert (ru["approved"], ru["fuzzy"], ru["untranslated"]) == (0, 7, 0)

    # Findings over several articles name their article; check and build agree: nothing is approved yet.
    status, found = findings("art")
    assert status == 0 and {f["article"] for f in found} == {"a1", "a2", "a3"}
    table = runner.invoke(app, ["check", "art", "--to", "ru", "--glossary", "gl", "--locales", "loc"],
                          env={"COLUMNS": "80"}).stdout
    rows = [line.split() for line in table.splitlines() if line.startswith("ru ")]
    assert [row[1] for row in rows] == [f["article"] for f in found], table
    assert max(map(len, table.splitlines())) <= 80
    assert all(f["segment"] and f["msgid"] for f in found)
    refused = cli("build", "art/a1.txt", "--to", "ru", "--locales", "loc", "--glossary", "gl", "--fuzzy", "fail",
                  "-o", "-", code=None)
    assert refused.exit_code == 7, refused.output
    assert "fuzzy" in refused.stderr and "a1" in refused.stderr

    # 2. Three translators approve in three editors.
    editor_save(po("a1"), "poedit", {k: HUMAN[k] for k in ("Baku and Yerevan met in Moscow.",
                                                           "Over 6,500 people came on Dec. 4.")},
                {"Baku and Yerevan met in Moscow.": "checked against the agency wire"})
    editor_save(po("a2"), "lokalize", {k: HUMAN[k] for k in ("Russia sent 2,000 peacekeepers.",
                                                             "The ministry thanked Yerevan.")})
    editor_save(po("a3"), "weblate", {k: HUMAN[k] for k in ("Moscow made no comment.",
                                                            "The mine will open in 2027.")},
                {"Moscow made no comment.": "toolkit: accept moscow"})
    assert po("a1").read_bytes().count(b"\r\n") == po("a1").read_bytes().count(b"\n")
    commit("translators' saves")
    saved = {name: human(po(name)) for name in ARTICLES}
    assert len(saved["a1"]) == 2 and len(saved["a2"]) == 2 and len(saved["a3"]) == 2

    translate()
    assert_clean("a run after the editors' saves")
    ru = assert_counts_agree()
    assert (ru["approved"], ru["fuzzy"], ru["untranslated"]) == (6, 1, 0)
    # The one fuzzy entry left keeps check and build in step: check warns, build --fuzzy fail refuses it.
    status, found = findings("art")
    assert status == 0 and [(f["article"], f["code"]) for f in found] == [("a1", "fuzzy")], found
    for name in ("a2", "a3"):
        cli("build", f"art/{name}.txt", "--to", "ru", "--locales", "loc", "--glossary", "gl", "--fuzzy", "fail")
    cli("build", "art/a1.txt", "--to", "ru", "--locales", "loc", "--glossary", "gl", "--fuzzy", "fail",
        "-o", "-", code=7)
    for name in ("a2", "a3"):
        Path(f"art/{name}.ru.txt").unlink()

    # 3. The articles change and nobody re-runs translate yet: check says so as build does.
    for name, text in CHANGED.items():
        Path(f"art/{name}.txt").write_text(text, encoding="utf-8")
    status, found = findings("art/a2.txt", code=None)
    assert status == 7 and any(f["code"] == "stale-catalog" and f["article"] == "a2" for f in found), found
    stale = cli("build", "art/a2.txt", "--to", "ru", "--locales", "loc", "--glossary", "gl", "-o", "-", code=None)
    assert stale.exit_code != 0
    commit("the articles change")

    # 4. translate again: only the entries that had to change change, nothing human is lost.
    translate()
    for name in ARTICLES:
        now = human(po(name))
        for msgid, (text, comment) in saved[name].items():
            assert now.get(msgid) == (text, comment) or msgid not in CHANGED[name], (name, msgid, now)
        # The editor's header is kept; PO-Revision-Date moves because entries changed (README: only then).
        meta, before = pofile.read(po(name)).metadata, polib.pofile(git("show", f"HEAD:{po(name).as_posix()}")).metadata
        assert {k: v for k, v in meta.items() if k not in ("PO-Revision-Date", "POT-Creation-Date")} == \
            {k: v for k, v in before.items() if k not in ("PO-Revision-Date", "POT-Creation-Date")}
    assert po("a1").read_bytes().count(b"\r\n") == po("a1").read_bytes().count(b"\n")
    # git diff: the header's date, the new entry, and the position lines (`#. segment`, `#:`) of the two
    # sentences the inserted paragraph shifted, nothing else (human content compared above).
    assert changed_msgids(po("a1")) == {"", "It was cold.", "Over 6,500 people came on Dec. 4.",
                                        "The talks lasted 20 years."}
    assert not [line for line in diff_lines(po("a1")) if "Over 6,500" in line or "6 500" in line]
    assert changed_msgids(po("a2")) == {"", "The ministry thanked Yerevan again.", "The ministry thanked Yerevan."}
    a2 = {e.msgid: e for e in pofile.read(po("a2")) if not e.obsolete}
    edited = a2["The ministry thanked Yerevan again."]
    assert edited.fuzzy and edited.msgstr == HUMAN["The ministry thanked Yerevan."]
    assert edited.previous_msgid == "The ministry thanked Yerevan."
    a3 = [e for e in pofile.read(po("a3")) if not e.obsolete]
    twice = [e for e in a3 if e.msgid == "The mine will open in 2027."]
    assert len(twice) == 2 and all(e.msgstr == HUMAN["The mine will open in 2027."] for e in twice)
    commit("translate after the changes")
    translate()
    assert_clean("a second run after the changes")
    assert_counts_agree()

    # 5. An outside `msgmerge --previous` (a translator's own update) against each template: it keeps every
    # approval and comment here (it drops the toolkit's `#.` notes and writes LF), and check agrees.
    for name in ARTICLES:
        before = human(po(name))
        subprocess.run(["msgmerge", "--previous", "-q", "-U", "--backup=off", str(po(name)), f"loc/{name}.pot"],
                       check=True)
        assert human(po(name)) == before, name
    status, found = findings("art")
    assert [(f["article"], f["segment"], f["code"]) for f in found] == [
        ("a1", "b2.s1", "fuzzy"), ("a1", "b3.s2", "fuzzy"), ("a2", "b2.s1", "fuzzy")]
    commit("msgmerge --previous")
    # The toolkit's next run has nothing to do: it does not write msgmerge's dropped notes back (README).
    translate()
    assert_clean("a run after msgmerge")

    # 6. A blanket approve (`msgattrib --clear-fuzzy`) publishes nothing nobody approved.
    for name in ARTICLES:
        subprocess.run(["msgattrib", "--clear-fuzzy", "-o", str(po(name)), str(po(name))], check=True)
    # The pseudo drafts stay recognisable, and so does the edited sentence whose fuzzy suggestion was the
    # earlier sentence's approved translation: its `#|` line says nobody reviewed it for the new one.
    status, found = findings("art", code=None)
    assert status == 7 and [(f["article"], f["segment"], f["code"], f["severity"]) for f in found] == [
        ("a1", "b2.s1", "pseudo", "error"), ("a1", "b3.s2", "pseudo", "error"),
        ("a2", "b2.s1", "unreviewed-edit", "error")]
    refused = cli("build", "art/a1.txt", "--to", "ru", "--locales", "loc", "--glossary", "gl", "--fuzzy", "fail",
                  "-o", "-", code=7)
    assert "pseudo-translation" in refused.stderr and "[ru:" not in refused.stdout
    refused = cli("build", "art/a2.txt", "--to", "ru", "--locales", "loc", "--glossary", "gl", "--fuzzy", "fail",
                  "-o", "-", code=7)
    assert "earlier sentence" in refused.stderr and "b2.s1" in refused.stderr and refused.stdout == ""
    # A run rewriting that entry anyway (the paragraph before it moves) keeps the evidence.
    Path("art/a2.txt").write_text("Russia sent 2,000 peacekeepers.\n\nMoscow is far.\n\n"
                                  "The ministry thanked Yerevan again.\n", encoding="utf-8")
    translate()
    _, found = findings("art/a2.txt", code=7)
    assert ("b3.s1", "unreviewed-edit") in [(f["segment"], f["code"]) for f in found]
    Path("art/a2.txt").write_text(CHANGED["a2"], encoding="utf-8")
    git("checkout", "--", "loc")

    # 7. The translators finish: check passes, build --fuzzy fail publishes exactly what they approved.
    editor_save(po("a1"), "poedit", {"It was cold.": "Было холодно.", "The talks lasted 20 years.":
                                     "Переговоры длились 20 лет."})
    editor_save(po("a2"), "lokalize", {"The ministry thanked Yerevan again.": "Министерство вновь поблагодарило Ереван."})
    commit("approved")
    translate()
    assert_clean("a run after the last approvals")
    status, found = findings("art")
    assert found == []
    # pofilter agrees on the finished catalogs (its tests we take: tests/test_pofilter.py, docs/pofilter.md)
    for name in ARTICLES:
        assert not any(pofilter(po(name), "ru", tuple(t for t in POFILTER_TESTS if t != "doublequoting")).values())
    published = {name: cli("build", f"art/{name}.txt", "--to", "ru", "--locales", "loc", "--glossary", "gl",
                           "--fuzzy", "fail", "-o", "-").stdout for name in ARTICLES}
    assert published["a1"] == ("Баку и Ереван встретились в Москве.\n\nБыло холодно.\n\n4 декабря пришли более "
                               "6\u00a0500 человек. Переговоры длились 20 лет.\n")
    assert published["a3"].split("\n\n") == [HUMAN["The mine will open in 2027."], HUMAN["Moscow made no comment."],
                                             HUMAN["The mine will open in 2027."] + "\n"]
    assert not any("[ru:" in text for text in published.values())
    cli("compile", "--locales", "loc")
    assert sorted(git("status", "--porcelain").split()) == ["??", "??", "??", *(f"{po(n).with_suffix('.mo')}"
                                                                                for n in ARTICLES)]
    ru = assert_counts_agree()
    assert (ru["approved"], ru["fuzzy"], ru["untranslated"]) == (9, 0, 0)
    for name in ARTICLES:
        po(name).with_suffix(".mo").unlink()

    # 8. The reviewer revokes the translator's waiver on the review page (the library call its form makes):
    # one comment line leaves a3's catalog, the glossary note records it, and check now blocks the entry.
    files = glossary_mod.glossary_files(["gl"])
    entry = next(e for e in pofile.read(po("a3")) if e.tcomment == "toolkit: accept moscow")
    written = edit.apply([Decision("revoke-waiver", "gl/names.tsv", "moscow", "ru", "moscow",
                                   entry=(str(po("a3")), entry.linenum, "b2.s1"))],
                         glossary_paths=["gl"], locales="loc", seen=edit.digest(files), who="rev",
                         when=datetime(2026, 12, 2, 16, 0, tzinfo=timezone.utc))
    assert written == [po("a3"), Path("gl/names.tsv")]
    assert diff_lines(po("a3")) == ["-# toolkit: accept moscow"]
    assert [line for line in diff_lines(Path("gl/names.tsv")) if line.startswith("+")] == [
        "+moscow\tcity\tMoscow\tМосква\t[review 2026-12-02 16:00Z rev] ru: waiver `toolkit: accept moscow` "
        "revoked (a3 b2.s1)"]
    status, found = findings("art", code=7)
    assert [(f["article"], f["segment"], f["code"]) for f in found] == [("a3", "b2.s1", "term-missing")]
    # build refuses what nobody approved (above); a glossary error in an approved translation blocks the
    # check gate only (README "The publishing gate"): the translator's sentence is still theirs.
    cli("build", "art/a3.txt", "--to", "ru", "--locales", "loc", "--glossary", "gl", "--fuzzy", "fail", "-o", "-")
    commit("review")
    # The next run notes the conflict on the entry (one `#. glossary:` line), then has nothing to do.
    translate()
    assert diff_lines(po("a3")) == ["+#. glossary: term 'Moscow' → 'Москва' (moscow): not found in the translation"]
    assert human(po("a3")) == {"The mine will open in 2027.": (HUMAN["The mine will open in 2027."], ""),
                               "Moscow made no comment.": (HUMAN["Moscow made no comment."], "")}
    commit("the conflict noted")
    translate()
    assert_clean("a run after the review's decision")
    assert_counts_agree()


DRAFTS = {   # what a small model writes for the day's sentences (real-looking drafts, not pseudo text)
    "Baku and Yerevan met in Moscow.": "Баку и Ереван встретились в Москве.",
    "It was cold.": "Было холодно.",
    "Over 6,500 people came on Dec. 4.": "Более 6500 человек пришли 4 декабря.",
    "The talks lasted 20 years.": "Переговоры продолжались 20 лет.",
}


def test_pybabel_update_between_two_runs_changes_only_the_new_entry(day: Path):
    """Babel's `pybabel update --previous` (its own header order, `charset=utf-8`, wrapping at 76 and a blank
    line at the end of the file) between two toolkit runs: the run fills the one new entry and leaves every
    other line of Babel's file alone, then has nothing to do."""
    from toolkit import catalog, document, pipeline
    from toolkit.engines.scripted import ScriptedEngine

    pybabel = shutil.which("pybabel")
    if pybabel is None:
        pytest.skip("Babel's pybabel is not installed")

    def run() -> None:
        pipeline.translate_files(["art/a1.txt"], ["ru"], engine=ScriptedEngine(lambda s, t: DRAFTS[s], name="opus"),
                                 glossary_dir="gl", locales="loc")

    run()
    editor_save(po("a1"), "poedit", {"Baku and Yerevan met in Moscow.": HUMAN["Baku and Yerevan met in Moscow."]},
                {"Baku and Yerevan met in Moscow.": "checked"})
    commit("approved one")
    Path("art/a1.txt").write_text(CHANGED["a1"], encoding="utf-8")
    pot = Path("babel.pot")
    pofile.write(catalog.build_pot(document.parse(CHANGED["a1"], name="a1", source="art/a1.txt")), pot)
    subprocess.run([pybabel, "-q", "update", "--previous", "-l", "ru", "-i", str(pot), "-o", str(po("a1"))],
                   check=True)
    assert po("a1").read_bytes().endswith(b"\n\n")        # Babel's last line
    assert human(po("a1")) == {"Baku and Yerevan met in Moscow.": (HUMAN["Baku and Yerevan met in Moscow."],
                                                                    "checked")}
    commit("pybabel update")
    run()
    assert human(po("a1")) == {"Baku and Yerevan met in Moscow.": (HUMAN["Baku and Yerevan met in Moscow."],
                                                                    "checked")}
    # the new entry's draft, and the PO-Revision-Date an entry change moves (README); Babel's header order,
    # charset spelling and last blank line stay
    assert diff_lines(po("a1")) == [
        '-"PO-Revision-Date: 2026-12-02 14:05+0400\\n"', '+"PO-Revision-Date: 2023-11-14 22:13+0000\\n"',
        "+#. machine translation: opus 1 [183011d1]", "+#, fuzzy", '-msgstr ""', '+msgstr "Было холодно."']
    commit("the toolkit after Babel")
    run()
    assert_clean("a run after Babel and a toolkit run")
    assert_counts_agree()
