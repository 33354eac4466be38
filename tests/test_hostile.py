"""Hostile and unlucky inputs (issue 16): planted links, special files, odd names, broken caches, odd
environments. Each case: how to break the project, the command, the exit code, what the one stderr line
says; every file that existed before is byte-identical afterwards and no temp file is left behind."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from toolkit.cli import app

from .conftest import assert_one_line_error
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
    ("pot_symlink_to_article", lambda r: (_changed_article(r), _link_pot(r, Path("..") / f"{NAME}.txt")),
     _translate, 5, [f"{NAME}.pot: is a symbolic link; refusing to write through it"]),
    ("pot_symlink_to_a_template_elsewhere", lambda r: (_changed_article(r), _link_pot(r, Path("..") / "shared.pot")),
     _translate, 5, [f"{NAME}.pot: is a symbolic link; refusing to write through it"]),
]


# -- more cases: each a function of the project root ----------------------------------------------------------

def _nothing(root: Path) -> None:
    pass


def _article(name: str, data: bytes):
    def setup(root: Path) -> None:
        (root / name).write_bytes(data)
    return setup


def _translate_article(name: str):
    return lambda r: _translate(r, article=str(r / name))


def _build(out: str):
    return lambda r: ["build", str(r / f"{NAME}.txt"), "--to", "ru", "--out", out, "--locales", str(r / "locales"),
                      "--glossary", str(r / "glossaries")]


def _fifo(rel: str):
    def setup(root: Path) -> None:
        (root / rel).unlink(missing_ok=True)
        os.mkfifo(root / rel)
    return setup


def _sparse(name: str, size: int):
    def setup(root: Path) -> None:
        with open(root / name, "wb") as fh:      # a sparse file: costs no disk, reads as `size` bytes
            fh.write(b"Big. ")
            fh.truncate(size)
    return setup


def _memory(root: Path) -> Path:
    return root / "cache" / "tm.sqlite3"


def _memory_with(*sql: str):
    def setup(root: Path) -> None:
        import sqlite3

        _changed_article(root)
        _memory(root).parent.mkdir(exist_ok=True)
        db = sqlite3.connect(_memory(root))
        for statement in sql:
            db.execute(statement)
        db.commit()
        db.close()
    return setup


def _memory_bytes(data: bytes):
    def setup(root: Path) -> None:
        _changed_article(root)
        _memory(root).parent.mkdir(exist_ok=True)
        _memory(root).write_bytes(data)
    return setup


_HELD: list = []


def _memory_locked(root: Path) -> None:
    """Another program holds the memory in an exclusive transaction (as a crashed-but-alive process would)."""
    import sqlite3

    _memory_with("CREATE TABLE tm (key TEXT PRIMARY KEY, hyps TEXT NOT NULL)")(root)
    db = sqlite3.connect(_memory(root), isolation_level=None)
    db.execute("BEGIN EXCLUSIVE")
    _HELD.append(db)


def _toml(data: bytes):
    def setup(root: Path) -> None:
        _changed_article(root)
        (root / "toolkit.toml").write_bytes(data)
    return setup


_ENV: dict[str, str] = {}


def _env(then=None, **variables: str):
    def setup(root: Path) -> None:
        _ENV.update(variables)
        if then is not None:
            then(root)
    return setup


_CAPS: dict[str, int] = {}


def _cap(module: str, limit: int, then):
    """Lower a module's MAX_BYTES for this case: hashing a sparse file of the real size costs seconds."""
    def setup(root: Path) -> None:
        _CAPS[module] = limit
        then(root)
    return setup


LATE_NUL = b"A first paragraph that is long enough.\n" * 400 + b"Here a NUL\x00 hides.\n"   # past the 8 KB sniff

