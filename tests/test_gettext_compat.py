"""Catalogs any PO tool can update: outside msgmerge, Babel, Poedit-style headers, old position contexts.

Each test plays what a translation team does with our files between two runs of `toolkit translate`
and checks that no approval is lost and that a run with nothing to do leaves the bytes alone.
"""
from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from hypothesis import given, settings, strategies as st

from toolkit import catalog, document, glossary as glossary_mod, pipeline, pofile
from toolkit.engines.pseudo import PseudoEngine

from .conftest import ROOT, msgcat_check, msgfmt_check

FIXTURES = Path(__file__).parent / "fixtures"
HAS_MSGMERGE = shutil.which("msgmerge") is not None
ARTICLE = """Baku and Yerevan met in Moscow.
Over 6,500 people came on Dec. 4. The talks lasted 20 years.
Russia sent 2,000 peacekeepers. The talks lasted 20 years.
"""


def run(text: str, locales: Path, *, name: str = "article", glossary=None, lang: str = "ru"):
    doc = document.parse(text, name=name, source=f"{name}.txt")
    return pipeline.translate_document(doc, [lang], engine=PseudoEngine(), locales=locales, glossary=glossary)


def po_path(locales: Path, name: str = "article", lang: str = "ru") -> Path:
    return locales / lang / "LC_MESSAGES" / f"{name}.po"


def approve_all(path: Path) -> dict[str, str]:
    """A translator approves everything (rewriting each text), in a PO editor; returns msgid → msgstr."""
    snap = pofile.snapshot(path)
    for i, e in enumerate(x for x in snap.po if not x.obsolete):
        e.msgstr = f"ОДОБРЕНО {i}: {e.msgid}"
        e.flags = [f for f in e.flags if f != "fuzzy"]
    pofile.write(snap.po, path, previous=snap)
    return {(e.msgctxt, e.msgid): e.msgstr for e in snap.po if not e.obsolete}


def test_a_repeated_sentence_gets_a_context_and_its_own_approval(tmp_path: Path):
    locales = tmp_path / "loc"
    run(ARTICLE, locales)
    po = pofile.read(po_path(locales))
    keys = [(e.msgctxt, e.msgid) for e in po]
    assert (None, "The talks lasted 20 years.") in keys and ("occurrence 2", "The talks lasted 20 years.") in keys
    assert sum(1 for e in po if e.msgctxt) == 1
    msgfmt_check(po_path(locales))


@pytest.mark.skipif(not HAS_MSGMERGE, reason="GNU msgmerge is not installed")
def test_outside_msgmerge_after_a_paragraph_at_the_top_keeps_every_approval(tmp_path: Path):
    """Weblate and `make update-po` run msgmerge on our .po with a new .pot: with position contexts this
    fuzzied 11 of 13 approved entries."""
    locales = tmp_path / "loc"
    run(ARTICLE, locales)
    approved = approve_all(po_path(locales))
    pot = tmp_path / "new.pot"
    pofile.write(catalog.build_pot(document.parse("A new lead paragraph.\n" + ARTICLE, name="article",
                                                  source="article.txt")), pot)
    out = tmp_path / "merged.po"
    subprocess.run(["msgmerge", "--previous", "-q", "-o", str(out), str(po_path(locales)), str(pot)], check=True)
    merged = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(out)) if not e.obsolete}
    for key, text in approved.items():
        assert merged[key].msgstr == text and not merged[key].fuzzy, key
    # ...and our next run takes msgmerge's file as it is: nothing lost, nothing re-fuzzied
    shutil.copyfile(out, po_path(locales))
    run("A new lead paragraph.\n" + ARTICLE, locales)
    after = {(e.msgctxt, e.msgid): e for e in pofile.read(po_path(locales)) if not e.obsolete}
    assert all(after[k].msgstr == v and not after[k].fuzzy for k, v in approved.items())
    msgfmt_check(po_path(locales))


def test_a_catalog_with_position_contexts_is_migrated_without_losing_an_approval(tmp_path: Path):
    """The golden session as the previous version wrote it (msgctxt "b1.s1" ...): one run migrates it."""
    locales = tmp_path / "loc"
    path = po_path(locales)
    path.parent.mkdir(parents=True)
    shutil.copyfile(FIXTURES / "migration" / "session.positions.ru.po", path)
    old = pofile.read(path)
    approved = {e.msgid: (e.msgstr, e.tcomment) for e in old if not e.obsolete and catalog.is_approved(e)}
    assert approved and all(e.msgctxt for e in old)
    text = ("Baku and Yerevan met in Moscow.\nIt was cold. Over 6,500 people came on Dec. 4. "
            "The talks lasted 20 long years.\nThe EU said nothing.\n")
    run(text, locales)
    po = pofile.read(path)
    assert all(e.msgctxt is None for e in po)
    now = {e.msgid: e for e in po if not e.obsolete}
    for msgid, (msgstr, tcomment) in approved.items():
        assert (now[msgid].msgstr, now[msgid].fuzzy, now[msgid].tcomment) == (msgstr, False, tcomment), msgid
    msgfmt_check(path)
    before = path.read_bytes()
    run(text, locales)
    assert path.read_bytes() == before


