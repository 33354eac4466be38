"""Decisions as precise glossary edits (toolkit/review/edit.py, tbxedit.py), without a browser: CSV with
quoting, CRLF and a BOM, comment lines, TBX 2008 as Weblate writes it (tests/fixtures/glossary/weblate.tbx),
merges across files, and the refusals."""
from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit import fsutil, glossary
from toolkit.glossary import tbx
from toolkit.errors import ChangedOnDisk, GlossaryError, LockedError
from toolkit.review import decision, edit
from toolkit.review.decision import Decision

from .conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "glossary"
WHEN = datetime(2026, 12, 2, 3, 10, tzinfo=timezone.utc)
MARK = "[review 2026-12-02 03:10Z ann]"


def apply(tmp_path: Path, *decisions: Decision, seen: str | None = None) -> list[Path]:
    files = glossary.glossary_files(tmp_path / "g")
    return edit.apply(decisions, glossary_paths=[tmp_path / "g"], locales=tmp_path / "locales",
                      seen=seen or edit.digest(files), who="ann", when=WHEN)


def put(tmp_path: Path, name: str, data: bytes) -> Path:
    (tmp_path / "g").mkdir(exist_ok=True)
    path = tmp_path / "g" / name
    path.write_bytes(data)
    return path


CSV = ("\ufeffid,kind,en,ru,az,hy,note\r\n"
       "# agency names, quoted where a comma needs it\r\n"
       'baku,city,Baku,Баку,Bakı,Բաքու,"capital, indeclinable in ru"\r\n'
       '"shusha",place,Shusha,Шуша; Шуши,Şuşa,Շուշա; Շուշի,\r\n'
       "\r\n"
       "lachin,place,Lachin,Лачин,Laçın,Լաչին; Բերձոր,last row without a newline").encode("utf-8")


def test_csv_row_edit_keeps_bom_crlf_comments_quoting_and_other_rows(tmp_path):
    path = put(tmp_path, "names.csv", CSV)
    apply(tmp_path, Decision("prefer", str(path), "shusha", "ru", "Шуши"))
    expected = CSV.replace("\"shusha\",place,Shusha,Шуша; Шуши,Şuşa,Շուշա; Շուշի,\r\n".encode(),
                           f"shusha,place,Shusha,Шуши; Шуша,Şuşa,Շուշա; Շուշի,{MARK} ru: 'Шуши' made preferred\r\n"
                           .encode())
    assert path.read_bytes() == expected
    apply(tmp_path, Decision("forbid", str(path), "lachin", "hy", "Բերձոր", reason="a name, not a usage"))
    last = path.read_bytes().rsplit(b"\r\n", 1)[1].decode()
    assert last == (f"lachin,place,Lachin,Лачин,Laçın,Լաչին; !Բերձոր,\"last row without a newline | {MARK} hy: "
                    "'Բերձոր' marked forbidden: a name, not a usage\"")     # the reason's comma needs quotes
    assert [c.preferred("ru") for c in glossary.load(path).concepts] == ["Баку", "Шуши", "Лачин"]


# (starting cell, decision, form, resulting cell, why)
STATUS_CASES = [
    ("Кызылбулаг; !Гызылбулаг; Дрмбон", "prefer", "Дрмбон", "Дрмбон; Кызылбулаг; !Гызылбулаг",
     "the old preferred form stays, admitted"),
    ("Кызылбулаг; !Гызылбулаг; Дрмбон", "prefer", "Гызылбулаг", "Гызылбулаг; Кызылбулаг; Дрмбон",
     "a forbidden form can become preferred"),
    ("Кызылбулаг; !Гызылбулаг; Дрмбон", "prefer", "Кызылбулак", "Кызылбулак; Кызылбулаг; !Гызылбулаг; Дрмбон",
     "a new form is added in front"),
    ("Кызылбулаг; !Гызылбулаг; Дрмбон", "admit", "Кызылбулаг", "Дрмбон; Кызылбулаг; !Гызылбулаг",
     "demoting the preferred form promotes the first admitted one"),
    ("Кызылбулаг; !Гызылбулаг; Дрмбон", "admit", "Гызылбулаг", "Кызылбулаг; Гызылбулаг; Дрмбон",
     "admitting a forbidden form"),
    ("Кызылбулаг; !Гызылбулаг; Дрмбон", "forbid", "Дрмбон", "Кызылбулаг; !Гызылбулаг; !Дрмбон",
     "forbidding an admitted form keeps its place"),
    ("Кызылбулаг; Дрмбон", "forbid", "Кызылбулаг", "Дрмбон; !Кызылбулаг", "forbidding the preferred form"),
    ("Кызылбулаг", "forbid", "Гызылбулаг", "Кызылбулаг; !Гызылбулаг", "forbidding a form the cell lacks"),
]


