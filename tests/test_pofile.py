"""Strict catalog reading (our lexer, and msgfmt when present), byte-stable writing, round-trip properties."""
from __future__ import annotations

import codecs
import logging
import shutil
from pathlib import Path

import polib
import pytest
from hypothesis import given, settings, strategies as st

from toolkit import pofile
from toolkit.errors import CatalogError, ChangedOnDisk

from .conftest import msgfmt_check

FIXTURES = Path(__file__).parent / "fixtures"
PO = FIXTURES / "po"
HAS_MSGFMT = shutil.which("msgfmt") is not None


@pytest.fixture(params=["msgfmt", "lexer-only"])
def checker(request, monkeypatch):
    """Every strict case must fail the same way with and without GNU gettext on the machine."""
    if request.param == "lexer-only":
        monkeypatch.setenv("TOOLKIT_NO_MSGFMT", "1")
    elif not HAS_MSGFMT:
        pytest.skip("GNU msgfmt is not installed")
    return request.param


# (file, line, column, words in the message) — a reason on each row.
STRICT_CASES = [
    ("truncated_in_string.po", 28, None, "end of file within a string"),      # A1: polib keeps "Qızılbula"
    ("truncated.po", 23, None, "end of file within a string"),                # A1: cut inside msgstr[1]
    ("unterminated_quote.po", 14, None, "end of line within a string"),       # A2: polib turns "Baku into Bak
    ("truncated_after_msgid.po", 30, None, "missing msgstr"),                 # A3
    ("truncated_keyword.po", 31, 1, "unknown keyword 'msgs'"),                # A3: cut inside a keyword
    ("truncated_mid_entry.po", 23, 7, "expected a quoted string"),            # A3: `msgstr` and nothing
    ("garbage_line.po", 30, 1, "unknown keyword 'this'"),                     # A4
    ("cp1251_declared_utf8.po", 17, 9, "invalid UTF-8 (byte 0xc1"),          # A7: line:col like msgfmt
    ("duplicate.po", 26, None, "first defined at line 16"),                   # A9: both lines named
    ("second_empty_msgid.po", 30, None, "second header entry"),               # A11: polib would lose the header
    ("empty_msgid_ctx.po", 31, None, "empty msgid"),                          # A11: babel drops it silently
    ("bad_escape.po", 15, 15, "invalid escape sequence \\q"),                 # A12: polib keeps "\\q"
    ("nul_byte.po", 14, 10, "NUL character"),                                 # A12
    ("plural_gap.po", 17, 1, "wrong index"),                                  # A13: msgstr[0], msgstr[2]
    ("nplurals_mismatch.po", 20, None, "says nplurals=2"),                    # A13: 3 forms, nplurals=2
    ("newline_mismatch.po", 15, None, "line break"),                          # A15: \n at the end of one only
]


@pytest.mark.parametrize("name,line,column,words", STRICT_CASES, ids=[c[0] for c in STRICT_CASES])
def test_strict_reader_refuses_with_path_line_and_hint(name, line, column, words, checker, tmp_path):
    path = tmp_path / name
    shutil.copyfile(PO / name, path)
    before = path.read_bytes()
    with pytest.raises(CatalogError) as info:
        pofile.read(path)
    err = info.value
    where = f"{path}:{line}" + (f":{column}" if column else "") + ": "
    assert str(err).startswith(where), str(err)
    assert words in str(err)
    assert err.hint and str(err).endswith(")")
    assert err.exit_code == 3
    assert "\n" not in str(err)
    assert path.read_bytes() == before


def test_polib_alone_would_accept_the_truncated_files():
    """Why the strict check exists: polib gives no error and a cut string."""
    po = polib.pofile(str(PO / "truncated_in_string.po"))
    assert po[-1].msgstr.startswith("Qızılbula")
    po = polib.pofile(str(PO / "unterminated_quote.po"))
    assert any(e.msgid == "Bak" for e in po)


# Only msgfmt knows format strings and plural expressions; without it these are read as written.
MSGFMT_ONLY = [
    ("pyformat_mismatch.po", 17, "argument 'city'"),
    ("brace_mismatch.po", 17, "argument 'city'"),
    ("cformat_mismatch.po", 17, "not the same"),
    ("bad_plural_expr.po", 2, "invalid plural expression"),
]


@pytest.mark.skipif(not HAS_MSGFMT, reason="GNU msgfmt is not installed")
@pytest.mark.parametrize("name,line,words", MSGFMT_ONLY, ids=[c[0] for c in MSGFMT_ONLY])
def test_msgfmt_verdict_carries_the_line(name, line, words):
    with pytest.raises(CatalogError) as info:
        pofile.read(PO / name)
    text = str(info.value)
    assert text.startswith(f"{PO / name}:{line}: msgfmt: "), text   # not "path: malformed catalog: 17: ..."
    assert words in text


