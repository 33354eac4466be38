"""`toolkit glossary ...` through typer's runner: exit codes, JSON shapes, TBX and CLDR round trips."""
from __future__ import annotations

import json
from pathlib import Path

import polib
from typer.testing import CliRunner

from toolkit.cli import app

from .conftest import ROOT

runner = CliRunner()
FIXTURES = Path(__file__).parent / "fixtures" / "glossary"


def cli(*args: str):
    return runner.invoke(app, list(args))


def test_check_passes_on_the_shipped_glossary():
    result = cli("glossary", "check", "--glossary", str(ROOT / "glossaries"), "--format", "json")
    assert result.exit_code == 0, result.output
    assert {f["code"] for f in json.loads(result.output)} == {"overlap"}


def test_check_exits_7_on_errors_and_names_files_and_lines():
    result = cli("glossary", "check", "--glossary", str(FIXTURES / "conflicts"), "--format", "json")
    assert result.exit_code == 7
    body, _, error = result.output.partition("\ntoolkit: error:")
    findings = json.loads(body)
    assert len(findings) == 10 and sum(f["severity"] == "error" for f in findings) == 5
    conflict = next(f for f in findings if f["code"] == "source-conflict")
    assert [(Path(p["file"]).name, p["line"]) for p in conflict["places"]] == [("00-base.tsv", 2), ("50-project.tsv", 2)]
    assert "5 blocking glossary finding(s)" in error


def test_check_table_output(tmp_path: Path):
    result = runner.invoke(app, ["glossary", "check", "--glossary", str(FIXTURES / "conflicts")],
                           env={"COLUMNS": "250"})
    assert result.exit_code == 7 and "preferred-forbidden" in result.output and "00-base.tsv:5" in result.output


def _catalog(path: Path) -> None:
    po = polib.POFile()
    po.metadata = {"Language": "ru", "Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgctxt="b1.s1", msgid="Experts visited Kyzylbulag.", msgstr="Эксперты посетили Гызылбулаг."))
    po.append(polib.POEntry(msgctxt="b1.s2", msgid="Talks in Yerevan.", msgstr="Переговоры.", flags=["fuzzy"]))
    po.append(polib.POEntry(msgctxt="b1.s3", msgid="Talks in Baku.", msgstr="Переговоры в Баку."))
    path.parent.mkdir(parents=True)
    po.save(str(path))


def test_conflicts_lists_lint_contested_names_and_broken_catalog_entries(tmp_path: Path):
    po_path = tmp_path / "locales" / "ru" / "LC_MESSAGES" / "article.po"
    _catalog(po_path)
    before = po_path.read_bytes()
    result = cli("glossary", "conflicts", "--glossary", str(ROOT / "glossaries"), "--locales",
                 str(tmp_path / "locales"), "--format", "json")
    assert result.exit_code == 7        # an approved entry breaks the glossary
    report = json.loads(result.output.partition("\ntoolkit: error:")[0])
    # the machine draft's warning is listed apart from the decisions the glossary needs
    assert [(f["code"], f["severity"]) for f in report["drafts"]] == [("catalog-term", "warning")]
    findings = report["decisions"] + report["drafts"]
    by_code: dict[str, list] = {}
    for f in findings:
        by_code.setdefault(f["code"], []).append(f)
    assert set(by_code) == {"overlap", "contested", "catalog-term"}
    assert ("hy", "Կզըլբուլաղ") in {(f["lang"], f["term"]) for f in by_code["contested"]}
    catalog = sorted((f["severity"], f["message"].split(":")[0]) for f in by_code["catalog-term"])
    assert catalog == [("error", "b1.s1 (approved)"), ("warning", "b1.s2 (fuzzy)")]
    assert by_code["catalog-term"][0]["places"][0]["file"] == str(po_path)
    assert po_path.read_bytes() == before           # reported, never rewritten


def test_import_and_export_round_trip(tmp_path: Path):
    out = cli("glossary", "export", "--glossary", str(ROOT / "glossaries" / "names.tsv"), "--out",
              str(tmp_path / "names.tbx"))
    assert out.exit_code == 0, out.output
    back = cli("glossary", "import", str(tmp_path / "names.tbx"), "--out", str(tmp_path / "g" / "names.tsv"))
    assert back.exit_code == 0, back.output
    assert (tmp_path / "g" / "names.tsv").read_text(encoding="utf-8") == \
        (ROOT / "glossaries" / "names.tsv").read_text(encoding="utf-8")


def test_import_refuses_a_dtd_with_one_line_and_exit_3(tmp_path: Path):
    (tmp_path / "x.tbx").write_text('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]>\n<tbx/>\n')
    result = cli("glossary", "import", str(tmp_path / "x.tbx"))
    assert result.exit_code == 3
    assert result.output.strip().endswith("(remove the <!DOCTYPE ...> part)")


def test_seed_from_cldr_proposes_marked_entries(tmp_path: Path):
    result = cli("glossary", "seed", "--from-cldr", "--only", "AZ,Asia/Baku", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows == [
        {"id": "cldr-az", "kind": "country", "note": "CLDR AZ", "en": "Azerbaijan", "ru": "Азербайджан",
         "az": "Azərbaycan", "hy": "Ադրբեջան"},
        {"id": "cldr-asia-baku", "kind": "city", "note": "CLDR Asia/Baku", "en": "Baku", "ru": "Баку", "az": "Bakı",
         "hy": "Բաքու"}]
    out = cli("glossary", "seed", "--from-cldr", "--only", "AM", "--out", str(tmp_path / "cldr.tsv"))
    assert out.exit_code == 0 and "Հայաստան" in (tmp_path / "cldr.tsv").read_text(encoding="utf-8")


def test_missing_glossary_directory_is_one_line(tmp_path: Path):
    result = cli("glossary", "check", "--glossary", str(tmp_path / "nope"))
    assert result.exit_code == 3 and "no such glossary file or directory" in result.output


def test_every_glossary_command_has_an_example():
    from toolkit.cli import glossary as glossary_cli

    for command in glossary_cli.app.registered_commands:
        assert "Example:" in (command.callback.__doc__ or ""), command.callback.__name__
