"""Hostile and unlucky inputs (issue 16): planted links, special files, odd names, broken caches, odd
environments. Each case: how to break the project, the command, the exit code, what the one stderr line
says; every file that existed before is byte-identical afterwards and no temp file is left behind."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from toolkit.cli import app

from .test_reliability import NAME, _po, _translate, baseline, project, temps, tree  # noqa: F401 - fixtures

runner = CliRunner()


def _lock(root: Path) -> Path:
    return root / "locales" / ".toolkit.lock"


def _plant_lock_link(root: Path) -> None:
    """What `ln -sf ../karabakh-mining.txt locales/.toolkit.lock` in a cloned repository does."""
    _lock(root).unlink(missing_ok=True)
    _lock(root).symlink_to(Path("..") / f"{NAME}.txt")


def _changed_article(root: Path) -> None:
    with open(root / f"{NAME}.txt", "a", encoding="utf-8") as fh:
        fh.write("The ministry said the mine would open in May.\n")


def _link_pot(root: Path, to: Path) -> None:
    pot = root / "locales" / f"{NAME}.pot"
    (root / "shared.pot").write_bytes(pot.read_bytes())
    pot.unlink()
    pot.symlink_to(to)


def _check_fix(root: Path) -> list[str]:
    return ["check", str(root / f"{NAME}.txt"), "--fix", "--locales", str(root / "locales"),
            "--glossary", str(root / "glossaries")]


CASES = [
    # name, setup, argv (root -> list), exit code, words that must be in the one stderr line
    ("lock_symlink_to_article_translate", lambda r: (_plant_lock_link(r), _changed_article(r)), _translate, 5,
     [".toolkit.lock: is a symbolic link", "rm "]),
    ("lock_symlink_to_article_check_fix", _plant_lock_link, _check_fix, 5, [".toolkit.lock: is a symbolic link"]),
    ("lock_hard_link_to_article", lambda r: (_lock(r).unlink(missing_ok=True),
                                             os.link(r / f"{NAME}.txt", _lock(r))), _translate, 5,
     [".toolkit.lock: has 2 names"]),
    ("pot_symlink_to_article", lambda r: (_changed_article(r), _link_pot(r, Path("..") / f"{NAME}.txt")),
     _translate, 5, [f"{NAME}.pot: is a symbolic link; refusing to write through it"]),
    ("pot_symlink_to_a_template_elsewhere", lambda r: (_changed_article(r), _link_pot(r, Path("..") / "shared.pot")),
     _translate, 5, [f"{NAME}.pot: is a symbolic link; refusing to write through it"]),
]


def _lstat_tree(root: Path) -> dict[str, tuple[int, str | None]]:
    """Every entry's type and, for a link, where it points: a replaced link shows here, not in `tree`."""
    return {str(p.relative_to(root)): (os.lstat(p).st_mode & 0o170000, os.readlink(p) if p.is_symlink() else None)
            for p in sorted(root.rglob("*"))}


@pytest.mark.parametrize("name,setup,argv,code,words", CASES, ids=[c[0] for c in CASES])
def test_hostile_input_is_one_line_the_right_code_and_changes_nothing(name, setup, argv, code, words, project,
                                                                       monkeypatch):
    monkeypatch.chdir(project)
    setup(project)
    before, shape = tree(project), _lstat_tree(project)
    result = runner.invoke(app, argv(project))
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("toolkit: error: ")
    for w in words:
        assert w in lines[0], lines[0]
    assert "Traceback" not in result.output
    assert tree(project) == before
    assert _lstat_tree(project) == shape
    assert temps(project) == []
