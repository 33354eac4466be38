"""A translator's catalog is theirs (issue 22 "Catalogs", issue 21 "No churn"): plural entries, obsolete
entries and their `#~|` lines survive a run, a legacy charset can take new entries, a line separator does
not glue two words of a msgid, and a run rewrites only the lines of the entries it changes, keeping an
editor's wrapping, its CRLF line endings and the translator's PO-Revision-Date.

GNU gettext judges: `msgmerge --previous` says what must be kept, `msgfmt --check` accepts every catalog
written, `msgcat`/`msgconv` make the editors' saves, and a real `git` repository says "nothing changed".
"""
from __future__ import annotations

import difflib
import os
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from typer.testing import CliRunner

from toolkit import build, catalog, document, glossary as glossary_mod, pipeline, pofile, qa
from toolkit.cli import app
from toolkit.engines.pseudo import PseudoEngine
from toolkit.engines.scripted import ScriptedEngine
from toolkit.errors import CatalogError

from .conftest import assert_one_line_error

pytestmark = pytest.mark.skipif(shutil.which("msgmerge") is None or shutil.which("msgfmt") is None,
                                reason="GNU gettext is not installed")

ARTICLE = "Baku said the mine would open.\n\nThe ministry thanked Yerevan.\n"
NEW_BLOCK = "Moscow made no comment.\n"
GLOSSARY = "id\tkind\ten\tru\nbaku\tcity\tBaku\tБаку\nyerevan\tcity\tYerevan\tЕреван\n"
runner = CliRunner()


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13 UTC


def run(text: str, locales: Path, *, engine=None, glossary=None, lang: str = "ru") -> pipeline.Report:
    doc = document.parse(text, name="article", source="article.txt")
    return pipeline.translate_document(doc, [lang], engine=engine or PseudoEngine(), locales=locales,
                                       glossary=glossary)


def po_path(locales: Path, lang: str = "ru") -> Path:
    return locales / lang / "LC_MESSAGES" / "article.po"


def msgfmt(path: Path) -> None:
    """GNU's verdict (not msgcat's: an editor's wrapping and CRLF are kept on purpose, and are valid)."""
    result = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def gnu(*argv: str, data: bytes) -> bytes:
    return subprocess.run(argv, input=data, capture_output=True, check=True).stdout


def msgmerge(tmp: Path, po: Path, text: str) -> list[polib.POEntry]:
    """What `msgmerge --previous` makes of the catalog for the article's template."""
    pot = tmp / "mm.pot"
    pofile.write(catalog.build_pot(document.parse(text, name="article", source="article.txt")), pot)
    out = subprocess.run(["msgmerge", "--previous", "-q", "-o", "-", str(po), str(pot)], capture_output=True,
                         check=True).stdout
    (tmp / "mm.po").write_bytes(out)
    return list(pofile.read(tmp / "mm.po"))


def append(path: Path, block: str) -> None:
    with open(path, "a", encoding="utf-8", newline="") as fh:
        fh.write(block)


def glossary(tmp: Path):
    (tmp / "g.tsv").write_text(GLOSSARY, encoding="utf-8")
    return glossary_mod.load(tmp / "g.tsv")


def key(e: polib.POEntry) -> tuple:
    return (e.obsolete, e.msgctxt, e.msgid, e.msgid_plural, e.msgstr, tuple(sorted(e.msgstr_plural.items())),
            e.fuzzy, tuple(f for f in e.flags if f.endswith("-format")), e.previous_msgctxt, e.previous_msgid,
            e.previous_msgid_plural)


PLURAL = """
#, python-format
msgid "%d mine"
msgid_plural "%d mines"
msgstr[0] "%d шахта"
msgstr[1] "%d шахты"
msgstr[2] "%d шахт"
"""

OBSOLETE = """
#~ msgctxt "old"
#~ msgid "Old sentence."
#~ msgstr "Старое предложение."

#, fuzzy
#~| msgctxt "earlier"
#~| msgid "Older sentence."
#~ msgid "Oldest sentence."
#~ msgstr "Самое старое."
"""


# -- plural entries ----------------------------------------------------------------------------------------