@pytest.mark.parametrize("cell, action, form, result, why", STATUS_CASES, ids=[c[-1] for c in STATUS_CASES])
def test_status_decisions(tmp_path, cell, action, form, result, why):
    path = put(tmp_path, "g.tsv", f"id\ten\tru\tnote\nk\tKyzylbulag\t{cell}\t\n".encode())
    apply(tmp_path, Decision(action, str(path), "k", "ru", form))
    assert path.read_text(encoding="utf-8").splitlines()[1].split("\t")[2] == result


def test_the_only_accepted_form_cannot_be_demoted_and_nothing_is_written(tmp_path):
    path = put(tmp_path, "g.tsv", "id\ten\tru\tnote\nk\tKyzylbulag\tКызылбулаг; !Гызылбулаг\t\n".encode())
    before = path.read_bytes()
    for action in ("admit", "forbid"):
        with pytest.raises(GlossaryError, match="only accepted ru term"):
            apply(tmp_path, Decision(action, str(path), "k", "ru", "Кызылбулаг"))
    assert path.read_bytes() == before


def test_refusals_stale_page_lock_and_missing_note_column(tmp_path):
    path = put(tmp_path, "g.tsv", "id\ten\tru\tnote\nk\tShusha\tШуша; Шуши\t\n".encode())
    seen = edit.digest(glossary.glossary_files(tmp_path / "g"))
    path.write_bytes(path.read_bytes() + "b\tBaku\tБаку\t\n".encode())   # saved by an editor meanwhile
    with pytest.raises(ChangedOnDisk, match="changed since this page was loaded"):
        apply(tmp_path, Decision("forbid", str(path), "k", "ru", "Шуши"), seen=seen)
    with fsutil.locked(tmp_path / "locales"), pytest.raises(LockedError):
        apply(tmp_path, Decision("forbid", str(path), "k", "ru", "Шуши"))
    bare = put(tmp_path, "h.tsv", "id\ten\tru\nx\tLachin\tЛачин; Бердзор\n".encode())
    with pytest.raises(GlossaryError, match="no note column"):
        apply(tmp_path, Decision("forbid", str(bare), "x", "ru", "Бердзор"))
    with pytest.raises(GlossaryError, match="say why"):
        apply(tmp_path, Decision("keep-apart", str(path), "k", "ru", "Шуша", other="contested"))


def test_merge_across_files_leaves_a_comment_and_settles_the_conflict(tmp_path):
    base = put(tmp_path, "00-base.tsv", (FIXTURES / "conflicts" / "00-base.tsv").read_bytes())
    before = base.read_bytes().decode().splitlines(keepends=True)
    project = put(tmp_path, "50-project.tsv", (FIXTURES / "conflicts" / "50-project.tsv").read_bytes())
    assert ("source-conflict", "ru") in {(f.code, f.lang) for f in glossary.lint(tmp_path / "g")}
    apply(tmp_path, Decision("merge", str(project), "baku-project", other="baku", other_path=str(base)))
    after = base.read_bytes().decode().splitlines(keepends=True)
    assert after[1] == f"# baku merged into baku-project {MARK}\n"
    assert after[:1] + after[2:] == before[:1] + before[2:]
    row = project.read_text(encoding="utf-8").splitlines()[1].split("\t")
    assert row[3] == "Бакы; Баку" and row[-1].endswith("merged baku into this concept (its note: line 2)")
    assert "source-conflict" not in {f.code for f in glossary.lint(tmp_path / "g")}


