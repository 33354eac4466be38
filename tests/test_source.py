"""Which English occurrence of a glossary name is the concept (toolkit.terms.source), from news sentences.

The names are from real news (Jordan Spieth, Chad Hammel, Rolando Mendoza, the New York Times, Qatar Airways,
Bank of New York Mellon, South China Morning Post, Rapid Vienna, the Los Angeles Lakers, Joaquin Phoenix);
the sentences are written here. The glossary is the project's plus the CLDR names `glossary seed --from-cldr`
proposes for them (babel's data, as bench/realtext.py uses it).
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from typer.testing import CliRunner

from toolkit import glossary as glossary_mod, terms
from toolkit.cli import app
from toolkit.terms import source

from .conftest import msgfmt_check

ROOT = Path(__file__).resolve().parent.parent
CLDR = glossary_mod.seed_from_cldr(["ru", "az", "hy"], [
    "JO", "TD", "CN", "QA", "MF", "LC", "PY", "ZA", "America/New_York", "America/Los_Angeles", "Europe/Vienna",
    "Antarctica/Davis", "America/Argentina/Mendoza", "America/Resolute", "Pacific/Auckland", "America/Phoenix",
    "Europe/Paris", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Bishkek"])
GLOSSARY = glossary_mod.Glossary([*CLDR, *glossary_mod.load(ROOT / "glossaries").concepts])
runner = CliRunner()

# (English sentence, names read as the concept, longer names passed over, reason)
READ_CASES = [
    # case: a lower-case word is never a place
    ("He was resolute in his refusal to resign.", [], [], "a lower-case adjective is not the hamlet Resolute"),
    ("Thieves took pieces of china and silver.", [], [], "china the porcelain is not China"),
    ("Resolute, in Nunavut, is one of Canada's coldest towns.", ["Resolute"], [], "capitalised: the hamlet"),
    ("BAKU, Dec. 3 (AZERTAC). The talks resumed.", ["BAKU", "AZERTAC"], [], "a dateline in capitals counts"),
    ("JORDAN AND CHINA SIGN WATER DEAL", ["JORDAN", "CHINA"], [], "an ALL-CAPS headline counts"),
    ("Jordan And China Sign Water Deal", ["Jordan", "China"], [], "a Title Case headline counts"),
    # a capitalised word joined to the name
    ("Jordan Spieth won the Masters by four shots.", [], ["Jordan Spieth"], "a golfer, not the kingdom"),
    ("Chad Hammel, a spokesman for the county, said the road was closed.", [], ["Chad Hammel"], "a person"),
    ("Rolando Mendoza fired his M16 rifle at the tourists.", [], ["Rolando Mendoza"], "a surname after a name"),
    ("Joaquin Phoenix won the Oscar for best actor.", [], ["Joaquin Phoenix"], "an actor, not the city"),
    ("The New York Times reported the deal on Sunday.", [], ["New York Times"], "a newspaper"),
    ("He flew Qatar Airways from Doha to Baku.", ["Baku"], ["Qatar Airways"], "an airline"),
    ("Shares of Bank of New York Mellon fell 2 percent.", [], ["Bank of New York Mellon"], "a bank"),
    ("The Bank of China cut its lending rate.", [], ["Bank of China"], "an organisation of a place"),
    ("He studied at the University of Toronto.", [], [], "not a glossary name: nothing to pass over"),
    ("The Mayor of Moscow opened the park.", ["Moscow"], [], "an office of the city: the city"),
    ("the territorial integrity of the Republic of Azerbaijan", ["Azerbaijan"], [], "the state itself"),
    ("The South China Morning Post said the ferry sank.", [], ["South China Morning Post"], "a newspaper"),
    ("Rapid Vienna beat Sturm Graz 2-1 on Saturday.", [], ["Rapid Vienna"], "a football club before the city"),
    ("Los Angeles Lakers star LeBron James scored 30.", [], ["Los Angeles Lakers"], "a team"),
    ("Students of Yerevan State University marched.", [], ["Yerevan State University"], "a university"),
    ("The Moscow Kremlin is a fortified complex.", [], ["Moscow Kremlin"], "a landmark named whole"),
    ("He scored for Paris-Saint Germain in the final.", [], ["Paris-Saint Germain"], "a hyphen joins a club name"),
    ("ASUS Eee PC became a hot topic in 2007 Taipei IT Month.", [], ["Taipei IT Month"], "an acronym is no pronoun"),
    # what does not join
    ("Jordan said on Monday that the talks in Amman had failed.", ["Jordan"], [], "a lower-case verb after"),
    ("Thousands protested in Moscow Monday against the law.", ["Moscow"], [], "a weekday is not a name part"),
    ("The Baku Mayor opened the new metro line.", ["Baku"], [], "the city's own mayor: still the city"),
    ("Chad President Idriss Deby won a sixth term.", ["Chad"], [], "the country's president: the country"),
    ("Armenia Foreign Minister Ararat Mirzoyan arrived.", ["Armenia", "Ararat Mirzoyan"], [],
     "the country's minister; a listed person after a title"),
    ("The Azerbaijani Foreign Ministry issued a statement.", ["Foreign Ministry"], [], "a nationality before"),
    ("The Turkish Foreign Ministry issued a statement.", [], ["Turkish Foreign Ministry"],
     "the glossary's Foreign Ministry is Azerbaijan's (its note)"),
    ("The Turkish Defense Ministry denied it.", ["Defense Ministry"], [], "a ministry of any country (its note)"),
    ("The Guarani lived in what is now Eastern Paraguay.", ["Paraguay"], [], "a compass word is part of it"),
    ("Beaches in Central Auckland were closed.", ["Auckland"], [], "a compass word before a city"),
    ("Several Bishkek residents blamed the protesters.", ["Bishkek"], [], "a determiner opens the sentence"),
    ("In Baku, the talks resumed.", ["Baku"], [], "a capitalised preposition opens the sentence"),
    ("Through Zangezur, the road leads to Nakhchivan.", ["Zangezur", "Nakhchivan"], [], "a preposition"),
    ("There are beaches because of Auckland's two harbours.", ["Auckland"], [], "a possessive is the city's"),
    ("He worked at Auckland's National Women's Hospital.", ["Auckland"], [], "the city's hospital: the city"),
    ("President Ilham Aliyev signed the decree.", ["Ilham Aliyev"], [], "a title before a listed person"),
    ("The Azerbaijan-Armenia border was quiet.", ["Azerbaijan", "Armenia"], [], "a hyphen between two names"),
    ("(AA Photo)", ["AA"], [], "an agency's photo credit is the agency"),
    # titles and honorifics
    ("Ms Davis said the station would close.", [], ["Ms Davis"], "an honorific: a person, not the station"),
    ("Mr. Jordan told reporters he would appeal.", [], ["Mr. Jordan"], "an honorific with a period"),
    ("Mr Jordan Beats Rivals", [], ["Mr Jordan"], "an honorific holds in a headline too"),
    # St./Saint and the possessive
    ("The choir sang at St. Martin's on Christmas Eve.", [], ["St. Martin's"], "a church, not the island"),
    ("Tourism is vital to St. Lucia's economy.", ["St. Lucia"], [], "a common noun after: the island's"),
    ("Hurricane Irma hit St. Martin hard.", ["St. Martin"], [], "the island itself"),
    # the area around a city
    ("A tourist from the Moscow region was evacuated.", [], ["Moscow region"], "Podmoskovye is not the city"),
    ("The Karabakh region was cut off.", ["Karabakh"], [], "a region's own region is the region"),
]


@pytest.mark.parametrize("text, names, others, reason", READ_CASES)
def test_read(text, names, others, reason):
    read = source.read(GLOSSARY, text)
    assert ([h.text for h in read.hits], [o.name for o in read.others]) == (names, others), reason


# (lang, English, human translation, reason): a correct translation with another entity's name stays as written,
# with no finding. Each of these was rewritten or flagged before the source step (bench/realtext.py).
KEPT = [
    ("hy", "The New York Times reported the deal.", "The New York Times-ը հաղորդել է գործարքի մասին։",
     "was «Նյու Յորք Times»"),
    ("ru", "Chad Hammel said the road was closed.", "Чед Хаммел сказал, что дорога закрыта.",
     "was «Чад Хаммел»"),
    ("az", "Jordan Spieth won the Masters.", "Jordan Spieth Masters turnirində qalib gəldi.",
     "was «İordaniya Spieth»"),
    ("az", "Rolando Mendoza fired his M16 rifle at the tourists.",
     "Rolando Mendoza, özünün M16 tüfəngi ilə turistləri güllələdi.", "was «Rolando Mendosa»"),
    ("ru", "Ms Davis said the station would close.", "Г-жа Дэвис сказала, что станцию закроют.",
     "was flagged: Дейвис missing"),
    ("ru", "The choir sang at St. Martin's on Christmas Eve.", "Хор пел в церкви Святого Мартина в сочельник.",
     "was flagged: Сен-Мартен missing"),
    ("ru", "He was resolute in his refusal to resign.", "Он был непреклонен в своём отказе уйти в отставку.",
     "was flagged: Резольют missing"),
    ("ru", "Shares of Bank of New York Mellon fell.", "Акции Bank of New York Mellon упали.",
     "was «Bank of Нью-Йорк Mellon»"),
    ("az", "Los Angeles Lakers star LeBron James scored 30.",
     "Los Angeles Lakers komandasının ulduzu LeBron Ceyms 30 xal qazandı.", "was «Los Anceles Lakers»"),
]


@pytest.mark.parametrize("lang, en, human, reason", KEPT)
def test_another_entity_is_left_alone(lang, en, human, reason):
    fixed = terms.check_entry(en, human, GLOSSARY, lang, fix=True)
    assert (fixed.text, fixed.issues) == (human, ()), reason


def test_the_concept_is_still_repaired_next_to_another_name():
    en = "Jordan Spieth played a charity round in Kalbajar."
    wrong = "Jordan Spieth сыграл благотворительный раунд в Кяльбаджаре."
    fixed = terms.check_entry(en, wrong, GLOSSARY, "ru", fix=True)
    assert fixed.text == "Jordan Spieth сыграл благотворительный раунд в Кельбаджаре."


_NON_GLOSSARY = st.sampled_from(["Spieth", "Hammel", "Times", "Airways", "Lakers", "Rapid", "Sporting",
                                 "Morning", "Herald", "Mellon", "Rolando", "Stanley", "Trust"])
_NAMES = st.sampled_from(["Jordan", "Chad", "New York", "Vienna", "Baku", "Yerevan", "Qatar", "Mendoza",
                          "Los Angeles", "Phoenix", "Auckland"])


@settings(max_examples=150, deadline=None)
@given(name=_NAMES, other=_NON_GLOSSARY, after=st.booleans(), lead=st.sampled_from(["", "On Monday ", "Yes, "]))
def test_a_capitalised_neighbour_is_never_the_concept(name, other, after, lead):
    text = f"{lead}{name} {other} said the plan would go ahead." if after else \
        f"{lead}{other} {name} said the plan would go ahead."
    read = source.read(GLOSSARY, text)
    assert name not in [h.text for h in read.hits] and [o.term for o in read.others] == [name]


_WORDS = st.sampled_from(["the", "talks", "in", "Baku", "New", "York", "china", "China", "Jordan", "said",
                          "Spieth", "Mr", "St.", "Martin's", "Moscow", "region", "of", "Paraguay", "Eastern", ","])


@settings(max_examples=200, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=12))
def test_lower_casing_the_source_never_adds_a_hit(words):
    text = " ".join(words) + "."
    lowered = {h.concept.id for h in source.read(GLOSSARY, text.lower()).hits}
    assert lowered <= {h.concept.id for h in source.read(GLOSSARY, text).hits}
    assert lowered == set()          # every English name of these glossaries is capitalised


# -- the longer names in `glossary conflicts`, and the one step that adds one ----------------------------------

ARTICLE = """Talks in Baku