def test_babel_write_po_catalog_survives_a_no_change_run(tmp_path: Path):
    """A desk that updates catalogs with Babel (lowercase charset=utf-8, width 76, its own header)."""
    from babel.messages import pofile as babel_po
    from babel.messages.catalog import Catalog

    locales = tmp_path / "loc"
    run(ARTICLE, locales)
    ours = pofile.read(po_path(locales))
    cat = Catalog(locale="ru", project="desk", version="1", charset="utf-8")
    for e in ours:
        cat.add(e.msgid, e.msgstr, locations=[(f, int(n)) for f, n in e.occurrences],
                flags=e.flags, auto_comments=e.comment.split("\n"), context=e.msgctxt)
    buf = io.BytesIO()
    babel_po.write_po(buf, cat, width=76)
    data = buf.getvalue()
    assert b"charset=utf-8" in data
    po_path(locales).write_bytes(data)
    run(ARTICLE, locales)
    assert po_path(locales).read_bytes() == data


def test_poedit_header_is_kept_and_the_date_moves_only_with_a_change(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    locales = tmp_path / "loc"
    run(ARTICLE, locales)
    snap = pofile.snapshot(po_path(locales))
    snap.po.metadata.update({"Last-Translator": "Ivan Petrov <ivan@example.org>", "Language-Team": "ru desk",
                             "PO-Revision-Date": "2024-05-02 14:31+0400", "X-Generator": "Poedit 3.4.2",
                             "X-Poedit-Basepath": "../../.."})
    pofile.write(snap.po, po_path(locales), previous=snap)
    saved = po_path(locales).read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    run(ARTICLE, locales)
    assert po_path(locales).read_bytes() == saved                          # nothing changed: not a byte
    run(ARTICLE + "A new closing line.\n", locales)
    meta = pofile.read(po_path(locales)).metadata
    assert meta["PO-Revision-Date"] == "2027-01-15 08:00+0000"             # an entry changed: bumped
    assert (meta["Last-Translator"], meta["Language-Team"], meta["X-Generator"], meta["X-Poedit-Basepath"]) == \
        ("Ivan Petrov <ivan@example.org>", "ru desk", "Poedit 3.4.2", "../../..")


def test_an_article_name_with_a_space_settles(tmp_path: Path):
    """Issue 16: the space split the #: reference on reading, so every run rewrote the catalog."""
    locales = tmp_path / "loc"
    run(ARTICLE, locales, name="mining news")
    path = po_path(locales, "mining news")
    before = path.read_bytes()
    assert b"#: mining news.txt:1" in before
    report = run(ARTICLE, locales, name="mining news")
    assert not report.languages[0].written and path.read_bytes() == before


def test_a_glossary_change_re_enforces_stale_machine_entries_only(tmp_path: Path):
    gl_file = tmp_path / "g.tsv"
    gl_file.write_text("id\tkind\ten\tru\nbaku\tcity\tBaku\tБаку\n", encoding="utf-8")
    locales = tmp_path / "loc"
    text = "Baku said no.\nBaku said yes.\n"
    run(text, locales, glossary=glossary_mod.load(gl_file))
    snap = pofile.snapshot(po_path(locales))
    first = next(e for e in snap.po if e.msgid == "Baku said no.")
    first.msgstr, first.flags = "Баку сказал нет.", []                      # approved by the translator
    pofile.write(snap.po, po_path(locales), previous=snap)
    gl_file.write_text("id\tkind\ten\tru\nbaku\tcity\tBaku\tБакы; !Баку\n", encoding="utf-8")
    report = run(text, locales, glossary=glossary_mod.load(gl_file))
    lang = report.languages[0]
    assert lang.sent == 1 and lang.changes.conflicts == ["b1.s1"]
    po = {e.msgid: e for e in pofile.read(po_path(locales))}
    assert po["Baku said no."].msgstr == "Баку сказал нет." and not po["Baku said no."].fuzzy
    assert "Бакы" in po["Baku said yes."].msgstr and "Бакы" in po["Baku said yes."].comment
    before = po_path(locales).read_bytes()
    run(text, locales, glossary=glossary_mod.load(gl_file))
    assert po_path(locales).read_bytes() == before


# -- a run with nothing to do is byte-identical, always --------------------------------------------------------

_WORDS = st.sampled_from(["Baku", "said", "the", "mine", "talks", "on", "Dec.", "4", "Lachin", "road", "Yerevan",
                          "Kyzylbulag", "AZERTAC", "peacekeepers", "a-very-long-hyphenated-compound-word", "—"])
_SENTENCE = st.lists(_WORDS, min_size=1, max_size=30).map(lambda w: " ".join(w).capitalize() + ".")


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(_SENTENCE, min_size=1, max_size=3), min_size=1, max_size=4),
       st.lists(st.sampled_from(["leave", "approve", "rewrite", "comment"]), min_size=12, max_size=12))
