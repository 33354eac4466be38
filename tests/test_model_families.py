"""Each multilingual family gets its language token where the model expects it, detected from the installed
model; a missing or wrong label is a one-line error naming the valid ones.

The fixtures are generated offline in the real layouts (toolkit_dev.modelgen names the real file each one
follows): an OPUS-MT multilingual release like Tatoeba-Challenge models/hyx-hyx (README "valid language
labels: >>eng<< >>hye<< …", labels as Marian vocab.yml entries) and like eng-zle transformer-big (labels in the
vocabulary only, models/eng-zle/opusTCv20210807+bt_transformer-big_2022-03-13.yml); the folders
`ct2-transformers-converter` writes for M2M100 (facebook/m2m100_418M: `__xx__` tokens,
sentencepiece.bpe.model) and MADLAD-400 (google/madlad400-3b-mt: `<2xx>` pieces, `<unk> <s> </s>` first, decoder
start `<unk>` as its tokenizer_config.json and config.json give them), their
config.json tokens as ctranslate2/converters/transformers.py sets them; and the NLLB-style Argos package.
What CTranslate2 receives is recorded by wrapping the real Translator at the engine boundary.
"""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tests.conftest_models import Recorder, built  # noqa: F401
from toolkit import models
from toolkit.engines.argos import ArgosEngine
from toolkit.errors import ModelError, UsageError
from toolkit_dev import modelgen

SOURCES = ["Azerbaijan urges Russia to let it probe illegal mining in Karabakh.", "Baku said on Sunday."]


def _sent(root, lang: str) -> tuple[list[list[str]], dict, list]:
    """(token lists, options) CTranslate2 received for SOURCES, and the engine's hypotheses."""
    engine = ArgosEngine(models_dir=root, max_decoding_length=12)
    loaded = engine._load(lang)
    loaded.translator = recorder = Recorder(loaded.translator)
    out = engine.translate_batch(SOURCES, lang)
    assert len(recorder.calls) == 1
    return recorder.calls[0][0], recorder.calls[0][1], out