CASES += [
    # build --out onto what it reads (item 5)
    ("build_out_onto_the_article", _nothing, lambda r: _build(str(r / f"{NAME}.txt"))(r), 2,
     [f"{NAME}.txt: the output is the article itself; refusing to overwrite it"]),
    ("build_out_onto_a_hard_link_of_the_article", lambda r: os.link(r / f"{NAME}.txt", r / "copy.txt"),
     lambda r: _build(str(r / "copy.txt"))(r), 2, ["copy.txt: the output is the article itself"]),
    ("build_out_onto_the_catalog", _nothing, lambda r: _build(str(_po(r)))(r), 2,
     [f"{NAME}.po: the output is a file of the catalogs"]),
    ("build_out_onto_the_template", _nothing, lambda r: _build(str(r / "locales" / f"{NAME}.pot"))(r), 2,
     ["the output is a file of the catalogs"]),
    ("build_out_onto_a_glossary", _nothing, lambda r: _build(str(next((r / "glossaries").iterdir())))(r), 2,
     ["the output is a glossary file"]),
    ("build_out_onto_a_symlink", lambda r: (r / "out.txt").symlink_to(r / f"{NAME}.txt"),
     lambda r: _build(str(r / "out.txt"))(r), 2, ["the output is the article itself"]),
    ("build_out_onto_a_link_elsewhere", lambda r: (r / "out.txt").symlink_to(r / "elsewhere.txt"),
     lambda r: _build(str(r / "out.txt"))(r), 5, ["out.txt: is a symbolic link; refusing to write through it"]),
    ("build_out_onto_a_fifo", _fifo("out.txt"), lambda r: _build(str(r / "out.txt"))(r), 5,
     ["out.txt: is not a regular file"]),
    # special files and sizes (item 8)
    ("fifo_as_article", _fifo("fifo.txt"), _translate_article("fifo.txt"), 3,
     ["fifo.txt: is not a regular file (a FIFO, a device or a socket)"]),
    ("dev_zero_as_article", _nothing, lambda r: _translate(r, article="/dev/zero"), 3,
     ["/dev/zero: is not a regular file"]),
    ("article_above_the_cap", _sparse("huge.txt", (32 << 20) + 1), _translate_article("huge.txt"), 3,
     ["huge.txt: is 33,554,433 bytes, more than the 32 MiB toolkit reads as an article", "split it"]),
    ("glossary_above_the_cap", _sparse("glossaries/huge.tsv", (64 << 20) + 1), _translate, 3,
     ["huge.tsv: is 67,108,865 bytes, more than the 64 MiB toolkit reads as a glossary"]),
    ("catalog_above_the_cap", _cap("pofile", 1 << 20, then=_sparse(f"locales/ru/LC_MESSAGES/{NAME}.po",
                                                                    (1 << 20) + 1)), _translate, 3,
     [f"{NAME}.po: is 1,048,577 bytes, more than the 1 MiB toolkit reads as a catalog"]),   # (256 MiB really)
    ("fifo_as_glossary", _fifo("glossaries/fifo.tsv"), lambda r: _translate(r, "ru", "--glossary",
                                                                            str(r / "glossaries" / "fifo.tsv")), 3,
     ["fifo.tsv: is not a regular file"]),
    ("fifo_as_catalog", _fifo(f"locales/ru/LC_MESSAGES/{NAME}.po"), _translate, 5,
     [f"{NAME}.po: is not a regular file", "refusing to replace it"]),
    ("fifo_as_catalog_glossary_conflicts", _fifo(f"locales/ru/LC_MESSAGES/{NAME}.po"),
     lambda r: ["glossary", "conflicts", "--locales", str(r / "locales"), "--glossary", str(r / "glossaries")], 3,
     [f"{NAME}.po: is not a regular file"]),                         # polib blocked on it
    ("fifo_as_catalog_check", _fifo(f"locales/ru/LC_MESSAGES/{NAME}.po"),
     lambda r: ["check", "--locales", str(r / "locales"), "--to", "ru", "--glossary", str(r / "glossaries")], 3,
     [f"{NAME}.po: is not a regular file"]),
    ("fifo_as_build_article", _fifo("fifo.txt"), lambda r: ["build", str(r / "fifo.txt"), "--to", "ru", "--out", "-",
                                                            "--locales", str(r / "locales")], 3,
     ["fifo.txt: is not a regular file"]),
    # messages that mislead
    ("late_nul_in_the_article", _article("nul.txt", LATE_NUL), _translate_article("nul.txt"), 3,
     ["nul.txt:401:11: contains a NUL character", "remove it from the article"]),
    ("lone_surrogate_from_utf7", _article("u7.txt", b"Fine.\nHello +2D0- world.\n"),
     lambda r: _translate(r, "ru", "--encoding", "utf-7", article=str(r / "u7.txt")), 3,
     ["u7.txt:2:7: contains a lone surrogate U+D83D character"]),      # was a UnicodeEncodeError traceback
    ("eot_in_the_article", _article("eot.txt", b"Fine.\nA \x04 here.\n"), _translate_article("eot.txt"), 3,
     ["eot.txt:2:3: contains a U+0004 (EOT) character"]),
    ("newline_in_a_file_name", _nothing, _translate_article("two\nlines.txt"), 3,
     ["two\\nlines.txt: no such file"]),
    ("terminal_escape_in_a_file_name", _nothing, _translate_article("\x1b[2Jclear.txt"), 3,
     ["\\x1b[2Jclear.txt: no such file"]),
    ("bidi_override_in_a_file_name", _nothing, _translate_article("evil\u202etxt.exe"), 3,
     ["evil\\u202etxt.exe: no such file"]),
    # the translation memory (TOOLKIT_CACHE_DIR is <root>/cache in these tests)
    ("memory_with_another_schema", _memory_with("CREATE TABLE tm (k INTEGER, v BLOB, extra TEXT)"), _translate, 5,
     ["tm.sqlite3: the translation memory has another layout", "toolkit cache clear --yes"]),
    ("memory_not_a_database", _memory_bytes(b"SQLite format 2\x00" + b"\xff" * 4096), _translate, 5,
     ["tm.sqlite3: the translation memory is damaged", "toolkit cache clear --yes"]),
    ("memory_locked_by_another_program", _memory_locked, _translate, 6,
     ["tm.sqlite3: the translation memory is locked by another program", "--no-cache"]),
    ("memory_is_a_symlink", lambda r: (_changed_article(r), _memory(r).parent.mkdir(),
                                       _memory(r).symlink_to(r / f"{NAME}.txt")), _translate, 5,
     ["tm.sqlite3: part of the translation memory is a symbolic link"]),
    ("memory_wal_is_a_symlink", lambda r: (_changed_article(r), _memory(r).parent.mkdir(),
                                           Path(str(_memory(r)) + "-wal").symlink_to(r / f"{NAME}.txt")), _translate,
     5, ["tm.sqlite3-wal: part of the translation memory is a symbolic link"]),
    ("memory_in_a_read_only_folder", _env(TOOLKIT_CACHE_DIR="/proc", then=_changed_article), _translate, 5,
     ["/proc/tm.sqlite3: cannot open or write the translation memory here", "set TOOLKIT_CACHE_DIR"]),
    ("cache_stats_on_a_damaged_memory", _memory_bytes(b"garbage" * 1000), lambda r: ["cache", "stats"], 5,
     ["the translation memory is damaged", "toolkit cache clear --yes"]),
    # toolkit.toml (read from the working directory)
    ("toml_section_of_the_wrong_type", _toml(b'[toolkit]\nengines = "pseudo"\n'), _translate, 2,
     ["toolkit.toml: [toolkit.engines] must be a table, not a string"]),
    ("toml_value_of_the_wrong_type", _toml(b"[toolkit.decoding]\nbeam_size = 4.5\n"), _translate, 2,
     ["toolkit.toml: [toolkit.decoding] beam_size must be an integer, not a float"]),
    ("toml_not_utf8", _toml(b"# r\xe9glages\n[toolkit.engines]\nru = \"pseudo\"\n"), _translate, 2,
     ["toolkit.toml:1: not valid UTF-8 (byte 0xe9)", "re-save it as UTF-8"]),
    ("toml_is_a_fifo", _fifo("toolkit.toml"), _translate, 2, ["toolkit.toml: is not a regular file"]),
    # found while trying: not in the issue
    ("source_date_epoch_superscript_digit", _env(SOURCE_DATE_EPOCH="\u00b2", then=_changed_article), _translate, 2,
     ["SOURCE_DATE_EPOCH='\u00b2' is not a number of seconds"]),   # "²".isdigit() is True; int("²") is not
    ("source_date_epoch_beyond_time_t", _env(SOURCE_DATE_EPOCH="9" * 30, then=_changed_article), _translate, 2,
     ["SOURCE_DATE_EPOCH='999"]),
    ("article_name_too_long", _nothing, _translate_article("a" * 5000), 3, ["cannot open: File name too long"]),
    ("mo_is_a_fifo", _fifo(f"locales/ru/LC_MESSAGES/{NAME}.mo"), lambda r: ["compile", "--locales", str(r / "locales")],
     5, [f"{NAME}.mo: is not a regular file"]),                    # was read to compare: blocked forever
    ("mo_is_a_directory", lambda r: (r / "locales" / "ru" / "LC_MESSAGES" / f"{NAME}.mo").mkdir(),
     lambda r: ["compile", "--locales", str(r / "locales")], 5, [f"{NAME}.mo: is a directory"]),
    ("mo_is_a_symlink_to_the_article", lambda r: (r / "locales" / "ru" / "LC_MESSAGES" / f"{NAME}.mo").symlink_to(
        r / f"{NAME}.txt"), lambda r: ["compile", "--locales", str(r / "locales")], 5,
     [f"{NAME}.mo: is a symbolic link; refusing to write through it"]),
    ("article_is_the_template_it_would_write", _nothing,
     lambda r: _translate(r, article=str(r / "locales" / f"{NAME}.pot")), 2,
     [f"{NAME}.pot: the article is the catalog this run would write"]),
    ("article_is_the_catalog_it_would_write", _nothing, lambda r: _translate(r, article=str(_po(r))), 2,
     ["the article is the catalog this run would write"]),
    ("glossary_export_onto_the_glossary", _nothing,
     lambda r: ["glossary", "export", "--glossary", str(r / "glossaries"), "--out", str(r / "glossaries" / "names.tsv")],
     2, ["names.tsv: the output is a glossary file being exported; refusing to overwrite it"]),
    ("glossary_import_onto_its_own_tbx", _article("terms.tbx", (Path(__file__).parent / "fixtures" / "glossary" /
                                                                 "weblate.tbx").read_bytes()),
     lambda r: ["glossary", "import", str(r / "terms.tbx"), "--out", str(r / "terms.tbx")], 2,
     ["terms.tbx: the output is the TBX file being imported"]),
    ("glossary_language_all_deprecated", _article("glossaries/t.tbx", (
        b'<tbx><text><body><conceptEntry id="k"><langSec xml:lang="en"><termSec><term>Kyzylbulag</term></termSec>'
        b'</langSec><langSec xml:lang="ru"><termSec><term>X</term><termNote type="administrativeStatus">'
        b'deprecatedTerm-admn-sts</termNote></termSec></langSec></conceptEntry></body></text></tbx>')), _translate, 3,
     ["t.tbx:1: concept 'k': the ru terms are all deprecated"]),
]


