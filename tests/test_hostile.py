"""Hostile and unlucky inputs (issues 16 and 22): planted links, special files, odd names, broken caches, odd
environments, folder runs, glossary files from spreadsheets and other tools. Each case: how to break the project, the command, the exit code, what the one stderr line
says; every file that existed before is byte-identical afterwards and no temp file is left behind."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from toolkit.cli import app

from .conftest import SEED, assert_one_line_error
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


# -- issue 22: folder runs, glossary files, environment ------------------------------------------------------

WEBLATE = (Path(__file__).parent / "fixtures" / "glossary" / "weblate.tbx").read_bytes()   # Weblate's TBX 2008


def _weblate(*swaps: tuple[bytes, bytes], name: str = "terms.tbx"):
    """Weblate's real TBX export (tests/fixtures/glossary/weblate.tbx) with some bytes swapped."""
    data = WEBLATE
    for old, new in swaps:
        assert old in data
        data = data.replace(old, new)
    return _article(name, data)


def _import(r: Path) -> list[str]:
    return ["glossary", "import", str(r / "terms.tbx"), "--out", str(r / "glossaries" / "50-terms.tsv")]


def _day(*entries: tuple[str, object]):
    """A folder `day/` holding a real article and the given entries: bytes (a file), a Path (a link to it),
    None (a FIFO)."""
    def setup(root: Path) -> None:
        day = root / "day"
        day.mkdir()
        (day / "a-mining.txt").write_bytes(SEED.read_bytes())
        (root / "secret.txt").write_text("The password is hunter2.\n", encoding="utf-8")
        for name, what in entries:
            path = day / name
            if isinstance(what, bytes):
                path.write_bytes(what)
            elif isinstance(what, Path):
                path.symlink_to(what)
            else:
                os.mkfifo(path)
    return setup


def _translate_day(*extra: str):
    return lambda r: _translate(r, "ru", *extra, article=str(r / "day"))


def _link_locales(rel: str, *, then=_changed_article):
    """What a cloned repository carrying `locales/ru -> ../other/locales/ru` looks like: the other project's
    catalogs (a copy of ours) behind a link where ours would be."""
    def setup(root: Path) -> None:
        import shutil

        here = root / "locales" / rel
        other = root / "other" / "locales" / rel
        shutil.copytree(here, other)
        shutil.rmtree(here)
        here.symlink_to(Path(os.path.relpath(other, here.parent)))
        if then is not None:
            then(root)
    return setup


def _link_whole_locales(root: Path) -> None:
    (root / "locales").rename(root / "other-locales")
    (root / "locales").symlink_to("other-locales")
    _changed_article(root)


def _argos(*extra: str):
    return lambda r: ["translate", str(r / f"{NAME}.txt"), "--to", "ru", "--engine", "argos", "--no-download",
                      "--locales", str(r / "locales"), "--glossary", str(r / "glossaries"), *extra]


def _add_variant(column: str):
    return lambda r: ["glossary", "add-variant", "baku", column, "zzz", "--glossary", str(r / "glossaries"),
                      "--locales", str(r / "locales")]


def _tsv(name: str, data: bytes):
    return _article(f"glossaries/{name}", data)


def _file_for_folder(rel: str):
    def setup(root: Path) -> None:
        import shutil

        shutil.rmtree(root / rel)
        (root / rel).write_bytes(b"not a folder\n")
    return setup


NOT_UTF8 = os.fsdecode(b"caf\xe9.txt")
HEADER = b"id\tkind\ten\tru\n"