def test_a_translators_plural_entry_is_kept_with_every_form_as_msgmerge_keeps_it(tmp_path: Path):
    """It used to be deleted by the next run, not even kept as `#~`. msgmerge makes it obsolete (it is not
    in the template) with all its forms and its python-format flag: so do we, and a second run keeps it."""
    locales = tmp_path / "loc"
    run(ARTICLE, locales)
    append(po_path(locales), PLURAL)
    theirs = [key(e) for e in msgmerge(tmp_path, po_path(locales), ARTICLE) if e.msgid_plural]
    run(ARTICLE, locales)
    ours = [key(e) for e in pofile.read(po_path(locales)) if e.msgid_plural]
    assert ours == theirs and ours[0][0] is True and dict(ours[0][5])[2] == "%d шахт"
    msgfmt(po_path(locales))
    before = po_path(locales).read_bytes()
    run(ARTICLE, locales)
    assert po_path(locales).read_bytes() == before


def test_a_plural_entry_on_an_article_sentence_is_what_msgmerge_makes_of_it(tmp_path: Path):
    """A tool wrote the sentence as a plural entry: msgmerge keeps msgstr[0] as a fuzzy suggestion, with
    `#|` the old msgid and msgid_plural. Never sent to the engine over it: the translation is the human's."""
    locales = tmp_path / "loc"
    run(ARTICLE, locales)
    snap = pofile.snapshot(po_path(locales))
    e = next(e for e in snap.po if e.msgid.startswith("Baku"))
    e.msgid_plural, e.msgstr, e.flags = "Baku said the mines would open.", "", []
    e.msgstr_plural = {0: "Баку: шахта откроется.", 1: "Баку: шахты откроются.", 2: "Баку: шахты откроются."}
    pofile.write(snap.po, po_path(locales), previous=snap)
    theirs = next(key(e) for e in msgmerge(tmp_path, po_path(locales), ARTICLE) if e.msgid.startswith("Baku"))
    engine = ScriptedEngine(name="pseudo")
    run(ARTICLE, locales, engine=engine)
    ours = next(key(e) for e in pofile.read(po_path(locales)) if e.msgid.startswith("Baku") and not e.obsolete)
    assert ours == theirs and ours[4] == "Баку: шахта откроется." and ours[6] is True
    assert engine.sent == 0
    msgfmt(po_path(locales))


QA_PLURAL = [
    # forms, untranslated findings expected, why
    ({0: "%d шахта", 1: "%d шахты", 2: "%d шахт"}, [], "every form translated: not 'no translation'"),
    ({0: "%d шахта", 1: "%d шахты", 2: ""}, ["plural form msgstr[2] has no translation"], "one form missing"),
    ({0: "", 1: "", 2: ""}, ["no translation: the source text would be published"], "nothing translated"),
]


@pytest.mark.parametrize("forms, expected, why", QA_PLURAL, ids=[r[2] for r in QA_PLURAL])
def test_check_reads_a_plural_entry_by_its_forms(forms, expected, why):
    entry = polib.POEntry(msgid="%d mine", msgid_plural="%d mines", msgstr_plural=forms, flags=["python-format"])
    found = [f.message for f in qa.entry_findings(entry, "ru") if f.code == "untranslated"]
    assert found == expected, why
    assert catalog.is_approved(entry) == (not expected)


# -- obsolete entries ---------------------------------------------------------------------------------------

def test_obsolete_entries_keep_their_previous_lines_and_context_byte_for_byte(tmp_path: Path):
    """`#~|` lines and `#~ msgctxt` used to be dropped; msgmerge keeps them, and so does a run that rewrites
    the file (here: the article gained a block)."""
    locales = tmp_path / "loc"
    run(ARTICLE, locales)
    append(po_path(locales), OBSOLETE)
    theirs = [key(e) for e in msgmerge(tmp_path, po_path(locales), ARTICLE) if e.obsolete]
    report = run(ARTICLE + NEW_BLOCK, locales)
    assert report.languages[0].written
    data = po_path(locales).read_text(encoding="utf-8")
    assert OBSOLETE.strip() in data
    assert [key(e) for e in pofile.read(po_path(locales)) if e.obsolete] == theirs
    msgfmt(po_path(locales))