# -- catalogs (issue 22): legacy charsets, hand-merged and hand-edited catalogs ------------------------------

_DESK_CP1251 = ('# Russian translation of desk.txt (an old Windows workflow).\nmsgid ""\nmsgstr ""\n'
                '"Language: ru\\n"\n"MIME-Version: 1.0\\n"\n"Content-Type: text/plain; charset=CP1251\\n"\n'
                '"Content-Transfer-Encoding: 8bit\\n"\n"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : '
                'n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"\n\n'
                'msgid "Baku agreed."\nmsgstr "Баку согласился."\n').encode("cp1251")


def _desk_cp1251(root: Path) -> None:
    """A CP1251 catalog (as `msgconv -t CP1251` writes one) and its article, which gained a sentence: the
    pseudo engine's accented letters (ö, ŵ) are not in CP1251."""
    (root / "desk.txt").write_text("Baku agreed.\nMoscow made no comment.\n", encoding="utf-8")
    path = root / "locales" / "ru" / "LC_MESSAGES" / "desk.po"
    path.write_bytes(_DESK_CP1251)


def _append_to_po(text: str):
    def setup(root: Path) -> None:
        with open(_po(root), "a", encoding="utf-8") as fh:
            fh.write(text)
    return setup


def _duplicate_entry(root: Path) -> None:
    from toolkit import pofile

    e = next(e for e in pofile.read(_po(root)) if e.msgid and not set(e.msgid) & set('\\"\n'))
    _append_to_po(f'\nmsgid "{e.msgid}"\nmsgstr "Копия."\n')(root)   # two copies merged by hand