CASES += [
    # folder runs (issue 22)
    ("folder_link_to_a_secret", _day(("notes.txt", Path("..") / "secret.txt")), _translate_day(), 3,
     ["day/notes.txt: is a symbolic link inside the folder; not followed", "name the file it points at"]),
    ("locales_language_folder_is_a_link", _link_locales("ru"), _translate, 5,
     ["locales/ru: is a symbolic link (to ../other/locales/ru); refusing to write catalogs through it",
      "--follow-links"]),
    ("newline_in_an_article_name_in_a_folder", _day(("two\nlines.txt", b"Baku is the capital.\n")),
     _translate_day(), 3, ["day/two\\nlines.txt: the file name holds a newline", "rename the file"]),
    ("non_utf8_article_name_in_a_folder", _day((NOT_UTF8, b"Baku is the capital.\n")), _translate_day(), 3,
     ["caf\\udce9.txt: the file name holds bytes that are not UTF-8"]),
    ("non_utf8_article_name_named", _article(NOT_UTF8, b"Baku is the capital.\n"), _translate_article(NOT_UTF8), 3,
     ["the file name holds bytes that are not UTF-8", "rename the file"]),
    ("latin1_english_article", _article("cafe.txt", "The café in Zürich reopened.\n".encode("latin-1")),
     _translate_article("cafe.txt"), 3, ["cafe.txt:1:8: not valid utf-8 (byte 0xe9)", "it looks like cp1252",
                                         "--encoding cp1252"]),
    ("cp1252_english_article", _article("quotes.txt", "It\u2019s \u201cdone\u201d \u2013 the mine said.\n"
                                        .encode("cp1252")), _translate_article("quotes.txt"), 3,
     ["it looks like cp1252"]),
    # glossaries (issue 22)
    ("import_a_formula_term", _weblate((b"<term>Baku</term>", b"<term>=cmd|' /C calc'!A0</term>")), _import, 3,
     ["terms.tbx:17: concept 'baku': the en cell \"=cmd|' /C calc'!A0\" starts with '='",
      "which a spreadsheet runs as a formula"]),
    ("lint_a_formula_cell", _tsv("evil.tsv", HEADER + b"calc\tplace\t=cmd|' /C calc'!A0\tX\n"),
     lambda r: ["glossary", "check", "--glossary", str(r / "glossaries")], 7, ["blocking glossary finding"]),
    ("tbx_declared_latin1_saved_as_utf8", _weblate((b'encoding="UTF-8"', b'encoding="ISO-8859-1"')), _import, 3,
     ["terms.tbx:1: declares encoding ISO-8859-1 but its bytes are UTF-8", 'encoding="UTF-8"']),
    ("tbx_with_a_5mb_id", _weblate((b'id="baku"', b'id="' + b"b" * (5 << 20) + b'"')), _import, 3,
     ["terms.tbx:17: the concept id 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb…' is 5,242,880 characters, more than "
      "the 256 an id may have"]),
    ("add_variant_into_the_id_column", _nothing, _add_variant("id"), 2,
     ["'id' is not a language column", "ru, az, hy"]),
    ("add_variant_into_the_kind_column", _nothing, _add_variant("kind"), 2, ["'kind' is not a language column"]),
    ("add_variant_into_the_note_column", _nothing, _add_variant("note"), 2, ["'note' is not a language column"]),
    ("a_1mb_cell", _tsv("big.tsv", HEADER + b"big\tplace\tBig\t" + b"x" * (1 << 20) + b"\n"), _translate, 3,
     ["big.tsv:2: a cell is longer than 131,072 characters, the most a glossary cell holds"]),
    ("fifo_named_tsv_in_the_glossary_folder", _fifo("glossaries/fifo.tsv"), _translate, 3,
     ["glossaries/fifo.tsv: is not a regular file"]),
    # environment (issue 22)
    ("device_gpu", _nothing, _argos("--device", "gpu"), 2,
     ["--device gpu: not a device CTranslate2 knows; choose one of cpu, cuda, auto"]),
    ("compute_type_bogus_in_toolkit_toml", _toml(b'[toolkit.decoding]\ncompute_type = "bogus"\n'), _argos(), 2,
     ["toolkit.toml: [toolkit.decoding] compute_type = 'bogus' is not one CTranslate2 knows"]),
    # found while trying (issue 22): not in the issue
    ("folder_dangling_link", _day(("gone.txt", Path("nowhere.txt"))), _translate_day(), 3,
     ["day/gone.txt: is a symbolic link inside the folder"]),
    ("folder_link_to_another_folder_article", _day(("copy.txt", Path("a-mining.txt"))), _translate_day(), 3,
     ["day/copy.txt: is a symbolic link inside the folder"]),
    ("folder_fifo_named_txt", _day(("pipe.txt", None)), _translate_day(), 3,
     ["day/pipe.txt: is not a regular file (a FIFO, a device or a socket)", "remove it from the folder"]),
    ("folder_link_refused_by_build_too", _day(("notes.txt", Path("..") / "secret.txt")),
     lambda r: ["build", str(r / "day"), "--to", "ru", "--locales", str(r / "locales")], 3,
     ["day/notes.txt: is a symbolic link inside the folder"]),
    ("tab_in_an_article_name", _day(("a\tb.txt", b"Baku.\n")), _translate_day(), 3,
     ["a\\tb.txt: the file name holds the control character U+0009"]),
    ("line_separator_in_an_article_name", _article("a\u2028b.txt", b"Baku.\n"), _translate_article("a\u2028b.txt"),
     3, ["a\\u2028b.txt: the file name holds the control character U+2028"]),
    ("locales_lc_messages_is_a_link", _link_locales("az/LC_MESSAGES"), lambda r: _translate(r, "az"), 5,
     ["locales/az/LC_MESSAGES: is a symbolic link"]),
    ("locales_folder_is_a_link", _link_whole_locales, _translate, 5,
     ["locales: is a symbolic link (to other-locales)", "--follow-links"]),
    ("compile_through_a_linked_language", _link_locales("hy", then=None),
     lambda r: ["compile", "--locales", str(r / "locales")], 5, ["locales/hy: is a symbolic link"]),
    ("check_fix_through_a_linked_language", _link_locales("ru", then=None), _check_fix, 5,
     ["locales/ru: is a symbolic link"]),
    ("locales_is_a_file", _article("catalogs", b"not a folder\n"),
     lambda r: _translate(r, "ru", "--locales", str(r / "catalogs")), 5,
     ["catalogs: is a file, not a folder of catalogs", "--locales"]),
    ("tbx_declared_utf8_with_latin1_bytes", _article("terms.tbx", WEBLATE.replace("Bakı".encode(), b"Bak\xfd")),
     _import, 3, ["terms.tbx:19: declares UTF-8, but byte 0xfd is not UTF-8"]),
    ("tbx_without_declaration_in_cp1252", _article("terms.tbx", WEBLATE.split(b"\n", 1)[1].decode().replace(
        "Кызылбулаг", "Kyzylbulag").replace("Гызылбулаг", "Gyzylbulag").replace("Дрмбон", "Drmbon").replace(
        "Կզըլբուլաղ", "Kizilbulag").replace("Bakı", "Baký").encode("cp1252")), _import, 3,
     ["has no encoding declaration, so is read as UTF-8, but byte 0xfd is not UTF-8"]),
    ("tbx_term_above_the_cell_cap", _weblate((b"<term>Baku</term>", b"<term>" + b"Baku " * 30000 + b"</term>")),
     _import, 3, ["terms.tbx:18: concept 'baku': the en terms: 149,999 characters, more than the 131,072"]),
    ("tbx_note_formula", _weblate((b"<note>gold mine</note>", b"<note>@SUM(1+1)*cmd|' /C calc'!A0</note>")),
     _import, 3, ["concept 'kyzylbulag': the note cell", "starts with '@'"]),
    ("tbx_billion_laughs", _weblate((b'<martif', b'<!DOCTYPE martif [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;'
                                     b'&a;&a;&a;&a;&a;&a;&a;">]>\n<martif'), (b"gold mine", b"&b;")), _import, 3,
     ["terms.tbx:2: DTDs and entity declarations are not accepted"]),
    ("tbx_external_entity", _weblate((b'<martif', b'<!DOCTYPE martif [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                                      b'<martif'), (b"gold mine", b"&x;")), _import, 3,
     ["DTDs and entity declarations are not accepted"]),
    ("tsv_id_above_the_cap", _tsv("long.tsv", HEADER + b"x" * 300 + b"\tplace\tLong\tX\n"), _translate, 3,
     ["long.tsv:2:1: the id is 300 characters, more than the 256 an id may have"]),
    ("tsv_unclosed_quote_swallows_the_file", _tsv("quote.tsv", HEADER + b'q\tplace\t"Quoted\tX\n' +
                                                  b"r\tplace\tRow\tY\n" * 20000), _translate, 3,
     ["quote.tsv:", "a cell is longer than 131,072 characters", "opened and never closed"]),
    ("dangling_link_named_tsv_in_the_glossary_folder", lambda r: (r / "glossaries" / "gone.tsv").symlink_to("nowhere"),
     _translate, 3, ["glossaries/gone.tsv: cannot read: No such file or directory"]),
    ("toml_typo_in_a_table_name", _toml(b'[toolkit.engine]\nru = "pseudo"\n'), _translate, 2,
     ["toolkit.toml: unknown key [toolkit.engine]; known: [toolkit.engines], [toolkit.decoding]"]),
    ("toml_typo_in_the_top_table", _toml(b'[tolkit.engines]\nru = "pseudo"\n'), _translate, 2,
     ["toolkit.toml: unknown table [tolkit]"]),
    ("toml_device_gpu", _toml(b'[toolkit.decoding]\ndevice = "gpu"\n'), _argos(), 2,
     ["toolkit.toml: [toolkit.decoding] device = 'gpu' is not one CTranslate2 knows; choose one of cpu, cuda, auto"]),
    ("device_in_capitals", _nothing, _argos("--device", "CUDA"), 2, ["--device CUDA: not a device CTranslate2 knows"]),
    ("device_gpu_with_the_pseudo_engine", _nothing, lambda r: _translate(r, "ru", "--device", "gpu"), 2,
     ["--device gpu: not a device"]),
    ("build_out_slash_onto_a_file", _article("published", b"a file\n"), _build("published/"), 2,
     ["published: is a file, and --out names a folder here"]),
    ("add_variant_into_an_unknown_column", _nothing, _add_variant("xx-nope"), 2,
     ["'xx-nope' is not a language column"]),
    ("folder_name_with_a_newline",
     lambda r: ((r / "a\nb").mkdir(), (r / "a\nb" / "x.txt").write_bytes(b"Baku.\n")),
     lambda r: _translate(r, "ru", article=str(r / "a\nb")), 3,
     ["a\\nb/x.txt: the folder name holds a newline", "rename the folder"]),
    ("locales_language_is_a_file", _file_for_folder("locales/az"), lambda r: _translate(r, "az"), 5,
     ["locales/az: is a file, not a folder of catalogs", "move the file away"]),
    ("tbx_id_with_a_line_break", _weblate((b'id="baku"', b'id="ba&#10;ku"')), _import, 3,
     ["terms.tbx:17: the concept id 'ba\\nku' holds a tab or a line break; an id is one line"]),
    ("tsv_id_with_a_line_break", _tsv("nl.tsv", HEADER + b'"ba\nku"\tcity\tBaku\tX\n'), _translate, 3,
     ["nl.tsv:2:1: the id holds a tab or a line break", "write the id on one line"]),
    ("add_variant_a_formula_term", _nothing,
     lambda r: ["glossary", "add-variant", "baku", "ru", "=HYPERLINK(\"http://x\")", "--as", "admitted",
                "--glossary", str(r / "glossaries"), "--locales", str(r / "locales")], 2,
     ["starts with '=', which a spreadsheet runs as a formula"]),
    ("toml_engine_for_a_misspelt_language", _toml(b'[toolkit.engines]\nrus = "pseudo"\n'), _translate, 2,
     ["toolkit.toml: [toolkit.engines] 'rus' is not a language code as toolkit writes it"]),
    ("csv_glossary_with_semicolons", _tsv("excel.csv", b"id;kind;en;ru\nbaku;city;Baku;X\n"), _translate, 3,
     ["excel.csv:1: header lacks column(s) id, en", "its columns are separated by semicolons, a .csv file's by "
      "commas: re-save it with commas"]),
    ("tsv_glossary_with_commas", _tsv("commas.tsv", b"id,kind,en,ru\nbaku,city,Baku,X\n"), _translate, 3,
     ["separated by commas, a .tsv file's by tabs: re-save it with tabs, or rename it .csv"]),
    # Excel's "Unicode Text (*.txt)": UTF-16 little-endian with a BOM, tabs, CRLF (as herongyang.com/Unicode/
    # Excel-Save-File-in-Unicode-Text-txt.html dumps it: FFFE4800 6500…0D000A00)
    ("tsv_glossary_in_utf16", _tsv("excel.tsv", b"\xff\xfe" + "id\tkind\ten\tru\r\nbaku\tcity\tBaku\tБаку\r\n"
                                                 .encode("utf-16-le")),
     _translate, 3, ["excel.tsv:1: this file is UTF-16 text, not UTF-8", "save the glossary as UTF-8"]),
    ("folder_article_hard_linked_to_its_template", lambda r: ((r / "day").mkdir(), os.link(
        r / "locales" / f"{NAME}.pot", r / "day" / f"{NAME}.txt")), _translate_day(), 2,
     [f"day/{NAME}.txt: the article is the catalog this run would write"]),
    ("glossary_link_to_dev_zero", lambda r: (r / "glossaries" / "zero.tsv").symlink_to("/dev/zero"), _translate, 3,
     ["zero.tsv: is not a regular file (a FIFO, a device or a socket)"]),
    ("glossary_link_to_itself", lambda r: (r / "glossaries" / "loop.tsv").symlink_to("loop.tsv"), _translate, 3,
     ["glossaries/loop.tsv: cannot read: Too many levels of symbolic links"]),
    ("pyproject_typo_in_a_table_name", _article("pyproject.toml", b'[tool.toolkit.engins]\nru = "pseudo"\n'),
     _translate, 2, ["pyproject.toml: unknown key [tool.toolkit.engins]; known: [tool.toolkit.engines]"]),
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
    assert ".toolkit.lock" not in result.stderr and "locked" not in result.stderr
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


# -- issue 22: cases a table does not fit ---------------------------------------------------------------------

def test_keep_going_skips_a_link_and_a_bad_name_and_translates_the_rest(project, monkeypatch):
    """The bad entries are refused by name before anything is written; the good article's catalogs land;
    the file the link points at is never read (its words are in no catalog)."""
    monkeypatch.chdir(project)
    _day(("notes.txt", Path("..") / "secret.txt"), ("two\nlines.txt", b"Baku is the capital.\n"))(project)
    result = runner.invoke(app, _translate(project, "ru", "--keep-going", article=str(project / "day")))
    assert result.exit_code == 3, result.output
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 2 and all(line.endswith("(skipped)") for line in errors), errors
    assert "day/notes.txt: is a symbolic link inside the folder" in errors[0] or \
        "day/notes.txt: is a symbolic link inside the folder" in errors[1]
    po = project / "locales" / "ru" / "LC_MESSAGES" / "a-mining.po"
    assert po.exists()
    written = "".join(p.read_text(encoding="utf-8") for p in (project / "locales").rglob("*.po*"))
    assert "hunter2" not in written and not list((project / "locales").rglob("notes.*"))
    assert temps(project) == []


def test_an_article_swapped_after_listing_is_not_read(project, monkeypatch):
    """Listed as a regular file, then replaced by a link to a secret (or by another file) before it is read."""
    from toolkit import articles, pipeline
    from toolkit.errors import InputError

    _day()(project)
    article = project / "day" / "a-mining.txt"
    real = articles.collect_articles
    for swap, words in [(lambda: (article.unlink(), article.symlink_to(project / "secret.txt")),
                         "is a symbolic link now; not followed"),
                        (lambda: (article.unlink(), (project / "secret.txt").rename(article)),
                         "was replaced by another file while this run was starting")]:
        def listed_then_swapped(*args, swap=swap, **kwargs):
            found = real(*args, **kwargs)
            swap()
            return found

        monkeypatch.setattr(articles, "collect_articles", listed_then_swapped)
        before = tree(project / "locales")
        with pytest.raises(InputError, match=words):
            pipeline.translate_files([project / "day"], ["ru"], engine="pseudo", glossary_dir=None,
                                     locales=project / "locales")
        assert tree(project / "locales") == before
        monkeypatch.undo()
        article.unlink()
        article.write_bytes(SEED.read_bytes())
        (project / "secret.txt").write_text("The password is hunter2.\n", encoding="utf-8")


def test_recursive_never_enters_a_linked_folder_or_loops(tmp_path):
    from toolkit import articles

    day = tmp_path / "day"
    (day / "sport").mkdir(parents=True)
    (day / "a.txt").write_text("A.\n", encoding="utf-8")
    (day / "sport" / "b.txt").write_text("B.\n", encoding="utf-8")
    (day / "sport" / "loop").symlink_to("..")                 # day/sport/loop -> day: a loop
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "c.txt").write_text("C.\n", encoding="utf-8")
    (day / "out").symlink_to(tmp_path / "elsewhere")          # a way out of the tree
    (day / "dir.txt").mkdir()                                 # a folder named like an article: entered, not read
    (day / "dir.txt" / "d.txt").write_text("D.\n", encoding="utf-8")
    assert [p.name for p in articles.collect([day], recursive=True)] == ["a.txt", "d.txt", "b.txt"]


def test_follow_links_writes_through_a_linked_language_folder_when_asked(project):
    _link_locales("ru")(project)
    other = project / "other" / "locales" / "ru" / "LC_MESSAGES" / f"{NAME}.po"
    before = other.read_bytes()
    result = runner.invoke(app, _translate(project, "ru", "--follow-links"))
    assert result.exit_code == 0, result.output
    assert other.read_bytes() != before and "would open in May" in other.read_text(encoding="utf-8")


def test_a_linked_folder_of_another_language_does_not_stop_this_one(project):
    _link_locales("hy")(project)
    result = runner.invoke(app, _translate(project, "ru"))
    assert result.exit_code == 0, result.output
    assert "would open in May" in _po(project).read_text(encoding="utf-8")


def test_lint_names_the_formula_cell(project):
    (project / "glossaries" / "evil.tsv").write_bytes(HEADER + b"calc\tplace\tCalc\t+cmd|' /C calc'!A0\n"
                                                     b"at\tplace\tAt\t@SUM(A1)\n")
    result = runner.invoke(app, ["glossary", "check", "--glossary", str(project / "glossaries"), "--format", "json"])
    assert result.exit_code == 7
    import json

    found = [(f["code"], f["lang"], f["places"][0]["line"]) for f in json.loads(result.stdout)
             if f["code"] == "formula"]
    assert found == [("formula", "ru", 2), ("formula", "ru", 3)]


def _full_under(monkeypatch, lang: str) -> None:
    """Temp files under locales/<lang>/ sit on a full device: /dev/full gives ENOSPC on write, as a real full
    disk does (the tmpfs case below needs root and mount)."""
    from toolkit import fsutil

    real = fsutil._create_temp

    def full(directory: Path, name: str):
        fd, tmp = real(directory, name)
        if directory.parent.name == lang:
            dev = os.open("/dev/full", os.O_WRONLY)
            os.dup2(dev, fd)
            os.close(dev)
        return fd, tmp

    monkeypatch.setattr(fsutil, "_create_temp", full)


def test_a_full_disk_during_compile_says_which_mo_files_were_written(project, monkeypatch):
    _full_under(monkeypatch, "hy")
    result = runner.invoke(app, ["compile", "--locales", str(project / "locales")])
    assert_one_line_error(result, 5, [f"hy/LC_MESSAGES/{NAME}.mo: disk full; that file was not changed; written "
                                      f"before it: az/LC_MESSAGES/{NAME}.mo; not written: hy/LC_MESSAGES/{NAME}.mo, "
                                      f"ru/LC_MESSAGES/{NAME}.mo"])
    assert sorted(p.parent.parent.name for p in (project / "locales").rglob("*.mo")) == ["az"]
    assert temps(project) == []


def test_a_full_disk_during_translate_all_says_what_was_written(project, monkeypatch):
    """ru and az land, then hy's temp file sits on a full device; each catalog is atomic, so the message lists
    what this run wrote and what it did not."""
    _changed_article(project)
    _full_under(monkeypatch, "hy")
    before = tree(project)
    result = runner.invoke(app, _translate(project, "all"))
    assert_one_line_error(result, 5, [
        f"hy/LC_MESSAGES/{NAME}.po: disk full; that file was not changed; written before it: ru/LC_MESSAGES/{NAME}.po, "
        f"az/LC_MESSAGES/{NAME}.po; not written: hy/LC_MESSAGES/{NAME}.po, {NAME}.pot", "free some space"])
    after = tree(project)
    changed = {k for k in before if before[k] != after.get(k)}
    assert changed == {f"locales/ru/LC_MESSAGES/{NAME}.po", f"locales/az/LC_MESSAGES/{NAME}.po"}
    assert temps(project) == []


def test_too_few_file_descriptors_is_one_line(project):
    """`ulimit -n 8`: Python's own lazy imports (babel, here) are the first to fail, with EMFILE."""
    import resource
    import subprocess
    import sys

    _changed_article(project)
    before = tree(project)
    result = subprocess.run([sys.executable, "-m", "toolkit", *_translate(project, "ru")], cwd=project,
                            capture_output=True, timeout=120,
                            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (8, 8)))
    lines = result.stderr.decode().strip().splitlines()
    assert result.returncode == 5, result.stderr
    assert len(lines) == 1 and "too many open files" in lines[0] and "(ulimit -n)" in lines[0], lines
    assert "ulimit -n 1024" in lines[0] and b"Traceback" not in result.stderr
    assert tree(project) == before        # the run lock is an flock on locales/: no file to rewrite


def test_a_file_size_limit_is_one_line(project):
    """`ulimit -f`: Python ignores SIGXFSZ, so the write fails with EFBIG; nothing is half-written."""
    import resource
    import subprocess
    import sys

    _changed_article(project)
    before = tree(project)
    result = subprocess.run([sys.executable, "-m", "toolkit", *_translate(project, "ru", "--no-cache")], cwd=project,
                            capture_output=True, timeout=120,
                            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192)))
    lines = result.stderr.decode().strip().splitlines()
    assert result.returncode == 5, result.stderr
    assert lines == [f"toolkit: error: {_po(project)}: would be larger than this process may write (ulimit -f); "
                     "nothing was changed (raise the limit, e.g. `ulimit -f unlimited`, and run again)"]
    assert tree(project) == before
    assert temps(project) == []


