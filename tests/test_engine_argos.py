"""The Argos/CTranslate2 engine on synthetic random-weight models: shapes, n-best, determinism, batching,
language-token prefixes, and decoding that keeps underscores."""
from __future__ import annotations

import pytest

from tests.conftest_models import Recorder, built  # noqa: F401
from toolkit import models
from toolkit.engines import Hypothesis, get_engine
from toolkit.engines.argos import ArgosEngine, _Tokenizer
from toolkit.errors import ModelError

SOURCES = [
    "Azerbaijan urges Russia to let it probe illegal mining in Karabakh.",
    "Baku said on Sunday that talks were held.",
    "",
    "The ministry noted that 3.5% agreed, Dec. 3, 2022.",
    "Officials were barred from entering the region, the country’s Foreign Ministry announced Sunday.",
    "Why?",
]


@pytest.fixture(scope="module")
def installed(built, tmp_path_factory):
    """ru: a tiny Argos package; hy: NLLB-style prefixes; az: an OPUS-MT release converted to CTranslate2."""
    root = tmp_path_factory.mktemp("engine-models")
    models.install(built["ru"], root)
    models.install(built["hy-multi"], root)
    models.install_opus_mt(built["opus"], "az", root)
    return root


@pytest.fixture(scope="module")
def engine(installed):
    return get_engine("argos", models_dir=installed)


@pytest.mark.parametrize("target", ["ru", "hy", "az"])
def test_one_hypothesis_list_per_source(engine, target):
    out = engine.translate_batch(SOURCES, target)
    assert len(out) == len(SOURCES)
    assert all(len(hyps) == 1 and isinstance(hyps[0], Hypothesis) for hyps in out)
    assert out[2] == [Hypothesis("", 0.0)]                    # empty source: no model call needed
    assert all(h[0].text and isinstance(h[0].score, float) for i, h in enumerate(out) if i != 2)
    assert engine.translate_batch([], target) == []


def test_n_best_is_sorted_by_score(engine):
    for hyps in engine.translate_batch(SOURCES[:2], "ru", num_hypotheses=4):
        assert len(hyps) == 4
        scores = [h.score for h in hyps]
        assert scores == sorted(scores, reverse=True)
        assert len({h.text for h in hyps}) > 1


def test_deterministic_across_engines(engine, installed):
    again = ArgosEngine(models_dir=installed)
    assert engine.translate_batch(SOURCES, "ru", num_hypotheses=2) == again.translate_batch(
        SOURCES, "ru", num_hypotheses=2)


def test_batch_equals_one_by_one(installed):
    # A fixed decoding limit: by default the limit follows the longest source of the call, and these random
    # models rarely emit </s>, so a batch-mate would change where a never-ending output is cut.
    engine = ArgosEngine(models_dir=installed, max_decoding_length=40)
    together = engine.translate_batch(SOURCES, "ru")
    alone = [engine.translate_batch([s], "ru")[0] for s in SOURCES]
    assert [h[0].text for h in together] == [h[0].text for h in alone]
    assert [h[0].score for h in together] == pytest.approx([h[0].score for h in alone], abs=1e-3)


def test_one_call_sorted_by_length_with_bounded_decoding(installed):
    engine = ArgosEngine(models_dir=installed)
    loaded = engine._load("ru")
    loaded.translator = recorder = Recorder(loaded.translator)
    engine.translate_batch(SOURCES, "ru", num_hypotheses=2)
    assert len(recorder.calls) == 1
    batch, kwargs = recorder.calls[0]
    assert len(batch) == len(SOURCES) - 1                      # the empty source is not sent
    assert [len(b) for b in batch] == sorted(len(b) for b in batch)
    assert kwargs["batch_type"] == "examples" and kwargs["return_scores"] and kwargs["replace_unknowns"]
    assert kwargs["beam_size"] == 4 and kwargs["num_hypotheses"] == 2
    assert kwargs["max_decoding_length"] == min(256, 2 * max(len(b) for b in batch) + 10)
    assert kwargs["target_prefix"] is None


def test_language_token_prefixes(installed):
    engine = ArgosEngine(models_dir=installed)
    loaded = engine._load("hy")
    loaded.translator = recorder = Recorder(loaded.translator)
    out = engine.translate_batch(SOURCES[:2], "hy", num_hypotheses=2)
    batch, kwargs = recorder.calls[0]
    assert all(tokens[0] == "eng_Latn" for tokens in batch)    # source language token first
    assert kwargs["target_prefix"] == [["hye_Armn"], ["hye_Armn"]]
    raw = recorder.translator.translate_batch(batch, target_prefix=kwargs["target_prefix"],
                                              max_decoding_length=8)
    assert all(r.hypotheses[0][0] == "hye_Armn" for r in raw)  # the model does emit it ...
    assert not any("hye_Armn" in h.text for hyps in out for h in hyps)   # ... and we strip it


def test_underscores_survive_decoding(built, installed):
    """argostranslate turns every "_" into a space; placeholders like __T1__ must come back intact."""
    tok = _Tokenizer(models.resolve("ru", installed))
    text = "The minister met __T1__ in Baku_City on Dec. 3, 2022."
    pieces = tok.encode(text)
    assert tok.decode(pieces) == text
    assert "▁" not in tok.decode(["▁Baku", "▁__", "T1", "__"])


def test_identity_names_model_version_and_compute_type(engine):
    assert engine.identity("ru") == "argos translate-en_ru 0.0 (int8)"
    assert engine.identity("az") == "ctranslate2 opus-mt-en_az 2020.06.16 (int8)"


def test_missing_model_says_how_to_install(tmp_path):
    engine = ArgosEngine(models_dir=tmp_path)
    with pytest.raises(ModelError, match=r"no English→Russian \(ru\) model installed.*`toolkit models install ru`"):
        engine.translate_batch(["Hello."], "ru")
    with pytest.raises(ModelError, match=r"`toolkit models install PATH --lang hy`"):
        engine.identity("hy")


def test_engine_module_does_not_import_argostranslate_translate():
    import subprocess
    import sys

    code = ("import sys, toolkit.engines.argos, toolkit.models, toolkit.cli.models; "
            "bad = [m for m in sys.modules if m.startswith(('argostranslate.translate', 'argostranslate.sbd', "
            "'stanza', 'ctranslate2'))]; print(bad)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_decoding_settings_are_part_of_the_memory_key(installed, tmp_path):
    """A different beam size must not be served the output of the old one from the translation memory."""
    from toolkit import document, pipeline
    from toolkit.tm import Memory

    doc = document.parse("Baku said on Sunday that talks were held.\n", name="a", source="a.txt")
    memory = Memory(tmp_path / "tm")
    sent = []
    for beam in (4, 4, 2):
        engine = ArgosEngine(models_dir=installed, beam_size=beam)
        calls = Recorder(engine._load("ru").translator)
        engine._load("ru").translator = calls
        pipeline.translate_segments(doc.segments, "ru", engine, None, num_hypotheses=1, memory=memory)
        sent.append(len(calls.calls))
    assert sent == [1, 0, 1]


def test_progress_follows_the_sub_batches_and_changes_nothing(installed):
    engine = ArgosEngine(models_dir=installed, max_decoding_length=20, max_batch_size=2)
    heard = []
    with_progress = engine.translate_batch(SOURCES, "ru", num_hypotheses=2, progress=heard.append)
    assert with_progress == engine.translate_batch(SOURCES, "ru", num_hypotheses=2)
    assert heard == sorted(heard) and heard[-1] == len(SOURCES) and len(heard) == 3   # 5 sent, in 2s; 1 empty