def test_tbx_entry_edit_keeps_every_other_byte(tmp_path):
    path = put(tmp_path, "weblate.tbx", (FIXTURES / "weblate.tbx").read_bytes())
    data = path.read_bytes()
    spans = __import__("toolkit.review.tbxedit", fromlist=["entry_spans"]).entry_spans(data)
    begin, end = spans["kyzylbulag"]
    apply(tmp_path, Decision("prefer", str(path), "kyzylbulag", "ru", "Дрмбон"))
    new = path.read_bytes()
    assert new[:begin] == data[:begin] and new.endswith(data[end:])
    concept = {c.id: c for c in tbx.read(path)}["kyzylbulag"]
    assert concept.preferred("ru") == "Дрмбон" and concept.admitted("ru") == ("Кызылбулаг",)
    assert concept.forbidden("ru") == ("Гызылбулаг",)
    assert concept.note == f"gold mine | {MARK} ru: 'Дрмбон' made preferred"
    # a form the entry lacks gets a termSec laid out like its siblings, and an entry without a note gets one
    apply(tmp_path, Decision("forbid", str(path), "baku", "az", "Bakü"))
    baku = {c.id: c for c in tbx.read(path)}["baku"]
    assert baku.forbidden("az") == ("Baki", "Bakü") and baku.note == f"{MARK} az: 'Bakü' marked forbidden"
    assert "<tig><term>Bakü</term><termNote type=\"administrativeStatus\">deprecatedTerm-admn-sts</termNote></tig>" \
        in path.read_text(encoding="utf-8")


def test_audit_trail_reads_the_notes_back(tmp_path):
    path = put(tmp_path, "g.tsv", "id\ten\tru\tnote\nk\tShusha\tШуша; Шуши\tArmenian name\n".encode())
    apply(tmp_path, Decision("keep-apart", str(path), "k", "ru", "Шуша", other="contested", reason="both in use"))
    trail = decision.audit_trail(glossary.load(path).concepts)
    assert [(e.when, e.who, e.concept) for e in trail] == [("2026-12-02 03:10Z", "ann", "k")]
    assert trail[0].what == "keep apart (contested ru Шуша): both in use"
    assert glossary.contested(glossary.load(path).concepts) == []       # the decision settles the finding
    shutil.rmtree(tmp_path / "g")


def test_cards_carry_cldr_names_and_suggest_them_for_an_empty_cell(tmp_path):
    from toolkit.review import cards

    put(tmp_path, "g.tsv", "id\tkind\ten\tru\taz\tnote\n"
                           "armenia\tcountry\tArmenia\tАрмения\t\tCLDR AM\n"
                           "yerevan\tcity\tYerevan\tЕреван; Эривань\tİrəvan\t\n".encode())
    board = cards.build([tmp_path / "g"], tmp_path / "locales")
    by_code = {c.code: c for c in board.cards}
    empty = by_code["empty-cell"]
    assert empty.cldr == (("en", "Armenia"), ("az", "Ermənistan"))     # from the note's territory code
    assert [(a.action, a.value) for a in empty.actions] == [("fill", "Ermənistan")]
    contested = by_code["contested"]
    assert dict(contested.cldr)["ru"] == "Ереван"                      # by the English name: Asia/Yerevan
    assert [a.label for a in contested.actions] == ["Make Эривань preferred", "Mark Эривань forbidden",
                                                    "Keep as is / apart"]


NAMES = (ROOT / "glossaries" / "names.tsv").read_bytes()
_ROWS = [line.split("\t") for line in NAMES.decode().splitlines()[1:]]


@given(row=st.sampled_from(_ROWS), lang=st.sampled_from(["ru", "az", "hy"]),
       action=st.sampled_from(["prefer", "admit", "forbid"]), new_form=st.booleans(),
       reason=st.text(st.characters(blacklist_categories=("Cs",)), max_size=30))
