"""Confidence from the n-best list: the pure computation, and on a generated CTranslate2 model that it
follows the model's own token log-probabilities (scored independently with `Translator.score_batch`)."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from tests.conftest_models import built  # noqa: F401
from toolkit import confidence, models
from toolkit.engines import Hypothesis
from toolkit.engines.argos import ArgosEngine

H = Hypothesis

CASES = [
    # hypotheses, chosen, expected (value, probability, agreement) or None, reason
    ([H("a b c", -1.0, -3.0, 3)], 0, (math.exp(-1), math.exp(-1), None), "one hypothesis: the probability alone"),
    ([H("a b c", -1.0, -3.0, 3), H("a b c", -2.0, -6.0, 3)], 0, (math.exp(-0.5), math.exp(-1), 1.0),
     "identical n-best: full agreement"),
    ([H("a b c d", -1.0, -4.0, 4), H("w x y z", -2.0, -8.0, 4)], 0, (0.0, math.exp(-1), 0.0),
     "nothing in common: agreement 0 pulls the value to 0"),
    ([H("a b", -1.0, -2.0, 2), H("a c", -1.0, -6.0, 2)], 1, (math.sqrt(math.exp(-3) * 0.5), math.exp(-3), 0.5),
     "the chosen one's probability counts, not the engine's best"),
    ([H("a", 0.0)], 0, None, "no log-probability (pseudo engine, old memory entries): no confidence"),
    ([H("a", -1.0, float("-inf"), 2)], 0, None, "a non-finite score is not a confidence"),
    ([], 0, None, "nothing translated"),
]


@pytest.mark.parametrize("hyps, chosen, expected, reason", CASES, ids=[c[3] for c in CASES])
def test_estimate(hyps, chosen, expected, reason):
    got = confidence.estimate(hyps, chosen)
    if expected is None:
        assert got is None
        return
    value, prob, agree = expected
    assert got.value == pytest.approx(value)
    assert got.probability == pytest.approx(prob)
    assert got.agreement == (pytest.approx(agree) if agree is not None else None)


scores = st.floats(min_value=-50, max_value=0, allow_nan=False)
lengths = st.integers(min_value=1, max_value=80)
words = st.lists(st.sampled_from(["Baku", "said", "on", "Sunday", "talks", "were", "held", "."]), min_size=1,
                 max_size=8).map(" ".join)


@given(scores, scores, lengths, st.lists(words, max_size=3), words)
def test_monotone_in_the_log_probability(a, b, length, others, chosen):
    """Everything else equal, a higher log-probability never gives a lower confidence."""
    low, high = sorted((a, b))
    rest = [H(t, None) for t in others]
    c_low = confidence.estimate([H(chosen, None, low, length), *rest])
    c_high = confidence.estimate([H(chosen, None, high, length), *rest])
    assert c_low.value <= c_high.value
    assert 0.0 <= c_low.value <= 1.0


@given(scores, lengths, st.floats(0, 1), st.floats(0, 1))
def test_monotone_in_agreement(logprob, length, a, b):
    low, high = sorted((a, b))
    p = confidence.token_probability(logprob, length)
    assert confidence.combine(p, low) <= confidence.combine(p, high)


@given(scores, lengths, st.lists(words, max_size=3), words)
def test_comment_round_trip(logprob, length, others, chosen):
    c = confidence.estimate([H(chosen, None, logprob, length), *(H(t) for t in others)])
    back = confidence.parse(f"term: Baku → Баку (baku, verified)\n{c.comment()}")
    assert back.value == pytest.approx(c.value, abs=0.005)
    assert back.probability == pytest.approx(c.probability, abs=0.005)
    assert (back.agreement is None) == (c.agreement is None)
    assert confidence.parse("term: Baku → Баку (baku, verified)") is None


# --- on a generated model: the numbers are the model's own ------------------------------------------------

SOURCES = [
    "Baku said on Sunday that talks were held.",
    "Azerbaijan urges Russia to let it probe illegal mining in Karabakh.",
    "Why?",
    "The ministry noted that 3.5% agreed, Dec. 3, 2022.",
    "Deminers cleared 120 hectares of land in Karabakh in May, the agency said.",
    "Trade grew by 12 percent.",
]


class _Keeper:
    """Wraps a ctranslate2.Translator: keeps what each translate_batch call sent and got back."""

    def __init__(self, translator) -> None:
        self.translator = translator
        self.calls: list[tuple[list, list]] = []

    def translate_batch(self, batch, **kwargs):
        out = self.translator.translate_batch(batch, **kwargs)
        self.calls.append((batch, out))
        return out


@pytest.fixture(scope="module")
def installed(built, tmp_path_factory):
    root = tmp_path_factory.mktemp("confidence-models")
    models.install(built["ru"], root)
    models.install(built["hy-multi"], root)
    return root


@pytest.mark.parametrize("target", ["ru", "hy"])   # hy: the NLLB-style target prefix, forced at log-prob 0
@pytest.mark.parametrize("length_penalty", [0.2, 1.0])
def test_log_probability_is_what_the_model_scores(installed, target, length_penalty):
    """The engine undoes CTranslate2's length penalty: its logprob/length equals the mean token
    log-probability that `score_batch` computes for the same output, end token included."""
    engine = ArgosEngine(models_dir=installed, length_penalty=length_penalty, max_decoding_length=24)
    loaded = engine._load(target)
    loaded.translator = keeper = _Keeper(loaded.translator)
    out = engine.translate_batch(SOURCES, target, num_hypotheses=3)
    (batch, results), = keeper.calls
    order = sorted(range(len(SOURCES)), key=lambda i: len(engine._load(target).tokenizer.encode(SOURCES[i])))
    checked = 0
    for source_tokens, result, i in zip(batch, results, order, strict=True):
        scored = keeper.translator.score_batch([source_tokens] * len(result.hypotheses), result.hypotheses)
        by_text = {h.text: h for h in out[i]}
        for tokens, s in zip(result.hypotheses, scored, strict=True):
            forced = 1 if tokens[0] == "hye_Armn" else 0
            logprobs = list(s.log_probs)[forced:]          # the prefix is forced: it costs nothing in decoding
            if len(tokens) - forced == 24:                 # stopped at the limit: no end token was decoded
                logprobs = logprobs[:-1]
            hyp = by_text[engine._load(target).tokenizer.decode(tokens[forced:])]
            assert hyp.length == len(logprobs)
            assert hyp.logprob == pytest.approx(sum(logprobs), abs=0.05 + 0.01 * abs(sum(logprobs)))
            checked += 1
    assert checked >= len(SOURCES) * 2


def test_confidence_is_monotone_in_the_models_scores(installed):
    """Ranking segments by confidence (one hypothesis each) is ranking them by the model's own mean token
    log-probability of the output."""
    engine = ArgosEngine(models_dir=installed, max_decoding_length=24)
    loaded = engine._load("ru")
    loaded.translator = keeper = _Keeper(loaded.translator)
    out = engine.translate_batch(SOURCES, "ru", num_hypotheses=1)
    (batch, results), = keeper.calls
    texts = [loaded.tokenizer.decode(r.hypotheses[0]) for r in results]
    scored = keeper.translator.score_batch(batch, [r.hypotheses[0] for r in results])
    model_mean = {}
    for text, r, s in zip(texts, results, scored, strict=True):
        logprobs = list(s.log_probs)
        if len(r.hypotheses[0]) == 24:          # cut at the limit: score_batch adds an end token never decoded
            logprobs = logprobs[:-1]
        model_mean[text] = sum(logprobs) / len(logprobs)
    pairs = sorted((confidence.estimate(hyps).value, model_mean[hyps[0].text]) for hyps in out)
    means = [m for _, m in pairs]
    assert len(set(means)) > 2                                  # the test has something to rank
    assert means == sorted(means)


def test_the_memory_keeps_what_confidence_needs(tmp_path):
    """A re-run served from the translation memory gets the same confidence; rows written before scores were
    kept ([text, score]) still read, without one."""
    import json
    import sqlite3

    from toolkit.tm import Memory

    memory = Memory(tmp_path)
    hyps = [H("Баку заявил.", -0.4, -2.5, 5), H("Баку сказал.", -0.6, -3.1, 5)]
    memory.put_many([("k", hyps)])
    assert memory.get_many(["k"])["k"] == hyps
    with sqlite3.connect(memory.path) as db:
        db.execute("INSERT INTO tm (key, hyps) VALUES (?, ?)", ("old", json.dumps([["Баку.", -0.5]])))
    memory.close()
    old = Memory(tmp_path).get_many(["old"])["old"]
    assert old == [H("Баку.", -0.5)] and confidence.estimate(old) is None


def test_catalogs_carry_it_and_stats_lists_the_least_confident_first(installed, tmp_path):
    from toolkit import document, pipeline, pofile, stats

    text = "\n\n".join(SOURCES[:2] + SOURCES[3:]) + "\n"
    doc = document.parse(text, name="day", source="day.txt")
    engine = ArgosEngine(models_dir=installed, max_decoding_length=24)
    report = pipeline.translate_document(doc, ["ru"], engine=engine, locales=tmp_path / "loc", num_hypotheses=3)
    path = report.languages[0].catalog
    entries = [e for e in pofile.read(path, lang="ru") if not e.obsolete]
    scores = [confidence.parse(e.comment) for e in entries]
    assert all(s is not None and 0 <= s.value <= 1 and s.agreement is not None for s in scores)
    worst = stats.least_confident([("ru", path)], 3)
    assert [w.confidence.value for w in worst] == sorted(s.value for s in scores)[:3]
    assert worst[0].position.startswith("b") and worst[0].source in SOURCES
    row, = stats.collect(tmp_path / "loc")
    assert row.confidence == pytest.approx(sum(s.value for s in scores) / len(scores), abs=1e-3)


def test_check_sorts_by_it_and_stats_lists_the_least_confident(installed, tmp_path):
    """The post-editor's view: `check PATH --sort confidence` and `stats PATH --least-confident N`, limited to
    the articles named (a folder), with the value in the JSON of both."""
    from typer.testing import CliRunner

    from toolkit import pipeline
    from toolkit.cli import app

    day = tmp_path / "day"
    day.mkdir()
    (day / "a.txt").write_text("\n\n".join(SOURCES[:3]) + "\n", encoding="utf-8")
    (day / "b.txt").write_text("\n\n".join(SOURCES[3:]) + "\n", encoding="utf-8")
    (tmp_path / "other.txt").write_text("Officials met on Sunday.\n", encoding="utf-8")
    loc = str(tmp_path / "loc")
    engine = ArgosEngine(models_dir=installed, max_decoding_length=24)
    pipeline.translate_files([day, tmp_path / "other.txt"], ["ru"], engine=engine, glossary_dir=None, locales=loc)
    runner = CliRunner()
    no_glossary = ["--no-glossary"]

    checked = runner.invoke(app, ["check", str(day), "--locales", loc, *no_glossary, "--sort", "confidence",
                                  "--format", "json"])
    assert checked.exit_code in (0, 7), checked.output                # gibberish may repeat words: blocking
    findings = json.loads(checked.stdout)["findings"]
    assert {Path(f["catalog"]).stem for f in findings} == {"a", "b"}  # only the folder's articles
    values = [f["confidence"] for f in findings]
    assert all(v is not None for v in values) and values == sorted(values)

    shown = runner.invoke(app, ["stats", str(day), "--locales", loc, *no_glossary, "--least-confident", "3",
                                "--format", "json"])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)
    least = [u["confidence"]["value"] for u in data["least_confident"]]
    assert len(least) == 3 and least == sorted(least) and least[0] == pytest.approx(min(values), abs=1e-9)
    row, = data["languages"]
    assert row["segments"] == len(SOURCES) and 0 <= row["confidence"] <= 1

    compiled = runner.invoke(app, ["compile", str(day / "a.txt"), "--locales", loc])
    assert compiled.exit_code == 0, compiled.output
    assert sorted(p.name for p in Path(loc).rglob("*.mo")) == ["a.mo"]
