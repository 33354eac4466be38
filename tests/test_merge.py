"""Re-runs merge like msgmerge: no human edit is lost, every change is marked.

The differential test replays random edit sequences through our merge and through GNU
`msgmerge --previous` and compares (msgctxt, msgid, msgstr, fuzzy, obsolete) entry by entry.
Our deliberate differences, kept out of the generated edits:

* a sentence that only *moved* (an insertion or deletion earlier in its block shifts its msgctxt)
  keeps its translation and state with us; msgmerge marks it fuzzy because the context changed;
* with a machine suggestion for an edited sentence we put the suggestion in msgstr and keep the old
  translation as an obsolete entry; msgmerge keeps the old translation as the fuzzy msgstr. The
  differential test therefore merges without suggestions (`translations={}`), where we must agree.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from hypothesis import given, settings, strategies as st

from toolkit import catalog, document, glossary as glossary_mod
from toolkit.catalog import Translation

from .conftest import msgfmt_check


def doc(text: str) -> document.Document:
    return document.parse(text, name="a", source="a.txt")


def machine(d: document.Document, segs=None, lang: str = "ru") -> dict[str, Translation]:
    """A deterministic fake engine: the suggestion names its source."""
    segs = d.segments if segs is None else segs
    return {s.id: Translation(s, lang, f"MT[{s.text}]", "fake 1") for s in segs}


def rerun(old: polib.POFile | None, text: str, lang: str = "ru", glossary=None):
    d = doc(text)
    todo = catalog.pending(d, old)
    po, changes = catalog.merge(d, lang, old, machine(d, todo, lang), glossary=glossary)
    return po, changes, todo


def by_ctxt(po: polib.POFile, obsolete: bool = False) -> dict[str, polib.POEntry]:
    return {e.msgctxt: e for e in po if e.obsolete == obsolete}


def approve(po: polib.POFile, ctxt: str, text: str | None = None, comment: str = "") -> None:
    e = by_ctxt(po)[ctxt]
    if text is not None:
        e.msgstr = text
    if "fuzzy" in e.flags:
        e.flags.remove("fuzzy")
    e.tcomment = comment


BASE = "One cat sat here. Two dogs ran there.\nBirds fly south in winter.\n"


def test_first_run_is_all_machine_and_fuzzy():
    po, changes, todo = rerun(None, BASE)
    assert len(todo) == 3 and changes.added == ["b1.s1", "b1.s2", "b2.s1"]
    assert all(e.fuzzy and e.msgstr.startswith("MT[") for e in po)


def test_approved_entry_is_never_replaced_and_unchanged_is_not_resent():
    po, _, _ = rerun(None, BASE)
    approve(po, "b1.s1", "Кошка сидела здесь.", "checked with the desk")
    po2, changes, todo = rerun(po, BASE)
    assert todo == [] and changes.count == 0
    e = by_ctxt(po2)["b1.s1"]
    assert (e.msgstr, e.fuzzy, e.tcomment) == ("Кошка сидела здесь.", False, "checked with the desk")


def test_edited_sentence_gets_machine_suggestion_and_keeps_human_text_as_obsolete():
    po, _, _ = rerun(None, BASE)
    approve(po, "b1.s2", "Две собаки бежали.", "name checked")
    po2, changes, todo = rerun(po, BASE.replace("ran there", "ran over there"))
    assert [s.id for s in todo] == ["b1.s2"] and changes.updated == ["b1.s2"]
    e = by_ctxt(po2)["b1.s2"]
    assert e.fuzzy and e.msgstr == "MT[Two dogs ran over there.]"
    assert e.previous_msgid == "Two dogs ran there." and e.previous_msgctxt is None
    assert e.tcomment == "name checked"
    assert "Две собаки бежали." in e.comment
    old = by_ctxt(po2, obsolete=True)["b1.s2"]
    assert (old.msgid, old.msgstr, old.fuzzy) == ("Two dogs ran there.", "Две собаки бежали.", False)


def test_reverting_the_edit_brings_the_human_text_back():
    po, _, _ = rerun(None, BASE)
    approve(po, "b1.s2", "Две собаки бежали.")
    po2, _, _ = rerun(po, BASE.replace("ran there", "ran over there"))
    po3, changes, todo = rerun(po2, BASE)
    assert todo == [] and changes.moved == ["b1.s2"]
    e = by_ctxt(po3)["b1.s2"]
    assert (e.msgstr, e.fuzzy) == ("Две собаки бежали.", False)


def test_inserted_sentence_shifts_ids_but_moved_sentences_keep_translation_and_state():
    po, _, _ = rerun(None, BASE)
    approve(po, "b1.s1", "Кошка.", "ok")
    approve(po, "b1.s2", "Собаки.")
    po2, changes, todo = rerun(po, "A new start today. " + BASE)
    assert [s.text for s in todo] == ["A new start today."]
    assert changes.added == ["b1.s1"] and changes.moved == ["b1.s2", "b1.s3"] and changes.updated == []
    entries = by_ctxt(po2)
    assert (entries["b1.s2"].msgstr, entries["b1.s2"].fuzzy, entries["b1.s2"].tcomment) == ("Кошка.", False, "ok")
    assert (entries["b1.s3"].msgstr, entries["b1.s3"].fuzzy) == ("Собаки.", False)
    assert not any(e.obsolete for e in po2)


def test_deleted_sentence_becomes_obsolete_and_comes_back():
    po, _, _ = rerun(None, BASE)
    approve(po, "b1.s1", "Кошка.")
    po2, changes, _ = rerun(po, BASE.replace("One cat sat here. ", ""))
    assert changes.obsoleted == ["b1.s1"] and changes.moved == ["b1.s1"]  # "Two dogs" moved into b1.s1
    gone = by_ctxt(po2, obsolete=True)["b1.s1"]
    assert (gone.msgid, gone.msgstr, gone.fuzzy) == ("One cat sat here.", "Кошка.", False)
    po3, _, todo = rerun(po2, BASE)
    assert todo == [] and (by_ctxt(po3)["b1.s1"].msgstr, by_ctxt(po3)["b1.s1"].fuzzy) == ("Кошка.", False)
    assert not any(e.obsolete for e in po3)


def test_edit_and_insert_in_the_same_block_pairs_the_edit_not_the_shift():
    po, _, _ = rerun(None, BASE)
    approve(po, "b1.s2", "Собаки.")
    po2, changes, _ = rerun(po, "Now look. One cat sat there. Two dogs ran there.\nBirds fly south in winter.\n")
    assert changes.added == ["b1.s1"] and changes.updated == ["b1.s2"] and changes.moved == ["b1.s3"]
    e = by_ctxt(po2)["b1.s2"]
    assert e.previous_msgid == "One cat sat here." and e.previous_msgctxt == "b1.s1"


def test_unrelated_rewrite_is_a_new_entry_and_the_old_one_obsolete():
    po, _, _ = rerun(None, BASE)
    po2, changes, _ = rerun(po, BASE.replace("Birds fly south in winter.", "Quarterly earnings beat forecasts."))
    assert changes.added == ["b2.s1"] and changes.obsoleted == ["b2.s1"]


def test_sentence_twice_shares_its_translation():
    po, _, _ = rerun(None, "It said so.\n")
    approve(po, "b1.s1", "Так сказано.")
    po2, _, todo = rerun(po, "It said so.\nIt said so.\n")
    assert todo == [] and [e.msgstr for e in po2 if not e.obsolete] == ["Так сказано."] * 2


def test_glossary_change_reports_approved_entry_and_does_not_rewrite_it(tmp_path: Path):
    gl_file = tmp_path / "g.tsv"
    gl_file.write_text("id\tkind\ten\tru\nbaku\tcity\tBaku\tБаку\n", encoding="utf-8")
    po, _, _ = rerun(None, "Baku said no.\n", glossary=glossary_mod.load(gl_file))
    approve(po, "b1.s1", "Баку сказал нет.")
    po2, changes, _ = rerun(po, "Baku said no.\n", glossary=glossary_mod.load(gl_file))
    assert changes.conflicts == []
    gl_file.write_text("id\tkind\ten\tru\nbaku\tcity\tBaku\tБакы; !Баку\n", encoding="utf-8")
    po3, changes, todo = rerun(po2, "Baku said no.\n", glossary=glossary_mod.load(gl_file))
    e = by_ctxt(po3)["b1.s1"]
    assert todo == [] and changes.conflicts == ["b1.s1"] and changes.count == 0
    assert (e.msgstr, e.fuzzy) == ("Баку сказал нет.", False)
    assert "glossary: term 'Baku' → 'Бакы' (baku): forbidden variant 'Баку'" in e.comment


def test_merge_is_idempotent_byte_for_byte(tmp_path: Path):
    po, _, _ = rerun(None, BASE)
    approve(po, "b1.s1", "Кошка.")
    po2, _, _ = rerun(po, "New one here. " + BASE.replace("ran there", "ran away"))
    path = tmp_path / "ru.po"
    po2.save(str(path))
    msgfmt_check(path)
    from toolkit import pofile

    po3, changes, todo = rerun(pofile.read(path), "New one here. " + BASE.replace("ran there", "ran away"))
    assert todo == [] and changes.count == 0
    assert pofile.render(po3) == path.read_bytes()


# -- differential test against GNU msgmerge --------------------------------------------------------------

# Disjoint alphabets: unrelated sentences are far apart for both similarity measures, edits stay close.
ALPHABETS = ["abc", "def", "ghi", "jkl", "mno", "pqr", "stu", "vwx", "yzab", "cdef"]


@st.composite
def sentences(draw, alphabet: str) -> list[str]:
    words = draw(st.lists(st.text(alphabet, min_size=5, max_size=8), min_size=5, max_size=7))
    return words


def render(words: list[str]) -> str:
    return " ".join(words).capitalize() + "."


@st.composite
def scenarios(draw):
    alphabets = iter(ALPHABETS)
    blocks = [[draw(sentences(next(alphabets))) for _ in range(draw(st.integers(1, 2)))]
              for _ in range(draw(st.integers(1, 3)))]
    n = sum(len(b) for b in blocks)
    human = draw(st.lists(st.sampled_from(["leave", "approve", "rewrite"]), min_size=n, max_size=n))
    new_blocks = []
    for b in blocks:
        nb = []
        for i, words in enumerate(b):
            action = draw(st.sampled_from(["keep", "keep", "edit", "delete"]))
            if action == "delete" and i == len(b) - 1 and len(b) > 1:
                continue  # deleting the last sentence of a block shifts nothing
            if action == "edit":
                k = draw(st.integers(0, len(words) - 1))
                new_word = words[k][::-1] + words[k][0]
                words = [*words[:k], new_word, *words[k + 1:]]
            nb.append(words)
        if draw(st.booleans()):
            nb.append(draw(sentences(next(alphabets))))  # appended: a new id, nothing shifts
        new_blocks.append(nb)
    text = lambda bs: "\n".join(" ".join(render(w) for w in b) for b in bs) + "\n"  # noqa: E731
    return text(blocks), human, text(new_blocks)


def _key_set(po: polib.POFile) -> set[tuple]:
    return {(e.msgctxt, e.msgid, e.msgstr, e.fuzzy, e.obsolete) for e in po if e.msgid}


@pytest.mark.skipif(shutil.which("msgmerge") is None, reason="GNU msgmerge is not installed")
@settings(max_examples=int(os.environ.get("TOOLKIT_MERGE_EXAMPLES", "30")), deadline=None)   # raise for a longer hunt
@given(scenarios())
def test_merge_agrees_with_msgmerge_previous(tmp_path_factory, scenario):
    old_text, human, new_text = scenario
    tmp = tmp_path_factory.mktemp("mm")
    po, _, _ = rerun(None, old_text)
    for e, action in zip([e for e in po if not e.obsolete], human, strict=True):
        if action != "leave":
            approve(po, e.msgctxt, "HUMAN " + e.msgid if action == "rewrite" else None)
    old_path, pot_path, out_path = tmp / "old.po", tmp / "new.pot", tmp / "out.po"
    po.save(str(old_path))
    new_doc = doc(new_text)
    catalog.build_pot(new_doc).save(str(pot_path))
    subprocess.run(["msgmerge", "--previous", "-q", "-o", str(out_path), str(old_path), str(pot_path)], check=True)
    ours, _ = catalog.merge(new_doc, "ru", po, {})
    ours_path = tmp / "ours.po"
    ours.save(str(ours_path))
    msgfmt_check(ours_path)
    assert _key_set(ours) == _key_set(polib.pofile(str(out_path)))
    # ...and no human text is lost: every approved or rewritten msgstr is still somewhere in the catalog.
    kept = {e.msgstr for e in ours}
    assert all(e.msgstr in kept for e in po if e.msgid)


def _pair_edits_by_brute_force(new, gone):
    import difflib

    pairs = []
    for i, s in enumerate(new):
        for j, e in enumerate(gone):
            score = difflib.SequenceMatcher(None, e.msgid, s.text, autojunk=False).ratio() + (
                catalog.SAME_CONTEXT_BONUS if e.msgctxt == s.id else 0.0)
            if score >= catalog.EDIT_THRESHOLD:
                pairs.append((-score, i, j))
    taken_new, taken_old, out = set(), set(), []
    for _, i, j in sorted(pairs):
        if i not in taken_new and j not in taken_old:
            taken_new.add(i), taken_old.add(j), out.append((i, j))
    return out


_WORD = st.sampled_from(["Baku", "said", "the", "mine", "talks", "on", "Dec.", "4", "Lachin", "road", "new"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_WORD, min_size=1, max_size=8), min_size=1, max_size=8),
       st.lists(st.lists(_WORD, min_size=1, max_size=8), min_size=1, max_size=8), st.randoms())
def test_lazy_edit_pairing_equals_scoring_every_pair(new_words, old_words, rnd):
    """The heap with quick_ratio bounds picks exactly the pairs a full sort of every ratio would."""
    new = [document.Segment(f"b1.s{i + 1}", 1, i + 1, " ".join(w) + ".", " ", 1) for i, w in enumerate(new_words)]
    ctxts = [f"b1.s{i + 1}" for i in range(len(old_words))]
    rnd.shuffle(ctxts)
    gone = [polib.POEntry(msgctxt=c, msgid=" ".join(w) + ".") for c, w in zip(ctxts, old_words)]
    assert catalog._pair_edits(new, gone) == _pair_edits_by_brute_force(new, gone)


def test_a_sentence_back_in_its_old_slot_leaves_no_duplicate_definition(tmp_path: Path):
    """Found by the random-history property test: insert, delete, insert again at the same place left an
    obsolete entry with the key of an active one, which msgfmt rejects as a duplicate definition."""
    from toolkit import pipeline, pofile
    from toolkit.engines.pseudo import PseudoEngine

    sentences = ["Baku is the capital.", "Yerevan hosted talks.", "The mine opened.", "Prices rose sharply."]
    locales = tmp_path / "locales"

    def rerun():
        doc = document.parse("\n".join(sentences) + "\n", name="a", source="a.txt")
        pipeline.translate_document(doc, ["ru"], engine=PseudoEngine(), locales=locales)
        path = locales / "ru" / "LC_MESSAGES" / "a.po"
        msgfmt_check(path)
        return pofile.read(path, lang="ru")

    rerun()
    sentences.insert(0, "Yerevan hosted talks.")
    rerun()
    del sentences[0]
    rerun()
    sentences.insert(0, "Baku is the capital.")
    po = rerun()
    keys = [(e.msgctxt, e.msgid) for e in po]
    assert len(keys) == len(set(keys))