def test_an_obsolete_entry_whose_sentence_returns_becomes_live_once(tmp_path: Path):
    """The sentence came back: its translation comes back, and the `#~` copy is gone (msgfmt rejects a
    live and an obsolete entry with one key)."""
    locales = tmp_path / "loc"
    run(ARTICLE, locales)
    append(po_path(locales), '\n#~ msgid "Moscow made no comment."\n#~ msgstr "Москва не комментировала."\n')
    run(ARTICLE + NEW_BLOCK, locales)
    po = pofile.read(po_path(locales))
    same = [e for e in po if e.msgid == "Moscow made no comment."]
    assert [(e.obsolete, e.msgstr) for e in same] == [(False, "Москва не комментировала.")]
    msgfmt(po_path(locales))


# -- legacy charsets ----------------------------------------------------------------------------------------

def _cp1251_catalog(tmp_path: Path) -> Path:
    """A real CP1251 catalog: ours, approved by a translator, then `msgconv -t CP1251` (what an old
    Windows workflow keeps). No glossary on the first run, so its notes were plain ASCII."""
    locales = tmp_path / "loc"
    run(ARTICLE, locales, engine=ScriptedEngine(lambda s, t: f"RU {s}", name="rec"))
    path = po_path(locales)
    path.write_bytes(gnu("msgconv", "-t", "CP1251", "-", data=path.read_bytes()))
    assert b"charset=CP1251" in path.read_bytes()
    return locales


def test_a_cp1251_catalog_takes_new_entries_with_notes_it_can_write(tmp_path: Path):
    """Our `#. term: Yerevan → Ереван` note could never be written in CP1251, so such a catalog could
    never get a new entry: the note now says `->`, in the catalog's charset, and msgfmt accepts it."""
    locales = _cp1251_catalog(tmp_path)
    run(ARTICLE + "Yerevan made no comment.\n", locales, glossary=glossary(tmp_path),
        engine=ScriptedEngine(lambda s, t: f"RU {s}", name="pseudo"))      # masks every term: a `term:` note
    data = po_path(locales).read_bytes()
    text = data.decode("cp1251")
    assert "term: Yerevan -> Ереван" in text and "→" not in text
    msgfmt(po_path(locales))


@pytest.mark.parametrize("charset, lang, reply, char", [
    ("CP1251", "ru", "Ереван ✓ {s}", "✓"),             # a check mark a model (or a translator) typed
    ("ISO-8859-9", "az", "Yerevan şəhəri {s}", "ə"),   # Turkish Latin-5 has no schwa
], ids=["cp1251_check_mark", "latin5_schwa"])
def test_a_translation_the_charset_cannot_hold_is_one_line_naming_the_entry(tmp_path, charset, lang, reply, char):
    locales = tmp_path / "loc"
    run(ARTICLE, locales, lang=lang, engine=ScriptedEngine(lambda s, t: f"T {s}", name="rec"))
    path = po_path(locales, lang)
    path.write_bytes(gnu("msgconv", "-t", charset, "-", data=path.read_bytes()))
    before = path.read_bytes()
    with pytest.raises(CatalogError) as info:
        run(ARTICLE + NEW_BLOCK, locales, lang=lang,
            engine=ScriptedEngine(lambda s, t: reply.format(s=s), name="rec2"))
    message = str(info.value)
    assert "\n" not in message and str(path) in message and "'Moscow made no comment.'" in message
    assert f"{char!r}" in message and charset in message and "nothing was written" in message
    assert info.value.exit_code == 3 and path.read_bytes() == before


def test_notes_fit_the_charset_but_a_utf8_catalog_keeps_them_as_they_are():
    note = "term: Yerevan → Ереван «Ереван» — ok…"
    assert pofile.fit_charset(note, "utf-8") == note
    assert pofile.fit_charset(note, "cp1251") == "term: Yerevan -> Ереван «Ереван» — ok…"   # CP1251 has «—…»
    assert pofile.fit_charset(note, "koi8_r") == 'term: Yerevan -> Ереван "Ереван" - ok...'
    assert pofile.fit_charset(note, "iso8859-1") == ('term: Yerevan -> U+0415U+0440U+0435U+0432U+0430U+043D '
                                                     '«U+0415U+0440U+0435U+0432U+0430U+043D» - ok...')


