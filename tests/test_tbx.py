"""TBX import/export: term status both ways, both TBX generations, and no DTD or entity ever expanded."""
from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from toolkit import glossary as glossary_mod
from toolkit.glossary import tbx
from toolkit.errors import GlossaryError

from .conftest import ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "glossary"


def test_tbx_2008_statuses_map_to_preferred_admitted_forbidden():
    kyzyl, baku = tbx.read(FIXTURES / "weblate.tbx")
    assert kyzyl.kind == "place" and kyzyl.note == "gold mine" and kyzyl.line == 6
    assert kyzyl.preferred("ru") == "Кызылбулаг"
    assert kyzyl.admitted("ru") == ("Дрмбон",) and kyzyl.forbidden("ru") == ("Гызылбулаг",)
    assert kyzyl.preferred("hy") == "Կզըլբուլաղ"                 # hy-AM is hy; no status: first is preferred
    assert baku.kind == "term" and baku.forbidden("az") == ("Baki",)  # superseded counts as forbidden


def test_export_then_import_gives_the_same_glossary(tmp_path: Path):
    names = glossary_mod.load(ROOT / "glossaries")
    tbx.write(names.concepts, tmp_path / "names.tbx")
    back = tbx.read(tmp_path / "names.tbx")
    assert [(c.id, c.kind, c.terms, c.note) for c in back] == [(c.id, c.kind, c.terms, c.note) for c in names.concepts]
    text = (tmp_path / "names.tbx").read_text(encoding="utf-8")
    assert "deprecatedTerm-admn-sts" in text and 'type="TBX-Basic"' in text


def test_a_tbx_file_in_a_glossary_directory_is_loaded(tmp_path: Path):
    (tmp_path / "terms.tbx").write_bytes((FIXTURES / "weblate.tbx").read_bytes())
    g = glossary_mod.load(tmp_path)
    assert g.match("the Kyzylbulag mine")[0].concept.preferred("ru") == "Кызылбулаг"


LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<tbx><text><body/></text></tbx>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE tbx SYSTEM "http://127.0.0.1:9/tbx.dtd">
<tbx/>"""
# (bytes, expected message fragment, why)
BAD = [
    (LAUGHS, "t.tbx:2: DTDs and entity declarations are not accepted", "billion laughs refused"),
    (EXTERNAL, "t.tbx:2: DTDs and entity declarations are not accepted", "no external DTD fetch"),
    (b"<tbx><text><body><conceptEntry id='a'>", "t.tbx:1:", "truncated XML"),
    (b"<html/>", "t.tbx:1: not a TBX file: the root element is <html>", "wrong root"),
    (b'<?xml version="1.0" encoding="TF-8"?><tbx/>', "t.tbx:1: the XML declaration names an unknown encoding",
     "a LookupError traceback, found by fuzzing"),
    (b"<tbx><text><body><conceptEntry id='a'><langSec xml:lang='ru'><termSec><term>X</term></termSec>"
     b"</langSec></conceptEntry></body></text></tbx>", "t.tbx:1: concept 'a' has no English term", "no source"),
    (b"<tbx><text><body><conceptEntry id='a'><langSec xml:lang='en'><termSec><term>X</term><termNote "
     b"type='administrativeStatus'>legalTerm</termNote></termSec></langSec></conceptEntry></body></text></tbx>",
     "unknown administrativeStatus 'legalTerm'", "unknown status"),
]


@pytest.mark.parametrize("data, expected, reason", BAD)
def test_bad_tbx_is_refused_with_file_and_line(tmp_path: Path, data, expected, reason):
    (tmp_path / "t.tbx").write_bytes(data)
    with pytest.raises(GlossaryError) as err:
        tbx.read(tmp_path / "t.tbx")
    assert expected in str(err.value).replace(str(tmp_path) + "/", ""), reason


# -- TBX → TSV → TBX keeps every term and status (issue 16 item 6) ----------------------------------------------

def _tbx_entry(cid: str, *langs: tuple[str, list[tuple[str, str]]]) -> bytes:
    secs = "".join(f'<langSec xml:lang="{lang}">' + "".join(
        f'<termSec><term>{text}</term><termNote type="administrativeStatus">{status}</termNote></termSec>'
        for text, status in terms) + "</langSec>" for lang, terms in langs)
    return (f'<tbx><text><body><conceptEntry id="{cid}">{secs}</conceptEntry></body></text></tbx>').encode()


SPECIAL_TERMS = [   # (term, why)
    ("!Kung", "a preferred term beginning with '!' used to come back forbidden"),
    ("A;B", "a ';' inside a term used to be an error naming no file"),
    ("back\\slash", "a backslash is kept as it is"),
    ("ends with \\", "a trailing backslash does not swallow the next separator"),
    ("\\;", "a backslash before a ';'"),
    ("!!", "only exclamation marks"),
    ("#hashtag", "'#' at the start of a term cell is not a comment (only in the id column)"),
]


@pytest.mark.parametrize("term,why", SPECIAL_TERMS, ids=[w for _, w in SPECIAL_TERMS])
def test_special_characters_survive_tbx_to_tsv(tmp_path: Path, term, why):
    (tmp_path / "in.tbx").write_bytes(_tbx_entry(
        "c1", ("en", [("Source", "preferredTerm-admn-sts")]),
        ("ru", [(term, "preferredTerm-admn-sts"), (term + " alt", "admittedTerm-admn-sts"),
                ("!" + term, "deprecatedTerm-admn-sts")])))
    concepts = tbx.read(tmp_path / "in.tbx")
    glossary_mod.write_tsv(concepts, tmp_path / "out.tsv")
    back = glossary_mod.read_file(tmp_path / "out.tsv")
    assert back[0].terms == concepts[0].terms, why
    assert back[0].preferred("ru") == term


def test_a_language_with_only_deprecated_terms_is_refused_not_dropped(tmp_path: Path):
    (tmp_path / "in.tbx").write_bytes(_tbx_entry("c1", ("en", [("Kyzylbulag", "preferredTerm-admn-sts")]),
                                                 ("ru", [("Гызылбулаг", "deprecatedTerm-admn-sts")])))
    with pytest.raises(GlossaryError, match="in.tbx:1: concept 'c1': the ru terms are all deprecated"):
        tbx.read(tmp_path / "in.tbx")


def test_a_concept_id_starting_with_hash_is_refused_not_silently_dropped(tmp_path: Path):
    (tmp_path / "in.tbx").write_bytes(_tbx_entry("#1", ("en", [("Baku", "preferredTerm-admn-sts")])))
    with pytest.raises(GlossaryError, match="in.tbx:1: concept id '#1' starts with '#'"):
        glossary_mod.write_tsv(tbx.read(tmp_path / "in.tbx"), tmp_path / "out.tsv")
    assert not (tmp_path / "out.tsv").exists()


def test_a_control_character_in_a_tsv_cell_is_refused_at_its_line_and_column(tmp_path: Path):
    """It used to load, and `glossary export` then wrote a TBX its own import refused."""
    (tmp_path / "g.tsv").write_bytes(b"id\tkind\ten\tru\nbaku\tcity\tBaku\t\xd0\x91\xd0\xb0\x00\xd0\xba\xd1\x83\n")
    with pytest.raises(GlossaryError) as err:
        glossary_mod.load(tmp_path)
    assert "g.tsv:2:4: column ru holds the control character U+0000" in str(err.value)


_TEXT = st.text(st.one_of(st.sampled_from("!;\\ #\t"), st.characters(
    blacklist_categories=("Cs", "Cc", "Cn", "Co"))), min_size=1, max_size=12)


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


_STATUSES = st.sampled_from(["preferredTerm-admn-sts", "admittedTerm-admn-sts", "deprecatedTerm-admn-sts", ""])
_LANG_TERMS = st.lists(st.tuples(_TEXT.map(_clean).filter(bool), _STATUSES), min_size=1, max_size=4)


@settings(max_examples=int(os.environ.get("TOOLKIT_ROUNDTRIP_EXAMPLES", "60")))   # raise it for a longer hunt
@given(en=_LANG_TERMS, ru=_LANG_TERMS, hy=st.one_of(st.none(), _LANG_TERMS),
       note=_TEXT.map(_clean), kind=st.sampled_from(["city", "dnt", "place"]))
def test_tbx_to_tsv_to_tbx_is_identity_on_terms_and_statuses(tmp_path_factory, en, ru, hy, note, kind):
    from hypothesis import assume

    assume(all(_clean(t) == t for t, _ in en + ru + (hy or [])))          # NFC of a collapsed text is stable
    assume(all(any(s != "deprecatedTerm-admn-sts" for _, s in terms) for terms in (en, ru, hy or en)))
    d = tmp_path_factory.mktemp("rt")
    status = {"preferredTerm-admn-sts": "preferred", "admittedTerm-admn-sts": "admitted",
              "deprecatedTerm-admn-sts": "forbidden", "": "admitted"}
    langs = tuple((lang, tuple(glossary_mod.Term(t, status[s]) for t, s in terms))
                  for lang, terms in (("en", en), ("ru", ru), ("hy", hy)) if terms)
    concept = glossary_mod.Concept("c1", kind, langs, note)
    tbx.write([concept], d / "a.tbx")
    first = tbx.read(d / "a.tbx")
    cells = [first[0].note, *(glossary_mod.format_cell(terms) for _, terms in first[0].terms)]
    if any(cell.startswith(("=", "+", "-", "@")) for cell in cells):    # a spreadsheet would run it: refused
        with pytest.raises(GlossaryError, match="which a spreadsheet runs as a formula"):
            glossary_mod.write_tsv(first, d / "b.tsv")
        assert not (d / "b.tsv").exists()
        return
    glossary_mod.write_tsv(first, d / "b.tsv")
    middle = glossary_mod.read_file(d / "b.tsv")
    tbx.write(middle, d / "c.tbx")
    last = tbx.read(d / "c.tbx")
    assert [(c.id, c.terms) for c in middle] == [(c.id, c.terms) for c in first]
    assert [(c.id, c.kind, c.terms, c.note) for c in last] == [(c.id, c.kind, c.terms, c.note) for c in first]


@pytest.mark.parametrize("lang,expected", [("hy-AM", "hy"), ("RU", "ru"), ("arm", "hy"), ("pt_BR", "pt")])
def test_tbx_language_codes_become_the_columns_the_tsv_reader_accepts(tmp_path: Path, lang, expected):
    (tmp_path / "in.tbx").write_bytes(_tbx_entry("c1", ("en", [("Baku", "")]), (lang, [("X", "")])))
    concepts = tbx.read(tmp_path / "in.tbx")
    assert [code for code, _ in concepts[0].terms] == ["en", expected]
    glossary_mod.write_tsv(concepts, tmp_path / "out.tsv")
    assert glossary_mod.read_file(tmp_path / "out.tsv")[0].terms == concepts[0].terms


@pytest.mark.parametrize("lang", ["x y", "x-klingon", "../../etc", "12"])
def test_a_tbx_language_that_is_no_code_is_refused(tmp_path: Path, lang):
    """It used to be imported as a TSV column that the glossary reader then refused."""
    (tmp_path / "in.tbx").write_bytes(_tbx_entry("c1", ("en", [("Baku", "")]), (lang, [("X", "")])))
    with pytest.raises(GlossaryError, match=f"in.tbx:1: xml:lang '{lang}' is not a language code"):
        tbx.read(tmp_path / "in.tbx")