CASES += [
    ("cp1251_catalog_cannot_hold_the_draft", _desk_cp1251,    # --no-cache: the memory would keep the draft
     lambda r: [*_translate(r, article=str(r / "desk.txt")), "--no-cache"], 3,
     ["desk.po: the entry 'Moscow made no comment.'", "cannot write", "CP1251", "nothing was written"]),
    ("catalog_with_a_duplicate_entry", lambda r: (_duplicate_entry(r), _changed_article(r)), _translate, 3,
     [f"{NAME}.po:", "duplicate"]),
    ("plural_entry_with_two_of_three_forms", _append_to_po('\nmsgid "%d mine"\nmsgid_plural "%d mines"\n'
                                                             'msgstr[0] "%d шахта"\nmsgstr[1] "%d шахты"\n'),
     _translate, 3, [f"{NAME}.po:", "plural"]),
]


def _lstat_tree(root: Path) -> dict[str, tuple[int, str | None]]:
    """Every entry's type and, for a link, where it points: a replaced link shows here, not in `tree`."""
    return {str(p.relative_to(root)): (os.lstat(p).st_mode & 0o170000, os.readlink(p) if p.is_symlink() else None)
            for p in sorted(root.rglob("*"))}


@pytest.mark.parametrize("name,setup,argv,code,words", CASES, ids=[c[0] for c in CASES])
def test_hostile_input_is_one_line_the_right_code_and_changes_nothing(name, setup, argv, code, words, project,
                                                                       monkeypatch):
    from toolkit import tm

    monkeypatch.chdir(project)
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(project / "cache"))
    monkeypatch.setattr(tm, "LOCK_TIMEOUT", 0.2)
    _ENV.clear()
    _CAPS.clear()
    setup(project)
    for var, value in _ENV.items():
        monkeypatch.setenv(var, value)
    for module, limit in _CAPS.items():
        import importlib

        monkeypatch.setattr(importlib.import_module(f"toolkit.{module}"), "MAX_BYTES", limit)
    before, shape = tree(project), _lstat_tree(project)
    try:
        result = runner.invoke(app, argv(project))
    finally:
        while _HELD:
            _HELD.pop().close()
    assert_one_line_error(result, code, words)
    assert tree(project) == before
    assert _lstat_tree(project) == shape
    assert temps(project) == []




