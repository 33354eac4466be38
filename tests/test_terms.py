"""Terminology through MT: inflected forms accepted, forbidden variants repaired in the same form,
missing terms left fuzzy, protected terms masked per engine and never lost silently."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from toolkit import document, glossary as glossary_mod, pipeline, terms
from toolkit.terms import morph
from toolkit.engines import Hypothesis
from toolkit.engines.pseudo import PseudoEngine
from toolkit.engines.scripted import ScriptedEngine

from .conftest import ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "glossary"
GLOSSARY = glossary_mod.load(FIXTURES / "terms.tsv")

# (lang, source, target as the engine or a translator wrote it, why it counts as the term)
ACCEPTED = [
    ("ru", "talks in Yerevan", "переговоры в Ереване", "locative is still the term"),
    ("ru", "from Baku", "из Баку", "Баку is indeclinable"),
    ("ru", "the Foreign Ministry's statement", "заявление МИДа Азербайджана", "head inflects, genitive stays"),
    ("ru", "the European Union said", "представитель Европейского союза", "adjective and noun agree"),
    ("ru", "near Shusha", "около Шуши", "genitive of the preferred term"),
    ("ru", "AZERTAC reported", "сообщило АЗЕРТАДЖ", "fixed form"),
    ("ru", "Nasdaq fell", "Nasdaq упал", "do not translate: English in every language"),
    ("az", "in Baku", "Bakıda", "locative -da"),
    ("az", "Baku's note", "Bakının notası", "genitive -nın after a vowel"),
    ("az", "to Baku", "Bakıya", "dative with buffer y"),
    ("az", "from Yerevan", "İrəvandan", "ablative, front harmony, dotted capital İ"),
    ("az", "to Karabakh", "Qarabağa", "dative -a"),
    ("az", "Lachin's", "Laçının", "genitive -ın, back harmony"),
    ("az", "AZERTAC said", "AZƏRTAC-ın məlumatına görə", "abbreviation takes its suffix after a hyphen"),
    ("az", "the Foreign Ministry's statement", "Xarici İşlər Nazirliyinin bəyanatı", "last word inflects"),
    ("az", "BAKU", "BAKI", "capitals: Turkic I is ı"),
    ("hy", "in Yerevan", "Երևանում", "locative -ում"),
    ("hy", "from Yerevan", "Երեւանից", "ablative, written with եւ instead of և"),
    ("hy", "Baku's", "Բաքվի", "genitive with the ու→վ alternation"),
    ("hy", "in Baku", "Բաքվում", "locative with the alternation"),
    ("hy", "Azerbaijan's", "Ադրբեջանի", "genitive -ի"),
    ("hy", "in Armenia", "Հայաստանում", "locative"),
    ("hy", "in Moscow", "Մոսկվայում", "vowel stem takes յ"),
    ("hy", "the European Union's", "Եվրոպական միության", "-ություն → -ության"),
]


@pytest.mark.parametrize("lang, source, target, reason", ACCEPTED)
def test_inflected_forms_are_the_term(lang, source, target, reason):
    done = terms.check_entry(source, target, GLOSSARY, lang, fix=True)
    assert (done.problems, done.terms_ok, done.changed) == ((), done.terms_total, False), reason


# (lang, source, target, repaired target, why)
REPAIRED = [
    ("ru", "the Kyzylbulag mine", "на руднике Гызылбулага", "на руднике Кызылбулага", "genitive kept"),
    ("ru", "Kyzylbulag", "Гызылбулаг", "Кызылбулаг", "nominative stays nominative"),
    ("ru", "Kyzylbulag", "под Гызылбулагом", "под Кызылбулагом", "instrumental kept"),
    ("az", "in Kyzylbulag", "Gızılbulakda", "Qızılbulaqda", "locative suffix transferred"),
    ("az", "Kyzylbulag's", "Gızılbulakın", "Qızılbulağın", "genitive transferred, q→ğ before a vowel"),
    ("hy", "in Kyzylbulag", "Քըզըլբուլաղում", "Կզըլբուլաղում", "locative suffix transferred"),
    ("hy", "Kyzylbulag's", "Քըզըլբուլաղի", "Կզըլբուլաղի", "genitive suffix transferred"),
]


@pytest.mark.parametrize("lang, source, target, repaired, reason", REPAIRED)
def test_forbidden_variants_are_repaired_keeping_the_inflection(lang, source, target, repaired, reason):
    flagged = terms.check_entry(source, target, GLOSSARY, lang, fix=False)
    assert flagged.problems and "forbidden variant" in flagged.problems[0] and not flagged.changed, reason
    done = terms.check_entry(source, target, GLOSSARY, lang, fix=True)
    assert (done.text, done.problems, done.changed) == (repaired, (), True), reason
    assert any("repaired forbidden" in n for n in done.notes)


# (lang, source, target, why the entry must stay fuzzy)
LEFT_FUZZY = [
    ("ru", "the Kyzylbulag mine", "на руднике", "the name is missing"),
    ("az", "Kyzylbulag", "mədən", "the name is missing"),
    ("hy", "Kyzylbulag", "հանք", "the name is missing"),
    ("ru", "Baku and Baku", "Баку", "one of two occurrences is missing"),
    ("ru", "Yerevan", "Ерева", "a truncated word is not an inflected form"),
    ("az", "Baku", "Bakıxanov", "a surname that starts with the name's letters is not the city"),
]


@pytest.mark.parametrize("lang, source, target, reason", LEFT_FUZZY)
def test_missing_terms_are_problems_naming_the_term(lang, source, target, reason):
    done = terms.check_entry(source, target, GLOSSARY, lang, fix=True)
    assert done.problems and "not found" in done.problems[0], reason
    assert done.issues[0].code == "term-missing", reason
    assert done.text == target and done.terms_ok < done.terms_total


def test_repair_never_pastes_a_nominative_over_an_unclear_form():
    # Шуши is indeclinable: any case is possible, so there is no single form of Шуша to put there.
    occ = morph.find("около Шуши", "Шуши", "ru")[0]
    assert morph.repair(occ, "Шуша", "ru") is None
    assert morph.repair(morph.find("в Гызылбулаге", "Гызылбулаг", "ru")[0], "Кызылбулаг", "ru") == "Кызылбулаге"


def test_admitted_variant_is_accepted_with_a_note_or_repaired_by_policy():
    accepted = terms.check_entry("in Shusha", "Շուշիում", GLOSSARY, "hy", fix=True)
    assert accepted.problems == () and any("admitted variant" in n for n in accepted.notes)
    repaired = terms.check_entry("in Shusha", "Շուշիում", GLOSSARY, "hy", fix=True, admitted="repair")
    assert repaired.text == "Շուշայում" and repaired.problems == ()


def test_turkic_offsets_stay_right_when_folding():
    text = "İSTANBUL və İrəvanda"
    occ = morph.find(text, "İrəvan", "az")
    assert [(o.start, o.end, o.text) for o in occ] == [(12, 20, "İrəvanda")]


# -- masking and choosing ------------------------------------------------------------------------------

def test_mask_policy_protects_only_fixed_forms_for_real_engines():
    source = "AZERTAC said Baku and Nasdaq agreed."
    hits = GLOSSARY.match(source)
    real = terms.mask(source, hits, "ru", "protected")
    assert real.text == "Xq1 said Baku and Xq3 agreed."
    assert terms.mask(source, hits, "ru", "all").text == "Xq1 said Xq2 and Xq3 agreed."
    assert terms.mask(source, hits, "ru", "none").text == source
    assert terms.policy_for(PseudoEngine()) == "all"


def test_the_best_hypothesis_that_holds_the_glossary_is_chosen():
    source = "Talks in Yerevan."
    m = terms.mask(source, GLOSSARY.match(source), "ru", "protected")
    hyps = [Hypothesis("Переговоры в Москве.", -1.0), Hypothesis("Переговоры в Ереване.", -1.5)]
    done = terms.enforce(m, hyps, "ru")
    assert done.text == "Переговоры в Ереване." and done.hypothesis == 1 and done.problems == ()
    assert any("chose hypothesis 2 of 2" in n for n in done.notes)


def test_a_dropped_placeholder_is_put_back_and_reported():
    source = "AZERTAC reported it."
    m = terms.mask(source, GLOSSARY.match(source), "ru", "protected")
    done = terms.enforce(m, [Hypothesis("Сообщило об этом.", 0.0)], "ru")
    assert done.needs_retry and done.text.startswith("АЗЕРТАДЖ ")
    assert "dropped it; put back" in done.problems[0] and done.issues[0].code == "term-dropped"


def test_lost_protection_is_retried_unmasked_and_said_in_a_note():
    # Loses placeholders (like a real model may), translates plain text faithfully enough.
    engine = ScriptedEngine(lambda s, t: "сообщило" if "Xq" in s else "АЗЕРТАДЖ сообщило", name="dropping")
    doc = document.parse("AZERTAC reported.\n", name="a", source="a.txt")
    [done] = pipeline.translate_segments(doc.segments, "ru", engine, GLOSSARY)
    assert engine.calls == [["Xq1 reported."], ["AZERTAC reported."]]      # the pipeline makes both calls
    assert done.text == "АЗЕРТАДЖ сообщило" and done.problems == ()
    assert any("translated again without protection" in n for n in done.notes)


def test_pseudo_pipeline_holds_every_term_of_the_seed_article(seed_article: Path, tmp_path: Path):
    report = pipeline.translate_file(seed_article, ["ru", "az", "hy"], engine="pseudo",
                                     glossary_dir=ROOT / "glossaries", locales=tmp_path / "loc")
    for r in report.languages:
        assert r.terms_total > 30 and r.terms_ok == r.terms_total, r.lang


@given(st.text(alphabet=st.sampled_from(list("aAIİıiЁёЕе’‘ʼ`'ÇçŞşƏəևԵեՒւ ßẞǅ\u0307-")) | st.characters(), max_size=40),
       st.sampled_from(["ru", "az", "hy", "en"]))
def test_fast_folding_equals_the_per_character_definition(text: str, lang: str):
    from toolkit.terms import morph

    folded, index = morph.fold_map(text, lang)
    slow_folded, slow_index = morph._fold_map_slow(text, lang)
    assert (folded, list(index)) == (slow_folded, slow_index)
