"""Which articles a command works on: files, folders, --recursive, and same-stem collisions refused."""
from __future__ import annotations

from pathlib import Path

import pytest

from toolkit import articles
from toolkit.errors import InputError, UsageError


@pytest.fixture
def day(tmp_path: Path) -> Path:
    root = tmp_path / "day"
    for rel in ("b-energy.txt", "a-mining.txt", "notes.md", "sport/c-football.txt", ".drafts/d-hidden.txt",
                "sport/.e-hidden.txt"):
        f = root / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text("Baku said on Sunday that talks were held.\n", encoding="utf-8")
    return root


def names(paths):
    return [p.name for p in paths]


CASES = [
    (["day"], False, ["a-mining.txt", "b-energy.txt"], "a folder: its *.txt, sorted, not its subfolders"),
    (["day"], True, ["a-mining.txt", "b-energy.txt", "c-football.txt"], "--recursive: subfolders, no hidden ones"),
    (["day/notes.md"], False, ["notes.md"], "a file named explicitly is taken whatever its extension"),
    (["day/b-energy.txt", "day"], False, ["b-energy.txt", "a-mining.txt"], "a file named twice counts once"),
    (["day/sport", "day/a-mining.txt"], False, ["c-football.txt", "a-mining.txt"], "the order given is kept"),
]


@pytest.mark.parametrize("given, recursive, expected, reason", CASES, ids=[c[3] for c in CASES])
def test_collect(day, given, recursive, expected, reason):
    got = articles.collect([day.parent / g for g in given], recursive=recursive)
    assert names(got) == expected


def test_same_stem_in_two_folders_is_refused_naming_both(day):
    (day / "sport" / "a-mining.txt").write_text("Other.\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"day/a-mining.txt and .*sport/a-mining.txt would both write the "
                                         r"catalogs named 'a-mining'.*rename one"):
        articles.collect([day], recursive=True)


def test_missing_path_and_empty_folder(tmp_path, day):
    with pytest.raises(InputError, match=r"nope: no such file \(check the path\)"):
        articles.collect([tmp_path / "nope"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"empty: no \*.txt articles in this folder \(check the path\)"):
        articles.collect([tmp_path / "empty"])
    only_sub = tmp_path / "only-sub"
    (only_sub / "x").mkdir(parents=True)
    (only_sub / "x" / "a.txt").write_text("A.\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"add --recursive"):
        articles.collect([only_sub])
    with pytest.raises(UsageError, match="no article given"):
        articles.collect([])


def test_a_folder_skips_the_translations_build_wrote_next_to_their_articles(day):
    for name in ("a-mining.ru.txt", "a-mining.hy.txt", "b-energy.az.txt"):
        (day / name).write_text("Переведено.\n", encoding="utf-8")
    (day / "report.de.txt").write_text("No article beside it: an article.\n", encoding="utf-8")
    (day / "memo.xx.txt").write_text("Not a language code we know.\n", encoding="utf-8")
    got = names(articles.collect([day]))
    assert got == ["a-mining.txt", "b-energy.txt", "memo.xx.txt", "report.de.txt"]
