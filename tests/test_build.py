"""`toolkit build` and `toolkit compile`: the article back from its catalog; .mo files GNU and Python can read."""
from __future__ import annotations

import codecs
import gettext
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from typer.testing import CliRunner

from toolkit import build, catalog, document, pofile
from toolkit.cli import app
from toolkit.errors import CatalogError, ConflictFound

from .conftest import ROOT, SEED, msgfmt_check

runner = CliRunner()
GLOSSARY = str(ROOT / "glossaries")


def translate(article: Path, locales: Path, to: str = "ru") -> None:
    result = runner.invoke(app, ["translate", str(article), "--to", to, "--engine", "pseudo", "--locales",
                                 str(locales), "--glossary", GLOSSARY])
    assert result.exit_code == 0, result.output


def identity_catalog(locales: Path, name: str, lang: str = "ru") -> None:
    """msgstr = msgid everywhere, all approved: building must give the source back."""
    path = locales / lang / "LC_MESSAGES" / f"{name}.po"
    po = pofile.read(path)
    for e in po:
        if not e.obsolete:
            e.msgstr = e.msgid
            if "fuzzy" in e.flags:
                e.flags.remove("fuzzy")
    pofile.write(po, path)
    msgfmt_check(path)


@pytest.mark.parametrize("newline, bom", [("\n", False), ("\r\n", True), ("\r\n", False), ("\r", False)])
def test_identity_catalog_rebuilds_the_source_byte_for_byte(tmp_path: Path, newline: str, bom: bool):
    raw = SEED.read_bytes().replace(b"\n", newline.encode())
    raw = (codecs.BOM_UTF8 + raw) if bom else raw
    article = tmp_path / "article.txt"
    tail = b"  \r\r" if newline == "\r" else b"  \n\n"   # CRLF + LF: a mixed file is kept byte for byte too
    article.write_bytes(raw + tail)  # trailing spaces and blank lines must survive too
    translate(article, tmp_path / "loc")
    identity_catalog(tmp_path / "loc", "article")
    result = runner.invoke(app, ["build", str(article), "--to", "ru", "--locales", str(tmp_path / "loc"),
                                 "--glossary", GLOSSARY])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "article.ru.txt").read_bytes() == article.read_bytes()


def _doc_and_po():
    d = document.parse("Alpha one. Beta two.\n\nGamma three.\n", name="a", source="a.txt")
    po, _ = catalog.merge(d, "ru", None, {})
    e1, e2, e3 = po
    e1.msgstr = "Альфа."                       # approved
    e2.msgstr, e2.flags = "Бета?", ["fuzzy"]   # fuzzy
    return d, po                               # e3 untranslated


POLICY_CASES = [
    ("use", "Альфа. Бета?\n\nGamma three.\n", 1),       # fuzzy used, counted
    ("source", "Альфа. Beta two.\n\nGamma three.\n", 1),  # fuzzy replaced by the source
]


@pytest.mark.parametrize("policy, expected, fuzzy", POLICY_CASES)
def test_fuzzy_policy(policy: str, expected: str, fuzzy: int):
    d, po = _doc_and_po()
    built = build.build(d, po, "ru", fuzzy=policy)
    assert built.data.decode() == expected
    assert (built.approved, built.fuzzy, built.untranslated) == (1, fuzzy, 1)


def test_fuzzy_fail_refuses_with_exit_7():
    d, po = _doc_and_po()
    with pytest.raises(ConflictFound) as exc:
        build.build(d, po, "ru", fuzzy="fail")
    assert exc.value.exit_code == 7 and "1 fuzzy and 1 untranslated" in str(exc.value)


def test_article_changed_since_translation_names_the_translate_command():
    d, po = _doc_and_po()
    changed = document.parse("Alpha one. Beta two.\n\nDelta four.\n", name="a", source="a.txt")
    with pytest.raises(CatalogError, match="toolkit translate a.txt --to ru"):
        build.build(changed, po, "ru")


def test_missing_catalog_is_a_clear_error(tmp_path: Path, seed_article: Path):
    result = runner.invoke(app, ["build", str(seed_article), "--to", "hy", "--locales", str(tmp_path / "none"),
                                 "--glossary", GLOSSARY])
    assert result.exit_code == 3
    assert "no hy catalog" in result.output and "toolkit translate" in result.output


def test_build_to_stdout_and_warning_counts(tmp_path: Path, seed_article: Path):
    translate(seed_article, tmp_path / "loc")
    result = runner.invoke(app, ["build", str(seed_article), "--to", "ru", "--out", "-", "--locales",
                                 str(tmp_path / "loc"), "--glossary", GLOSSARY])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("[ru: Азербайджан")
    assert "20 fuzzy (unreviewed) translation(s) used" in result.stderr
    assert not (seed_article.parent / "karabakh-mining.ru.txt").exists()


def test_compile_writes_mo_that_msgunfmt_and_python_gettext_read(tmp_path: Path, seed_article: Path):
    locales = tmp_path / "loc"
    translate(seed_article, locales, to="all")
    po_path = locales / "ru" / "LC_MESSAGES" / "karabakh-mining.po"
    po = pofile.read(po_path)
    approved = [e for e in po if not e.obsolete][:3]
    for e in approved:
        e.flags.remove("fuzzy")
    pofile.write(po, po_path)
    result = runner.invoke(app, ["compile", "--locales", str(locales)])
    assert result.exit_code == 0, result.output
    mo = po_path.with_suffix(".mo")
    assert all((locales / lang / "LC_MESSAGES" / "karabakh-mining.mo").exists() for lang in ("ru", "az", "hy"))
    tr = gettext.GNUTranslations(mo.open("rb"))
    for e in approved:
        assert (tr.pgettext(e.msgctxt, e.msgid) if e.msgctxt else tr.gettext(e.msgid)) == e.msgstr
    fuzzy = [e for e in po if not e.obsolete][5]
    assert tr.pgettext(fuzzy.msgctxt, fuzzy.msgid) == fuzzy.msgid  # fuzzy is not compiled
    if shutil.which("msgunfmt"):
        out = subprocess.run(["msgunfmt", str(mo)], capture_output=True, text=True, check=True).stdout
        back = polib.pofile(out)
        assert {(e.msgctxt, e.msgid, e.msgstr) for e in back if e.msgid} == \
            {(e.msgctxt, e.msgid, e.msgstr) for e in approved}
    again = runner.invoke(app, ["compile", "--locales", str(locales)])
    assert again.output.count("(unchanged)") == 3
