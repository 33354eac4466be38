"""Findings are data: severity and exit status come from a finding's code (and its entry's state), never
from the words of its message."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, strategies as st
from typer.testing import CliRunner

from toolkit import findings, qa, terms
from toolkit.cli import app
from toolkit.findings import CODES, Finding

from .conftest import ROOT
from .test_qa import _catalog as catalog_with, entry

runner = CliRunner()
# Words the old code sorted findings by, and words that would mislead anyone doing so again.
MISLEADING = "reworded: no target in the glossary; forbidden; repaired; fine; warning; info"


@given(code=st.sampled_from(sorted(CODES)), message=st.text(), fuzzy=st.booleans())
def test_severity_is_a_function_of_the_code_and_the_entry_state(code: str, message: str, fuzzy: bool):
    f = Finding(code, message, "ru", entry="b1.s1", fuzzy=fuzzy)
    assert f.severity == findings.severity_of(code, fuzzy=fuzzy) == Finding(code, "", fuzzy=fuzzy).severity


def test_an_unknown_code_fails_where_the_finding_is_made():
    with pytest.raises(ValueError, match="add it to toolkit.findings.CODES"):
        Finding("no-such-check", "anything")


def _catalog(tmp_path: Path) -> Path:
    return catalog_with(tmp_path, [
        entry("Kyzylbulag had 6,500 workers.", "В Гызылбулаге 6500 рабочих."),              # approved: blocks
        entry("Talks in Yerevan.", "Переговоры в Москве.", fuzzy=True, ctxt="b2.s1"),      # fuzzy: warns
        entry("Over 2,000 left.", "Ушли 200.", fuzzy=True, ctxt="b3.s1")])


def _run(*args: str):
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout


def test_a_reworded_message_changes_no_code_severity_or_exit_code(tmp_path: Path, monkeypatch):
    _catalog(tmp_path)
    gl = str(ROOT / "glossaries")
    check = ("check", "--locales", str(tmp_path / "loc"), "--glossary", gl, "--format", "json")
    conflicts = ("glossary", "conflicts", "--locales", str(tmp_path / "loc"), "--glossary", gl, "--format", "json")
    stats = ("stats", "--locales", str(tmp_path / "loc"), "--glossary", gl, "--format", "json")

    def verdicts(code: int, out: str, key) -> tuple:
        data = json.loads(out.partition("\ntoolkit: error:")[0])
        return code, sorted((f["msgctxt"], f["code"], f["severity"]) for f in key(data))

    before = [verdicts(*_run(*check), lambda d: d["findings"]), verdicts(*_run(*conflicts), lambda d: d["decisions"] + d["drafts"])]
    stats_before = _run(*stats)
    assert before[0][0] == 7 and before[1][0] == 7         # the approved forbidden variant blocks, in both

    def reword(finding):
        return replace(finding, message=MISLEADING)

    real_check_entry, real_entry_findings = terms.check_entry, qa.entry_findings

    def check_entry_reworded(*args, **kwargs):
        done = real_check_entry(*args, **kwargs)
        return replace(done, problems=(MISLEADING,) * len(done.problems),
                       issues=tuple(reword(i) for i in done.issues))

    monkeypatch.setattr(terms, "check_entry", check_entry_reworded)
    monkeypatch.setattr(qa, "entry_findings", lambda *a, **k: [reword(f) for f in real_entry_findings(*a, **k)])

    after = [verdicts(*_run(*check), lambda d: d["findings"]), verdicts(*_run(*conflicts), lambda d: d["decisions"] + d["drafts"])]
    assert after == before
    assert MISLEADING in _run(*check)[1]                   # the rewording did reach the report
    assert _run(*stats) == stats_before