# -- line separators inside a paragraph -------------------------------------------------------------------

@pytest.mark.parametrize("sep", ["\x85", "\u2028", "\u2029", "\x0b", " \x85"],
                         ids=["NEL", "LINE_SEPARATOR", "PARAGRAPH_SEPARATOR", "VT", "space_then_NEL"])
def test_a_line_separator_is_a_space_in_the_msgid_and_the_article_rebuilds_byte_for_byte(tmp_path, sep):
    article = tmp_path / "article.txt"
    raw = f"Talks in Yerevan{sep}would resume. Baku agreed.\n".encode()
    article.write_bytes(raw)
    locales = tmp_path / "loc"
    doc = document.read(article)
    pipeline.translate_document(doc, ["ru"], engine=PseudoEngine(), locales=locales)
    msgids = [e.msgid for e in pofile.read(locales / "ru" / "LC_MESSAGES" / "article.po")]
    assert "Talks in Yerevan would resume." in msgids
    msgfmt(locales / "ru" / "LC_MESSAGES" / "article.po")
    built = build.build(doc, pofile.read(locales / "ru" / "LC_MESSAGES" / "article.po"), "ru", fuzzy="source")
    assert built.data == raw


# -- no churn ----------------------------------------------------------------------------------------------

def _weblate_save(path: Path) -> bytes:
    """What a translator's save looks like after Weblate (matched to a real Weblate 4.13 catalog,
    pkp/customLocale's ru locale: PO-Revision-Date first, their Last-Translator and X-Generator, wrapped at
    77) and a Windows checkout (CRLF); the first entry approved in the editor, its notes left in place."""
    snap = pofile.snapshot(path)
    first = next(e for e in snap.po if e.msgid.startswith("Baku"))
    first.msgstr, first.flags = "Баку сообщил, что шахта откроется.", []
    meta = dict(snap.po.metadata)
    snap.po.metadata = {"PO-Revision-Date": "2024-01-02 10:00+0400",
                        "Last-Translator": "Pavel P <pp@example.org>", **{k: v for k, v in meta.items()
                        if k not in ("PO-Revision-Date", "Last-Translator", "X-Generator")},
                        "X-Generator": "Weblate 4.13.1"}
    pofile.write(snap.po, path, previous=snap)
    data = gnu("msgcat", "-w", "77", "-", data=path.read_bytes()).replace(b"\n", b"\r\n")
    path.write_bytes(data)
    return data


def test_after_an_editors_crlf_save_a_run_with_nothing_to_do_rewrites_nothing(tmp_path: Path):
    locales = tmp_path / "loc"
    gl = glossary(tmp_path)
    run(ARTICLE, locales, glossary=gl)
    saved = _weblate_save(po_path(locales))
    inode = os.stat(po_path(locales)).st_ino
    report = run(ARTICLE, locales, glossary=gl)
    assert not report.languages[0].written
    assert po_path(locales).read_bytes() == saved and os.stat(po_path(locales)).st_ino == inode
    po = pofile.read(po_path(locales))
    assert po.metadata["PO-Revision-Date"] == "2024-01-02 10:00+0400"           # the translator's
    assert "machine translation: pseudo" in next(e for e in po if e.msgid.startswith("Baku")).comment


def test_a_run_that_adds_an_entry_changes_only_its_lines_and_the_dates(tmp_path: Path):
    locales = tmp_path / "loc"
    gl = glossary(tmp_path)
    run(ARTICLE, locales, glossary=gl)
    saved = _weblate_save(po_path(locales))
    os.environ["SOURCE_DATE_EPOCH"] = "1800000000"            # restored by the fixture's monkeypatch
    run(ARTICLE + NEW_BLOCK, locales, glossary=gl)
    after = po_path(locales).read_bytes()
    assert after.count(b"\n") == after.count(b"\r\n")                             # CRLF stays CRLF
    old, new = saved.decode().splitlines(keepends=True), after.decode().splitlines(keepends=True)
    removed = [ln for ln in difflib.ndiff(old, new) if ln.startswith("- ")]
    added = "".join(ln[2:] for ln in difflib.ndiff(old, new) if ln.startswith("+ "))
    assert sorted(ln.split(":")[0] for ln in removed) == ['- "PO-Revision-Date', '- "POT-Creation-Date']
    assert 'msgid "Moscow made no comment."' in added and "Baku" not in added and "Yerevan" not in added
    msgfmt(po_path(locales))


