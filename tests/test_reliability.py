"""Every bad input a user can cause: one line on stderr naming the file, a distinct exit code, and every file
that existed before the run byte-identical afterwards, with no temp file left behind."""
from __future__ import annotations

import codecs
import contextlib
import errno
import hashlib
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import polib
import pytest
from hypothesis import given, settings, strategies as st
from typer.testing import CliRunner

from toolkit import catalog, document, fsutil, pipeline, pofile
from toolkit.cli import app
from toolkit.engines.pseudo import PseudoEngine

from .conftest import ROOT, SEED, assert_one_line_error

runner = CliRunner()
FIXTURES = Path(__file__).parent / "fixtures"
NAME = "karabakh-mining"


def tree(root: Path) -> dict[str, str]:
    """sha256 of every file under root (hidden ones too)."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()}


def temps(root: Path) -> list[Path]:
    return [p for p in root.rglob(fsutil.TEMP_PREFIX + "*") if fsutil.is_temp(p.name)]


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> Path:
    """A project after one successful run: article, glossary, catalogs for ru, az, hy."""
    root = tmp_path_factory.mktemp("baseline")
    shutil.copyfile(SEED, root / f"{NAME}.txt")
    shutil.copytree(ROOT / "glossaries", root / "glossaries")
    result = runner.invoke(app, _translate(root, "all"))
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def project(baseline, tmp_path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(baseline, root, symlinks=True)
    return root


def _translate(root: Path, to: str = "ru", *extra: str, article: str | None = None) -> list[str]:
    return ["translate", article or str(root / f"{NAME}.txt"), "--to", to, "--engine", "pseudo",
            "--locales", str(root / "locales"), "--glossary", str(root / "glossaries"), *extra]


def _po(root: Path, lang: str = "ru") -> Path:
    return root / "locales" / lang / "LC_MESSAGES" / f"{NAME}.po"


# -- each case: how to break the project, the command, the exit code, what stderr must say ---------------

def _write(rel: str, data: bytes):
    def setup(root: Path) -> None:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    return setup


def _edit_catalog(transform):
    def setup(root: Path) -> None:
        p = _po(root)
        p.write_bytes(transform(p.read_bytes()))
    return setup


def _truncate_inside_a_string(data: bytes) -> bytes:
    cut = data.rindex(b'msgstr "') + 12
    return data[:cut]


def _nothing(root: Path) -> None:
    pass


CASES = [
    # name, setup, argv (root -> list), exit code, words that must be in the one stderr line
    ("missing_input", _nothing, lambda r: _translate(r, article=str(r / "nope.txt")), 3,
     ["nope.txt: no such file", "check the path"]),
    ("directory_as_input", lambda r: (r / "dir.txt").mkdir(), lambda r: _translate(r, article=str(r / "dir.txt")),
     3, ["dir.txt: no *.txt articles in this folder"]),   # a folder is a set of articles: this one has none
    ("empty_article", _write("empty.txt", b" \n\n\t\n"), lambda r: _translate(r, article=str(r / "empty.txt")), 3,
     ["empty.txt: the article is empty"]),
    ("binary_file", _write("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
     lambda r: _translate(r, article=str(r / "photo.txt")), 3, ["photo.txt: this looks like a binary file"]),
    ("utf16_file", _write("u16.txt", "Baku is the capital.\n".encode("utf-16")),
     lambda r: _translate(r, article=str(r / "u16.txt")), 3, ["u16.txt: this file is UTF-16", "--encoding utf-16"]),
    ("cp1251_article", _write("ru-source.txt", "Новости.\nБаку — столица Азербайджана.\n".encode("cp1251")),
     lambda r: _translate(r, article=str(r / "ru-source.txt")), 3,
     ["ru-source.txt:1:1: not valid utf-8 (byte 0xcd)", "looks like cp1251", "--encoding cp1251"]),
    ("unknown_language", _nothing, lambda r: _translate(r, "xx-nonsense"), 2, ["unknown language code 'xx-nonsense'"]),
    ("unknown_encoding_option", _nothing, lambda r: _translate(r, "ru", "--encoding", "klingon"), 3,
     ["unknown encoding 'klingon'"]),
    ("glossary_bad_header", _write("glossaries/names.tsv", b"term\tru\nBaku\t\xd0\x91\xd0\xb0\xd0\xba\xd1\x83\n"),
     _translate, 3, ["names.tsv:1:"]),
    ("glossary_column_count", _write("glossaries/names.tsv", b"id\tkind\ten\tru\nbaku\tcity\tBaku\tBaku\textra\n"),
     _translate, 3, ["names.tsv:2"]),
    ("glossary_duplicate_id", _write("glossaries/names.tsv",
                                     b"id\tkind\ten\tru\nbaku\tcity\tBaku\tX\nbaku\tcity\tBakuu\tY\n"),
     _translate, 3, ["names.tsv:3", "duplicate"]),
    ("glossary_empty_term", _write("glossaries/names.tsv", b"id\tkind\ten\tru\nbaku\tcity\tBaku\tX;;Y\n"),
     _translate, 3, ["names.tsv:2", "empty"]),
    ("catalog_truncated", _edit_catalog(_truncate_inside_a_string), _translate, 3,
     ["ru/LC_MESSAGES/karabakh-mining.po:", "end of file within a string"]),
    ("catalog_garbage_line", _edit_catalog(lambda d: d.replace(b"\n#. segment", b"\n<<<<<<< HEAD\n#. segment", 1)),
     _translate, 3, ["karabakh-mining.po:", "unknown keyword '<<<<<<<'"]),
    ("catalog_wrong_language", _edit_catalog(lambda d: d.replace(b'"Language: ru\\n"', b'"Language: az\\n"')),
     _translate, 3, ["karabakh-mining.po:", "Language header says 'az'", "'ru' folder"]),
    ("catalog_duplicate_entry", _edit_catalog(lambda d: d + d[d.index(b"\n\n") + 2:]), _translate, 3,
     ["karabakh-mining.po:", "duplicate entry", "first defined at line"]),
    ("missing_model", lambda r: _changed_article(r), lambda r: ["translate", str(r / f"{NAME}.txt"), "--to", "ru", "--engine", "argos",
                                           "--no-download", "--no-glossary", "--locales", str(r / "locales")], 4,
     ["no English→Russian (ru) model installed", "toolkit models install ru"]),
    ("corrupt_model_not_zip", _write("ru.argosmodel", b"<html>404 Not Found</html>"),
     lambda r: ["models", "install", str(r / "ru.argosmodel")], 4, ["ru.argosmodel: not a zip archive"]),
    ("corrupt_model_bad_zip", lambda r: _bad_zip(r / "en_ru.argosmodel"),
     lambda r: ["models", "install", str(r / "en_ru.argosmodel")], 4, ["en_ru.argosmodel"]),
]


def _bad_zip(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("translate-en_ru/metadata.json", "{not json")
        zf.writestr("translate-en_ru/model/model.bin", b"\x00" * 100)


@pytest.mark.parametrize("name,setup,argv,code,words", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_one_line_a_distinct_code_and_changes_nothing(name, setup, argv, code, words, project,
                                                                    monkeypatch):
    monkeypatch.chdir(project)
    setup(project)
    before = tree(project)
    result = runner.invoke(app, argv(project))
    assert_one_line_error(result, code, words)
    assert tree(project) == before
    assert temps(project) == []


def test_debug_shows_the_traceback(project):
    result = runner.invoke(app, ["--debug", *_translate(project, article=str(project / "nope.txt"))])
    assert result.exit_code != 0 and result.exc_info is not None   # the exception propagates under --debug


def test_unreadable_input(project, monkeypatch):
    article = project / f"{NAME}.txt"

    real = os.open

    def denied(path, flags, *args, **kwargs):
        if Path(path) == article:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path, flags, *args, **kwargs)

    if os.geteuid() == 0:   # root reads anything: simulate what chmod 000 does to everyone else
        monkeypatch.setattr(os, "open", denied)
    else:
        article.chmod(0)
    result = runner.invoke(app, _translate(project))
    monkeypatch.undo()
    article.chmod(0o644)
    assert result.exit_code == 3
    assert f"{article}: cannot read the file (permission denied)" in result.stderr


def test_encoding_option_reads_a_legacy_article(project):
    article = project / "legacy.txt"
    article.write_bytes("Baku and Yerevan – “quoted”.\n".encode("cp1252"))
    result = runner.invoke(app, _translate(project, "ru", "--encoding", "cp1252", article=str(article)))
    assert result.exit_code == 0, result.output


# -- write failures --------------------------------------------------------------------------------------

def _changed_article(root: Path) -> None:
    """A new paragraph: the catalogs must be rewritten."""
    p = root / f"{NAME}.txt"
    p.write_bytes(p.read_bytes() + b"\nA new closing paragraph about Baku was added by the editor.\n")


def test_disk_full_is_a_write_error_and_nothing_changes(project, monkeypatch):
    _changed_article(project)
    before = tree(project)

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    result = runner.invoke(app, _translate(project, "ru"))
    monkeypatch.undo()
    assert result.exit_code == 5, result.output
    assert f"{_po(project)}: disk full; nothing was changed (free some space" in result.stderr
    assert tree(project) == before and temps(project) == []


@contextlib.contextmanager
def _mount(*args: str):
    if os.geteuid() != 0 or subprocess.run(["mount", *args], capture_output=True).returncode != 0:
        pytest.skip("needs root and mount (the chmod and monkeypatched cases cover the rest)")
    try:
        yield
    finally:
        subprocess.run(["umount", args[-1]], capture_output=True)


def test_disk_full_on_a_real_tiny_filesystem(baseline, tmp_path):
    root = tmp_path / "disk"
    root.mkdir()
    with _mount("-t", "tmpfs", "-o", "size=1m", "tmpfs", str(root)):
        shutil.copytree(baseline, root, dirs_exist_ok=True)
        _changed_article(root)
        free = shutil.disk_usage(root).free
        (root / "filler").write_bytes(b"\0" * max(0, free - 8192))   # leave less than one catalog
        before = tree(root)
        result = runner.invoke(app, _translate(root, "all"))
        assert result.exit_code == 5, result.output
        assert "disk full; nothing was changed" in result.stderr
        assert tree(root) == before and temps(root) == []


def test_read_only_locales(project):
    _changed_article(project)
    locales = project / "locales"
    before = tree(project)
    if os.geteuid() == 0:
        cm = _mount("--bind", "-o", "ro", str(locales), str(locales))
    else:
        cm = contextlib.nullcontext()
        for d in [locales, *[p for p in locales.rglob("*") if p.is_dir()]]:
            d.chmod(0o555)
    try:
        with cm:
            result = runner.invoke(app, _translate(project, "ru"))
    finally:
        for d in [locales, *[p for p in locales.rglob("*") if p.is_dir()]]:
            d.chmod(0o755)
    assert result.exit_code == 5, result.output
    assert "not writable; nothing was changed" in result.stderr and str(locales) in result.stderr
    assert tree(project) == before and temps(project) == []


def test_locked_by_another_run(project):
    import sys

    holder = subprocess.Popen([sys.executable, "-c", "import sys, time\nfrom toolkit import fsutil\n"
                               "with fsutil.locked(sys.argv[1]):\n    print('locked', flush=True)\n"
                               "    time.sleep(30)\n", str(project / "locales")],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        _changed_article(project)
        before = tree(project)
        result = runner.invoke(app, _translate(project, "ru"))
        assert result.exit_code == 6, result.output
        assert f"locked by another toolkit run (pid {holder.pid})" in result.stderr
        assert tree(project) == before
    finally:
        holder.kill()
        holder.wait()


def test_stale_temp_files_are_removed_and_never_loaded(project):
    stale = _po(project).parent / f"{fsutil.TEMP_PREFIX}{NAME}.po.{'5f' * 16}{fsutil.TEMP_SUFFIX}"
    stale.write_bytes(b'msgid "half a cata')          # what a SIGKILL mid-write leaves
    result = runner.invoke(app, _translate(project, "ru"))
    assert result.exit_code == 0, result.output
    assert not stale.exists()


# -- accepted input ------------------------------------------------------------------------------------------

ROUND_TRIP = [
    b"Baku is the capital. It is on the Caspian.\n\nSecond paragraph.\n",               # plain LF
    b"Baku is the capital. It is on the Caspian.\r\n\r\nSecond paragraph.\r\n",         # CRLF
    codecs.BOM_UTF8 + "Bakı. Yerevan — Երևան.\r\nNo final newline.".encode(),           # BOM + CRLF
    b"Mixed endings.\r\nThis one is LF.\nBack to CRLF.\r\n",                            # kept byte for byte
    b"  Indented first line.  \n\n\n   Trailing spaces.   \n\n",
]


@pytest.mark.parametrize("raw", ROUND_TRIP, ids=["lf", "crlf", "bom-crlf", "mixed", "whitespace"])
def test_article_round_trip_is_byte_identical(raw, tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(raw)
    doc = document.read(path)
    assert doc.encode(doc.text()) == raw
    assert all("\r" not in s.text and "\ufeff" not in s.text for s in doc.segments)


def test_bom_crlf_article_translates(project):
    article = project / "bom.txt"
    article.write_bytes(codecs.BOM_UTF8 + b"Baku is the capital.\r\nIt is on the Caspian Sea.\r\n")
    result = runner.invoke(app, _translate(project, "ru", article=str(article)))
    assert result.exit_code == 0, result.output
    po = pofile.read(project / "locales" / "ru" / "LC_MESSAGES" / "bom.po", lang="ru")
    assert [e.msgid for e in po] == ["Baku is the capital.", "It is on the Caspian Sea."]


# -- a catalog saved by Poedit --------------------------------------------------------------------------------

@pytest.fixture
def poedit_project(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "news"
    po = root / "locales" / "ru" / "LC_MESSAGES" / "article.po"
    po.parent.mkdir(parents=True)
    shutil.copyfile(FIXTURES / "poedit" / "article.txt", root / "article.txt")
    shutil.copyfile(FIXTURES / "poedit" / "ru.po", po)
    monkeypatch.chdir(root)
    return root


POEDIT_ARGS = ["translate", "article.txt", "--to", "ru", "--engine", "pseudo", "--no-glossary",
               "--locales", "locales"]


def test_poedit_catalog_survives_a_no_op_rerun_byte_identical(poedit_project):
    po = poedit_project / "locales" / "ru" / "LC_MESSAGES" / "article.po"
    before = po.read_bytes()
    result = runner.invoke(app, POEDIT_ARGS)
    assert result.exit_code == 0, result.output
    assert po.read_bytes() == before


@pytest.mark.parametrize("saved", ["ru.po", "ru.positions.po"])   # today's keys; position contexts (migrated)
def test_poedit_catalog_keeps_the_translators_work_when_the_article_changes(poedit_project, saved):
    po_path = poedit_project / "locales" / "ru" / "LC_MESSAGES" / "article.po"
    shutil.copyfile(FIXTURES / "poedit" / saved, po_path)
    with open(poedit_project / "article.txt", "a", encoding="utf-8") as fh:
        fh.write("The mine is expected to open in May.\n")
    result = runner.invoke(app, POEDIT_ARGS)
    assert result.exit_code == 0, result.output
    po = pofile.read(po_path, lang="ru")
    by_ctxt = {catalog.position(e): e for e in po if not e.obsolete}
    assert all(e.msgctxt is None for e in by_ctxt.values())
    assert by_ctxt["b1.s1"].msgstr == "Азербайджан открывает новый золотой рудник в Кельбаджаре."
    assert not by_ctxt["b1.s1"].fuzzy and by_ctxt["b1.s1"].tcomment == "checked against the ministry's press release"
    assert by_ctxt["b2.s1"].msgstr.startswith("Министерство экономики")
    for field in ("Last-Translator", "Language-Team", "X-Poedit-SourceCharset", "X-Poedit-Basepath",
                  "X-Poedit-Bookmarks"):
        assert field in po.metadata, field
    assert po.metadata["Last-Translator"] == "Ivan Petrov <ivan.petrov@example.org>"
    assert "Ivan Petrov <ivan.petrov@example.org>, 2024." in po.header
    assert "b4.s1" in by_ctxt


# -- merge: a random history of edits and re-runs never loses an approved translation --------------------------

_SENTENCES = ["Baku is the capital.", "Yerevan hosted talks.", "The mine opened.", "Prices rose sharply.",
              "Officials declined to comment.", "The road was repaired."]
_OPS = st.lists(st.one_of(
    st.tuples(st.just("edit"), st.integers(0, 9), st.sampled_from(["again", "today", "quickly"])),
    st.tuples(st.just("delete"), st.integers(0, 9)),
    st.tuples(st.just("insert"), st.integers(0, 9), st.sampled_from(_SENTENCES)),
    st.tuples(st.just("approve"), st.integers(0, 9)),
    st.tuples(st.just("rerun"),),
), min_size=1, max_size=14)


@settings(max_examples=int(os.environ.get("TOOLKIT_MERGE_EXAMPLES", "40")))   # raise it for a longer hunt
@given(_OPS)
def test_no_approved_translation_is_ever_lost(tmp_path_factory, ops):
    locales = tmp_path_factory.mktemp("merge") / "locales"
    sentences = list(_SENTENCES[:4])
    engine = PseudoEngine()
    approved: set[str] = set()
    counter = 0

    def rerun() -> polib.POFile:
        doc = document.parse("\n".join(sentences) + "\n", name="a", source="a.txt")
        pipeline.translate_document(doc, ["ru"], engine=engine, locales=locales)
        po = pofile.read(locales / "ru" / "LC_MESSAGES" / "a.po", lang="ru")
        everywhere = {e.msgstr for e in po}
        lost = approved - everywhere
        assert not lost, f"lost approved translations {lost} after {ops}"
        return po

    po = rerun()
    for op in ops:
        if op[0] == "edit" and sentences:
            i = op[1] % len(sentences)
            sentences[i] = sentences[i].rstrip(".") + f" {op[2]}."
        elif op[0] == "delete" and len(sentences) > 1:
            del sentences[op[1] % len(sentences)]
        elif op[0] == "insert":
            sentences.insert(op[1] % (len(sentences) + 1), op[2])
        elif op[0] == "approve":
            active = [e for e in po if not e.obsolete and not (e.msgstr and not e.fuzzy)]
            if active:
                e = active[op[1] % len(active)]
                counter += 1
                approved.discard(e.msgstr)   # the translator rewrote a suggestion (an edited approved text)
                e.msgstr = f"ЧЕЛОВЕК {counter}: {e.msgid}"
                if "fuzzy" in e.flags:
                    e.flags.remove("fuzzy")
                approved.add(e.msgstr)
                pofile.write(po, locales / "ru" / "LC_MESSAGES" / "a.po")
        else:
            po = rerun()
    rerun()
