"""Glossary files and the matcher: hostile inputs, layering, lint, agreement with CLDR and names.md."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from toolkit import glossary as glossary_mod
from toolkit.errors import GlossaryError
from toolkit.glossary import Concept, Glossary, Term

from .conftest import ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "glossary"
NAMES = glossary_mod.load(ROOT / "glossaries")


def concept(cid: str, en: str, ru: str = "x") -> Concept:
    return Concept(cid, "place", (("en", (Term(en, "preferred"),)), ("ru", (Term(ru, "preferred"),))))


META = Glossary([concept("cpp", "C++"), concept("khankendi", "(Khankendi)"), concept("spb", "St. Petersburg"),
                 concept("pipe", "a|b"), concept("karabakh", "Karabakh"), concept("nk", "Nagorno-Karabakh"),
                 concept("azerbaijan", "Azerbaijan"), concept("armenia", "Armenia"), concept("baku", "Baku"),
                 concept("eu", "EU"), concept("schwa", "Gəncə"), concept("cote", "Côte d'Ivoire")])

# (text, expected (id, matched text) pairs, why)
MATCH_CASES = [
    ("We use C++ daily.", [("cpp", "C++")], "regex metacharacters are literal"),
    ("Stepanakert (Khankendi) is", [("khankendi", "(Khankendi)")], "term starting and ending with punctuation"),
    ("in St. Petersburg", [("spb", "St. Petersburg")], "a dot inside a term"),
    ("either a|b or ab", [("pipe", "a|b")], "a pipe is not an alternation"),
    ("Nagorno-Karabakh and Karabakh", [("nk", "Nagorno-Karabakh"), ("karabakh", "Karabakh")], "longest wins"),
    ("the Azerbaijan-Armenia border", [("azerbaijan", "Azerbaijan"), ("armenia", "Armenia")], "hyphen compound"),
    ("Baku's note and Baku’s answer", [("baku", "Baku"), ("baku", "Baku")], "straight and curly possessive"),
    ("BAKU and baku", [("baku", "BAKU")], "a name matches capitalised or in capitals, never in lower case"),
    ("the EU and the eu", [("eu", "EU")], "acronyms match only as written"),
    ("Bakuvian Azerbaijani", [], "a longer word is not the term"),
    ("in Ga\u0308nca? no: G\u0259nc\u0259", [("schwa", "G\u0259nc\u0259")], "ə has no decomposition; exact word"),
    ("Côte d’Ivoire", [("cote", "Côte d’Ivoire")], "curly apostrophe inside a term"),
    ("İSTANBUL and Baku", [("baku", "Baku")], "İ before the term does not shift offsets"),
]


@pytest.mark.parametrize("text, expected, reason", MATCH_CASES)
def test_match_cases(text, expected, reason):
    hits = META.match(text)
    assert [(h.concept.id, h.text) for h in hits] == expected, reason
    assert all(text[h.start:h.end] == h.text for h in hits)


def test_nfd_text_matches_with_offsets_into_the_original():
    g = Glossary([concept("goygol", "Göygöl")])
    text = "visit " + unicodedata.normalize("NFD", "Göygöl") + " now"
    [hit] = g.match(text)
    assert (hit.start, hit.end) == (6, 6 + len(unicodedata.normalize("NFD", "Göygöl")))


WORDS = st.text(alphabet="abcdefgh xyz.,;-'’()", max_size=40)


@given(before=WORDS, after=WORDS)
def test_a_term_inserted_anywhere_is_found_once_at_its_offsets(before, after):
    text = f"{before} Lachin-Shusha road {after}"
    g = Glossary([concept("road", "Lachin-Shusha road"), concept("lachin", "Lachin"), concept("shusha", "Shusha")])
    hits = g.match(text)
    road = [h for h in hits if h.concept.id == "road"]
    assert [(h.start, h.end) for h in road] == [(len(before) + 1, len(before) + 19)]
    assert not [h for h in hits if h.concept.id in ("lachin", "shusha")]   # longest wins


@given(st.lists(st.sampled_from(["Karabakh", "Nagorno-Karabakh", "Baku", "Baku's", "the", "-", " ", "EU", "Azerbaijan-"]),
                max_size=20))
def test_hits_never_overlap_and_are_in_order(parts):
    text = " ".join(parts)
    hits = META.match(text)
    for a, b in zip(hits, hits[1:]):
        assert a.end <= b.start
    for h in hits:
        assert text[h.start:h.end] == h.text
        assert not (h.start and re.match(r"\w", text[h.start - 1])) and not (h.end < len(text) and re.match(r"\w", text[h.end]))


def test_matching_is_linear_on_a_large_glossary():
    # Counted, not timed (timings flake on a loaded machine; bench/large.py measures the speed): each
    # token costs at most one index look-up per word of the longest term starting with it, whatever
    # the glossary's size.
    import random

    rng = random.Random(0)
    syllables = ["ba", "ku", "ra", "ne", "lo", "mi", "sa", "tor", "gen", "vil", "dar", "zel"]

    def word() -> str:
        return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))).capitalize()

    big = Glossary([concept(f"c{i}", " ".join(word() for _ in range(rng.randint(1, 3)))) for i in range(20_000)])
    sentences = [" ".join(word() if rng.random() < .3 else "the" for _ in range(25)) for _ in range(2_000)]

    class Counting(dict):
        lookups = 0

        def get(self, key, default=None):
            Counting.lookups += 1
            return super().get(key, default)

    big._index = Counting(big._index)
    hits = sum(len(big.match(s)) for s in sentences)
    n_tokens = sum(len(s.split()) for s in sentences)
    assert hits > 0
    assert Counting.lookups <= 3 * n_tokens      # terms have at most 3 words


# -- loading ----------------------------------------------------------------------------------------

HEADER = "id\tkind\ten\tru\tnote\n"
# (file name, bytes, expected "file:line[:col]: reason" fragment, why)
BAD_FILES = [
    ("g.tsv", b"id\ten\thy_AM\nbaku\tBaku\tX\n", "g.tsv:1:3: unknown column 'hy_AM'", "region in a column"),
    ("g.tsv", b"term\tru\nBaku\t\xd0\x91\n", "g.tsv:1: header lacks column(s) id, en", "no id/en columns"),
    ("g.tsv", b"id\ten\tarm\nbaku\tBaku\tX\n", "g.tsv:1:3: language column 'arm': write it as 'hy'", "an alias of a language code"),
    ("g.tsv", (HEADER + "baku\tcity\tBaku\tБаку\n").encode(), "g.tsv:2: expected 5 columns", "wrong column count"),
    ("g.tsv", (HEADER + "baku\tcity\tBaku\tБаку\t\nbaku\tcity\tBaku\tБакы\t\n").encode(),
     "g.tsv:3:1: duplicate id 'baku' (first at line 2)", "duplicate id"),
    ("g.tsv", (HEADER + "baku\tcity\tBaku\tX;;Y\t\n").encode(), "g.tsv:2:4: empty term between ';'", "empty term"),
    ("g.tsv", (HEADER + "baku\tcity\tBaku\t!Бакы\t\n").encode(), "g.tsv:2:4: only forbidden terms", "no preferred"),
    ("g.tsv", (HEADER + "baku\tcity\t\tБаку\t\n").encode(), "g.tsv:2:3: empty English term", "empty source"),
    ("g.tsv", HEADER.encode() + "baku\tcity\tBaku\tБаку\t\n".encode("cp1251"), "g.tsv:2: not valid UTF-8",
     "cp1251 file"),
    ("g.csv", b'id,kind,en,ru,note\nbaku,city,"Baku,ru\n', "g.csv:", "unterminated quote in CSV"),
]


@pytest.mark.parametrize("name, data, expected, reason", BAD_FILES)
def test_loading_errors_name_file_line_and_column(tmp_path: Path, name, data, expected, reason):
    (tmp_path / name).write_bytes(data)
    with pytest.raises(GlossaryError) as err:
        glossary_mod.load(tmp_path / name)
    assert expected in str(err.value).replace(str(tmp_path) + "/", ""), reason


def test_bom_crlf_and_comments_are_read(tmp_path: Path):
    data = "\ufeff" + HEADER.replace("\n", "\r\n") + "# a comment\r\nbaku\tcity\tBaku\tБаку; !Бакы\tn\r\n"
    (tmp_path / "g.tsv").write_bytes(data.encode("utf-8"))
    [c] = glossary_mod.load(tmp_path).concepts
    assert (c.preferred("ru"), c.forbidden("ru"), c.line) == ("Баку", ("Бакы",), 3)


def test_a_project_glossary_overrides_the_base(tmp_path: Path):
    base, project = tmp_path / "base", tmp_path / "project"
    base.mkdir(), project.mkdir()
    (base / "names.tsv").write_text(HEADER + "baku\tcity\tBaku\tБаку\t\nmoscow\tcity\tMoscow\tМосква\t\n")
    (project / "names.tsv").write_text(HEADER + "baku\tcity\tBaku\tБакы\t\n")
    g = glossary_mod.load([base, project])
    assert g.get("baku").preferred("ru") == "Бакы" and g.get("moscow").preferred("ru") == "Москва"
    assert g.match("Baku")[0].concept.preferred("ru") == "Бакы"
    assert glossary_mod.load([project, base]).get("baku").preferred("ru") == "Баку"


def test_dnt_and_fixed_kinds():
    g = glossary_mod.load(FIXTURES / "terms.tsv")
    assert g.get("nasdaq").preferred("hy") == "Nasdaq" and g.get("nasdaq").is_protected
    assert g.get("azertac").preferred("ru") == "АЗЕРТАДЖ" and g.get("azertac").is_protected
    assert not g.get("baku").is_protected


def test_write_tsv_round_trips(tmp_path: Path):
    glossary_mod.write_tsv(NAMES.concepts, tmp_path / "out.tsv", ("ru", "az", "hy"))
    again = glossary_mod.load(tmp_path / "out.tsv")
    assert [(c.id, c.kind, c.terms, c.note) for c in again.concepts] == \
           [(c.id, c.kind, c.terms, c.note) for c in NAMES.concepts]


# -- lint -------------------------------------------------------------------------------------------

BASE, PROJECT = "00-base.tsv", "50-project.tsv"
# (code, severity, lang, term, files:lines) — every conflict planted in the fixture, and nothing else
EXPECTED_LINT = [
    ("not-nfc", "warning", "az", "Göygöl", [(PROJECT, 3)]),
    ("lookalike", "error", "az", "Ağd\u04d9m", [(PROJECT, 4)]),
    ("empty-cell", "warning", "hy", "Kalbajar", [(PROJECT, 6)]),
    ("invisible", "warning", "ru", "Губад\u200bлы", [(PROJECT, 7)]),
    ("source-conflict", "error", "ru", "Baku", [(BASE, 2), (PROJECT, 2)]),
    ("overlap", "warning", "en", "Lachin", [(BASE, 3), (BASE, 4)]),
    ("shared-target", "error", "az", "Xarici İşlər Nazirliyi", [(BASE, 7), (BASE, 8)]),
    ("target-is-english", "warning", "hy", "NATO", [(PROJECT, 5)]),
    ("preferred-forbidden", "error", "ru", "Ханкенди", [(BASE, 5), (BASE, 6)]),
    ("shared-target", "error", "ru", "МИД", [(BASE, 7), (BASE, 8)]),
]


def test_lint_reports_every_planted_conflict_and_nothing_else():
    found = [(f.code, f.severity, f.lang, f.term, [(Path(p).name, n) for p, n in f.places])
             for f in glossary_mod.lint(FIXTURES / "conflicts")]
    assert sorted(found) == sorted(EXPECTED_LINT)


def test_contested_names_are_surfaced():
    g = glossary_mod.load(FIXTURES / "conflicts")
    assert [(f.lang, f.term) for f in glossary_mod.contested(g.concepts)] == [("hy", "Կզըլբուլաղ")]


def test_shipped_glossary_has_no_blocking_finding():
    assert [f.message for f in glossary_mod.lint(ROOT / "glossaries") if f.is_blocking] == []


# -- agreement with CLDR and the names reference ---------------------------------------------------

def test_country_and_city_names_agree_with_cldr():
    from babel import Locale

    checked = 0
    for c in NAMES.concepts:
        m = re.match(r"CLDR (\S+)", c.note)
        if not m:
            continue
        code = m.group(1)
        for lang in ("en", "ru", "az", "hy"):
            loc = Locale.parse(lang)
            cldr = loc.territories.get(code) if c.kind == "country" else loc.time_zones.get(code, {}).get("city")
            if cldr is None:
                continue        # CLDR has no name (e.g. az for Asia/Yerevan): the note says what we use
            assert c.preferred(lang) == cldr, f"{c.id} {lang}: glossary {c.preferred(lang)!r}, CLDR {cldr!r}"
            checked += 1
    assert checked >= 15


def test_names_tsv_agrees_with_the_names_reference():
    text = (FIXTURES / "names.md").read_text(encoding="utf-8")
    rows = [line.strip("|").split("|") for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    checked = 0
    for cells in rows[1:]:
        en, _kind, *targets = [c.strip() for c in cells[:5]]
        for k, name in enumerate(re.sub(r"\s*\(.*?\)", "", en).split(", ")):
            hits = NAMES.match(name)
            assert hits, f"{name!r} from names.md is not in the glossary"
            for lang, cell in zip(("ru", "az", "hy"), targets):
                expected = cell.split(", ")[k] if ", " in cell else cell
                assert expected in hits[0].concept.accepted(lang), (name, lang, expected)
                checked += 1
    assert checked >= 45