def test_an_approved_entry_keeps_its_notes_until_the_run_rewrites_it(tmp_path: Path):
    """The note clean-up (approved entries shed the first review's notes) is ours, not the translator's:
    it no longer rewrites a file by itself, nor moves PO-Revision-Date."""
    locales = tmp_path / "loc"
    run(ARTICLE, locales)
    snap = pofile.snapshot(po_path(locales))
    for e in snap.po:
        e.flags = []
    pofile.write(snap.po, po_path(locales), previous=snap)
    before = po_path(locales).read_bytes()
    assert not run(ARTICLE, locales).languages[0].written
    assert po_path(locales).read_bytes() == before


def _git(repo: Path, *argv: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *argv],
                          capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_run_with_nothing_to_do_leaves_git_status_clean(tmp_path: Path):
    """`locales/.toolkit.lock` used to hold the pid and be rewritten on every run."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "article.txt").write_text(ARTICLE, encoding="utf-8")
    (repo / "glossaries").mkdir()
    (repo / "glossaries" / "names.tsv").write_text(GLOSSARY, encoding="utf-8")
    argv = ["translate", str(repo / "article.txt"), "--to", "ru", "--engine", "pseudo",
            "--locales", str(repo / "locales"), "--glossary", str(repo / "glossaries")]
    _git(repo, "init", "-q")
    assert runner.invoke(app, argv).exit_code == 0
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "first run")
    assert runner.invoke(app, argv).exit_code == 0
    assert _git(repo, "status", "--porcelain", "--ignored") == ""
    _weblate_save(repo / "locales" / "ru" / "LC_MESSAGES" / "article.po")
    _git(repo, "commit", "-qam", "the translator's save")
    assert runner.invoke(app, argv).exit_code == 0
    assert _git(repo, "status", "--porcelain", "--ignored") == ""


# -- more hostile and unlucky catalogs (cases of our own) ---------------------------------------------------

def _first_run(tmp_path: Path) -> Path:
    locales = tmp_path / "loc"
    run(ARTICLE, locales)
    return locales


def _rewrite(path: Path, edit) -> bytes:
    data = edit(path.read_bytes())
    path.write_bytes(data)
    return data


KEPT_AS_SAVED = [
    # name, edit of the saved bytes, why a run with nothing to do must leave them alone
    ("no_final_newline", lambda d: d.rstrip(b"\n"), "an editor that does not end the file with a newline"),
    ("lokalize_no_wrap", lambda d: gnu("msgcat", "--no-wrap", "-", data=d), "long lines, never wrapped"),
    ("live_previous_msgid", lambda d: d.replace(b'#, fuzzy\nmsgid "The ministry',
                                                 b'#, fuzzy\n#| msgid "The ministry thanked Baku."\nmsgid "The ministry'),
     "msgmerge's `#|` on a fuzzy entry"),
    ("translator_comment_trailing_spaces", lambda d: d.replace(b"#. segment b2.s1", b"# check with desk  \n#. segment b2.s1"),
     "a translator's comment, spaces and all"),
    ("mixed_crlf_lf", lambda d: d.replace(b"\n", b"\r\n", 20), "a file half converted by an editor"),
    ("sorted_by_msgid", lambda d: gnu("msgcat", "--sort-output", "-", data=d), "msgcat -s reordered the entries"),
]


@pytest.mark.parametrize("edit, why", [c[1:] for c in KEPT_AS_SAVED], ids=[c[0] for c in KEPT_AS_SAVED])
def test_a_saved_catalog_is_left_alone_by_a_run_with_nothing_to_do(tmp_path, edit, why):
    locales = _first_run(tmp_path)
    saved = _rewrite(po_path(locales), edit)
    msgfmt(po_path(locales))
    assert not run(ARTICLE, locales).languages[0].written, why
    assert po_path(locales).read_bytes() == saved, why


KEPT_WHEN_REWRITTEN = [
    # name, edit, the bytes that must still be in the file after a run that adds an entry, why
    ("msgctxt_with_newline", lambda d: d + b'\n#~ msgctxt "desk\\nnote"\n#~ msgid "Gone."\n#~ msgstr "\xd0\x9d\xd0\xb5\xd1\x82."\n',
     b'#~ msgctxt "desk\\nnote"\n#~ msgid "Gone."\n', "a context with a newline, as another tool wrote it"),
    ("python_format_leaves", lambda d: d + '\n#, python-format\nmsgid "%s left"\nmsgstr "%s ушёл"\n'.encode(),
     '#, python-format\n#~ msgid "%s left"\n#~ msgstr "%s ушёл"\n'.encode(), "msgmerge keeps -format flags on #~"),
    ("fuzzy_partial_plural", lambda d: d + '\n#, fuzzy\nmsgid "a mine"\nmsgid_plural "mines"\nmsgstr[0] "шахта"\n'
     'msgstr[1] ""\nmsgstr[2] ""\n'.encode(), '#, fuzzy\n#~ msgid "a mine"\n#~ msgid_plural "mines"\n'
     '#~ msgstr[0] "шахта"\n'.encode(), "a translator's half-done plural keeps every form"),
    ("lokalize_no_wrap", lambda d: gnu("msgcat", "--no-wrap", "-", data=d), b'"Plural-Forms: nplurals=3; plural=n % 10 '
     b'== 1 && n % 100 != 11 ? 0 : n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 12 || n % 100 > 14) ? 1 : 2;\\n"\n',
     "the header keeps the editor's lines while its dates move"),
    ("mixed_crlf_lf", lambda d: d.replace(b"\n", b"\r\n", 20), b'"Language: ru\\n"\r\n', "each line keeps its ending"),
    ("crlf_no_final_newline", lambda d: d.replace(b"\n", b"\r\n").rstrip(b"\r\n"), b'\xb7]"\r\n\r\n#. segment b3.s1\r\n',
     "the last line gets the file's ending, not a bare LF, when an entry follows it"),
]


@pytest.mark.parametrize("edit, kept, why", [c[1:] for c in KEPT_WHEN_REWRITTEN], ids=[c[0] for c in KEPT_WHEN_REWRITTEN])
def test_a_run_that_rewrites_the_catalog_keeps_what_it_does_not_change(tmp_path, edit, kept, why, monkeypatch):
    locales = _first_run(tmp_path)
    _rewrite(po_path(locales), edit)
    msgfmt(po_path(locales))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")     # the dates move: the header is rewritten too
    assert run(ARTICLE + NEW_BLOCK, locales).languages[0].written
    assert kept in po_path(locales).read_bytes(), why
    msgfmt(po_path(locales))


def test_a_header_only_catalog_gets_entries_and_keeps_its_header(tmp_path: Path):
    """What `msginit` or a translation platform creates before anything is translated."""
    locales = tmp_path / "loc"
    header = ('# Russian translation for the desk.\n# Pavel P <pp@example.org>, 2024.\n#\nmsgid ""\nmsgstr ""\n'
              '"Language: ru\\n"\n"MIME-Version: 1.0\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
              '"Content-Transfer-Encoding: 8bit\\n"\n"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : '
              'n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"\n')
    po_path(locales).parent.mkdir(parents=True)
    po_path(locales).write_text(header, encoding="utf-8")
    run(ARTICLE, locales)
    data = po_path(locales).read_text(encoding="utf-8")
    assert data.startswith(header.split('"Language')[0]) and "Baku said the mine would open." in data
    msgfmt(po_path(locales))


def test_a_bom_is_dropped_and_nothing_else_changes(tmp_path: Path):
    """GNU gettext rejects a UTF-8 byte-order mark (some Windows editors write one): the one rewrite a run
    with nothing to do makes, and only the mark goes."""
    locales = _first_run(tmp_path)
    clean = po_path(locales).read_bytes()
    po_path(locales).write_bytes(b"\xef\xbb\xbf" + clean)
    run(ARTICLE, locales)
    assert po_path(locales).read_bytes() == clean


def test_a_duplicate_entry_is_refused_in_one_line_and_nothing_is_written(tmp_path: Path):
    """Two hand-merged copies of one sentence: msgfmt calls it a duplicate definition; which one is the
    translator's is theirs to say."""
    locales = _first_run(tmp_path)
    _rewrite(po_path(locales), lambda d: d + b'\nmsgid "Baku said the mine would open."\nmsgstr "Dup."\n')
    before = po_path(locales).read_bytes()
    (tmp_path / "article.txt").write_text(ARTICLE + NEW_BLOCK, encoding="utf-8")
    result = runner.invoke(app, ["translate", str(tmp_path / "article.txt"), "--to", "ru", "--engine", "pseudo",
                                 "--locales", str(locales), "--no-glossary"])
    assert_one_line_error(result, 3, [str(po_path(locales)), "duplicate"])
    assert po_path(locales).read_bytes() == before