The New York Times reported on Monday that the talks in Baku had stalled.

Ms Davis, a spokeswoman, said the New York Times had the dates wrong.
"""


def _project(tmp_path: Path) -> tuple[Path, list[str]]:
    gdir = tmp_path / "glossaries"
    shutil.copytree(ROOT / "glossaries", gdir)
    glossary_mod.write_tsv(CLDR, gdir / "00-cldr.tsv", ["ru", "az", "hy"])
    (tmp_path / "talks.txt").write_text(ARTICLE, encoding="utf-8")
    args = ["--glossary", str(gdir), "--locales", str(tmp_path / "locales")]
    result = runner.invoke(app, ["translate", str(tmp_path / "talks.txt"), "--to", "ru,hy", "--engine", "pseudo",
                                 *args])
    assert result.exit_code == 0, result.output
    for po in (tmp_path / "locales").rglob("*.po"):
        msgfmt_check(po)
    return gdir, args


def test_conflicts_list_the_longer_names_once_per_sentence_and_check_says_nothing(tmp_path: Path):
    gdir, args = _project(tmp_path)
    groups = json.loads(runner.invoke(app, ["glossary", "conflicts", *args, "--format", "json"]).stdout)
    listed = groups["decisions"] + groups["drafts"]
    seen = {f["term"]: f for f in listed if f["code"] == "name-seen"}
    assert set(seen) == {"New York Times", "Ms Davis"}
    nyt = seen["New York Times"]
    # two sentences of one article, each once although two languages' catalogs hold it
    assert (nyt["severity"], nyt["concept"], len(nyt["places"])) == ("info", "cldr-america-new-york", 2)
    assert {p["file"] for p in nyt["places"]} == {str(tmp_path / "talks.txt")}
    assert f"toolkit glossary add-name 'New York Times' --kind dnt --glossary {gdir}" in nyt["message"]
    report = json.loads(runner.invoke(app, ["check", *args, "--format", "json"]).stdout)
    assert not [f for f in report["findings"] if f["concept"] in ("cldr-america-new-york", "cldr-antarctica-davis")]


def test_add_name_appends_one_row_and_the_name_becomes_a_concept(tmp_path: Path):
    gdir, args = _project(tmp_path)
    before = (gdir / "names.tsv").read_bytes()
    result = runner.invoke(app, ["glossary", "add-name", "New York Times", "--kind", "dnt", *args])
    assert result.exit_code == 0, result.output
    after = (gdir / "names.tsv").read_bytes()
    assert after.startswith(before) and after.count(b"\n") == before.count(b"\n") + 1   # the last file wins
    row = after[len(before):].decode("utf-8").rstrip("\n").split("\t")
    assert row[:3] == ["new-york-times", "dnt", "New York Times"] and "name-seen" in row[-1]
    loaded = glossary_mod.load(gdir)
    assert [h.concept.id for h in source.read(loaded, "The New York Times said so.").hits] == ["new-york-times"]
    groups = json.loads(runner.invoke(app, ["glossary", "conflicts", *args, "--format", "json"]).stdout)
    listed = groups["decisions"] + groups["drafts"]
    assert {f["term"] for f in listed if f["code"] == "name-seen"} == {"Ms Davis"}
    person = runner.invoke(app, ["glossary", "add-name", "Ms Davis", "--kind", "person", "--ru", "г-жа Дэвис",
                                 "--into", str(gdir / "caucasus.tsv"), *args])
    assert person.exit_code == 0, person.output
    assert glossary_mod.load(gdir).get("ms-davis").preferred("ru") == "г-жа Дэвис"


@pytest.mark.parametrize("argv, message, reason", [
    (["New York Times", "--kind", "dnt"], "already in the glossary", "added twice"),
    (["Baku"], "already in the glossary", "a name the glossary has"),
    (["Qatar Airways", "--kind", "dnt", "--ru", "Катарские авиалинии"], "kind dnt keeps", "dnt takes no target"),
    (["Qatar Airways", "--kind", "institution"], "needs its translations", "a kind without translations"),
    (["Qatar; Airways"], "not a name", "a ';' would split the cell"),
    (["Qatar Airways", "--into", "glossary.tbx"], "TSV or CSV", "a TBX file is not appended to"),
])
def test_add_name_refuses_what_it_cannot_write_precisely(tmp_path: Path, argv, message, reason):
    gdir = tmp_path / "glossaries"
    shutil.copytree(ROOT / "glossaries", gdir)
    (gdir / "names.tsv").write_bytes((gdir / "names.tsv").read_bytes() + "nyt\tdnt\tNew York Times\t\t\t\t\n"
                                     .encode("utf-8"))
    before = {p.name: p.read_bytes() for p in gdir.iterdir()}
    argv = [a if a != "glossary.tbx" else str(tmp_path / "glossary.tbx") for a in argv]
    result = runner.invoke(app, ["glossary", "add-name", *argv, "--glossary", str(gdir), "--locales",
                                 str(tmp_path / "loc")])
    assert result.exit_code == 2 and message in result.output, reason
    assert {p.name: p.read_bytes() for p in gdir.iterdir()} == before, reason


def _catalog(pairs: list[tuple[str, str]]):
    import polib

    from toolkit import catalog

    po = polib.POFile(wrapwidth=catalog.WRAP_WIDTH)
    po.metadata = catalog.header("az")
    for en, az in pairs:
        po.append(polib.POEntry(msgid=en, msgstr=az, flags=["fuzzy"]))
    return po


def test_a_surname_met_in_full_is_the_person_in_the_rest_of_the_article():
    from toolkit import qa

    article = [("Rolando Mendoza fired his M16 rifle at the tourists.",
                "Rolando Mendoza, özünün M16 tüfəngi ilə turistləri güllələdi."),
               ("The photographers later took the place of an aged lady. Mendoza was gunned down.",
                "Sonradan fotoqraflar yaşlı qadının yerini tutdular. Mendoza silahla vurularaq zərərsizləşdirildi."),
               ("Ms Davis said the station would close.", "Xanım Davis stansiyanın bağlanacağını bildirdi."),
               ("Davis said the plan had been approved.", "Davis planın təsdiqləndiyini bildirdi.")]
    po = _catalog(article)
    assert source.article_surnames(GLOSSARY, [en for en, _ in article]) == {"Mendoza", "Davis"}
    assert qa.fix_catalog(po, "az", GLOSSARY) == []
    assert [f.code for f in qa.check_catalog(po, "az", GLOSSARY) if f.code.startswith("term-")] == []
    # the same bare name in another article (no full name there) is the city again
    alone = _catalog([("Mendoza was gunned down.", "Mendoza silahla vurularaq zərərsizləşdirildi.")])
    assert [f.concept for f in qa.check_catalog(alone, "az", GLOSSARY) if f.code.startswith("term-")] == \
        ["cldr-america-argentina-mendoza"]


def test_stats_count_the_terms_check_counts(tmp_path: Path):
    from toolkit import pofile, stats

    po = _catalog([("Rolando Mendoza fired his M16 rifle at the tourists.",
                    "Rolando Mendoza, özünün M16 tüfəngi ilə turistləri güllələdi."),
                   ("Mendoza was gunned down in Baku.", "Mendoza Bakıda silahla vurularaq zərərsizləşdirildi.")])
    path = tmp_path / "loc" / "az" / "LC_MESSAGES" / "hostage.po"
    pofile.write(po, path)
    msgfmt_check(path)
    [row] = stats.collect(tmp_path / "loc", glossary=GLOSSARY)
    assert (row.terms_total, row.terms_ok) == (1, 1)      # Baku; Mendoza is the gunman in this article


_TEXT = st.lists(st.sampled_from(["Jordan", "Spieth", "New", "York", "Times", "Ms", "Davis", "St.", "Martin's",
                                  "Baku", "Mayor", "the", "in", "Moscow", "region", "-", ",", "'s", "Eastern",
                                  "Paraguay", "IT", "PARIS", "Rapid", "Vienna", ".", "\u2019s", "Saint", "Qatar"]),
                 min_size=1, max_size=14).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_every_match_is_either_the_concept_or_another_name(text):
    found = GLOSSARY.match(text)
    read = source.read(GLOSSARY, text)
    assert len(read.hits) + len(read.others) == len(found)
    assert set(read.hits) <= set(found)
    assert all(o.start <= o.end and o.term in o.name and text[o.start:o.end] == o.name for o in read.others)


# Russian as an engine writes it: the gunman's name in its usual spelling (Роландо Мендоза), which is also a
# variant of the city's glossary form Мендоса. The 2010 Manila hostage crisis, as the news reported it.
_RU = {"Rolando Mendoza fired his M16 rifle at the tourists.": "Роландо Мендоза открыл огонь по туристам из M16.",
       "Mendoza was quiet on Monday.": "Мендоза в понедельник был спокоен.",
       "Wine exporters met in Argentina.": "Экспортёры вина встретились в Аргентине."}
_HOSTAGE = "Rolando Mendoza fired his M16 rifle at the tourists.\n\nMendoza was quiet on Monday.\n"
_WINE = "Wine exporters met in Argentina.\n\nMendoza was quiet on Monday.\n"


def _translate(tmp_path: Path, locales: str, texts: dict[str, str], memory):
    from toolkit import document, pipeline
    from toolkit.engines.scripted import ScriptedEngine

    engine = ScriptedEngine(lambda s, t: _RU[s], name="scripted-ru")
    docs = [document.parse(text, name=name, source=f"{name}.txt") for name, text in texts.items()]
    pipeline.translate_documents(docs, ["ru"], engine=engine, glossary=GLOSSARY, locales=tmp_path / locales,
                                 memory=memory, num_hypotheses=1)
    return engine, {name: tmp_path / locales / "ru" / "LC_MESSAGES" / f"{name}.po" for name in texts}


def _draft(path: Path, msgid: str):
    from toolkit import pofile

    [entry] = [e for e in pofile.read(path) if e.msgid == msgid]
    return entry


def test_translate_reads_an_article_as_check_does_and_the_memory_keeps_articles_apart(tmp_path: Path):
    from toolkit import pofile, qa
    from toolkit.tm import Memory

    memory = Memory(tmp_path / "tm")
    # A run with only the wine article fills the memory with the sentence where Mendoza is the city.
    _, wine_only = _translate(tmp_path, "a", {"wine": _WINE}, memory)
    assert _draft(wine_only["wine"], "Mendoza was quiet on Monday.").msgstr == "Мендоса в понедельник был спокоен."
    # The hostage article says the same sentence of the gunman: no city put in, from the memory or not.
    engine, paths = _translate(tmp_path, "b", {"hostage": _HOSTAGE, "wine": _WINE}, memory)
    entry = _draft(paths["hostage"], "Mendoza was quiet on Monday.")
    assert entry.msgstr == "Мендоза в понедельник был спокоен." and "Мендоса" not in entry.comment
    assert _draft(paths["wine"], "Mendoza was quiet on Monday.").msgstr == "Мендоса в понедельник был спокоен."
    assert "Mendoza was quiet on Monday." in engine.calls[0]     # the city's key answered the wine article only
    # check reads the catalog as the same one article: nothing to report, nothing to fix, in either
    for name, path in paths.items():
        msgfmt_check(path)
        po = pofile.read(path)
        assert [f.code for f in qa.check_catalog(po, "ru", GLOSSARY) if f.code.startswith("term-")] == [], name
        assert qa.fix_catalog(po, "ru", GLOSSARY) == [], name
    # and so does `glossary conflicts`: the wine article's repair is a variant seen, the gunman is nothing
    conflicts = qa.glossary_conflicts(GLOSSARY, tmp_path / "b", ["ru"])
    assert sorted((f.code, f.term, sorted(Path(p[0]).stem for p in f.places)) for f in conflicts) == [
        ("name-seen", "Rolando Mendoza", ["hostage"]), ("variant-seen", "Мендоза", ["wine"])], conflicts
    # a third run answers both articles from the memory, each in its own reading
    again, paths = _translate(tmp_path, "c", {"hostage": _HOSTAGE, "wine": _WINE}, memory)
    assert again.calls == []
    assert _draft(paths["hostage"], "Mendoza was quiet on Monday.").msgstr == "Мендоза в понедельник был спокоен."
    assert _draft(paths["wine"], "Mendoza was quiet on Monday.").msgstr == "Мендоса в понедельник был спокоен."