# -- cases that must succeed ---------------------------------------------------------------------------------

def test_an_article_named_like_a_temp_file_keeps_its_catalog(project, monkeypatch):
    """The old cleanup deleted every `.toolkit-tmp-*` file: this article's catalog vanished on the next run."""
    monkeypatch.chdir(project)
    article = project / ".toolkit-tmp-notes.txt"
    article.write_text("Baku is the capital.\nYerevan hosted talks.\n", encoding="utf-8")
    assert runner.invoke(app, _translate(project, article=str(article))).exit_code == 0
    po = project / "locales" / "ru" / "LC_MESSAGES" / ".toolkit-tmp-notes.po"
    approved = po.read_text(encoding="utf-8").replace("#, fuzzy\n", "", 3)
    po.write_text(approved, encoding="utf-8")
    with open(article, "a", encoding="utf-8") as fh:
        fh.write("The mine opened.\n")
    result = runner.invoke(app, _translate(project, article=str(article)))
    assert result.exit_code == 0, result.output
    assert po.exists() and (project / "locales" / ".toolkit-tmp-notes.pot").exists()
    result = runner.invoke(app, ["stats", "--locales", str(project / "locales"), "--format", "json"])
    assert result.exit_code == 0 and ".toolkit-tmp-notes" not in result.stderr


def test_garbage_rows_in_the_memory_are_misses_and_get_replaced(project, monkeypatch):
    import sqlite3

    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(project / "cache"))
    _changed_article(project)
    assert runner.invoke(app, _translate(project, "ru")).exit_code == 0
    db = sqlite3.connect(_memory(project))
    keys = [k for (k,) in db.execute("SELECT key FROM tm")]
    garbage = ["not json", "[]", '{"a": 1}', "[[1, 2]]", '[["text", "high"]]', "[[\"t\", true]]", "null"]
    for key, value in zip(keys, garbage * len(keys)):
        db.execute("UPDATE tm SET hyps = ? WHERE key = ?", (value, key))
    db.execute("UPDATE tm SET hyps = x'00ff' WHERE key = ?", (keys[-1],))     # a blob where text belongs
    db.commit()
    (project / "locales" / "ru" / "LC_MESSAGES" / f"{NAME}.po").unlink()      # make the run ask the memory
    result = runner.invoke(app, _translate(project, "ru"))
    assert result.exit_code == 0, result.output
    rows = dict(db.execute("SELECT key, hyps FROM tm"))
    db.close()
    from toolkit.tm import _hypotheses

    assert all(_hypotheses(rows[k]) for k in keys)       # every garbage row was replaced by a real one