def test_any_status_decision_changes_only_its_row(tmp_path_factory, row, lang, action, new_form, reason):
    """Property: whatever the decision on names.tsv, every other line keeps its bytes and the file loads."""
    path = tmp_path_factory.mktemp("g") / "names.tsv"
    path.write_bytes(NAMES)
    cell = row[["id", "kind", "en", "ru", "az", "hy", "note"].index(lang)]
    forms = [t.text for t in glossary.parse_cell(cell)]
    form = "Новая форма" if new_form or not forms else forms[len(reason) % len(forms)]
    try:
        new = edit.edit_bytes(NAMES, path, [Decision(action, str(path), row[0], lang, form, reason=reason)],
                              "review 2026-12-02 03:10Z ann")
    except GlossaryError as exc:
        # refused: the only accepted term, or a decision that would change nothing (the form has that status)
        state = {"prefer": "preferred", "admit": "admitted", "forbid": "forbidden"}[action]
        status = {t.text: t.status for t in glossary.parse_cell(cell)}.get(form)
        assert "only accepted" in str(exc) or (f"already {state}" in str(exc) and status == state)
        return
    before, after = NAMES.decode().splitlines(keepends=True), new.decode().splitlines(keepends=True)
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert changed == [_ROWS.index(row) + 1]
    path.write_bytes(new)
    concept = {c.id: c for c in glossary.read_file(path)}[row[0]]
    assert (concept.preferred(lang) == form) if action == "prefer" else (form not in concept.accepted(lang)[:1])


def test_a_decision_writes_only_the_glossaries_under_review(tmp_path):
    path = put(tmp_path, "g.tsv", "id\ten\tru\tnote\nk\tShusha\tШуша; Шуши\t\n".encode())
    outside = tmp_path / "elsewhere.tsv"
    outside.write_bytes(path.read_bytes())
    with pytest.raises(GlossaryError, match="not one of the glossary files under review"):
        apply(tmp_path, Decision("forbid", str(outside), "k", "ru", "Шуши"))
    with pytest.raises(GlossaryError, match="into itself"):
        apply(tmp_path, Decision("merge", str(path), "k", other="k"))
    assert outside.read_bytes() == path.read_bytes()


def test_a_large_glossary_page_shows_errors_first_and_filters_by_language(tmp_path):
    from toolkit.review import cards

    rows = "".join(f"c{i}\tPlace{i}\tМесто{i}; Вариант{i}\tYer{i}\t\n" for i in range(300))
    put(tmp_path, "g.tsv", ("id\ten\tru\taz\tnote\n" + rows + "x\tBaku\tБаку\tBakı\t\ny\tBaku\tБакы\tBakı\t\n")
        .encode())
    board = cards.build([tmp_path / "g"], tmp_path / "locales", limit=50)
    assert board.total == 301 and len(board.cards) == 50 and dict(board.langs) == {"ru": 301}
    assert board.cards[0].code == "source-conflict"            # the one error comes first
    assert len(cards.build([tmp_path / "g"], tmp_path / "locales", lang="az").cards) == 0


# --- decisions that change nothing, or would create an error ----------------------------------------------

NO_OP_CASES = [
    ("Кызылбулаг; Дрмбон", "prefer", "Кызылбулаг", "already preferred", "'preferred in all' where it already is"),
    ("Кызылбулаг; Дрмбон", "admit", "дрмбон", "already admitted", "compared as the matcher does: case folded"),
    ("Кызылбулаг; !Гызылбулаг", "forbid", "Гызылбулаг", "already forbidden", "forbidding twice"),
]


@pytest.mark.parametrize("cell, action, form, message, why", NO_OP_CASES, ids=[c[-1] for c in NO_OP_CASES])
def test_a_decision_that_changes_nothing_is_refused_and_writes_no_note(tmp_path, cell, action, form, message, why):
    path = put(tmp_path, "g.tsv", f"id\ten\tru\tnote\nk\tKyzylbulag\t{cell}\t\n".encode())
    before = path.read_bytes()
    with pytest.raises(GlossaryError, match=f"{message} in the ru cell; nothing to change"):
        apply(tmp_path, Decision(action, str(path), "k", "ru", form))
    assert path.read_bytes() == before