@pytest.mark.parametrize("name", ["ok.po", "duplicate_ctx.po", "obsolete.po", "crlf.po", "escapes.po",
                                  "hy_az_chars.po", "long_unwrapped.po", "fuzzy_entry.po", "fuzzy_header.po",
                                  "cp1251_declared_cp1251.po"])
def test_good_catalogs_are_read(name, checker):
    po = pofile.read(PO / name)
    assert len(po) >= 1


def test_same_msgid_with_different_msgctxt_is_kept():   # A10
    keys = pofile.entries_by_key(pofile.read(PO / "duplicate_ctx.po"))
    assert (None, "Baku is the capital.") in keys and ("heading", "Baku is the capital.") in keys


def test_bom_is_stripped_with_a_warning_and_never_corrupts(caplog, tmp_path):   # A5
    path = tmp_path / "bom.po"
    shutil.copyfile(PO / "bom.po", path)
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        po = pofile.read(path)
    assert "byte-order mark" in caplog.text and str(path) in caplog.text
    assert po.metadata["Language"] == "ru"
    assert po[0].msgstr == "Баку — столица."            # babel puts the header text here
    assert pofile.write(po, path) is True                  # same content, but the BOM must go
    assert not path.read_bytes().startswith(codecs.BOM_UTF8)
    msgfmt_check(path)


def test_crlf_is_read_without_carriage_returns(tmp_path):   # A6
    po = pofile.read(PO / "crlf.po")
    assert not any("\r" in (e.msgid + e.msgstr + "".join(f for f, _ in e.occurrences)) for e in po)
    out = tmp_path / "out.po"
    pofile.write(po, out)
    assert b"\r" not in out.read_bytes()


def test_cp1251_catalog_keeps_its_charset(tmp_path):   # A8; issue 16: never change a charset silently
    src = pofile.read(PO / "cp1251_declared_cp1251.po")
    out = tmp_path / "ru.po"
    pofile.write(src, out)
    again = pofile.read(out)
    assert "charset=CP1251" in again.metadata["Content-Type"]
    assert [(e.msgid, e.msgstr) for e in again] == [(e.msgid, e.msgstr) for e in src]
    out.read_bytes().decode("cp1251")
    msgfmt_check(out)


# Files a desk really meets: the header names a single-byte charset, the bytes are UTF-8 (an editor
# re-saved it). Latin-1 and KOI8-R decode any bytes, so only looking at the bytes can tell.
MISLABELED = [
    ("ISO-8859-1", "Баку — столица."),     # Cyrillic UTF-8 read as Latin-1 would be double-encoded
    ("KOI8-R", "Bakı paytaxtdır."),        # Azerbaijani ı in UTF-8 under a KOI8-R header
    ("CP1251", "Երևանը մայրաքաղաքն է։"),   # Armenian UTF-8 under a CP1251 header
]


@pytest.mark.parametrize("charset, msgstr", MISLABELED, ids=[c[0] for c in MISLABELED])
def test_utf8_file_under_a_legacy_charset_header_is_refused(charset, msgstr, tmp_path):
    path = tmp_path / "ru.po"
    path.write_bytes((f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset={charset}\\n"\n'
                      f'"Language: ru\\n"\n\nmsgid "Baku is the capital."\nmsgstr "{msgstr}"\n').encode())
    before = path.read_bytes()
    with pytest.raises(CatalogError) as info:
        pofile.read(path)
    text = str(info.value)
    assert text.startswith(f"{path}:7: the header (line 3) declares charset {charset}, but the file is UTF-8")
    assert "charset=UTF-8" in text and "\n" not in text
    assert path.read_bytes() == before


# Python codecs that are not charsets: a mutated header once named `uu` and reading gave a LookupError traceback
# (found by test_mutated_real_catalogs_are_read_or_refused_never_a_traceback).
@pytest.mark.parametrize("charset", ["uu", "base64", "rot13", "zlib", "no-such-charset"])
def test_a_charset_that_is_no_text_encoding_is_refused_in_one_line(charset, tmp_path):
    path = tmp_path / "ru.po"
    path.write_bytes((f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset={charset}\\n"\n\n'
                      'msgid "Baku"\nmsgstr "\xd0\x91\xd0\xb0\xd0\xba\xd1\x83"\n').encode("latin-1"))
    with pytest.raises(CatalogError) as err:
        pofile.read(path)
    text = err.value.render()
    assert f"unknown charset {charset!r} in Content-Type" in text and "\n" not in text