def test_cache_clear_works_on_the_damaged_memory_its_hint_names(project, monkeypatch):
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(project / "cache"))
    _memory_bytes(b"garbage" * 1000)(project)
    result = runner.invoke(app, ["cache", "stats"])
    assert result.exit_code == 5 and "toolkit cache clear --yes" in result.stderr
    result = runner.invoke(app, ["cache", "clear", "--yes"])
    assert result.exit_code == 0, result.output
    assert "removed the damaged translation memory" in result.stdout and not _memory(project).exists()
    assert runner.invoke(app, ["cache", "stats"]).stdout.startswith("0 cached translations")
    assert runner.invoke(app, _translate(project, "ru")).exit_code == 0     # and the memory works again


def test_cache_clear_removes_a_link_never_its_target(project, monkeypatch):
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(project / "cache"))
    _memory(project).parent.mkdir()
    _memory(project).symlink_to(project / f"{NAME}.txt")
    before = tree(project)
    result = runner.invoke(app, ["cache", "clear", "--yes"])
    assert result.exit_code == 0, result.output
    assert not os.path.lexists(_memory(project)) and tree(project) == before


def test_a_full_disk_under_the_memory_is_one_line(tmp_path):
    """SQLite's own SQLITE_FULL, produced by capping the file's pages (the tmpfs case below needs root)."""
    from toolkit.engines import Hypothesis
    from toolkit.errors import WriteError
    from toolkit.tm import Memory

    memory = Memory(tmp_path)
    memory.put_many([("k0", [Hypothesis("x", 0.0)])])
    memory._conn().execute("PRAGMA max_page_count = 8")
    with pytest.raises(WriteError) as info:
        memory.put_many([(f"k{i}", [Hypothesis("x" * 4000, 0.0)]) for i in range(1, 50)])
    assert str(info.value).startswith(f"{memory.path}: disk full while writing the translation memory")
    assert info.value.exit_code == 5
    assert memory.count() == 1           # the failed batch was rolled back as a whole


def test_a_full_disk_under_the_memory_on_a_real_tiny_filesystem(project, monkeypatch, tmp_path):
    import shutil
    import subprocess

    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(disk)],
                                           capture_output=True).returncode != 0:
        pytest.skip("needs root and mount (the max_page_count case covers SQLITE_FULL)")
    try:
        monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(disk))
        (disk / "filler").write_bytes(b"\0" * (shutil.disk_usage(disk).free - 16384))
        with open(project / f"{NAME}.txt", "a", encoding="utf-8") as fh:
            fh.write("".join(f"New sentence number {i} about the mine.\n" for i in range(400)))
        before = tree(project)
        result = runner.invoke(app, _translate(project, "ru"))
        assert result.exit_code == 5, result.output
        assert len(result.stderr.strip().splitlines()) == 1 and "disk full" in result.stderr, result.stderr
        assert tree(project) == before
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)


# -- odd environments: the real `toolkit` process (CliRunner replaces the streams) ------------------------------

def _run(*argv: str, cwd: Path, stdout=None, env: dict | None = None):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "toolkit", *argv], cwd=cwd, stdout=stdout or subprocess.PIPE,
                          stderr=subprocess.PIPE, env={**os.environ, **(env or {})}, timeout=120)


def test_ascii_only_output_prints_what_it_can_and_escapes_the_rest(project):
    env = {"PYTHONIOENCODING": "ascii"}
    # (`segment` and other typer.echo output: click decides an ASCII stream is a misconfigured locale and writes
    # UTF-8 itself, whole, no traceback)
    result = _run("check", "--locales", "locales", "--to", "ru", cwd=project, env=env)   # rich tables of Cyrillic
    assert result.returncode in (0, 7) and b"Traceback" not in result.stderr, result.stderr
    out = result.stdout.decode("ascii")                   # rich writes through sys.stdout: ASCII, escaped
    assert "\\u0434" in out or "\\u0440" in out


def test_standard_output_on_a_full_device_is_one_line_exit_5(project):
    """(`segment`, `glossary export` … > /dev/full take the same path: an OSError with no file name at the CLI edge.)"""
    before = tree(project)
    with open("/dev/full", "wb") as full:
        result = _run("build", f"{NAME}.txt", "--to", "ru", "--out", "-", cwd=project, stdout=full)
    lines = result.stderr.decode().strip().splitlines()
    assert result.returncode == 5, result.stderr
    assert lines == ["toolkit: error: standard output: cannot write: No space left on device; "
                     "the output is incomplete"]
    assert tree(project) == before