def test_a_decision_creating_an_error_is_said_before_anything_is_written(tmp_path):
    a = put(tmp_path, "10-names.tsv", "id\ten\tru\tnote\nyerevan\tYerevan\tЕреван\t\n".encode())
    b = put(tmp_path, "50-desk.tsv", "id\ten\tru\tnote\nyerevan-desk\tYerevan City\tЭривань\t\n".encode())
    before = (a.read_bytes(), b.read_bytes())
    forbid = Decision("forbid", str(b), "yerevan-desk", "ru", "Ереван")
    with pytest.raises(edit.NewErrors) as refused:
        apply(tmp_path, forbid)
    assert [(f.code, f.lang, f.term, f.places) for f in refused.value.findings] == [
        ("preferred-forbidden", "ru", "Ереван", ((str(a), 2), (str(b), 2)))]        # the real files, not probes
    assert f"forbidden in yerevan-desk ({b}:2)" in str(refused.value)
    assert (a.read_bytes(), b.read_bytes()) == before
    apply_confirmed = edit.apply([forbid], glossary_paths=[tmp_path / "g"], locales=tmp_path / "locales",
                                 seen=edit.digest(glossary.glossary_files(tmp_path / "g")), who="ann", when=WHEN,
                                 confirmed=True)
    assert apply_confirmed == [b] and b.read_text(encoding="utf-8").splitlines()[1] == (
        f"yerevan-desk\tYerevan City\tЭривань; !Ереван\t{MARK} ru: 'Ереван' marked forbidden")
    # an error the glossary already has is no new one: forbidding more stays a plain decision
    apply(tmp_path, Decision("forbid", str(b), "yerevan-desk", "ru", "Иреван"))


def test_add_variant_refuses_what_would_create_an_error_in_one_line(tmp_path):
    from typer.testing import CliRunner

    from toolkit.cli import app as cli_app

    put(tmp_path, "10-names.tsv", "id\ten\tru\tnote\nyerevan\tYerevan\tЕреван\t\nkalbajar\tKalbajar\tКельбаджар\t\n"
        .encode())
    before = (tmp_path / "g" / "10-names.tsv").read_bytes()
    result = CliRunner().invoke(cli_app, ["glossary", "add-variant", "kalbajar", "ru", "Ереван", "--glossary",
                                          str(tmp_path / "g"), "--locales", str(tmp_path / "locales")])
    assert result.exit_code == 3 and len(result.stderr.strip().splitlines()) == 1
    assert "would create" in result.stderr and "'Ереван' is preferred for yerevan" in result.stderr
    assert (tmp_path / "g" / "10-names.tsv").read_bytes() == before


def test_one_id_in_two_files_names_the_files_on_its_merge_buttons_and_merges_them(tmp_path):
    from toolkit.review import cards

    a = put(tmp_path, "10-names.tsv", "id\ten\tru\tnote\nkalbajar\tKalbajar\tКельбаджар\tseed\n".encode())
    b = put(tmp_path, "20-extra.tsv", "id\ten\tru\tnote\nkalbajar\tKalbajar\tКалбаджар\tdesk\n".encode())
    board = cards.build([tmp_path / "g"], tmp_path / "locales")
    [conflict] = [c for c in board.cards if c.code == "source-conflict"]
    merges = {a_.label: a_ for a_ in conflict.actions if a_.action == "merge"}
    assert set(merges) == {"Merge kalbajar from 20-extra.tsv into kalbajar in 10-names.tsv",
                           "Merge kalbajar from 10-names.tsv into kalbajar in 20-extra.tsv"}
    chosen = merges["Merge kalbajar from 20-extra.tsv into kalbajar in 10-names.tsv"]
    apply(tmp_path, Decision("merge", chosen.targets[0][0], chosen.targets[0][1], other=chosen.other,
                             other_path=chosen.other_path))
    assert a.read_text(encoding="utf-8") == ("id\ten\tru\tnote\nkalbajar\tKalbajar\tКельбаджар; Калбаджар\tseed | "
                                             f"{MARK} merged kalbajar into this concept (its note: desk)\n")
    assert b.read_text(encoding="utf-8") == f"id\ten\tru\tnote\n# kalbajar merged into kalbajar {MARK}\n"


# --- revoking a waiver: the entry's comment line, nothing else ---------------------------------------------

