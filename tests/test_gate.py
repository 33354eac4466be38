"""The publishing gate: what nobody approved is never built, and `check` says so first.

The inputs are made by the tools translators use: GNU `msgcat` (two versions of a catalog merged, the
`#-#-#-#-#  file.po (project)  #-#-#-#-#` lines between them, as gettext's msgl-cat.c writes them),
`msgattrib --clear-fuzzy` (a blanket approve) and an article edited after `translate`.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from hypothesis import given, strategies as st
from typer.testing import CliRunner

from toolkit import catalog, pofile, qa
from toolkit.cli import app
from toolkit.engines import pseudo

from .conftest import ROOT, SEED, msgfmt_check

runner = CliRunner()
GLOSSARY = str(ROOT / "glossaries")


def gettext_tool(name: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        pytest.skip(f"GNU gettext's {name} is not installed (the CI script installs it)")
    return tool


def cli(*args: str, **kw):
    return runner.invoke(app, [*args, "--glossary", GLOSSARY], **kw)


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """The seed article translated by the pseudo engine into ru, in a fresh project folder."""
    monkeypatch.chdir(tmp_path)
    shutil.copyfile(SEED, tmp_path / "article.txt")
    result = cli("translate", "article.txt", "--to", "ru", "--engine", "pseudo")
    assert result.exit_code == 0, result.output
    return tmp_path


PO = Path("locales/ru/LC_MESSAGES/article.po")


def approve_all(path: Path) -> None:
    """A translator's blanket approve: GNU msgattrib --clear-fuzzy, in place."""
    subprocess.run([gettext_tool("msgattrib"), "--clear-fuzzy", "-o", str(path), str(path)], check=True)


def identity(path: Path) -> None:
    """Every entry approved with a stand-in translation (its msgid), through polib as an editor would."""
    po = pofile.read(path)
    for e in po:
        if not e.obsolete:
            e.msgstr, e.flags = e.msgid, [f for f in e.flags if f != "fuzzy"]
    pofile.write(po, path)


# -- msgcat / msguniq merges ------------------------------------------------------------------------------

def merged_catalog(project: Path) -> Path:
    """Two editors' versions of the catalog, differing in the b2.s2 caption, concatenated by real msgcat."""
    identity(PO)
    ours, theirs = project / "ours.po", project / "theirs.po"
    shutil.copyfile(PO, ours)
    po = pofile.read(PO)
    next(e for e in po if e.msgid == "(AA Photo)").msgstr = "(Фото Анадолу)"
    pofile.write(po, theirs)
    subprocess.run([gettext_tool("msgcat"), "-o", str(PO), str(ours), str(theirs)], check=True)
    return PO


def test_msgcat_markers_are_a_merge_to_resolve_in_check(project: Path):
    merged_catalog(project)
    entry = next(e for e in pofile.read(PO) if e.msgid == "(AA Photo)")
    assert entry.msgstr.startswith("#-#-#-#-#  ours.po (toolkit") and entry.fuzzy     # what msgcat wrote
    result = cli("check", "--format", "json")
    assert result.exit_code == 7
    found = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "merge-conflict"]
    assert [(f["segment"], f["severity"], f["msgid"]) for f in found] == [("b2.s2", "error", "(AA Photo)")]
    assert "ours.po (toolkit" in found[0]["message"] and "theirs.po (toolkit" in found[0]["message"]
    assert "a merge to resolve" in found[0]["message"]
    # no length or line-break noise about the same entry: the merge is the one thing to fix
    assert [f["code"] for f in json.loads(result.stdout)["findings"] if f["segment"] == "b2.s2"] == \
        ["fuzzy", "merge-conflict"]


@pytest.mark.parametrize("fuzzy", ["use", "source", "fail"])
@pytest.mark.parametrize("approved", [False, True])   # as msgcat left it (fuzzy), or after a blanket approve
def test_build_refuses_msgcat_markers_under_every_fuzzy_policy(project: Path, fuzzy: str, approved: bool):
    merged_catalog(project)
    if approved:
        approve_all(PO)
    result = cli("build", "article.txt", "--to", "ru", "--fuzzy", fuzzy, "--out", "out.txt")
    assert result.exit_code == 7, result.output
    assert "b2.s2" in result.stderr and "a merge to resolve" in result.stderr
    assert "Traceback" not in result.output and not Path("out.txt").exists()