def test_a_file_size_limit_while_writing_the_memory_names_the_limit(project, tmp_path):
    """SQLite turns EFBIG into SQLITE_IOERR_WRITE ("disk I/O error": os_unix.c `unixWrite` keeps SQLITE_FULL for
    ENOSPC); under `ulimit -f` that must name the limit, not the disk. The memory's -shm map (32 KiB) and pages
    outgrow 16 KiB before any catalog is written."""
    import resource
    import subprocess
    import sys

    _changed_article(project)                 # a sentence to translate, so the memory is written
    before = tree(project)
    result = subprocess.run([sys.executable, "-m", "toolkit", *_translate(project, "ru")], cwd=project,
                            capture_output=True, timeout=120, env={**os.environ, "TOOLKIT_CACHE_DIR": str(tmp_path)},
                            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (16384, 16384)))
    lines = result.stderr.decode().strip().splitlines()
    assert result.returncode == 5, result.stderr
    assert lines == [f"toolkit: error: {tmp_path / 'tm.sqlite3'}: would be larger than this process may write "
                     "(ulimit -f) while writing the translation memory (raise the limit, e.g. `ulimit -f unlimited`, "
                     "or run with --no-cache)"]
    assert tree(project) == before


def test_a_disk_error_without_a_size_limit_is_not_blamed_on_it(tmp_path):
    """Only a limit the memory's files are near explains an I/O error; without one it stays a disk problem."""
    import resource
    import sqlite3

    from toolkit import tm

    assert resource.getrlimit(resource.RLIMIT_FSIZE)[0] == resource.RLIM_INFINITY   # as pytest runs here
    err = tm.Memory(tmp_path)._error(sqlite3.OperationalError("disk I/O error"))
    assert err.reason == "cannot read or write the translation memory (disk I/O error)"


