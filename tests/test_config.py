"""Project settings: engine per language and decoding options, from toolkit.toml or pyproject.toml."""
from __future__ import annotations

from pathlib import Path

import pytest

from toolkit import config
from toolkit.errors import UsageError


def test_defaults_without_any_file(tmp_path: Path):
    cfg = config.load(tmp_path)
    assert cfg.engine_for("ru") == "argos" and cfg.engine_for("hy") == "ctranslate2"
    assert cfg.source is None


def test_toolkit_toml_wins_over_pyproject(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[tool.toolkit.engines]\nhy = "pseudo"\n')
    (tmp_path / "toolkit.toml").write_text('[toolkit.engines]\nhy = "argos"\n[toolkit.decoding]\nbeam_size = 2\n')
    cfg = config.load(tmp_path)
    assert cfg.engine_for("hy") == "argos"
    assert cfg.decoding == {"beam_size": 2}


def test_pyproject_section(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[tool.toolkit.engines]\naz = "ctranslate2"\n')
    assert config.load(tmp_path).engine_for("az") == "ctranslate2"


@pytest.mark.parametrize("text, message", [
    ('[toolkit.engines]\nru = "google"\n', "choose one of argos, ctranslate2, pseudo"),   # unknown engine
    ('[toolkit.decoding]\nbeam = 4\n', "unknown key 'beam'"),                              # typo in a key
    ('[toolkit.decoding]\nbeam_size = "4"\n', "beam_size must be an integer, not a string"),  # wrong type
    ('[toolkit.engines\n', "not valid TOML"),                                            # broken file
    ('toolkit = 5\n', "[toolkit] must be a table, not an integer"),                      # wrong type of section
    ('[toolkit]\nengines = "argos"\n', "[toolkit.engines] must be a table, not a string"),
    ('[toolkit]\ndecoding = [1, 2]\n', "[toolkit.decoding] must be a table, not an array"),
    ('[toolkit.engines]\nru = 3\n', "ru = 3: choose one of"),                            # engine not a string
    ('[toolkit.engines]\nru = ["argos"]\n', "choose one of"),                            # unhashable value
    ('[toolkit.decoding]\nbeam_size = true\n', "beam_size must be an integer, not a boolean"),
    ('[toolkit.decoding]\nnum_hypotheses = 0\n', "num_hypotheses = 0 is out of range; use 1 to 16"),   # no output
    ('[toolkit.decoding]\nbeam_size = -4\n', "beam_size = -4 is out of range"),
    ('[toolkit.decoding]\ninter_threads = 100000000000000000000\n', "inter_threads = 1000"),   # C int overflow
])
def test_bad_config_names_the_file(tmp_path: Path, text: str, message: str):
    (tmp_path / "toolkit.toml").write_text(text)
    with pytest.raises(UsageError) as err:
        config.load(tmp_path)
    assert message in str(err.value) and "toolkit.toml" in str(err.value)


def test_non_utf8_config_names_the_file_and_line(tmp_path: Path):
    (tmp_path / "toolkit.toml").write_bytes(b'[toolkit.engines]\n# \xe9t\xe9\nru = "argos"\n')   # Latin-1 comment
    with pytest.raises(UsageError) as err:
        config.load(tmp_path)
    assert "toolkit.toml:2: not valid UTF-8 (byte 0xe9)" in str(err.value)


@pytest.mark.parametrize("name", ["toolkit.toml", "pyproject.toml"])
def test_deeply_nested_toml_is_one_line_not_a_recursion_error(tmp_path: Path, name: str):
    (tmp_path / name).write_text("a = " + "[" * 50_000 + "]" * 50_000 + "\n")
    with pytest.raises(UsageError, match=f"{name}: not usable TOML: arrays or tables nested too deeply"):
        config.load(tmp_path)


def test_pyproject_with_a_non_table_tool_key(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('tool = "x"\n')
    assert config.load(tmp_path).source is None        # not ours to judge: no [tool.toolkit], defaults


def test_a_fifo_as_toolkit_toml_is_refused_not_waited_on(tmp_path: Path):
    import os

    os.mkfifo(tmp_path / "toolkit.toml")
    with pytest.raises(UsageError, match="not a regular file"):
        config.load(tmp_path)