_HEAD = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: ru\\n"\n\n')
_OTHER = ('# toolkit: accept lachin\n#: day.txt:1\nmsgctxt "b1.s1"\nmsgid "Lachin again."\nmsgstr "Снова Бердзор."\n\n')

# (the waived entry's translator comments, the word revoked, what they become, why)
REVOKE_CASES = [
    ("# toolkit: accept lachin\n", "lachin", "", "the only word: the line goes"),
    ("# checked\n# toolkit: accept lachin, kyzylbulg\n", "kyzylbulg", "# checked\n# toolkit: accept lachin\n",
     "one word of a list; the other comment stays"),
    ("#toolkit: Accept Lachin;baku\n", "lachin", "#toolkit: Accept baku\n",
     "as a PO editor may save it: no space, capitals, a semicolon"),
]


@pytest.mark.parametrize("comments, word, after, why", REVOKE_CASES, ids=[c[-1] for c in REVOKE_CASES])
@pytest.mark.parametrize("eol, bom", [("\n", b""), ("\r\n", b""), ("\r\n", b"\xef\xbb\xbf")],
                         ids=["LF", "CRLF (a Windows editor's save)", "CRLF with a BOM"])
def test_revoking_a_waiver_changes_only_its_comment_line(tmp_path, comments, word, after, why, eol, bom):
    from toolkit.review import waivers

    entry = (f'{comments}#: day.txt:3\nmsgctxt "b2.s1"\nmsgid "The road to Lachin was closed."\n'
             'msgstr "Дорога в Бердзор была закрыта."\n')
    line = (_HEAD + _OTHER).count("\n") + 1
    data = bom + (_HEAD + _OTHER + entry).replace("\n", eol).encode()
    expected = bom + (_HEAD + _OTHER + entry.replace(comments, after)).replace("\n", eol).encode()
    new = waivers.revoke(data, tmp_path / "day.po", line, "b2.s1", word)
    assert new == expected
    if not bom:           # GNU gettext refuses a BOM (ours reads it, and keeps it: not ours to drop here)
        path = tmp_path / "day.po"
        path.write_bytes(new)
        result = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)], capture_output=True)
        assert result.returncode == 0, result.stderr


def test_revoking_refuses_a_moved_entry_a_missing_waiver_and_a_catalog_saved_meanwhile(tmp_path):
    from toolkit.errors import CatalogError
    from toolkit.review import waivers

    entry = '# toolkit: accept lachin\nmsgctxt "b2.s1"\nmsgid "The road to Lachin."\nmsgstr "Дорога в Бердзор."\n'
    data = (_HEAD + entry).encode()
    line = _HEAD.count("\n") + 1
    with pytest.raises(ChangedOnDisk, match="the entry moved"):
        waivers.revoke(data, tmp_path / "x.po", line + 1, "b2.s1", "lachin")
    with pytest.raises(CatalogError, match="no longer waives 'baku'"):
        waivers.revoke(data, tmp_path / "x.po", line, "b2.s1", "baku")
    po = tmp_path / "locales" / "ru" / "LC_MESSAGES" / "x.po"
    po.parent.mkdir(parents=True)
    po.write_bytes(data)
    d = Decision("revoke-waiver", "", "", "ru", "lachin", entry=(str(po), line, "b2.s1"), catalog_sha="0" * 64)
    with pytest.raises(ChangedOnDisk, match="catalog changed since this page was loaded"):
        waivers.plan_revoke(d, tmp_path / "locales")
    outside = tmp_path / "x.po"
    outside.write_bytes(data)
    with pytest.raises(CatalogError, match="not a catalog under the locales folder"):
        waivers.plan_revoke(replace(d, entry=(str(outside), line, "b2.s1"), catalog_sha=""), tmp_path / "locales")
    assert po.read_bytes() == data and outside.read_bytes() == data


@given(words=st.lists(st.sampled_from(["lachin", "Baku", "kyzylbulg", "all", "shusha"]), min_size=1, max_size=4,
                      unique_by=str.casefold),
       seps=st.lists(st.sampled_from([", ", ",", "; ", " , "]), min_size=3, max_size=3),
       pick=st.integers(0, 3), eol=st.sampled_from(["\n", "\r\n"]))