def _cuda_devices() -> int:
    import ctranslate2

    try:
        return ctranslate2.get_cuda_device_count()
    except RuntimeError:
        return 0


@pytest.mark.skipif(_cuda_devices() > 0, reason="this machine has a CUDA GPU")
@pytest.mark.parametrize("toml,extra,words", [
    (None, ("--device", "cuda"), "--device cuda: no usable CUDA GPU on this machine"),
    (b'[toolkit.decoding]\ndevice = "cuda"\n', (), "device = 'cuda' in toolkit.toml: no usable CUDA GPU"),
])
def test_cuda_without_a_gpu_names_the_setting(project, monkeypatch, toml, extra, words):
    monkeypatch.chdir(project)
    _changed_article(project)
    if toml:
        (project / "toolkit.toml").write_bytes(toml)
    before = tree(project)
    result = runner.invoke(app, _argos(*extra)(project))
    assert_one_line_error(result, 2, [words])
    assert "reinstall" not in result.stderr and tree(project) == before


def test_a_compute_type_the_cpu_lacks_names_the_setting(project, monkeypatch):
    import ctranslate2

    if "float16" in ctranslate2.get_supported_compute_types("cpu"):
        pytest.skip("this CPU computes in float16")
    monkeypatch.chdir(project)
    _changed_article(project)
    (project / "toolkit.toml").write_bytes(b'[toolkit.decoding]\ncompute_type = "float16"\n')
    result = runner.invoke(app, _argos()(project))
    assert_one_line_error(result, 2, ["compute_type = 'float16' in toolkit.toml: the cpu device here does not "
                                      "support it; it supports"])


