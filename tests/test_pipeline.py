"""The pipeline's economy: only what changed goes to the engine, and the memory makes re-runs free."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from toolkit import glossary as glossary_mod, pipeline
from toolkit.engines.scripted import ScriptedEngine
from toolkit.tm import Memory

from .conftest import ROOT, msgfmt_check


def counting() -> ScriptedEngine:
    """The pseudo engine, remembering what it was asked to translate."""
    return ScriptedEngine(name="pseudo")


def run(article: Path, locales: Path, engine, *, memory=None, glossary_dir=ROOT / "glossaries", to=("ru",)):
    return pipeline.translate_file(article, list(to), engine=engine, glossary_dir=glossary_dir, locales=locales,
                                   memory=memory)


def test_all_segments_go_to_the_engine_in_one_batch(seed_article: Path, tmp_path: Path):
    engine = counting()
    report = run(seed_article, tmp_path / "loc", engine)
    assert len(engine.calls) == 1 and engine.sent == 20
    assert report.languages[0].sent == 20
    msgfmt_check(report.languages[0].catalog)


def test_rerun_with_nothing_changed_makes_no_engine_call(seed_article: Path, tmp_path: Path):
    run(seed_article, tmp_path / "loc", counting())
    engine = counting()
    report = run(seed_article, tmp_path / "loc", engine)
    assert engine.calls == []
    assert not report.languages[0].written


def test_one_changed_sentence_is_the_only_one_translated(seed_article: Path, tmp_path: Path):
    run(seed_article, tmp_path / "loc", counting())
    text = seed_article.read_text()
    seed_article.write_text(text.replace("Moscow is active in ongoing efforts", "Moscow is busy with efforts"))
    engine = counting()
    run(seed_article, tmp_path / "loc", engine)
    assert engine.sent == 1
    assert "busy with efforts" in engine.calls[0][0]


def test_memory_serves_a_document_whose_catalogs_are_gone(seed_article: Path, tmp_path: Path):
    memory = Memory(tmp_path / "tm")
    run(seed_article, tmp_path / "loc", counting(), memory=memory)
    first = (tmp_path / "loc" / "ru" / "LC_MESSAGES" / "karabakh-mining.po").read_bytes()
    shutil.rmtree(tmp_path / "loc")
    engine = counting()
    run(seed_article, tmp_path / "loc", engine, memory=memory)
    assert engine.calls == []
    assert (tmp_path / "loc" / "ru" / "LC_MESSAGES" / "karabakh-mining.po").read_bytes() == first


def test_glossary_change_misses_the_memory_only_where_the_term_occurs(seed_article: Path, tmp_path: Path):
    memory = Memory(tmp_path / "tm")
    gdir = tmp_path / "glossaries"
    shutil.copytree(ROOT / "glossaries", gdir)
    run(seed_article, tmp_path / "loc1", counting(), memory=memory, glossary_dir=gdir)
    names = gdir / "names.tsv"
    names.write_text(names.read_text().replace("Москва", "Москва-сити"))
    engine = counting()
    run(seed_article, tmp_path / "loc2", engine, memory=memory, glossary_dir=gdir)
    gl = glossary_mod.load(gdir)
    doc = pipeline.load(seed_article, gl)
    with_moscow = [s for s in doc.segments if "Moscow" in s.text]
    assert engine.sent == len(with_moscow) == 1


def recorder() -> ScriptedEngine:
    """A stand-in for a real engine (not pseudo): its output is recognisable."""
    return ScriptedEngine(lambda source, target: f"RU {source}", name="recorder")


def test_a_weak_engine_that_misses_terms_still_settles(seed_article: Path, tmp_path: Path):
    """Entries whose machine text misses glossary terms (what a small model writes) are fuzzy with
    `check:` notes; a no-change run must not send them again (that repeats the same output and makes
    every run cost a translation), while a glossary change to one of their terms does."""
    gdir = tmp_path / "glossaries"
    shutil.copytree(ROOT / "glossaries", gdir)
    run(seed_article, tmp_path / "loc", recorder(), glossary_dir=gdir)
    po = (tmp_path / "loc" / "ru" / "LC_MESSAGES" / "karabakh-mining.po").read_text()
    assert "#. check: " in po
    engine = recorder()
    report = run(seed_article, tmp_path / "loc", engine, glossary_dir=gdir)
    assert engine.calls == [] and not report.languages[0].written

    names = gdir / "names.tsv"
    names.write_text(names.read_text().replace("Москва", "Москва-сити"))
    engine = recorder()
    run(seed_article, tmp_path / "loc", engine, glossary_dir=gdir)
    assert engine.sent == 1 and "Moscow" in engine.calls[0][0]


def test_a_real_engine_replaces_untouched_pseudo_translations_only(seed_article: Path, tmp_path: Path):
    """A first look with --engine pseudo must not leave `[ru: …]` text in place when real MT runs later;
    what a translator touched stays."""
    from toolkit import pofile

    locales = tmp_path / "loc"
    pipeline.translate_file(seed_article, ["ru"], engine="pseudo", glossary_dir=ROOT / "glossaries", locales=locales)
    path = locales / "ru" / "LC_MESSAGES" / "karabakh-mining.po"
    po = pofile.read(path, lang="ru")
    first, second = [e for e in po if not e.obsolete][:2]
    first.msgstr, first.flags = "Азербайджан призывает Россию…", []         # approved by a translator
    second.msgstr = "черновик переводчика"                                   # edited, still fuzzy
    pofile.write(po, path)

    engine = recorder()
    report = pipeline.translate_file(seed_article, ["ru"], engine=engine, glossary_dir=ROOT / "glossaries", locales=locales)
    assert report.languages[0].sent == 18
    from toolkit.catalog import position

    after = {position(e): e for e in pofile.read(path, lang="ru") if not e.obsolete}
    assert after[position(first)].msgstr == "Азербайджан призывает Россию…" and not after[position(first)].fuzzy
    assert after[position(second)].msgstr == "черновик переводчика"
    others = [e for k, e in after.items() if k not in (position(first), position(second))]
    assert all(e.fuzzy and e.comment.split("\n")[1].startswith("machine translation: recorder") for e in others)
    assert not any(e.msgstr.startswith("[ru: ") for e in others)


def dropping() -> ScriptedEngine:
    """Loses every protected-term placeholder, as small models do: the pipeline retries those unmasked."""
    return ScriptedEngine(name="dropping", transform=lambda text: re.sub(r"Xq\d+", "", text))


def test_retries_of_dropped_terms_are_remembered_too(seed_article: Path, tmp_path: Path):
    memory = Memory(tmp_path / "tm")
    first = dropping()
    run(seed_article, tmp_path / "loc", first, memory=memory)
    assert len(first.calls) == 2 and len(first.calls[1]) >= 1      # the batch, then the unmasked retries
    shutil.rmtree(tmp_path / "loc")
    again = dropping()
    run(seed_article, tmp_path / "loc", again, memory=memory)
    assert again.calls == []