def test_a_run_with_nothing_to_do_is_byte_identical(tmp_path_factory, blocks, actions):
    """Random articles (repeats, long wrapped strings), a translator's approvals, rewrites and long
    comments, and a glossary that flags approved entries with long `#.` notes: the run after the one
    that merged them writes nothing."""
    locales = tmp_path_factory.mktemp("settle") / "loc"
    gl = glossary_mod.load(ROOT / "glossaries")
    text = "\n".join(" ".join(b) for b in blocks) + "\n"
    run(text, locales, glossary=gl)
    snap = pofile.snapshot(po_path(locales))
    for e, action in zip([e for e in snap.po if not e.obsolete], actions):
        if action in ("approve", "rewrite"):
            e.flags = []
            if action == "rewrite":
                e.msgstr = "Баку Баку " + e.msgstr[:200]        # 'Баку' may now break the glossary
        elif action == "comment":
            e.tcomment = "checked against the ministry's press release, which spells every name the long way"
    pofile.write(snap.po, po_path(locales), previous=snap)
    run(text, locales, glossary=gl)
    settled = po_path(locales).read_bytes()
    msgcat_check(po_path(locales))
    report = run(text, locales, glossary=gl)
    assert po_path(locales).read_bytes() == settled
    assert not report.languages[0].written


def test_stats_per_article_as_well_as_per_language(tmp_path: Path):
    from toolkit import stats

    locales = tmp_path / "loc"
    run(ARTICLE, locales, name="talks")
    run("Baku said no.\n", locales, name="short")
    approve_all(po_path(locales, "short"))
    (ru,) = stats.collect(locales)
    assert (ru.lang, ru.article, ru.segments, ru.approved, ru.catalogs) == ("ru", "", 6, 1, 2)
    rows = {r.article: r for r in stats.collect(locales, by_article=True)}
    assert set(rows) == {"talks", "short"}
    assert (rows["short"].segments, rows["short"].approved) == (1, 1)
    assert (rows["talks"].segments, rows["talks"].approved, rows["talks"].fuzzy) == (5, 0, 5)


def test_check_fix_bumps_the_revision_date_and_never_overwrites_an_editors_save(tmp_path: Path, monkeypatch):
    from toolkit import qa
    from toolkit.errors import ChangedOnDisk

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    locales = tmp_path / "loc"
    gl_file = tmp_path / "g.tsv"
    gl_file.write_text("id\tkind\ten\tru\nbaku\tcity\tBaku\tБаку; !Бакы\n", encoding="utf-8")
    run("Baku said no.\n", locales, glossary=glossary_mod.load(gl_file))
    snap = pofile.snapshot(po_path(locales))
    snap.po[0].msgstr = "Бакы сказал нет."                    # fuzzy, with the wrong spelling
    pofile.write(snap.po, po_path(locales), previous=snap)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    _, fixes = qa.run(locales, glossary=glossary_mod.load(gl_file), fix=True)
    po = pofile.read(po_path(locales))
    assert fixes and po[0].msgstr == "Баку сказал нет."
    assert po.metadata["PO-Revision-Date"] == "2027-01-15 08:00+0000"
    msgfmt_check(po_path(locales))

    snap = pofile.snapshot(po_path(locales))
    snap.po[0].msgstr = "Бакы сказал нет."
    pofile.write(snap.po, po_path(locales), previous=snap)
    real_snapshot = pofile.snapshot

    def editor_saves_meanwhile(path, **kw):     # between check's read and its write, a translator saves
        snap = real_snapshot(path, **kw)
        path.write_bytes(path.read_bytes().replace("Бакы сказал нет.".encode(), "Баку ответил: нет.".encode()))
        return snap

    monkeypatch.setattr(pofile, "snapshot", editor_saves_meanwhile)
    with pytest.raises(ChangedOnDisk):
        qa.run(locales, glossary=glossary_mod.load(gl_file), fix=True)
    assert pofile.read(po_path(locales))[0].msgstr == "Баку ответил: нет."