@pytest.mark.parametrize("out,made", [("published/", True), ("existing", False)])
def test_build_out_a_folder(project, out, made):
    """`--out published/` with no such folder creates it; an existing folder without the slash is a folder too."""
    if not made:
        (project / out).mkdir()
    result = runner.invoke(app, _build(f"{project}/{out}")(project))
    assert result.exit_code == 0, result.output
    written = project / out / f"{NAME}.ru.txt"
    assert written.is_file() and (project / out).is_dir()
    assert result.stdout.strip() == f"ru: {written}"


def test_a_tsv_with_bom_and_crlf_reads_as_the_same_glossary(tmp_path):
    from toolkit import glossary as glossary_mod

    plain = HEADER + "baku\tcity\tBaku\tБаку\n".encode()
    (tmp_path / "lf.tsv").write_bytes(plain)
    (tmp_path / "crlf.tsv").write_bytes(b"\xef\xbb\xbf" + plain.replace(b"\n", b"\r\n"))
    lf, crlf = glossary_mod.read_file(tmp_path / "lf.tsv"), glossary_mod.read_file(tmp_path / "crlf.tsv")
    assert [(c.id, c.kind, c.terms, c.note) for c in lf] == [(c.id, c.kind, c.terms, c.note) for c in crlf]


def test_a_toolkit_toml_with_a_bom_is_read(project, monkeypatch):
    """Windows Notepad saves UTF-8 with a BOM; tomllib alone says "Invalid statement (at line 1, column 1)"."""
    monkeypatch.chdir(project)
    (project / "toolkit.toml").write_bytes(b'\xef\xbb\xbf[toolkit.engines]\nru = "pseudo"\n')
    _changed_article(project)
    result = runner.invoke(app, ["translate", str(project / f"{NAME}.txt"), "--to", "ru", "--engine", "auto",
                                 "--locales", str(project / "locales"), "--glossary", str(project / "glossaries")])
    assert result.exit_code == 0, result.output
    assert "would open in May" in _po(project).read_text(encoding="utf-8")