@pytest.fixture(scope="module")
def releases(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("families")
    return {
        "hyx": modelgen.build_opus_mt_release(out / "opus4m+btTCv20210807-2021-09-30.zip", target="hy",
                                              labels=modelgen.HYX_LABELS),
        "zle": modelgen.build_opus_mt_release(out / "opusTCv20210807+bt_transformer-big_2022-03-13.zip",
                                              target="ru", labels=modelgen.ZLE_LABELS, list_labels=False),
        "m2m100": modelgen.build_ct2_multilingual(out / "m2m100_418M-ct2", family="m2m100"),
        "madlad400": modelgen.build_ct2_multilingual(out / "madlad400-3b-mt-ct2", family="madlad400"),
    }


# (fixture, lang, install options, family, first source token, last source token, target prefix, why)
FAMILY_CASES = [
    ("hyx", "hy", {}, "opus-mt", ">>hye<<", None, None,
     "hyx-hyx: Eastern Armenian's label from the README's list goes first"),
    ("hyx", "hy", {"target_token": ">>hyw<<"}, "opus-mt", ">>hyw<<", None, None,
     "a label the user names (Western Armenian) wins when the release lists it"),
    ("zle", "ru", {}, "opus-mt", ">>rus<<", None, None,
     "eng-zle tc-big lists no labels in its README: the vocabulary's are the valid ones"),
    ("m2m100", "hy", {}, "m2m100", "__en__", "</s>", "__hy__",
     "M2M100: source language token, pieces, </s>; the target language as the first target token"),
    ("madlad400", "hy", {}, "madlad400", "<2hy>", "</s>", None,
     "MADLAD-400 (T5): the target as <2xx> in front of the source, </s> at its end, nothing forced on the target"),
]


@pytest.mark.parametrize(("name", "lang", "options", "family", "first", "last", "prefix", "why"), FAMILY_CASES,
                         ids=[f"{c[0]}-{c[1]}-{c[3]}{'-token' if c[2] else ''}" for c in FAMILY_CASES])
def test_the_family_token_reaches_ctranslate2(releases, tmp_path, name, lang, options, family, first, last,
                                              prefix, why):
    root = tmp_path / "models"
    model = models.install(releases[name], root, lang=lang, **options)
    assert model.metadata["family"] == family, why
    from toolkit.cli.models import app   # `models list --format json` shows what was detected
    [row] = json.loads(CliRunner().invoke(app, ["list", "--format", "json", "--models-dir", str(root)]).output)
    assert (row["family"], row["source_prefix"][0], row["target_prefix"]) == (family, first, prefix), why
    batch, kwargs, out = _sent(root, lang)
    assert all(tokens[0] == first for tokens in batch), why
    assert all(tokens.count(first) == 1 for tokens in batch), "the token is added once, not also by the tokenizer"
    if last:
        assert all(tokens[-1] == last for tokens in batch), why
    assert kwargs["target_prefix"] == ([[prefix]] * len(batch) if prefix else None), why
    if prefix:   # forced as the first target token, then stripped from what the translator reads
        assert not any(prefix in h.text for hyps in out for h in hyps)


def test_nllb_package_keeps_its_prefixes(built, tmp_path):
    root = tmp_path / "models"
    models.install(built["hy-multi"], root)
    batch, kwargs, _ = _sent(root, "hy")
    assert all(tokens[0] == "eng_Latn" for tokens in batch)
    assert kwargs["target_prefix"] == [["hye_Armn"]] * len(batch)


def test_a_model_installed_without_its_tokens_gets_them_detected(releases, tmp_path):
    # A multilingual model whose metadata.json names no tokens (packed by hand, or installed by an older
    # toolkit): the engine still drives it right, from its vocabulary.
    root = tmp_path / "models"
    model = models.install(releases["m2m100"], root, lang="hy")
    meta_file = model.path / "metadata.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    for key in ("family", "source_prefix", "source_suffix", "target_prefix"):
        meta.pop(key)
    meta_file.write_text(json.dumps(meta), encoding="utf-8")
    batch, kwargs, _ = _sent(root, "hy")
    assert batch[0][0] == "__en__" and batch[0][-1] == "</s>"
    assert kwargs["target_prefix"] == [["__hy__"]] * len(batch)


# (fixture, lang, install options, what the one-line message must hold, why)
ERROR_CASES = [
    ("hyx", "hy", {"target_token": ">>xyz<<"}, ">>xyz<< is not a target label",
     "a label the release does not have"),
    ("zle", "hy", {}, "has no target label for hy (>>hye<<)",
     "an East Slavic model asked for Armenian"),
    ("m2m100", "ru", {"target_token": "__xx__"}, "__xx__ is not a target label", "a made-up M2M100 token"),
    ("madlad400", "hy", {"target_token": "<2xx>"}, "<2xx> is not a target label", "a made-up MADLAD token"),
]


@pytest.mark.parametrize(("name", "lang", "options", "expected", "why"), ERROR_CASES,
                         ids=[c[4] for c in ERROR_CASES])
def test_a_missing_or_wrong_label_is_one_line_naming_the_valid_ones(releases, tmp_path, name, lang, options,
                                                                   expected, why):
    root = tmp_path / "models"
    with pytest.raises(ModelError) as err:
        models.install(releases[name], root, lang=lang, **options)
    message = str(err.value)
    assert expected in message and "valid labels:" in message, why
    assert "\n" not in err.value.reason, "one line"
    valid = {"hyx": modelgen.HYX_LABELS, "zle": modelgen.ZLE_LABELS,
             "m2m100": [f"__{c}__" for c in modelgen.M2M_LANGS],
             "madlad400": [f"<2{c}>" for c in modelgen.MADLAD_LANGS]}[name]
    assert all(label in message for label in valid), "every valid label is named"
    assert models.list_installed(root) == [], "nothing was installed"


def test_a_wrong_label_in_an_installed_package_is_refused_at_load(built, tmp_path):
    root = tmp_path / "models"
    model = models.install(built["hy-multi"], root)
    meta_file = model.path / "metadata.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    meta["target_prefix"] = "hyw_Armn"           # not in this model's vocabulary
    meta_file.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelError) as err:
        models.resolve("hy", root)
    assert "hyw_Armn" in err.value.reason and "valid labels:" in err.value.reason and "hye_Armn" in err.value.reason


def test_a_one_language_model_refuses_a_target_token(built, tmp_path):
    with pytest.raises(ModelError, match="no language labels"):
        models.install(built["opus"], tmp_path / "models", lang="hy", target_token=">>hye<<")


def test_the_catalogue_default_for_armenian_is_hyx_with_its_label(releases, tmp_path, monkeypatch):
    # `models install hy` downloads the catalogue default; the local file stands in for its URL.
    monkeypatch.setitem(models.OPUS_MT_URLS, "hy", str(releases["hyx"]))
    model = models.install("hy", tmp_path / "models")
    assert (model.name, model.version, model.source_prefix) == ("opus-mt-hyx-hyx", "2021.09.30", [">>hye<<"])
    with pytest.raises(UsageError, match="choose one of: opus-mt-hyx-hyx, opus-mt-eng-hye"):
        models.install("hy", tmp_path / "models", model="no-such-model")
    with pytest.raises(UsageError, match="no file to download"):
        models.install("hy", tmp_path / "models", model="nllb-200-3.3B")