def test_a_glossary_conflict_note_does_not_move_the_translators_revision_date(tmp_path: Path, monkeypatch):
    """The glossary now prefers another form: the approved entry gets a `#. glossary:` note (ours), its
    text stays, and PO-Revision-Date stays the translator's; only that entry's lines change."""
    locales = tmp_path / "loc"
    run(ARTICLE, locales, glossary=glossary(tmp_path))
    snap = pofile.snapshot(po_path(locales))
    e = next(e for e in snap.po if e.msgid.startswith("Baku"))
    e.msgstr, e.flags = "Баку сообщил, что шахта откроется.", []
    snap.po.metadata["PO-Revision-Date"] = "2024-01-02 10:00+0400"
    pofile.write(snap.po, po_path(locales), previous=snap)
    before = po_path(locales).read_text(encoding="utf-8")
    (tmp_path / "g.tsv").write_text(GLOSSARY.replace("\tБаку\n", "\tБакы; !Баку\n"), encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    report = run(ARTICLE, locales, glossary=glossary_mod.load(tmp_path / "g.tsv"))
    assert report.languages[0].written and report.languages[0].changes.conflicts == ["b1.s1"]
    after = po_path(locales).read_text(encoding="utf-8")
    po = pofile.read(po_path(locales))
    assert po.metadata["PO-Revision-Date"] == "2024-01-02 10:00+0400"
    added = [ln for ln in difflib.ndiff(before.splitlines(), after.splitlines()) if ln.startswith(("+ ", "- "))]
    assert added and all(ln.startswith("+ #. glossary: ") for ln in added), added
    msgfmt(po_path(locales))


def test_a_catalog_that_cannot_be_written_stops_the_run_before_any_catalog_is_written(tmp_path: Path):
    """`--to ru,az` with the az catalog in Latin-5: the az draft holds a schwa, so nothing is written,
    not even the ru catalog that could have been (the message's "nothing was written" is true)."""
    locales = tmp_path / "loc"
    doc = document.parse(ARTICLE, name="article", source="article.txt")
    first = ScriptedEngine(lambda s, t: f"T {s}", name="rec")
    pipeline.translate_document(doc, ["ru", "az"], engine=first, locales=locales)
    az = po_path(locales, "az")
    az.write_bytes(gnu("msgconv", "-t", "ISO-8859-9", "-", data=az.read_bytes()))
    before = {p: p.read_bytes() for p in locales.rglob("*") if p.is_file()}
    grown = document.parse(ARTICLE + NEW_BLOCK, name="article", source="article.txt")
    with pytest.raises(CatalogError, match="nothing was written"):
        pipeline.translate_document(grown, ["ru", "az"], locales=locales,
                                    engine=ScriptedEngine(lambda s, t: f"{t} şəhər {s}", name="rec2"))
    assert {p: p.read_bytes() for p in locales.rglob("*") if p.is_file()} == before


def test_a_no_wrap_entry_the_run_rewrites_is_written_unwrapped_as_msgcat_writes_it(tmp_path: Path):
    """`#, no-wrap` (xgettext --no-wrap, Lokalize) on an entry that moves: GNU cuts only after `\\n`."""
    from .conftest import msgcat_check

    locales = _first_run(tmp_path)
    long = "[ru: a translator's long draft that goes well past the seventy-nine column page width, on purpose]"
    _rewrite(po_path(locales), lambda d: d.replace(b'#, fuzzy\nmsgid "Baku', b'#, fuzzy, no-wrap\nmsgid "Baku')
             .replace("[ru: Båķû šåîđ ťĥé mîñé ŵöûļđ öpéñ. ··]".encode(), long.encode()))
    assert run("Moscow.\n\n" + ARTICLE, locales).languages[0].written      # every entry moves down a block
    assert f'msgstr "{long}"\n'.encode() in po_path(locales).read_bytes()
    msgcat_check(po_path(locales))


_POOL = ["Baku said the mine would open.", "The ministry thanked Yerevan.", "Talks resumed on Monday in Moscow.",
         "Officials from both sides met at the border to discuss a long list of unresolved questions.",
         "\"We will not accept it,\" the spokesman said.", "Prices rose by 6,500 manat.", "Nobody came."]


@settings(max_examples=int(os.environ.get("TOOLKIT_CHURN_EXAMPLES", "12")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=st.lists(st.sampled_from(_POOL), min_size=1, max_size=5, unique=True),
       width=st.sampled_from([None, 40, 60, 77, 79, 100]), crlf=st.booleans(),
       approve=st.lists(st.booleans(), min_size=5, max_size=5))
def test_whatever_an_editor_saves_a_run_rewrites_only_what_it_changes(tmp_path_factory, picks, width, crlf, approve):
    """Property: any wrapping msgcat gives (or --no-wrap), LF or CRLF, any entries approved in the editor:
    a no-op run leaves the bytes; a run that adds a block keeps every old entry's bytes."""
    locales = tmp_path_factory.mktemp("churn") / "loc"
    article = "\n".join(picks) + "\n"
    run(article, locales)
    snap = pofile.snapshot(po_path(locales))
    for e, yes in zip([e for e in snap.po if not e.obsolete], approve):
        if yes:
            e.msgstr, e.flags = f"Одобрено: {e.msgid}", []
    pofile.write(snap.po, po_path(locales), previous=snap)
    data = gnu("msgcat", "--no-wrap" if width is None else f"--width={width}", "-", data=po_path(locales).read_bytes())
    saved = data.replace(b"\n", b"\r\n") if crlf else data
    po_path(locales).write_bytes(saved)
    assert not run(article, locales).languages[0].written
    assert po_path(locales).read_bytes() == saved
    run(article + NEW_BLOCK, locales)
    after = po_path(locales).read_bytes()
    blank = b"\r\n\r\n" if crlf else b"\n\n"
    for block in saved.split(blank)[1:]:                     # every entry; the header's dates may move
        assert block.strip() in after
    assert (after.count(b"\n") == after.count(b"\r\n")) if crlf else b"\r" not in after
    msgfmt(po_path(locales))


def test_a_sorted_catalog_stays_sorted_and_a_run_adds_only_its_entry(tmp_path: Path, monkeypatch):
    """`msgcat --sort-output` (or an editor's sort) put the entries in msgid order: a run that adds a
    sentence keeps that order (the diff is the new entry and the dates), where it used to reorder the file."""
    locales = tmp_path / "loc"
    text = "Zebras crossed the road.\n\nBaku said the mine would open.\n\nMoscow is cold.\n"
    run(text, locales)
    saved = _rewrite(po_path(locales), lambda d: gnu("msgcat", "--sort-output", "-", data=d))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    run(text + "\nAnother sentence.\n", locales)
    after = po_path(locales).read_text(encoding="utf-8")
    removed = [ln for ln in difflib.ndiff(saved.decode().splitlines(), after.splitlines()) if ln.startswith("- ")]
    assert sorted(ln.split(":")[0] for ln in removed) == ['- "PO-Revision-Date', '- "POT-Creation-Date']
    msgids = [e.msgid for e in pofile.read(po_path(locales)) if not e.obsolete]
    assert msgids == ["Baku said the mine would open.", "Moscow is cold.", "Another sentence.",   # after the
                      "Zebras crossed the road."]                                               # one before it
    msgfmt(po_path(locales))


def test_our_own_catalog_stays_in_article_order_when_sentences_swap(tmp_path: Path):
    locales = tmp_path / "loc"
    run("One cat sat. Two dogs ran.\n", locales)
    run("Two dogs ran. One cat sat.\n", locales)
    assert [e.msgid for e in pofile.read(po_path(locales))] == ["Two dogs ran.", "One cat sat."]
