"""No msgstr[N] a translator wrote is lost by a run (issue 22 "Catalogs", follow-up): an article sentence has
no plural, so when a sentence continues a plural entry (the entry is live on it, comes back from `#~`, is
the sentence before an edit, or is its `occurrence 2`) the sentence gets msgstr[0] as a fuzzy suggestion,
as `msgmerge --previous` does, and the plural entry itself stays beside it as `#~` with every form, where
msgmerge drops msgstr[1] and up. A plural entry no sentence continues is `#~` with every form, whatever its
msgid_plural or the header's nplurals.

GNU gettext judges: `msgfmt --check` accepts every catalog written (it rejects an obsolete entry with a
live one's key, hence the `earlier` context) and `msgmerge --previous` says what the live entry must be.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from toolkit import catalog, document, pipeline, pofile
from toolkit.engines.pseudo import PseudoEngine
from toolkit.engines.scripted import ScriptedEngine

pytestmark = pytest.mark.skipif(shutil.which("msgmerge") is None or shutil.which("msgfmt") is None,
                                reason="GNU gettext is not installed")

BAKU = "Baku said the mine would open."
ARTICLE = f"{BAKU}\n\nThe ministry thanked Yerevan.\n"
MOSCOW = "Moscow made no comment."
RU_FORMS = {0: "Баку: шахта откроется.", 1: "Баку: шахты откроются.", 2: "Баку: шахт откроется."}
# The header a CLDR-based tool writes for ru (babel's to_gettext: one, few, many, other), not ours (3 forms).
CLDR_RU = ("nplurals=4; plural=(n % 10 == 1 && n % 100 != 11 ? 0 : n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 12 "
           "|| n % 100 > 14) ? 1 : n % 10 == 0 || n % 10 >= 5 && n % 10 <= 9 || n % 100 >= 11 && n % 100 <= 14 "
           "? 2 : 3);")


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def run(text: str, locales: Path, lang: str = "ru", engine=None) -> pipeline.Report:
    doc = document.parse(text, name="article", source="article.txt")
    return pipeline.translate_document(doc, [lang], engine=engine or PseudoEngine(), locales=locales)


def po_path(locales: Path, lang: str = "ru") -> Path:
    return locales / lang / "LC_MESSAGES" / "article.po"


def msgfmt(path: Path) -> None:
    result = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def written_forms(po: polib.POFile) -> set[tuple[str, str, int, str]]:
    """(msgid, msgid_plural, form index, text) of every plural form with a text, live or `#~`."""
    return {(e.msgid, e.msgid_plural, i, text) for e in po if e.msgid_plural
            for i, text in e.msgstr_plural.items() if text}


def edit(path: Path, change) -> None:
    """A translator's (or a tool's) edit, written as pofile writes it: the other entries keep their bytes."""
    snap = pofile.snapshot(path)
    change(snap.po)
    pofile.write(snap.po, path, previous=snap)


def plural(msgid: str, msgid_plural: str, forms: dict[int, str], *, msgctxt=None, obsolete=False, flags=(),
           **more) -> polib.POEntry:
    return polib.POEntry(msgctxt=msgctxt, msgid=msgid, msgid_plural=msgid_plural, msgstr_plural=dict(forms),
                         obsolete=obsolete, flags=list(flags), **more)


def on_sentence(msgid: str, forms: dict[int, str], msgid_plural: str = "Baku said the mines would open.",
                msgctxt=None):
    """Make the entry of `msgid` (under `msgctxt`) a plural entry, as a tool that pluralised it would."""
    def change(po: polib.POFile) -> None:
        e = next(e for e in po if e.msgid == msgid and e.msgctxt == msgctxt and not e.obsolete)
        e.msgid_plural, e.msgstr, e.msgstr_plural, e.flags = msgid_plural, "", dict(forms), []
    return change


def appended(*entries: polib.POEntry):
    def change(po: polib.POFile) -> None:
        po.extend(entries)
    return change


def header(plural_forms: str | None):
    """The header another tool wrote: its Plural-Forms, or none at all."""
    def change(po: polib.POFile) -> None:
        if plural_forms is None:
            po.metadata.pop("Plural-Forms")
        else:
            po.metadata["Plural-Forms"] = plural_forms
    return change


def both(*changes):
    def change(po: polib.POFile) -> None:
        for c in changes:
            c(po)
    return change


TWICE = f"Nobody came. {BAKU}\n\nNobody came.\n"
HY = {0: "Բաքուն ասաց, որ հանքը կբացվի։", 1: "Բաքուն ասաց, որ հանքերը կբացվեն։"}

CASES = [
    # name, lang, first article, the edit, second article,
    #   where the plural entry is after the run: (obsolete, msgctxt), the live singular's (msgctxt, msgid, msgstr) or None,
    #   why a translator expects it
    ("live_plural_on_a_sentence", "ru", ARTICLE, on_sentence(BAKU, RU_FORMS), ARTICLE,
     (True, "earlier"), (None, BAKU, RU_FORMS[0]),
     "the sentence gets msgstr[0] as msgmerge gives it; the entry stays `#~` beside it (msgfmt: another context)"),
    ("obsolete_plural_returns", "ru", ARTICLE,
     appended(plural(MOSCOW, "Moscow made no comments.", {0: "Москва: нет.", 1: "Москва: нет-нет.", 2: ""},
                     obsolete=True)), ARTICLE + f"\n{MOSCOW}\n",
     (True, "earlier"), (None, MOSCOW, "Москва: нет."),
     "used to come back as msgstr[0] only: msgstr[1] was lost"),
    ("edited_sentence", "ru", ARTICLE, on_sentence(BAKU, RU_FORMS), ARTICLE.replace("open.", "open soon."),
     (True, None), (None, "Baku said the mine would open soon.", RU_FORMS[0]),
     "the edited sentence's fuzzy suggestion is msgstr[0]; the entry keeps its own msgid in `#~`"),
    ("msgid_plural_changed_not_in_article", "ru", ARTICLE,
     appended(plural("%d mine", "%d mines in total", {0: "%d шахта", 1: "%d шахты", 2: "%d шахт"},
                     flags=["fuzzy", "c-format"], previous_msgid="%d mine", previous_msgid_plural="%d mines")),
     ARTICLE, (True, None), None,
     "what msgmerge leaves when a developer changed msgid_plural: `#~` with every form, like any entry that left"),
    ("msgid_plural_changed_after_an_earlier_run", "ru", ARTICLE,
     both(appended(plural(BAKU, "Baku said the mines would open.", {0: "Баку: открытие.", 1: "Баку: открытия.",
                                                                      2: "Баку: открытий."}, msgctxt="earlier",
                          obsolete=True)),
          on_sentence(BAKU, RU_FORMS, "Baku said all the mines would open.")),
     ARTICLE, (True, "earlier (earlier)"), (None, BAKU, RU_FORMS[0]),
     "a tool pluralised the sentence again, with another msgid_plural, after a run had kept the first one as "
     "`#~ msgctxt \"earlier\"`: both keep every form, each under a context of its own"),
    ("hy_tool_header_two_forms", "hy", ARTICLE,
     both(header("nplurals=2; plural=(n != 1);"), on_sentence(BAKU, HY)), ARTICLE,
     (True, "earlier"), (None, BAKU, HY[0]),
     "a tool's hy header (n != 1, not CLDR's n > 1): the header stays the translator's, both forms stay"),
    ("hy_own_header_three_forms_obsolete", "hy", ARTICLE,
     appended(plural(MOSCOW, "Moscow made no comments.", {0: "Մոսկվա 0", 1: "Մոսկվա 1", 2: "Մոսկվա 2"},
                     obsolete=True)), ARTICLE + f"\n{MOSCOW}\n",
     (True, "earlier"), (None, MOSCOW, "Մոսկվա 0"),
     "more forms than our hy header's nplurals=2 (copied from ru): msgfmt does not count `#~` forms, we keep all"),
    ("ru_cldr_header_four_forms", "ru", ARTICLE,
     both(header(CLDR_RU), appended(plural("%d mine", "%d mines", {0: "%d шахта", 1: "%d шахты", 2: "%d шахт",
                                                                    3: "%d шахты."}))),
     ARTICLE, (True, None), None,
     "nplurals=4 from a CLDR tool, not our 3: the header and all four forms are the translator's"),
    ("az_header_without_plural_forms", "az", ARTICLE,
     both(header(None), appended(plural(MOSCOW, "Moscow made no comments.", {0: "Moskva: yox.", 1: "Moskva: yox!",
                                                                             2: "Moskva: yox?"}, obsolete=True))),
     ARTICLE + f"\n{MOSCOW}\n", (True, "earlier"), (None, MOSCOW, "Moskva: yox."),
     "a tool left Plural-Forms out: ours (nplurals=2) is added, and the 3-form `#~` entry keeps its 3"),
    ("legacy_contexts_migrated_onto_one_key", "ru", ARTICLE,
     appended(plural("%d mine", "%d mines", {0: "%d шахта", 1: "%d шахты", 2: "%d шахт"}, msgctxt="b4.s1",
                     obsolete=True),
              plural("%d mine", "%d mines", {0: "%d рудник", 1: "%d рудника", 2: "%d рудников"},
                     msgctxt="b7.s2 (earlier)", obsolete=True)),
     ARTICLE, (True, "earlier"), None,
     "position contexts of an old version both migrate to no context: the second used to replace the first"),
    ("occurrence_2_plural", "ru", TWICE,
     on_sentence("Nobody came.", {0: "Никто.", 1: "Никого.", 2: "Никого!"}, "Nobody came, twice.",
                 msgctxt="occurrence 2"), TWICE,
     (True, "occurrence 2 (earlier)"), ("occurrence 2", "Nobody came.", "Никто."),
     "the second occurrence's plural entry: its singular keeps the context, the plural stays beside it"),
    ("occurrence_2_plural_leaves", "ru", TWICE,
     on_sentence("Nobody came.", {0: "Никто.", 1: "Никого.", 2: "Никого!"}, "Nobody came, twice.",
                 msgctxt="occurrence 2"), f"Nobody came. {BAKU}\n",
     (True, "occurrence 2"), None,
     "the sentence now occurs once: the `occurrence 2` plural leaves with every form"),
]


@pytest.mark.parametrize("lang, first, change, second, where, singular, why", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_every_form_a_translator_wrote_is_still_in_the_catalog(tmp_path, lang, first, change, second, where,
                                                               singular, why):
    locales = tmp_path / "loc"
    run(first, locales, lang)
    path = po_path(locales, lang)
    edit(path, change)
    theirs = written_forms(pofile.read(path))
    assert theirs, why
    run(second, locales, lang)
    po = pofile.read(path)
    assert theirs <= written_forms(po), why
    placed = {(e.obsolete, e.msgctxt) for e in po if e.msgid_plural}
    assert where in placed and all(obsolete for obsolete, _ in placed), (why, placed)
    if singular is not None:
        live = next(e for e in po if not e.obsolete and (e.msgctxt, e.msgid) == singular[:2])
        assert (live.msgstr, live.fuzzy) == (singular[2], True), why
    msgfmt(path)
    before = path.read_bytes()
    assert not run(second, locales, lang).languages[0].written, why
    assert path.read_bytes() == before, why


def test_the_live_entry_is_still_what_msgmerge_makes_and_the_engine_is_not_asked(tmp_path: Path):
    """Beside the `#~` copy, the sentence's entry is msgmerge --previous's, `#|` lines and all."""
    locales = tmp_path / "loc"
    run(ARTICLE, locales)
    edit(po_path(locales), on_sentence(BAKU, RU_FORMS))
    pot = tmp_path / "mm.pot"
    pofile.write(catalog.build_pot(document.parse(ARTICLE, name="article", source="article.txt")), pot)
    merged = subprocess.run(["msgmerge", "--previous", "-q", "-o", "-", str(po_path(locales)), str(pot)],
                            capture_output=True, check=True).stdout
    (tmp_path / "mm.po").write_bytes(merged)
    theirs = next(e for e in pofile.read(tmp_path / "mm.po") if e.msgid == BAKU and not e.obsolete)
    engine = ScriptedEngine(name="pseudo")
    run(ARTICLE, locales, engine=engine)
    ours = next(e for e in pofile.read(po_path(locales)) if e.msgid == BAKU and not e.obsolete)
    assert [(e.msgstr, e.fuzzy, e.previous_msgid, e.previous_msgid_plural) for e in (ours, theirs)] == \
        [(RU_FORMS[0], True, BAKU, "Baku said the mines would open.")] * 2
    assert engine.sent == 0


def test_an_empty_first_form_is_translated_and_the_other_forms_stay(tmp_path: Path):
    """msgstr[0] empty: the sentence goes to the engine (a new suggestion, no stray `#| msgid_plural`
    without its `#| msgid`), and msgstr[1] and [2] stay in the `#~` entry."""
    locales = tmp_path / "loc"
    run(ARTICLE, locales)
    forms = {0: "", 1: "Баку: шахты откроются.", 2: "Баку: шахт откроется."}
    edit(po_path(locales), on_sentence(BAKU, forms))
    run(ARTICLE, locales)
    po = pofile.read(po_path(locales))
    live = next(e for e in po if e.msgid == BAKU and not e.obsolete)
    assert live.msgstr.startswith("[ru: ") and live.previous_msgid_plural is None
    assert written_forms(po) >= {(BAKU, "Baku said the mines would open.", i, forms[i]) for i in (1, 2)}
    msgfmt(po_path(locales))


# -- the property ------------------------------------------------------------------------------------------

_POOL = [BAKU, "Baku said the mine would open soon.", "The ministry thanked Yerevan.", MOSCOW, "Nobody came.",
         "Talks resumed on Monday in Moscow."]
_FORM = st.sampled_from(["", "шахта", "шахты", "шахт", "Одобрено.", "%d шт."])


_CTXT = st.sampled_from([None, None, "occurrence 2", "earlier"])


@st.composite
def _entry(draw) -> polib.POEntry:
    """A translator's entry: plural (another tool's msgid_plural) or singular, live or `#~`, approved or fuzzy."""
    obsolete, flags = draw(st.booleans()), draw(st.sampled_from([[], ["fuzzy"]]))   # -format flags: the table
    if draw(st.booleans()):
        return polib.POEntry(msgctxt=draw(_CTXT), msgid=draw(st.sampled_from(_POOL)), obsolete=obsolete, flags=flags,
                             msgstr=draw(st.sampled_from(["Одобрено.", "Черновик переводчика.", "Перевод."])))
    return plural(draw(st.sampled_from(_POOL + ["%d mine"])), draw(st.sampled_from(["%d mines", "Many.", "Two."])),
                  # a live entry has the header's 3 forms (the reader refuses others); a `#~` one any number
                  dict(enumerate(draw(st.lists(_FORM, min_size=3 if not obsolete else 1, max_size=3 if not obsolete else 4)))),
                  msgctxt=draw(_CTXT), obsolete=obsolete, flags=flags)


def translators_texts(po: polib.POFile, *, previous: bool = False) -> set[tuple]:
    """Every plural form with a text, and (msgid, "", None, msgstr) of every singular entry not the pseudo
    engine's; with `previous`, a singular's text also counts under its `#|` msgid (an edited sentence's
    suggestion: msgmerge keeps the old source there, not in msgid)."""
    out: set[tuple] = set(written_forms(po))
    for e in po:
        if not e.msgid_plural and e.msgstr and not e.msgstr.startswith("[ru: "):
            out.add((e.msgid, "", None, e.msgstr))
            if previous and e.previous_msgid:
                out.add((e.previous_msgid, "", None, e.msgstr))
    return out


def _article(picks: list[str]) -> str:
    return "\n\n".join(" ".join(picks[i:i + 2]) for i in range(0, len(picks), 2)) + "\n"


@settings(max_examples=int(os.environ.get("TOOLKIT_PLURAL_EXAMPLES", "25")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=st.lists(st.sampled_from(_POOL), min_size=1, max_size=4),
       second=st.lists(st.sampled_from(_POOL), min_size=1, max_size=4),
       entries=st.lists(_entry(), min_size=1, max_size=5),
       onto_live=st.booleans())
def test_no_run_loses_a_translators_text(tmp_path_factory, first, second, entries, onto_live):
    """Property: for any catalog of singular and plural entries (live, `#~`, any context, any msgid_plural)
    and any next article, every (msgid, msgid_plural, form index, text) a translator wrote is still in the
    file (live or `#~`), and so is every singular text they wrote; msgfmt accepts the file, and a run with
    nothing left to do rewrites nothing."""
    locales = tmp_path_factory.mktemp("plural") / "loc"
    run(_article(first), locales)
    path = po_path(locales)

    def change(po: polib.POFile) -> None:
        taken = {(e.msgctxt, e.msgid) for e in po}
        for p in entries:     # a key is defined once, live or `#~` (msgfmt and our reader refuse a duplicate)
            mine = next((e for e in po if not e.obsolete and (e.msgctxt, e.msgid) == (p.msgctxt, p.msgid)), None)
            if (p.msgctxt, p.msgid) not in taken:
                po.append(p)
                taken.add((p.msgctxt, p.msgid))
            elif onto_live and mine is not None and not mine.msgid_plural:   # the translator works on the entry
                mine.msgid_plural, mine.msgstr, mine.flags = p.msgid_plural, p.msgstr, list(p.flags)
                mine.msgstr_plural = {i: p.msgstr_plural.get(i, "") for i in range(3)} if p.msgid_plural else {}
    edit(path, change)
    theirs = translators_texts(pofile.read(path))
    run(_article(second), locales)
    assert theirs <= translators_texts(pofile.read(path), previous=True)
    msgfmt(path)
    before = path.read_bytes()
    run(_article(second), locales)
    assert path.read_bytes() == before


SINGULAR_ASIDE = [
    # the `#~` entry's fuzzy flag, its text, why it must stay (`#~ msgctxt "earlier"`) rather than be dropped
    (True, "Черновик переводчика.", "a translator's unfinished draft in `#~`: it used to be dropped as adding nothing"),
    (False, "Одобрено переводчиком.", "an approved `#~` text, while the live entry is a translator's own draft"),
]


@pytest.mark.parametrize("fuzzy, text, why", SINGULAR_ASIDE, ids=["fuzzy_draft", "approved_beside_a_draft"])
def test_an_obsolete_text_that_collides_with_a_live_entry_is_set_aside_not_dropped(tmp_path, fuzzy, text, why):
    """The sentence now occurs once, so its `occurrence 2` entry takes the key `(None, msgid)` of a `#~`
    entry: msgfmt refuses the two under one key, and neither text may go."""
    locales = tmp_path / "loc"
    run("Nobody came. Baku spoke.\n\nNobody came.\n", locales)

    def change(po: polib.POFile) -> None:
        po[:] = [e for e in po if e.obsolete or (e.msgctxt, e.msgid) != (None, "Nobody came.")]
        live = next(e for e in po if e.msgctxt == "occurrence 2")
        if not fuzzy:
            live.msgstr = "Черновик: никто."          # no machine note signs this text: the translator's
        po.append(polib.POEntry(msgid="Nobody came.", msgstr=text, flags=["fuzzy"] if fuzzy else [], obsolete=True))
    edit(po_path(locales), change)
    theirs = translators_texts(pofile.read(po_path(locales)))
    run("Nobody came. Baku spoke.\n", locales)
    po = pofile.read(po_path(locales))
    assert theirs <= translators_texts(po), why
    assert [(e.obsolete, e.msgctxt) for e in po if e.msgstr == text] == [(True, "earlier")], why
    msgfmt(po_path(locales))
    before = po_path(locales).read_bytes()
    run("Nobody came. Baku spoke.\n", locales)
    assert po_path(locales).read_bytes() == before