def test_revoking_any_word_of_any_waiver_removes_that_word_only(words, seps, pick, eol):
    """Property: the entry then waives exactly the other words, and every other line keeps its bytes."""
    from toolkit.review import waivers
    from toolkit.terms import variants

    listed = words[0] + "".join(sep + w for sep, w in zip(seps, words[1:], strict=False))
    entry = f'# kept\n# toolkit: accept {listed}\nmsgctxt "b2.s1"\nmsgid "Lachin."\nmsgstr "Бердзор."\n'
    data = (_HEAD + _OTHER + entry).replace("\n", eol).encode()
    word = words[pick % len(words)].casefold()
    line = (_HEAD + _OTHER).count("\n") + 1
    new = waivers.revoke(data, Path("day.po"), line, "b2.s1", word)
    from toolkit import pofile

    [_, changed] = pofile.parse(new)
    assert variants.waivers(changed.tcomment) == variants.waivers(f"toolkit: accept {listed}") - {word}
    old_lines, new_lines = data.split(b"\n"), new.split(b"\n")
    waiver_at = (_HEAD + _OTHER).count("\n") + 1
    assert new_lines[:waiver_at] == old_lines[:waiver_at]
    assert new_lines[-4:] == old_lines[-4:]
    assert len(new_lines) == len(old_lines) - (len(words) == 1)


# --- marking fuzzy: the flag line, nothing else (toolkit/review/fuzzy.py) ------------------------------------

_ENTRY = st.fixed_dictionaries({
    "translator": st.sampled_from(["", "# checked\n", "# toolkit: accept lachin\n"]),
    "extracted": st.sampled_from(["", "#. segment b{n}.s1\n"]),
    "reference": st.sampled_from(["", "#: day.txt:{n}\n"]),
    "flags": st.sampled_from(["", "#, c-format\n", "#,no-wrap\n", "#, fuzzy\n", "#, fuzzy, c-format\n"]),
    "previous": st.sampled_from(["", '#| msgid "Old sentence {n}."\n']),
    "ctxt": st.booleans(),
    "wrapped": st.booleans(),      # an editor's own wrapping of msgstr, which msgcat would not produce
})


def _catalog(entries: list[dict], eol: str) -> str:
    out = _HEAD
    for n, e in enumerate(entries, 1):
        msgstr = f'msgstr ""\n"Перевод {n}, "\n"перенесённый редактором."\n' if e["wrapped"] else \
            f'msgstr "Перевод {n}."\n'
        out += (e["translator"] + e["extracted"] + e["reference"] + e["flags"] + e["previous"]).format(n=n) + \
            (f'msgctxt "b{n}.s1"\n' if e["ctxt"] else "") + f'msgid "Sentence {n}."\n' + msgstr + "\n"
    return out.replace("\n", eol)


@given(entries=st.lists(_ENTRY, min_size=1, max_size=5), picks=st.sets(st.integers(0, 4), min_size=1),
       eol=st.sampled_from(["\n", "\r\n"]), charset=st.sampled_from(["UTF-8", "KOI8-R"]))