def test_repeated_languages_make_one_catalog_each(project):
    result = runner.invoke(app, _translate(project, "ru", "--to", "RU", "--to", "ru", "--format", "json"))
    assert result.exit_code == 0, result.output
    import json

    assert [lang["lang"] for lang in json.loads(result.stdout)["articles"][0]["languages"]] == ["ru"]


def test_two_sections_of_one_language_in_a_tbx_make_one_cell(tmp_path):
    """`ru` and `ru-RU` are both the ru column: the second section's terms used to vanish from the TSV."""
    from toolkit import glossary as glossary_mod
    from toolkit.glossary import tbx

    (tmp_path / "in.tbx").write_bytes(WEBLATE.replace(
        b'<langSet xml:lang="az">', b'<langSet xml:lang="ru-RU"><tig><term>\xd0\x91\xd0\xb0\xd0\xba\xd1\x83</term>'
        b'</tig></langSet><langSet xml:lang="ru"><tig><term>\xd0\x91\xd0\xb0\xd0\xba\xd1\x8b</term><termNote '
        b'type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig></langSet><langSet xml:lang="az">'))
    baku = next(c for c in tbx.read(tmp_path / "in.tbx") if c.id == "baku")
    assert baku.languages == ("en", "ru", "az")
    assert (baku.preferred("ru"), baku.forbidden("ru")) == ("Баку", ("Бакы",))
    glossary_mod.write_tsv([baku], tmp_path / "out.tsv")
    assert glossary_mod.read_file(tmp_path / "out.tsv")[0].terms == baku.terms