def test_a_file_name_that_is_not_utf8_is_shown_escaped(project, monkeypatch):
    """Its bytes reach Python as lone surrogates, which no stream can encode: the error line used to die."""
    monkeypatch.chdir(project)
    result = runner.invoke(app, ["translate", os.fsdecode(b"caf\xe9.txt"), "--to", "ru"])
    assert result.exit_code == 3
    assert result.stderr == "toolkit: error: caf\\udce9.txt: no such file (check the path)\n"


def test_a_long_article_name_still_fits_its_temp_files(project):
    """A 230-character name fits the file system; the temp file's name (prefix + name + 32 hex) must too."""
    article = project / ("b" * 230 + ".txt")
    article.write_text("Baku is the capital.\n", encoding="utf-8")
    result = runner.invoke(app, _translate(project, article=str(article)))
    assert result.exit_code == 0, result.output
    assert (project / "locales" / "ru" / "LC_MESSAGES" / ("b" * 230 + ".po")).exists() and temps(project) == []


def test_a_closed_standard_output_still_does_the_work(project):
    """`toolkit translate ... >&-` (cron, a daemon): Python's sys.stdout is None; the catalogs are still written."""
    import subprocess
    import sys

    with open(project / f"{NAME}.txt", "a", encoding="utf-8") as fh:
        fh.write("The ministry said the mine would open in May.\n")
    import shlex

    command = shlex.join([sys.executable, "-m", "toolkit", *_translate(project, "ru")])
    result = subprocess.run(["sh", "-c", f"exec {command} >&-"], cwd=project, stderr=subprocess.PIPE, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "would open in May" in _po(project).read_text(encoding="utf-8")


def test_an_uppercase_language_code_is_the_same_catalog(project):
    """`--to RU` used to start a second Russian catalog in locales/RU/, blind to the translator's work in ru/."""
    result = runner.invoke(app, _translate(project, "RU"))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (project / "locales").iterdir() if p.is_dir()) == ["az", "hy", "ru"]


def _plant_lock_hard_link(root: Path) -> None:
    _lock(root).unlink(missing_ok=True)
    os.link(root / f"{NAME}.txt", _lock(root))


@pytest.mark.parametrize("plant, argv", [(_plant_lock_link, _translate), (_plant_lock_link, _check_fix),
                                         (_plant_lock_hard_link, _translate)],
                         ids=["symlink_translate", "symlink_check_fix", "hard_link_translate"])
def test_a_planted_lock_file_is_never_opened(project, plant, argv):
    """`locales/.toolkit.lock -> ../article.txt` (or a hard link to it) in a cloned repository: the lock is
    an flock on the locales folder itself (issue 21: no lock file rewritten in the tree), so the planted
    name is never opened and the article it points to stays byte-identical while the run does its work."""
    plant(project)
    _changed_article(project)
    article = (project / f"{NAME}.txt").read_bytes()
    result = runner.invoke(app, argv(project))
    assert result.exit_code in (0, 7), result.output     # check --fix may report findings; never a lock error
    assert "lock" not in result.stderr
    assert (project / f"{NAME}.txt").read_bytes() == article and _lock(project).exists()


def test_terminal_escapes_in_an_article_are_shown_escaped(project):
    """`toolkit segment` on an article carrying OSC 52 (writes the clipboard) or a screen clear."""
    article = project / "esc.txt"
    article.write_bytes(b"Copy \x1b]52;c;cm0gLXJmIH4=\x07 this. Clear \x1b[2J now.\n")
    result = runner.invoke(app, ["segment", str(article), "--glossary", str(project / "glossaries")])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert result.stdout.splitlines() == ["b1.s1\tCopy \\x1b]52;c;cm0gLXJmIH4=\\x07 this.", "b1.s2\tClear \\x1b[2J now."]


def test_dev_stdout_as_out_is_refused_with_the_way_to_stdout(project):
    result = runner.invoke(app, ["glossary", "export", "--glossary", str(project / "glossaries"), "--out",
                                 "/dev/stdout"])
    assert result.exit_code == 5 and "use `--out -`" in result.stderr
    result = runner.invoke(app, ["glossary", "export", "--glossary", str(project / "glossaries"), "--out", "-"])
    assert result.exit_code == 0 and result.stdout.startswith("<?xml") and not (project / "-").exists()