def test_a_character_the_declared_charset_cannot_hold_is_an_error_not_a_new_charset(tmp_path):
    src = pofile.snapshot(PO / "cp1251_declared_cp1251.po")
    out = tmp_path / "ru.po"
    out.write_bytes((PO / "cp1251_declared_cp1251.po").read_bytes())
    src = pofile.snapshot(out)
    src.po[0].msgstr = "Երևան"
    with pytest.raises(CatalogError) as info:
        pofile.write(src.po, out, previous=src)
    assert str(info.value).startswith(f"{out}: ") and "CP1251" in str(info.value)
    assert out.read_bytes() == (PO / "cp1251_declared_cp1251.po").read_bytes()


def test_a_multi_megabyte_entry_is_read_and_written(tmp_path):
    """Issue 16: strings were built in quadratic time (1 MB: 4 s, 20 MB: never). 2 million characters
    (4 MB on disk) through render, strict scan and parse. No timing assertion: it must simply finish."""
    po = polib.POFile(wrapwidth=pofile.WRAP_WIDTH)
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "ru"}
    big = ("Баку и Ереван, " * 150_000)[:2_000_000]
    po.append(polib.POEntry(msgid="Baku. " * 50_000, msgstr=big))
    path = tmp_path / "ru.po"
    assert pofile.write(po, path)
    back = pofile.read(path)
    assert back[0].msgstr == big
    assert pofile.render(back) == path.read_bytes()


@pytest.mark.parametrize("name", ["baseline.canon.po", "escapes.canon.po", "hy_az_chars.canon.po",
                                  "long_unwrapped.canon.po", "obsolete.canon.po"])
def test_canonical_catalogs_survive_read_write_byte_for_byte(name):   # A16: #~, #~ msgctxt, #|
    path = PO / name
    assert pofile.render(pofile.read(path)) == path.read_bytes()


def test_language_header_must_match_its_folder(tmp_path):
    path = tmp_path / "az" / "LC_MESSAGES" / "ok.po"
    path.parent.mkdir(parents=True)
    shutil.copyfile(PO / "ok.po", path)
    with pytest.raises(CatalogError) as info:
        pofile.read(path, lang="az")
    assert str(info.value).startswith(f"{path}:9: its Language header says 'ru'")
    assert "folder" in str(info.value)


def test_write_skips_when_nothing_changed_and_refuses_an_editors_save(tmp_path):
    path = tmp_path / "ru.po"
    shutil.copyfile(PO / "ok.po", path)
    snap = pofile.snapshot(path)
    assert pofile.write(snap.po, path, previous=snap) is False
    path.write_bytes(path.read_bytes().replace("столица".encode(), "столица!".encode()))
    edited = path.read_bytes()
    snap.po[0].msgstr = "MT overwrite"
    with pytest.raises(ChangedOnDisk) as info:
        pofile.write(snap.po, path, previous=snap)
    assert info.value.exit_code == 5 and str(path) in str(info.value)
    assert path.read_bytes() == edited


def test_equivalent_plural_forms_are_not_a_change():
    poedit = "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
    babel = ("nplurals=3; plural=n % 10 == 1 && n % 100 != 11 ? 0 : n % 10 >= 2 && n % 10 <= 4 && "
             "(n % 100 < 12 || n % 100 > 14) ? 1 : 2;")
    assert pofile._plural_key(poedit) == pofile._plural_key(babel)
    assert pofile._plural_key("nplurals=2; plural=(n != 1);") != pofile._plural_key("nplurals=2; plural=(n > 1);")


def _big_catalog(n: int) -> bytes:
    lines = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', '"Language: ru\\n"', ""]
    for i in range(n):
        lines += [f"#: article.txt:{i}", f'msgctxt "b{i}.s1"', f'msgid "Sentence number {i} about Baku."',
                  f'msgstr "Предложение номер {i} о Баку."', ""]
    return "\n".join(lines).encode()


def test_lexer_reads_a_large_catalog():
    # Speed and its growth are measured by bench/large.py (1k/5k/10k entries), not asserted here.
    problems, _header = pofile.scan(_big_catalog(40_000))
    assert problems == []


# -- properties ----------------------------------------------------------------------------------------

# Any Unicode but NUL, EOT (gettext's context separator) and surrogates, with the characters that broke polib and babel made likely.
_HOSTILE = st.sampled_from(["\u2028", "\u2029", "\u0085", "\u001e", "\u001c", "\x0b", "\x0c", "\r", "\t", '"',
                            "\\", "%", "%s", "{", "}", "{city}", "#", "\n", "msgid ", "ə", "և", "Ё", " "])