GUESSES = [
    # text, the codec it was saved in, the guess that is right, why
    ("The café in Zürich reopened.", "latin-1", "cp1252", "English Latin-1: cp1251 reads café as cafй"),
    ("It\u2019s \u201cdone\u201d \u2013 the ministry said.", "cp1252", "cp1252", "smart quotes only: a tie, Latin first"),
    ("Prices rose 24½% to ¥130 per km².", "latin-1", "cp1252", "symbols by digits: cp1251 makes 24ѕ and Ґ130"),
    ("Naïve résumé of the crème brûlée.", "cp1252", "cp1252", "several accents in a word, still one script"),
    ("Новости.\nБаку - столица Азербайджана.", "cp1251", "cp1251", "Russian: cp1252 makes words of accents only"),
    ("Новости.\nБаку - столица Азербайджана.", "koi8-r", "koi8-r", "KOI8-R read as cp1251 has a lower-case first "
     "letter and capitals after it"),
    ("ВВП России вырос на 5%.", "koi8-r", "koi8-r", "an acronym stays plausible in both"),
    ("Bakı şeheri ve Gence.", "iso-8859-9", "iso-8859-9", "Turkish letters: cp1252 makes Icelandic þ and ý"),
]


@pytest.mark.parametrize("text,saved,expected,reason", GUESSES, ids=[g[3] for g in GUESSES])
def test_the_encoding_guess(text, saved, expected, reason):
    from toolkit.document import guess_encoding

    assert guess_encoding(text.encode(saved)) == expected


