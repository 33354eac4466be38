"""`toolkit models evaluate`: the scores are sacrebleu's own on the saved output, catalogs count only approved
entries, term success is the project's own check, several models give one table."""
from __future__ import annotations

import json

import polib
import pytest
import sacrebleu
from typer.testing import CliRunner

from tests.conftest import msgfmt_check
from tests.conftest_models import built  # noqa: F401
from toolkit import evaluate as ev
from toolkit import models, pofile
from toolkit.cli import app
from toolkit.engines.scripted import ScriptedEngine
from toolkit.glossary import load

runner = CliRunner()

SOURCES = ["Azerbaijan sent Russia a diplomatic note.", "Talks were held in Baku on Sunday.",
           "The ministry said experts were barred from the region.", "Armenia did not answer."]
REFERENCES = ["Азербайджан направил России дипломатическую ноту.", "В воскресенье в Баку прошли переговоры.",
              "Министерство заявило, что экспертов не пустили в регион.", "Армения не ответила."]


def _cli(*args: str):
    return runner.invoke(app, ["models", "evaluate", *args])


@pytest.fixture
def aligned(tmp_path):
    src, ref = tmp_path / "test.en", tmp_path / "test.ru"
    src.write_text("\n".join(SOURCES) + "\n", encoding="utf-8")
    ref.write_text("\n".join(REFERENCES) + "\n", encoding="utf-8")
    return src, ref


def _sacrebleu(hypotheses_file, references):
    hyps = hypotheses_file.read_text(encoding="utf-8").splitlines()
    return (sacrebleu.corpus_chrf(hyps, [list(references)]).score,
            sacrebleu.corpus_bleu(hyps, [list(references)]).score, len(hyps))


def test_pseudo_engine_scores_equal_sacrebleus_own_on_the_saved_output(aligned, tmp_path):
    out = tmp_path / "hyp.txt"
    result = _cli("ru", "--engine", "pseudo", "--source", str(aligned[0]), "--reference", str(aligned[1]),
                  "--output", str(out), "--format", "json", "--no-glossary")
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    chrf, bleu, n = _sacrebleu(out, REFERENCES)
    assert row["chrf"] == pytest.approx(chrf, abs=1e-4) and row["bleu"] == pytest.approx(bleu, abs=1e-4)
    assert row["sentences"] == n == len(SOURCES) and row["term_success"] is None
    assert row["chrf_signature"].startswith("nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:")


def test_a_generated_model_scores_equal_sacrebleus_own(built, aligned, tmp_path):
    root = tmp_path / "models"
    models.install(built["ru"], root)
    out = tmp_path / "hyp.txt"
    result = _cli("ru", "--models-dir", str(root), "--source", str(aligned[0]), "--reference", str(aligned[1]),
                  "--output", str(out), "--format", "json", "--no-glossary")
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    chrf, bleu, n = _sacrebleu(out, REFERENCES)
    assert row["model"].startswith("argos translate-en_ru") and n == len(SOURCES)
    assert row["chrf"] == pytest.approx(chrf, abs=1e-4) and row["bleu"] == pytest.approx(bleu, abs=1e-4)


def test_several_models_side_by_side(built, aligned, tmp_path):
    root = tmp_path / "models"
    models.install(built["ru"], root)
    out = tmp_path / "hyp.txt"
    args = ["--source", str(aligned[0]), "--reference", str(aligned[1]), "--no-glossary", "--output", str(out),
            "--engine", "argos", "--models-dir", str(root), "--engine", "pseudo"]
    rows = json.loads(_cli("ru", *args, "--format", "json").stdout)
    assert [r["model"].split()[0] for r in rows] == ["argos", "pseudo"]
    for k, row in enumerate(rows, 1):
        saved = tmp_path / f"hyp.{k}.txt"
        assert row["output"] == str(saved)
        assert row["chrf"] == pytest.approx(_sacrebleu(saved, REFERENCES)[0], abs=1e-4)
    table = _cli("ru", *args).stdout
    assert "1. argos translate-en_ru" in table and "2. pseudo" in table and "chrF2" in table
    assert "chrF2|nrefs:1|case:mixed" in table and "BLEU|nrefs:1|case:mixed" in table   # sacrebleu's signatures