def test_the_merge_resolved_builds(project: Path):
    """The control: the same catalog with one version kept builds, and msgfmt accepts it."""
    merged_catalog(project)
    po = pofile.read(PO)
    entry = next(e for e in po if e.msgid == "(AA Photo)")
    entry.msgstr, entry.flags = "(Фото Анадолу)", []
    pofile.write(po, PO)
    msgfmt_check(PO)
    codes = {f["code"] for f in json.loads(cli("check", "--format", "json").stdout)["findings"]}
    assert "merge-conflict" not in codes and "pseudo" not in codes
    result = cli("build", "article.txt", "--to", "ru", "--fuzzy", "fail", "--out", "out.txt")
    assert result.exit_code == 0, result.output
    assert "(Фото Анадолу)" in Path("out.txt").read_text(encoding="utf-8")


def test_merged_versions_reads_msguniq_output_too(tmp_path: Path):
    """msguniq (duplicates inside one file) writes the same marker lines as msgcat."""
    src = tmp_path / "dup.po"
    src.write_text('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                   'msgid "Baku"\nmsgstr "Баку"\n\nmsgid "Baku"\nmsgstr "Бакы"\n', encoding="utf-8")
    result = subprocess.run([gettext_tool("msguniq"), str(src)], capture_output=True, text=True)
    entry = next(e for e in polib.pofile(result.stdout) if e.msgid == "Baku")
    assert qa.merged_versions(entry.msgstr) == ["dup.po", "dup.po"]
    assert qa.merged_versions("Баку\n#-#-#-# не маркер") == []       # only msgcat's exact line counts


# -- pseudo-translations ----------------------------------------------------------------------------------

PSEUDO_CASES = [
    (pseudo.PseudoEngine().pseudo("Baku and Yerevan met.", "ru"), True),   # what the engine writes
    ("[ru: Баку åñđ Ереван …]", True),               # the example: padding gone, accents left
    ("[hy: Բաքու åñđ Երևան ·]", True),                 # any target language
    ("[ru: Баку åñđ Ереван ···] ~1", True),            # an n-best alternative
    ("[Фото] Баку и Ереван", False),                  # brackets of a real translation
    ("Баку и Ереван встретились.", False),
    ("[ru: Баку и Ереван]", False),                   # a frame without the accents or the padding
]


@pytest.mark.parametrize("text, expected", PSEUDO_CASES)
def test_pseudo_shape(text: str, expected: bool):
    assert pseudo.is_pseudo(text) is expected


def pseudo_findings(result) -> list[tuple[str, str]]:
    return [(f["segment"], f["severity"]) for f in json.loads(result.stdout)["findings"] if f["code"] == "pseudo"]


def test_an_approved_pseudo_translation_is_blocking_and_stays_recognisable(project: Path):
    fresh = cli("check", "--format", "json")
    assert pseudo_findings(fresh) == []          # a fuzzy preview: its fuzzy warning says it all
    approve_all(PO)
    checked = cli("check", "--format", "json")
    assert checked.exit_code == 7
    assert len(pseudo_findings(checked)) == 20 and {s for _, s in pseudo_findings(checked)} == {"error"}
    for fuzzy in ("use", "fail"):
        built = cli("build", "article.txt", "--to", "ru", "--fuzzy", fuzzy, "--out", "out.txt")
        assert built.exit_code == 7 and "pseudo-translation" in built.stderr, built.output
    assert not Path("out.txt").exists()

    # The next run must not take the evidence away: the engine's note stays on the approved entries.
    again = cli("translate", "article.txt", "--to", "ru", "--engine", "pseudo")
    assert again.exit_code == 0, again.output
    msgfmt_check(PO)
    po = pofile.read(PO)
    assert all(any(ln.startswith("machine translation: pseudo") for ln in e.comment.split("\n"))
               for e in po if not e.obsolete)
    assert len(pseudo_findings(cli("check", "--format", "json"))) == 20

    # A translator replaces one: the gate lets it through. The next run leaves the approved entry's bytes
    # alone (no churn: its notes go only when a run changes the entry), and the old note no longer signs it.
    po = pofile.read(PO)
    caption = next(e for e in po if e.msgid == "(AA Photo)")
    caption.msgstr = "(Фото Анадолу)"
    pofile.write(po, PO)
    assert cli("translate", "article.txt", "--to", "ru", "--engine", "pseudo").exit_code == 0
    caption = next(e for e in pofile.read(PO) if e.msgid == "(AA Photo)")
    assert caption.msgstr == "(Фото Анадолу)" and not catalog.signed_by_pseudo(caption)
    assert "b2.s2" not in {s for s, _ in pseudo_findings(cli("check", "--format", "json"))}


def test_a_lightly_edited_approved_pseudo_is_still_found_by_its_content(project: Path):
    po = pofile.read(PO)
    e = next(e for e in po if e.msgid == "(AA Photo)")
    e.msgstr, e.flags, e.comment = "[ru: (Анадолу Pĥöťö) ]", [], "segment b2.s2"   # padding and note gone
    pofile.write(po, PO)
    assert ("b2.s2", "error") in pseudo_findings(cli("check", "--format", "json"))


# -- a catalog the article outgrew ------------------------------------------------------------------------

def test_check_article_reports_a_stale_catalog_as_build_does(project: Path):
    identity(PO)
    with Path("article.txt").open("a", encoding="utf-8") as f:
        f.write("\nA paragraph added after the translation.\n")
    built = cli("build", "article.txt", "--to", "ru")
    assert built.exit_code == 3
    checked = cli("check", "article.txt", "--to", "ru", "--format", "json")
    assert checked.exit_code == 7
    stale = [f for f in json.loads(checked.stdout)["findings"] if f["code"] == "stale-catalog"]
    assert len(stale) == 1 and stale[0]["severity"] == "error"
    assert stale[0]["msgid"] == "A paragraph added after the translation."
    # the same words, from the same function (qa.stale_segments)
    reason = stale[0]["message"].split("; run ")[0]
    assert reason in built.stderr, (reason, built.stderr)
    table = cli("check", "article.txt", "--to", "ru")
    assert table.exit_code == 7 and "stale-catalog" in table.output
    # once translate has run again, check and build agree again
    assert cli("translate", "article.txt", "--to", "ru", "--engine", "pseudo").exit_code == 0
    assert not [f for f in json.loads(cli("check", "article.txt", "--format", "json").stdout)["findings"]
                if f["code"] == "stale-catalog"]


def test_check_with_to_reports_an_article_never_translated_into_that_language(project: Path):
    shutil.copyfile(SEED, project / "second.txt")
    assert cli("translate", "second.txt", "--to", "az", "--engine", "pseudo").exit_code == 0
    assert cli("build", "article.txt", "--to", "az", "--out", "-").exit_code == 3     # no az catalog: build refuses
    asked = cli("check", "article.txt", "second.txt", "--to", "az", "--format", "json")
    assert asked.exit_code == 7
    stale = [(f["article"], f["lang"]) for f in json.loads(asked.stdout)["findings"] if f["code"] == "stale-catalog"]
    assert stale == [("article", "az")]
    # without --to the languages are whatever each article was translated into: nothing is missing
    unasked = cli("check", "article.txt", "second.txt", "--format", "json")
    assert not [f for f in json.loads(unasked.stdout)["findings"] if f["code"] == "stale-catalog"]


# -- several articles -------------------------------------------------------------------------------------

@pytest.fixture
def day(tmp_path: Path, monkeypatch) -> Path:
    """Three articles in one folder, all starting with a sentence at b1.s1 (so positions repeat)."""
    monkeypatch.chdir(tmp_path)
    lines = SEED.read_text(encoding="utf-8").split("\n")
    folder = tmp_path / "day"
    folder.mkdir()
    (folder / "karabakh-mining.txt").write_text("\n".join(lines), encoding="utf-8")
    (folder / "baku-talks.txt").write_text("\n".join(lines[:5]) + "\n", encoding="utf-8")
    (folder / "armenia-border-mission.txt").write_text("\n".join(lines[5:12]) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["translate", "day", "--to", "all", "--engine", "pseudo", "--glossary", GLOSSARY],
                           env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    return folder


def test_findings_over_several_articles_name_their_article(day: Path):
    result = runner.invoke(app, ["check", "day", "--to", "ru", "--glossary", GLOSSARY, "--format", "json"])
    findings = json.loads(result.stdout)["findings"]
    firsts = [f for f in findings if f["segment"] == "b1.s1"]
    assert {f["article"] for f in firsts} == {"armenia-border-mission", "baku-talks", "karabakh-mining"}
    for f in findings:   # msgctxt is kept for one release beside the new keys
        assert {"article", "segment", "msgid", "msgctxt"} <= f.keys() and f["msgid"]
    # the table, at 80 columns: each entry is its article's name, whole, over its segment
    table = runner.invoke(app, ["check", "day", "--to", "ru", "--glossary", GLOSSARY], env={"COLUMNS": "80"})
    lines = table.output.splitlines()
    assert all(len(line) <= 80 for line in lines)
    named = {(line.split()[1], lines[i + 1].split()[0]) for i, line in enumerate(lines[:-1])
             if line.startswith("ru ") and lines[i + 1].split()[:1] == ["b1.s1"]}
    assert named == {("armenia-border-mission", "b1.s1"), ("baku-talks", "b1.s1"), ("karabakh-mining", "b1.s1")}
    assert "(left out at this width: confidence; see --format json)" in lines


# -- 80 columns -------------------------------------------------------------------------------------------

def readable(output: str, headers: list[str], width: int = 80) -> list[str]:
    """Every line fits, nothing is cut with an ellipsis, and the header row holds every header whole."""
    lines = output.splitlines()
    assert all(len(line) <= width for line in lines), "\n".join(line for line in lines if len(line) > width)
    assert "…" not in output, output
    header = next(line for line in lines if line.split()[:1] == headers[:1])
    assert header.split() == [w for h in headers for w in h.split()], header
    return lines


# -- stats agrees with the gate ---------------------------------------------------------------------------

def stats_json() -> dict:
    result = cli("stats", "--format", "json")
    assert result.exit_code == 0, result.output
    (ru,) = json.loads(result.stdout)
    return ru


STATS_CASES = [
    # (how the catalog got there, approved, fuzzy, blocked): approved + fuzzy + untranslated + blocked = segments
    ("fresh", 0, 20, 0),        # the pseudo engine's output is a fuzzy preview: fuzzy, and the gate lets it be
    ("approve_all", 0, 0, 20),  # msgattrib --clear-fuzzy approves pseudo text: check blocks all 20, build refuses
    ("identity", 20, 0, 0),     # approved stand-ins that are not pseudo: publishable, so approved
    ("merged", 19, 0, 1),       # msgcat kept two versions of b2.s2 (and marked it fuzzy): blocked, not fuzzy
    ("merged_approved", 19, 0, 1),   # ... and a blanket approve does not make it publishable
]


@pytest.mark.parametrize(("how", "approved", "fuzzy", "blocked"), STATS_CASES, ids=[c[0] for c in STATS_CASES])
def test_stats_counts_what_the_gate_blocks_apart(project: Path, how: str, approved: int, fuzzy: int, blocked: int):
    if how == "approve_all":
        approve_all(PO)
    elif how == "identity":
        identity(PO)
    elif how.startswith("merged"):
        merged_catalog(project)
        if how == "merged_approved":
            approve_all(PO)
    ru = stats_json()
    assert (ru["approved"], ru["fuzzy"], ru["blocked"]) == (approved, fuzzy, blocked)
    assert ru["approved"] + ru["fuzzy"] + ru["untranslated"] + ru["blocked"] == ru["segments"]
    assert ru["blocked_pct"] == round(100.0 * blocked / ru["segments"], 1)
    gate = {f["segment"] for f in json.loads(cli("check", "--format", "json").stdout)["findings"]
            if f["code"] in ("pseudo", "merge-conflict")}
    assert len(gate) == blocked                        # the same entries check blocks


def test_the_stats_table_shows_blocked_only_when_there_is_some(project: Path):
    assert "blocked" not in cli("stats", env={"COLUMNS": "80"}).output
    approve_all(PO)
    for args in ((), ("--by-article",)):
        result = cli("stats", *args, env={"COLUMNS": "80"})
        assert result.exit_code == 0, result.output
        lines = result.output.splitlines()
        assert all(len(line) <= 80 for line in lines) and "…" not in result.output, result.output
        header = next(line.split() for line in lines if line.split()[:1] == ["lang"])
        assert header[header.index("untranslated") + 1] == "blocked", header
        row = next(line.split() for line in lines if line.split()[:1] == ["ru"])
        # approved "0 0%", fuzzy 0, untranslated 0, blocked 20 (the approved cell holds a count and a share)
        first = header.index("approved")            # header words and cells line up until "terms ok"
        assert row[first:first + 5] == ["0", "0%", "0", "0", "20"], row


def test_stats_tables_are_readable_at_80_columns(day: Path):
    env = {"COLUMNS": "80"}
    result = runner.invoke(app, ["stats", "--glossary", GLOSSARY], env=env)
    assert result.exit_code == 0, result.output
    lines = readable(result.output, ["lang", "segments", "words", "approved", "fuzzy", "untranslated", "conflicts",
                                     "terms ok"])
    assert "(left out at this width: confidence; see --format json)" in lines
    by_article = runner.invoke(app, ["stats", "--by-article", "--glossary", GLOSSARY], env=env)
    assert by_article.exit_code == 0, by_article.output
    lines = readable(by_article.output, ["lang", "article", "segments", "approved", "fuzzy", "untranslated",
                                         "conflicts"])
    for name in ("armenia-border-mission", "baku-talks", "karabakh-mining"):   # whole, on one line
        assert sum(name in line.split() for line in lines) == 3, by_article.output
    wide = runner.invoke(app, ["stats", "--by-article", "--glossary", GLOSSARY], env={"COLUMNS": "160"})
    readable(wide.output, ["lang", "article", "segments", "words", "approved", "fuzzy", "untranslated",
                           "conflicts", "terms ok", "confidence"], width=160)


def test_translate_to_all_table_is_readable_at_80_columns(day: Path):
    with (day / "baku-talks.txt").open("a", encoding="utf-8") as f:
        f.write("\nOne more sentence.\n")
    result = runner.invoke(app, ["translate", "day", "--to", "all", "--engine", "pseudo", "--glossary", GLOSSARY],
                           env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = readable(result.output, ["article", "segments", "ru", "az", "hy"])
    rows = {line.split()[0]: line.split()[1:] for line in lines if line.startswith(("day/", "total"))}
    assert rows["day/baku-talks.txt"] == ["5", "1/1", "1/1", "1/1"]      # one row per article, no wrapped cell
    assert rows["day/armenia-border-mission.txt"] == ["3", "0/0", "0/0", "0/0"]
    assert rows["total"] == ["28", "1/1", "1/1", "1/1"]


# -- the --fix hint ---------------------------------------------------------------------------------------

HINT_CASES = [
    ("Baku said.", "Bakı сказал.", "Баку сказал."),          # the Azerbaijani spelling in a ru entry
    ("Karabakh said.", "Karabakh сказал.", "Карабах сказал."),   # the English name left in
]


@pytest.mark.parametrize("source, target, fixed", HINT_CASES)
def test_the_fix_hint_appears_only_where_check_fix_acts(tmp_path: Path, source: str, target: str, fixed: str):
    po = polib.POFile(wrapwidth=79)
    po.metadata = catalog.header("ru")
    po.append(polib.POEntry(msgid=source, msgstr=target, comment="segment b1.s1", flags=["fuzzy"]))
    po.append(polib.POEntry(msgctxt="occurrence 2", msgid=source, msgstr=target, comment="segment b2.s1"))
    path = tmp_path / "loc" / "ru" / "LC_MESSAGES" / "a.po"
    path.parent.mkdir(parents=True)
    pofile.write(po, path)
    args = ["check", "--locales", str(tmp_path / "loc"), "--glossary", GLOSSARY, "--format", "json"]
    hinted = {f["segment"]: "--fix makes it" in f["message"]
              for f in json.loads(runner.invoke(app, args).stdout)["findings"] if f["code"].startswith("term-")}
    assert hinted == {"b1.s1": True, "b2.s1": False}       # the approved entry gets no promise
    conflicts = runner.invoke(app, ["glossary", "conflicts", "--locales", str(tmp_path / "loc"), "--glossary", GLOSSARY,
                                    "--format", "json"])
    groups = json.loads(conflicts.stdout)                  # {decisions, drafts}: machine drafts apart
    listed = [f for f in groups["decisions"] + groups["drafts"] if f["code"] == "catalog-term"]
    assert sorted(("--fix makes it" in f["message"], f["severity"]) for f in listed) == \
        [(False, "error"), (True, "warning")]               # the same in `glossary conflicts`
    runner.invoke(app, [*args, "--fix"])
    after = {e.comment.split("\n")[0]: e.msgstr for e in pofile.read(path)}
    assert after == {"segment b1.s1": fixed, "segment b2.s1": target}   # where the hint was, --fix acted


# -- what an outside msgmerge does (the README says exactly this) -----------------------------------------

def test_outside_msgmerge_fuzzies_a_repeat_inserted_before_its_original_and_drops_our_notes(project: Path):
    msgmerge = gettext_tool("msgmerge")
    approve_all(PO)
    assert cli("translate", "article.txt", "--to", "ru", "--engine", "pseudo").exit_code == 0
    before = {e.msgid: e for e in pofile.read(PO) if not e.obsolete}
    assert any(ln.startswith("machine translation: pseudo") for ln in before["(AA Photo)"].comment.split("\n"))
    # an editor puts the headline again at the top; the toolkit's template for the new article
    text = Path("article.txt").read_text(encoding="utf-8")
    headline = text.split("\n")[0]
    Path("article.txt").write_text(f"{headline}\n\n{text}", encoding="utf-8")
    assert cli("translate", "article.txt", "--to", "ru", "--engine", "pseudo", "--locales", "fresh").exit_code == 0
    subprocess.run([msgmerge, "--quiet", "--previous", "-o", "merged.po", str(PO), "fresh/article.pot"], check=True)
    merged = [e for e in polib.pofile("merged.po") if not e.obsolete and e.msgid == headline]
    # the new copy takes the original's key and its approval; the original, now "occurrence 2", goes fuzzy
    assert [(e.msgctxt, e.fuzzy) for e in merged] == [(None, False), ("occurrence 2", True)]
    # every `#.` line is the template's: the toolkit's notes (engine, terms) are gone
    assert all(e.comment.startswith("segment ") and "\n" not in e.comment for e in polib.pofile("merged.po")
               if e.msgid and not e.obsolete)
    # the toolkit's own merge of the same change keeps both approved
    assert cli("translate", "article.txt", "--to", "ru", "--engine", "pseudo").exit_code == 0
    ours = [e for e in pofile.read(PO) if not e.obsolete and e.msgid == headline]
    assert [(e.msgctxt, e.fuzzy) for e in ours] == [(None, False), ("occurrence 2", False)]


# -- properties -------------------------------------------------------------------------------------------


LANGS = st.sampled_from(["ru", "az", "hy"])


@given(st.text(min_size=1, max_size=80), LANGS)
def test_whatever_the_pseudo_engine_writes_is_recognised(text: str, lang: str):
    assert pseudo.is_pseudo(pseudo.PseudoEngine().pseudo(text, lang))


@given(st.text(max_size=80), LANGS)
def test_a_translation_identical_to_its_source_has_no_typography_finding(text: str, lang: str):
    assert qa.typography_findings(text, text, lang) == []


@given(st.integers(min_value=1000, max_value=10**9), LANGS, st.sampled_from(["\u00a0", "\u202f", " "]))
def test_the_targets_own_grouping_is_the_number_and_another_number_is_not(n: int, lang: str, space: str):
    from babel.numbers import format_decimal, get_group_symbol

    written = format_decimal(n, locale=lang).replace(get_group_symbol(lang), space)
    assert qa.number_findings(f"{n:,} people", f"{written} nəfər", lang) == []
    other = format_decimal(n + 1, locale=lang).replace(get_group_symbol(lang), space)
    assert [f.code for f in qa.number_findings(f"{n:,} people", f"{other} nəfər", lang)] == ["number"]