def test_a_full_disk_during_build_all_says_which_articles_were_written(project, monkeypatch):
    """`build --to all --out DIR/` writes ru, az, hy in turn; hy's temp file sits on /dev/full (ENOSPC, as in
    `_full_under`), so the line lists the two articles written before it, not "nothing was changed"."""
    from toolkit import fsutil

    real = fsutil._create_temp

    def full(directory: Path, name: str):
        fd, tmp = real(directory, name)
        if name.endswith(".hy.txt"):
            dev = os.open("/dev/full", os.O_WRONLY)
            os.dup2(dev, fd)
            os.close(dev)
        return fd, tmp

    monkeypatch.setattr(fsutil, "_create_temp", full)
    out = project / "published"
    result = runner.invoke(app, ["build", str(project / f"{NAME}.txt"), "--to", "all", "--out", f"{out}/",
                                 "--locales", str(project / "locales"), "--glossary", str(project / "glossaries")])
    assert result.exit_code == 5, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("toolkit: error: ")]  # besides fuzzy warnings
    assert errors == [f"toolkit: error: {out / NAME}.hy.txt: disk full; that file was not changed; written before it: "
                      f"{NAME}.ru.txt, {NAME}.az.txt; not written: {NAME}.hy.txt (free some space and run again)"]
    assert "Traceback" not in result.output
    assert sorted(p.name for p in out.iterdir()) == [f"{NAME}.az.txt", f"{NAME}.ru.txt"]
    assert f"ru: {out / NAME}.ru.txt" in result.stdout