def _catalog(path, lang="ru"):
    po = polib.POFile()
    po.metadata = {"Project-Id-Version": "test", "Language": lang, "MIME-Version": "1.0",
                   "Content-Type": "text/plain; charset=UTF-8", "Content-Transfer-Encoding": "8bit",
                   "Plural-Forms": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
                                   "(n%100<10 || n%100>=20) ? 1 : 2);"}
    # (source, translation, flags, obsolete, counts, why)
    rows = [
        (SOURCES[0], REFERENCES[0], [], False, True, "approved: a translator's work"),
        (SOURCES[1], REFERENCES[1], ["fuzzy"], False, False, "fuzzy: a machine draft nobody approved"),
        (SOURCES[2], "", [], False, False, "untranslated"),
        (SOURCES[3], REFERENCES[3], [], True, False, "obsolete: no longer in the article"),
        ("Baku said.", "Баку заявил.", [], False, True, "approved"),
    ]
    for source, target, flags, obsolete, _counts, _why in rows:
        po.append(polib.POEntry(msgid=source, msgstr=target, flags=flags, obsolete=obsolete))
    path.parent.mkdir(parents=True, exist_ok=True)
    pofile.write(po, path)          # as GNU gettext writes it
    msgfmt_check(path)
    return [(s, t) for s, t, _f, _o, counts, _w in rows if counts]


def test_on_catalogs_only_approved_entries_count(tmp_path):
    locales = tmp_path / "locales"
    counted = _catalog(locales / "ru" / "LC_MESSAGES" / "article.po")
    _catalog(locales / "az" / "LC_MESSAGES" / "article.po", lang="az")      # another language: not read
    out = tmp_path / "hyp.txt"
    result = _cli("ru", "--engine", "pseudo", "--on", str(locales), "--output", str(out), "--format", "json",
                  "--no-glossary")
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    assert row["sentences"] == len(counted) == 2
    test = ev.read_catalogs([locales], "ru")
    assert list(zip(test.sources, test.references, strict=True)) == counted
    assert row["chrf"] == pytest.approx(_sacrebleu(out, [t for _s, t in counted])[0], abs=1e-4)


def test_term_success_is_the_projects_own_check(tmp_path):
    glossary = load("glossaries")
    test = ev.TestSet(tuple(SOURCES[:1] + SOURCES[3:]), tuple(REFERENCES[:1] + REFERENCES[3:]), "two lines")
    right = ScriptedEngine(lambda s, t: {SOURCES[0]: REFERENCES[0], SOURCES[3]: REFERENCES[3]}[s])
    wrong = ScriptedEngine(lambda s, t: "Страна направила ноту.")
    good, bad = ev.evaluate(test, "ru", right, glossary), ev.evaluate(test, "ru", wrong, glossary)
    # Azerbaijan, Russia (as России), Armenia: three glossary terms in the two sources
    assert good.terms_total == bad.terms_total == 3
    assert (good.term_success, bad.term_success) == (100.0, 0.0)
    assert good.chrf == pytest.approx(100.0) and bad.chrf < 30


# (arguments, exit code, words in the one-line message, why)
ERROR_CASES = [
    (["--engine", "pseudo"], 2, "--source FILE --reference FILE, or --on", "no test set"),
    (["--engine", "pseudo", "--source", "{src}", "--reference", "{short}"], 3, "must be aligned",
     "files of different lengths"),
    (["--engine", "pseudo", "--on", "{empty}"], 3, "no ru catalogs", "a folder with no catalog"),
]


@pytest.mark.parametrize(("args", "code", "words", "why"), ERROR_CASES, ids=[c[3] for c in ERROR_CASES])
def test_errors_are_one_line_with_the_right_exit_code(aligned, tmp_path, args, code, words, why):
    short = tmp_path / "short.ru"
    short.write_text("Одна строка.\n", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    paths = {"src": str(aligned[0]), "short": str(short), "empty": str(tmp_path / "empty")}
    result = _cli("ru", *[a.format(**paths) for a in args], "--no-glossary")
    assert result.exit_code == code, (why, result.output)
    assert words in result.stderr and result.stderr.strip().count("\n") == 0, why


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_lines = st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=40), min_size=1, max_size=6)


@settings(max_examples=60, deadline=None)
@given(pairs=_lines.flatmap(lambda hyps: st.tuples(st.just(hyps), st.lists(
    st.text(max_size=40), min_size=len(hyps), max_size=len(hyps)))))
def test_scores_are_sacrebleus_corpus_scores_for_any_text(pairs):
    # Whatever the text (line breaks inside a segment included), the score is sacrebleu's on the lines saved.
    hyps, refs = pairs
    test = ev.TestSet(tuple("x" for _ in hyps), tuple(refs), "property")
    got = ev.score(hyps, test, "ru", None, "m")
    one = [ev._one_line(t) for t in hyps]
    ref = [ev._one_line(t) for t in refs]
    assert got.chrf == pytest.approx(sacrebleu.corpus_chrf(one, [ref]).score, abs=1e-3)
    assert got.bleu == pytest.approx(sacrebleu.corpus_bleu(one, [ref]).score, abs=1e-3)
    assert all(len(h.splitlines()) <= 1 for h in got.hypotheses)
