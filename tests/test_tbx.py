"""TBX import/export: term status both ways, both TBX generations, and no DTD or entity ever expanded."""
from __future__ import annotations

from pathlib import Path

import pytest

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