_TEXT = st.lists(st.one_of(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\x04\x07"), _HOSTILE),
                 max_size=30).map("".join)


def _align_newlines(msgid: str, msgstr: str) -> str:
    """gettext requires msgid and msgstr to agree on a leading and a trailing newline."""
    if not msgstr:
        return msgstr
    body = msgstr.strip("\n") or "x"
    return ("\n" if msgid.startswith("\n") else "") + body + ("\n" if msgid.endswith("\n") else "")


@settings(max_examples=60)
@given(st.dictionaries(st.tuples(st.none() | _TEXT, _TEXT.filter(bool)), _TEXT, min_size=1, max_size=6))
def test_round_trip_of_hostile_strings(tmp_path_factory, entries):
    po = polib.POFile(wrapwidth=pofile.WRAP_WIDTH)
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "ru",
                   "Plural-Forms": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
                                   "(n%100<10 || n%100>=20) ? 1 : 2);"}
    expected = {}
    for (ctxt, msgid), msgstr in entries.items():
        msgstr = _align_newlines(msgid, msgstr)
        po.append(polib.POEntry(msgctxt=ctxt, msgid=msgid, msgstr=msgstr))
        expected[(ctxt, msgid)] = msgstr
    path = tmp_path_factory.mktemp("rt") / "ru.po"
    pofile.write(po, path)
    back = pofile.read(path)            # our lexer and msgfmt -c both accept it, or this raises
    assert {k: e.msgstr for k, e in pofile.entries_by_key(back).items()} == expected
    assert pofile.render(back) == path.read_bytes()     # and it is stable


@pytest.mark.parametrize("bad", ["\x00", "\x04", "\x07"])
def test_writer_refuses_what_gettext_cannot_carry(bad, tmp_path):
    """Found by the round-trip property: msgfmt rejects U+0004 (its context separator) in any string."""
    po = polib.POFile(wrapwidth=pofile.WRAP_WIDTH)
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "ru"}
    po.append(polib.POEntry(msgid="Baku", msgstr=f"Ba{bad}kı"))
    path = tmp_path / "ru.po"
    with pytest.raises(CatalogError) as info:
        pofile.write(po, path)
    assert str(info.value).startswith(f"{path}:")
    assert not path.exists() and list(tmp_path.iterdir()) == []


_REAL = [PO / "obsolete.canon.po", PO / "escapes.canon.po", FIXTURES / "poedit" / "ru.po",
         FIXTURES / "migration" / "session.positions.ru.po"]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(_REAL), st.lists(st.tuples(st.integers(0, 10**6), st.binary(max_size=4)), max_size=4))
def test_mutated_real_catalogs_are_read_or_refused_never_a_traceback(tmp_path_factory, source, edits):
    """Our parser builds the entries now: whatever the strict lexer lets through, it must read."""
    data = bytearray(source.read_bytes())
    for at, junk in edits:
        at %= len(data) + 1
        data[at:at + len(junk)] = junk
    path = tmp_path_factory.mktemp("fuzz") / "ru.po"
    path.write_bytes(bytes(data))
    try:
        po = pofile.read(path)
        data = pofile.render(po)
    except CatalogError as exc:
        assert "\n" not in str(exc)
        return
    assert data.count(b"msgid ") >= len(po)


TAILS = [
    # the file's end, line ending, why
    ("\n", "\n", "GNU msgcat/msgmerge: no blank line after the last entry"),
    ("\n\n", "\n", "pybabel update/extract end every catalog with a blank line"),
    ("\r\n\r\n", "\r\n", "a Windows editor's save of Babel's file"),
    ("\n\n\n", "\n", "a hand edit left two"),
]


@pytest.mark.parametrize("end, nl, why", TAILS, ids=[t[2] for t in TAILS])
def test_a_rewrite_keeps_the_blank_lines_after_the_last_entry(end, nl, why, tmp_path):
    text = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
            'msgid "a"\nmsgstr ""\n\nmsgid "b"\nmsgstr "B"').replace("\n", nl) + end
    path = tmp_path / "t.po"
    path.write_bytes(text.encode())
    snap = pofile.snapshot(path)
    snap.po[0].msgstr = "A"            # the first entry changes; the end of the file is no entry's
    pofile.write(snap.po, path, previous=snap)
    assert path.read_bytes() == text.replace('msgstr ""' + nl + nl, 'msgstr "A"' + nl + nl, 1).encode()