def test_marking_any_entries_fuzzy_changes_only_their_flag_lines(entries, picks, eol, charset):
    """Property: the marked entries gain `fuzzy` (GNU's order: first), nothing else in the parsed catalog
    changes, and every line but one flag line per newly fuzzy entry keeps its bytes."""
    from toolkit import pofile
    from toolkit.catalog import label
    from toolkit.review import fuzzy

    codec = "koi8_r" if charset == "KOI8-R" else "utf-8"
    data = _catalog(entries, eol).replace("charset=UTF-8", f"charset={charset}").encode(codec)
    before = [e for e in pofile.parse(data, charset) if not e.obsolete]
    chosen = [before[i] for i in sorted(picks) if i < len(before)] or [before[0]]
    new, count = fuzzy.flag(data, Path("day.po"), {(e.linenum, label(e)) for e in chosen})
    assert count == sum(not e.fuzzy for e in chosen)
    after = list(pofile.parse(new, charset))
    for old, now in zip(before, after, strict=True):
        assert now.fuzzy == (old.fuzzy or old in chosen)
        assert (now.flags[0] == "fuzzy") if now.fuzzy else True
        assert pofile.entry_key(now)[:6] == pofile.entry_key(old)[:6] and now.tcomment == old.tcomment
        assert {f for f in now.flags if f != "fuzzy"} == {f for f in old.flags if f != "fuzzy"}
    old_lines, new_lines = data.split(b"\n"), new.split(b"\n")
    inserted = [line for line in new_lines if line.rstrip(b"\r") == b"#, fuzzy"]
    assert len(new_lines) == len(old_lines) + len(inserted) - sum(
        line.rstrip(b"\r") == b"#, fuzzy" for line in old_lines)
    kept = [line for line in new_lines if not line.startswith(b"#,")]
    assert kept == [line for line in old_lines if not line.startswith(b"#,")]
    assert all(line.endswith(b"\r") == (eol == "\r\n") for line in new_lines[:-1])


def test_marking_fuzzy_puts_the_flag_where_gnu_does_and_msgfmt_accepts_it(tmp_path):
    """Before the `#|` previous strings, after the `#:` references, as `msgattrib --set-fuzzy` writes it
    (compared with GNU's own output when msgattrib is installed)."""
    from toolkit.review import fuzzy

    data = (_HEAD + '# note\n#. segment b1.s1\n#: day.txt:1\n#| msgid "Old."\nmsgctxt "b1.s1"\n'
            'msgid "New."\nmsgstr "Новое."\n\n#: day.txt:2\n#, c-format\nmsgid "%d left."\nmsgstr "%d осталось."\n')
    lines = data.count("\n")
    new, count = fuzzy.flag(data.encode(), tmp_path / "x.po", {(_HEAD.count("\n") + 1, "b1.s1"),
                                                               (lines - 3, "")})
    assert count == 2
    assert new.decode() == data.replace('#: day.txt:1\n#|', '#: day.txt:1\n#, fuzzy\n#|').replace(
        "#, c-format", "#, fuzzy, c-format")
    path = tmp_path / "x.po"
    path.write_bytes(new)
    assert subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)], capture_output=True).returncode == 0
    if shutil.which("msgattrib"):
        src = tmp_path / "src.po"
        src.write_text(data, encoding="utf-8")
        gnu = subprocess.run(["msgattrib", "--set-fuzzy", "--no-wrap", str(src)], capture_output=True, text=True)
        assert "#: day.txt:1\n#, fuzzy\n#| msgid" in gnu.stdout and "#, fuzzy, c-format" in gnu.stdout


def test_a_revoke_whose_glossary_write_fails_says_the_catalog_was_written(tmp_path, monkeypatch):
    """Revoking writes the catalog, then the glossary's note: when the second write fails (ENOSPC as
    fsutil reports it), the error names the catalog already written instead of "nothing was changed"."""
    from toolkit.errors import WriteError

    path = put(tmp_path, "g.tsv", "id\ten\tru\tnote\nlachin\tLachin\tЛачин\t\n".encode())
    po = tmp_path / "locales" / "ru" / "LC_MESSAGES" / "day.po"
    po.parent.mkdir(parents=True)
    po.write_bytes((_HEAD + _OTHER).encode())
    real = fsutil.atomic_write

    def full_disk(target, data, **kw):
        if Path(target).suffix == ".tsv":
            raise WriteError("cannot write: No space left on device; nothing was changed", path=target)
        return real(target, data, **kw)

    monkeypatch.setattr(fsutil, "atomic_write", full_disk)
    monkeypatch.chdir(tmp_path)
    d = Decision("revoke-waiver", str(path), "lachin", "ru", "lachin", entry=(str(po), _HEAD.count("\n") + 1, "b1.s1"))
    with pytest.raises(WriteError) as err:
        apply(tmp_path, d)
    assert str(err.value) == (f"{path}: cannot write: No space left on device; that file was not changed; written "
                              "before it: locales/ru/LC_MESSAGES/day.po; not written: g/g.tsv")
    assert b"toolkit: accept" not in po.read_bytes()
