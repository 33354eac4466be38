"""Build synthetic translation models offline: real file formats, seeded random weights, no torch.

`build_argos_package` writes a valid `.argosmodel` (SentencePiece + CTranslate2 Transformer, the same
layout and, for size "base", the same shape as a real Argos Translate package). `build_opus_mt_release`
writes a tiny Marian/OPUS-MT release zip that ctranslate2's OPUS-MT converter accepts. The outputs
translate into nonsense; they exist to test and benchmark the model plumbing without a network.
Both are deterministic for a given seed.
"""
from __future__ import annotations

import io
import json
import os
import re
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from toolkit.langs import NLLB_CODES

SEED_ARTICLE = Path(__file__).resolve().parent.parent / "seeds" / "karabakh-mining.txt"
_ZIP_DATE = (2024, 1, 1, 0, 0, 0)


@dataclass(frozen=True, slots=True)
class Shape:
    layers: tuple[int, int]   # encoder, decoder
    d_model: int
    heads: int
    ffn: int
    vocab: int                # CTranslate2 vocabulary size, padded with filler pieces
    spm_vocab: int            # pieces SentencePiece is asked for (a soft limit)
    quantization: str


SHAPES = {
    "tiny": Shape((2, 2), 64, 4, 128, 1000, 600, "int8"),
    # The shape argos-train and Locomotive train: 6+6 layers, 512 wide, 8 heads, FFN 2048, 50k shared vocab.
    "base": Shape((6, 6), 512, 8, 2048, 50_000, 600, "int8"),
    # OPUS-MT transformer-big (opus-mt-tc-big-en-zle): Marian's transformer-big preset, 6+6 layers, 1024 wide,
    # 16 heads, FFN 4096; a ~62k shared vocabulary then gives the 239.5M parameters its release states
    # (Helsinki-NLP/OPUS-MT-leaderboard models/Tatoeba-MT-models/eng-zle/
    # opusTCv20210807+bt_transformer-big_2022-03-13.info): 176M in the layers + 62k x 1024 tied embeddings.
    "big": Shape((6, 6), 1024, 16, 4096, 62_000, 600, "int8"),
}


_TARGET_LINES = {
    "ru": [
        "Азербайджан направил России дипломатическую ноту о незаконной добыче в Карабахе.",
        "Министерство иностранных дел заявило в воскресенье, что группе экспертов не дали въехать в регион.",
        "В Баку и Ереване прошли переговоры, но соглашение от 3 декабря 2022 года не выполнено.",
        "Российские миротворцы не приняли никаких мер, говорится в сообщении.",
        "Кызылбулаг и Демирли: золото, медь и молибден добывают незаконно (АА).",
    ],
    "az": [
        "Azərbaycan Rusiyaya Qarabağda qanunsuz hasilatla bağlı diplomatik nota göndərib.",
        "Xarici İşlər Nazirliyi bazar günü bildirib ki, ekspertlər qrupunun bölgəyə girişinə icazə verilməyib.",
        "Bakı və İrəvan arasında danışıqlar aparılıb, lakin 3 dekabr 2022-ci il razılaşması icra olunmayıb.",
        "Rusiya sülhməramlıları heç bir tədbir görməyib, deyə bəyanatda qeyd olunub.",
        "Qızılbulaq və Dəmirli: qızıl, mis və molibden qanunsuz çıxarılır (AA).",
    ],
    "hy": [
        "Ադրբեջանը Ռուսաստանին դիվանագիտական նոտա է ուղարկել Ղարաբաղում ապօրինի արդյունահանման վերաբերյալ։",
        "Արտաքին գործերի նախարարությունը կիրակի հայտնել է, որ փորձագետներին թույլ չեն տվել մտնել տարածաշրջան։",
        "Բաքվում և Երևանում բանակցություններ են անցկացվել, սակայն 2022 թվականի դեկտեմբերի 3-ի համաձայնությունը չի կատարվել։",
        "Ռուս խաղաղապահները որևէ քայլ չեն ձեռնարկել, ասվում է հաղորդագրության մեջ։",
        "Կզըլբուլաղ և Դեմիրլի՝ ոսկի, պղինձ և մոլիբդեն (ԱԱ)։",
    ],
}

_SUBJECTS = ["Azerbaijan", "Armenia", "Russia", "The Foreign Ministry", "The European Union", "Baku",
             "Yerevan", "Moscow", "The ministry", "AZERTAC", "Officials", "Nikol Pashinian"]
_VERBS = ["said on Sunday that", "announced on Monday that", "reported that", "noted that",
          "denied claims that", "confirmed that", "warned that"]
_CLAUSES = ["talks were held in Karabakh", "the Lachin-Shusha road was blocked",
            "experts visited the Kyzylbulag gold mine", "the Demirli copper-molybdenum mine was closed",
            "peacekeepers did not take any action", "an agreement was reached on Saturday",
            "natural resources were exploited illegally", "the visit was prevented by residents"]


def news_lines(target: str = "ru", *, count: int = 400, seed: int = 0) -> list[str]:
    """English news-like lines (the seed article plus templates) and a few lines in `target`."""
    rng = np.random.default_rng(seed)
    lines: list[str] = []
    if SEED_ARTICLE.exists():
        text = SEED_ARTICLE.read_text(encoding="utf-8")
        lines += [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]
    for _ in range(count):
        subject, verb, clause = (arr[rng.integers(len(arr))] for arr in (_SUBJECTS, _VERBS, _CLAUSES))
        day, year, pct = int(rng.integers(1, 29)), int(rng.integers(1990, 2031)), float(rng.random() * 100)
        pattern = int(rng.integers(4))
        if pattern == 0:
            lines.append(f"{subject} {verb} {clause}, Dec. {day}, {year}.")
        elif pattern == 1:
            lines.append(f'"{clause.capitalize()}," {subject.lower()} said; {pct:.1f}% agreed (AA Photo).')
        elif pattern == 2:
            lines.append(f"Q{day % 4 + 1}: {subject} paid ${day * 1234:,} / €{year - 1000} – why? "
                         f"‘{clause}’!")
        else:
            lines.append(f"{subject} {verb} {clause} [{day}/{year % 100:02d}] - see p. {day + 7}.")
    lines.append("0 1 2 3 4 5 6 7 8 9 10 100 1,000 2022 3.5% #1 @ & * + = < > _ | ~ ^ `")
    for _ in range(6):   # weight the target language enough for its letters to become pieces
        lines += _TARGET_LINES.get(target, [])
    return lines


def train_sentencepiece(lines: list[str], *, vocab_size: int, user_symbols: list[str]) -> bytes:
    """A unigram SentencePiece model trained in memory, single-threaded so it is deterministic."""
    import sentencepiece as spm

    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=buf, vocab_size=vocab_size, model_type="unigram",
        character_coverage=1.0, hard_vocab_limit=False, num_threads=1, user_defined_symbols=user_symbols,
        minloglevel=2, seed_sentencepiece_size=20_000, shuffle_input_sentence=False)
    return buf.getvalue()


def _pieces(spm_bytes: bytes) -> list[str]:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_proto=spm_bytes)
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size())
            if not (sp.is_control(i) or sp.is_unknown(i))]


def _vocabulary(spm_bytes: bytes, size: int) -> list[str]:
    """OpenNMT-style: specials, the SentencePiece pieces, then filler pieces up to `size`."""
    vocab = ["<unk>", "<s>", "</s>", "<blank>"] + _pieces(spm_bytes)
    vocab += [f"▁filler{i:05d}" for i in range(size - len(vocab))]
    return vocab


class _Init:
    """Seeded weights with scales that keep a random Transformer numerically tame."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def linear(self, rows: int, cols: int) -> np.ndarray:
        return (self.rng.standard_normal((rows, cols), dtype=np.float32) / np.sqrt(cols)).astype(np.float32)

    def bias(self, n: int) -> np.ndarray:
        return (self.rng.standard_normal(n, dtype=np.float32) * 0.02).astype(np.float32)

    def norm(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        # Small noise so CTranslate2 does not alias identical layer norms.
        return 1 + self.bias(n), self.bias(n)


def _fill_transformer(spec, shape: Shape, vocab: list[str], seed: int) -> None:
    init = _Init(seed)
    d, f = shape.d_model, shape.ffn
    embeddings = (init.rng.standard_normal((len(vocab), d), dtype=np.float32) / np.sqrt(d)).astype(np.float32)

    def set_norm(ln):
        ln.gamma, ln.beta = init.norm(d)

    def set_linear(lin, rows, cols):
        lin.weight, lin.bias = init.linear(rows, cols), init.bias(rows)

    def set_ffn(ffn):
        set_norm(ffn.layer_norm)
        set_linear(ffn.linear_0, f, d)
        set_linear(ffn.linear_1, d, f)

    enc, dec = spec.encoder, spec.decoder
    enc.embeddings[0].weight = embeddings
    dec.embeddings.weight = embeddings
    dec.projection.weight = embeddings      # shared, as OpenNMT-py trains Argos models
    set_norm(enc.layer_norm)
    set_norm(dec.layer_norm)
    bias = init.bias(len(vocab))
    index = {tok: i for i, tok in enumerate(vocab)}
    for tok in ("<unk>", "<s>", "<blank>", "<pad>"):
        if tok in index:
            bias[index[tok]] = -20.0       # never generated
    bias[index["</s>"]] = 3.0               # stop now and then, so outputs vary in length
    dec.projection.bias = bias
    for layer in enc.layer:
        set_norm(layer.self_attention.layer_norm)
        set_linear(layer.self_attention.linear[0], 3 * d, d)
        set_linear(layer.self_attention.linear[1], d, d)
        set_ffn(layer.ffn)
    for layer in dec.layer:
        set_norm(layer.self_attention.layer_norm)
        set_linear(layer.self_attention.linear[0], 3 * d, d)
        set_linear(layer.self_attention.linear[1], d, d)
        set_norm(layer.attention.layer_norm)
        set_linear(layer.attention.linear[0], d, d)
        set_linear(layer.attention.linear[1], 2 * d, d)
        set_linear(layer.attention.linear[2], d, d)
        set_ffn(layer.ffn)


def _write_zip(out_path: Path, root: Path, top: str) -> None:
    """Zip `root` under one top-level directory `top`, with fixed timestamps (byte-identical rebuilds)."""
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(out_path.name + ".part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as zf:
        for file in sorted(p for p in root.rglob("*") if p.is_file()):
            rel = file.relative_to(root).as_posix()
            info = zipfile.ZipInfo(f"{top}/{rel}" if top else rel, date_time=_ZIP_DATE)
            info.external_attr = 0o644 << 16
            zf.writestr(info, file.read_bytes())
    tmp.replace(out_path)


#: Package layouts met in the wild (see build_argos_package).
LAYOUTS = ("locomotive", "argos-train-2x", "toolkit")


def build_argos_package(out_path: str | Path, *, size: str = "tiny", source: str = "en", target: str = "ru",
                        multilingual: bool = False, seed: int = 0, layout: str = "locomotive") -> Path:
    """Write a random-weight `.argosmodel` for `source`→`target` to `out_path` and return its path.

    `layout` mirrors a real packager (read from the public sources):
    * "locomotive" (LibreTranslate/Locomotive `train.py`, e.g. translate-en_ru 1.9): metadata.json with the six
      keys written by `json.dumps(metadata)`, README "# English - Russian version 1.9", sentencepiece.model,
      model/{config.json, model.bin, shared_vocabulary.json}, stanza/; a zip of file entries only (ZIP_STORED).
    * "argos-train-2x" (argosopentech/argos-train `bin/argos-train` with CTranslate2 2.x, e.g. translate-en_az
      1.5): metadata with `indent=4` and argos_version "1.5", README from MODEL_README.md (credits, no licence),
      model/{model.bin, shared_vocabulary.txt} and no config.json (CTranslate2 writes it only since 3.0), stanza/;
      zipped by `shutil.make_archive`, so folder entries are present and members are deflated. The model.bin
      itself is a current one (binary version 6): CTranslate2 4 reads a real 2.x one (version 5) with the same
      built-in defaults the installer writes into config.json.
    * "toolkit": the Locomotive layout plus `type` and `license` (CC0-1.0) in metadata, as this project's
      own packages are written.
    Neither real layout has a `type` or `license` field. `multilingual` adds language tokens to the vocabulary
    (`__ru__` and `rus_Cyrl` styles) and metadata `source_prefix`/`target_prefix` (NLLB-like).
    """
    import ctranslate2
    from ctranslate2.specs import transformer_spec

    if size not in SHAPES:
        raise ValueError(f"size must be one of {', '.join(SHAPES)}, not {size!r}")
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")
    shape = SHAPES[size]
    out_path = Path(out_path)
    languages = sorted(set(NLLB_CODES) | {source, target})
    lang_tokens = ([f"__{c}__" for c in languages] + [NLLB_CODES[c] for c in languages if c in NLLB_CODES]
                   if multilingual else [])
    spm_bytes = train_sentencepiece(news_lines(target, seed=seed), vocab_size=shape.spm_vocab,
                                    user_symbols=lang_tokens)
    vocab = _vocabulary(spm_bytes, max(shape.vocab, 4 + len(_pieces(spm_bytes))))

    spec = transformer_spec.TransformerSpec.from_config(shape.layers, shape.heads, pre_norm=True)
    _fill_transformer(spec, shape, vocab, seed)
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    spec.optimize(quantization=shape.quantization)

    version = f"0.{seed}"
    top = f"translate-{source}_{target}-{version.replace('.', '_')}"
    legacy = layout == "argos-train-2x"
    metadata = {
        "package_version": version, "argos_version": "1.5" if legacy else "1.9.0",
        "from_code": source, "from_name": _language_name(source),
        "to_code": target, "to_name": _language_name(target),
    }
    if layout == "toolkit":
        metadata |= {"type": "translate", "license": "CC0-1.0"}
    if multilingual:
        metadata["source_prefix"] = NLLB_CODES.get(source, f"__{source}__")
        metadata["target_prefix"] = NLLB_CODES.get(target, f"__{target}__")
        metadata["language_tokens"] = lang_tokens
    note = (f"Synthetic {size} model with random weights (seed {seed}, CTranslate2 {ctranslate2.__version__}), "
            "built by toolkit_dev.modelgen for tests and benchmarks. It produces nonsense.\n")
    with tempfile.TemporaryDirectory(prefix="modelgen-") as tmp:
        root = Path(tmp) / top
        (root / "model").mkdir(parents=True)
        spec.save(str(root / "model"))
        (root / "sentencepiece.model").write_bytes(spm_bytes)
        stanza = root / "stanza" / source / "tokenize"        # what stanza.download(..., dir="stanza") leaves
        stanza.mkdir(parents=True)
        (stanza / "combined.pt").write_bytes(b"synthetic stanza tokenizer placeholder")
        (root / "stanza" / "resources.json").write_text("{}\n", encoding="utf-8")
        if legacy:
            model = root / "model"
            tokens = json.loads((model / "shared_vocabulary.json").read_text(encoding="utf-8"))
            (model / "shared_vocabulary.json").unlink()
            (model / "config.json").unlink()
            (model / "shared_vocabulary.txt").write_text("".join(t + "\n" for t in tokens), encoding="utf-8")
            (root / "metadata.json").write_text(json.dumps(metadata, indent=4), encoding="utf-8")
            (root / "README.md").write_text(
                f"# {_language_name(source)}-{_language_name(target)}\n\nData compiled by "
                "[Opus](https://opus.nlpl.eu/).\n\nIncludes pretrained models from "
                f"[Stanza](https://github.com/stanfordnlp/stanza/).\n\nCredits:\n\n{note}", encoding="utf-8")
            _make_archive(out_path, Path(tmp), top)
        else:
            (root / "metadata.json").write_text(json.dumps(metadata, ensure_ascii=False), encoding="utf-8")
            (root / "README.md").write_text(
                f"# {_language_name(source)} - {_language_name(target)} version {version}\n\n{note}",
                encoding="utf-8")
            _write_zip(out_path, root, top)
    return out_path


def _make_archive(out_path: Path, run_dir: Path, top: str) -> None:
    """What argos-train does: `shutil.make_archive(model_dir, "zip", root_dir="run", base_dir=model_dir)`, with
    fixed timestamps so rebuilds are byte-identical."""
    stamp = time.mktime((*_ZIP_DATE, 0, 0, -1))
    for path in (run_dir / top).rglob("*"):
        os.utime(path, (stamp, stamp))
    os.utime(run_dir / top, (stamp, stamp))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    made = shutil.make_archive(str(run_dir / top), "zip", root_dir=run_dir, base_dir=top)
    shutil.move(made, out_path)


def _language_name(code: str) -> str:
    try:
        from toolkit.langs import english_name

        return english_name(code)
    except Exception:   # babel missing or unknown code: the code is a fine name for a test model
        return code


# --- Marian / OPUS-MT ---------------------------------------------------------------------------------

_MARIAN_CONFIG = {
    "type": "transformer", "dim-emb": 32, "transformer-dim-ffn": 64, "enc-depth": 1, "dec-depth": 1,
    "transformer-heads": 2, "transformer-decoder-autoreg": "self-attention",
    "transformer-no-projection": False, "transformer-ffn-activation": "swish",
    "transformer-preprocess": "", "transformer-postprocess": "dan", "transformer-postprocess-emb": "d",
    "transformer-guided-alignment-layer": "last", "tied-embeddings-all": True,
}
OPUS_NPZ = "opus.spm4k-spm4k.transformer-align.model1.npz.best-perplexity.npz"
OPUS_VOCAB = "opus.spm4k-spm4k.vocab.yml"


def _yaml_token(token: str) -> str:
    return '"' + token.replace("\\", "\\\\").replace('"', '\\"') + '"'


# The release scripts as Tatoeba-Challenge zips carry them (Helsinki-NLP/OPUS-MT-train scripts/preprocess-spm.sh,
# MIT licence): normalisation, then SentencePiece. toolkit.engines.argos.opus_mt_normalize does the same.
_OPUS_PREPROCESS = r"""#!/bin/bash
#
# USAGE preprocess.sh langid spmodel < input > output
#
SPMENCODE=`which spm_encode || echo "${PWD}/tools/marian-dev/build/spm_encode"`

## simple pre-processing steps adapted from Moses tools

sed -e 's/，/,/g' \
    -e 's/。 */. /g' \
    -e 's/、/,/g' \
    -e 's/”/"/g' \
    -e 's/“/"/g' \
    -e 's/∶/:/g' \
    -e 's/：/:/g' \
    -e 's/？/\?/g' \
    -e 's/《/"/g' \
    -e 's/》/"/g' \
    -e 's/）/\)/g' \
    -e 's/！/\!/g' \
    -e 's/（/\(/g' \
    -e 's/；/;/g' \
    -e 's/１/"/g' \
    -e 's/」/"/g' \
    -e 's/「/"/g' \
    -e 's/０/0/g' \
    -e 's/３/3/g' \
    -e 's/２/2/g' \
    -e 's/５/5/g' \
    -e 's/６/6/g' \
    -e 's/９/9/g' \
    -e 's/７/7/g' \
    -e 's/８/8/g' \
    -e 's/４/4/g' \
    -e 's/． */. /g' \
    -e 's/～/\~/g' \
    -e "s/’/\'/g" \
    -e 's/…/\.\.\./g' \
    -e 's/━/\-/g' \
    -e 's/〈/\</g' \
    -e 's/〉/\>/g' \
    -e 's/【/\[/g' \
    -e 's/】/\]/g' \
    -e 's/％/\%/g' |
perl -C -pe  's/(?!\n)\p{C}/ /g;' |
perl -CIOE -pe 's/[\x{2060}\x{200B}\x{feff}]//g' |\
sed 's/  */ /g;s/^ *//g;s/ *$//g' |
${SPMENCODE} --model $2
"""
_OPUS_POSTPROCESS = r"""#!/bin/bash
#
# USAGE postprocess.sh < input > output
#
sed 's/ //g;s/▁/ /g;s/^ *//;s/ *$//'
"""


#: The labels of the real multilingual releases, as their READMEs list them ("valid language labels: …").
#: Helsinki-NLP/Tatoeba-Challenge models/hyx-hyx/README.md (opus4m+btTCv20210807-2021-09-30):
HYX_LABELS = (">>eng<<", ">>hye<<", ">>hye_Latn<<", ">>hyw<<", ">>hyw_Armn<<", ">>hyw_Geor<<", ">>hyw_Latn<<",
              ">>xcl_Armn<<", ">>xcl_Latn<<")
#: models/eng-zle/opusTCv20210807+bt_transformer-big_2022-03-13.yml target-languages (its README's label line
#: is empty, "use-target-labels:" too: the labels are only in the vocabulary).
ZLE_LABELS = (">>bel<<", ">>orv_Cyrl<<", ">>rue<<", ">>rus<<", ">>ukr<<")


def build_opus_mt_release(out_zip: str | Path, *, target: str = "hy", seed: int = 0,
                          labels: tuple[str, ...] = (), list_labels: bool = True) -> Path:
    """Write a tiny Tatoeba-Challenge style release zip (files at the root, as published).

    Contents: `decoder.yml`, a Marian `.npz` with Marian's parameter names and `special:model.yml`,
    a joint `opus.spm4k-spm4k.vocab.yml`, `source.spm` (English) and `target.spm`, README.md and LICENSE.
    `labels` makes it multilingual like hyx-hyx: the `>>id<<` labels are vocabulary entries right after
    `</s>` and `<unk>` (not SentencePiece pieces: the label goes in front of the pieces), and the README says
    "a sentence initial language token is required" and, with `list_labels`, lists them.
    """
    out_zip = Path(out_zip)
    src_spm = train_sentencepiece(news_lines("en", count=200, seed=seed)[:-30], vocab_size=300, user_symbols=[])
    tgt_spm = train_sentencepiece(_TARGET_LINES.get(target, _TARGET_LINES["hy"]) * 20, vocab_size=150,
                                  user_symbols=[])
    vocab = ["</s>", "<unk>", *labels]
    for piece in _pieces(src_spm) + _pieces(tgt_spm):
        if piece not in vocab:
            vocab.append(piece)

    cfg = _MARIAN_CONFIG
    d, f, v = cfg["dim-emb"], cfg["transformer-dim-ffn"], len(vocab)
    init = _Init(seed)
    weights: dict[str, np.ndarray] = {"Wemb": init.linear(v, d)}

    def attention(scope: str) -> None:
        for p in "qkvo":
            weights[f"{scope}_W{p}"] = init.linear(d, d)        # Marian stores (in, out)
            weights[f"{scope}_b{p}"] = init.bias(d)[None, :]
        gamma, beta = init.norm(d)
        weights[f"{scope}_Wo_ln_scale"], weights[f"{scope}_Wo_ln_bias"] = gamma[None, :], beta[None, :]

    def ffn(scope: str) -> None:
        weights[f"{scope}_W1"], weights[f"{scope}_b1"] = init.linear(d, f), init.bias(f)[None, :]
        weights[f"{scope}_W2"], weights[f"{scope}_b2"] = init.linear(f, d), init.bias(d)[None, :]
        gamma, beta = init.norm(d)
        weights[f"{scope}_ffn_ln_scale"], weights[f"{scope}_ffn_ln_bias"] = gamma[None, :], beta[None, :]

    for i in range(1, cfg["enc-depth"] + 1):
        attention(f"encoder_l{i}_self")
        ffn(f"encoder_l{i}_ffn")
    for i in range(1, cfg["dec-depth"] + 1):
        attention(f"decoder_l{i}_self")
        attention(f"decoder_l{i}_context")
        ffn(f"decoder_l{i}_ffn")
    logit_bias = init.bias(v)
    logit_bias[1] = -20.0     # <unk>
    logit_bias[0] = 3.0       # </s>
    weights["decoder_ff_logit_out_b"] = logit_bias[None, :]
    import yaml

    model_yml = yaml.safe_dump(cfg, sort_keys=True).encode("utf-8") + b"\0"
    weights["special:model.yml"] = np.frombuffer(model_yml, dtype=np.int8).copy()

    decoder_yml = {"models": [OPUS_NPZ], "vocabs": [OPUS_VOCAB, OPUS_VOCAB], "beam-size": 6,
                   "normalize": 0.6, "word-penalty": 0, "mini-batch": 1, "maxi-batch": 1,
                   "maxi-batch-sort": "src", "relative-paths": True}
    with tempfile.TemporaryDirectory(prefix="modelgen-opus-") as tmp:
        root = Path(tmp)
        with open(root / OPUS_NPZ, "wb") as fh:
            np.savez(fh, **weights)
        (root / OPUS_VOCAB).write_text(
            "".join(f"{_yaml_token(tok)}: {i}\n" for i, tok in enumerate(vocab)), encoding="utf-8")
        (root / "decoder.yml").write_text(yaml.safe_dump(decoder_yml, sort_keys=False), encoding="utf-8")
        (root / "source.spm").write_bytes(src_spm)
        (root / "target.spm").write_bytes(tgt_spm)
        multi = ("* a sentence initial language token is required in the form of `>>id<<` (id = valid target "
                 "language ID)\n" + (f"* valid language labels: {' '.join(labels)}\n" if list_labels else "")
                 if labels else "")
        (root / "README.md").write_text(
            f"# {out_zip.name} (synthetic)\n\n* dataset: opus\n* model: transformer-align\n"
            f"* source language(s): eng\n* target language(s): {target}\n* model: transformer\n"
            f"* pre-processing: normalization + SentencePiece (spm4k,spm4k)\n{multi}"
            "\nRandom weights (toolkit_dev.modelgen); produces nonsense.\n", encoding="utf-8")
        (root / "preprocess.sh").write_text(_OPUS_PREPROCESS, encoding="utf-8")
        (root / "postprocess.sh").write_text(_OPUS_POSTPROCESS, encoding="utf-8")
        (root / "LICENSE").write_text("Creative Commons Attribution 4.0 International (CC BY 4.0)\n",
                                      encoding="utf-8")
        _write_zip(out_zip, root, "")
    return out_zip



# --- CTranslate2 conversions of Hugging Face multilingual models ---------------------------------------

#: Language codes of the synthetic multilingual vocabularies (a few, with the toolkit's three among them).
M2M_LANGS = ("af", "az", "de", "en", "fr", "hy", "ru", "tr")
MADLAD_LANGS = ("az", "de", "en", "fr", "hy", "hyw", "ru", "tr")

#: What `ct2-transformers-converter` writes into config.json per family (ctranslate2 4.x
#: python/ctranslate2/converters/transformers.py): BartLoader/M2M100Loader.set_config (bos <s>, eos </s>,
#: decoder start </s>); T5Loader.set_config takes bos from the tokenizer's pad_token and the decoder start from
#: config.json's decoder_start_token_id, which for MADLAD-400 are `<s>` and id 0, `<unk>`
#: (huggingface.co/google/madlad400-3b-mt tokenizer_config.json: 0 <unk>, 1 <s>, 2 </s>, pad_token <s>;
#: config.json: decoder_start_token_id 0, pad_token_id 1, eos_token_id 2).
_CT2_CONFIG = {
    "m2m100": {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "decoder_start_token": "</s>"},
    "madlad400": {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "decoder_start_token": "<unk>"},
}


def build_ct2_multilingual(out_dir: str | Path, *, family: str, seed: int = 0, languages: tuple[str, ...] = ()
                           ) -> Path:
    """Write the folder `ct2-transformers-converter --copy_files <the SentencePiece file>` leaves for a
    multilingual Hugging Face model, with random weights: model.bin, config.json, shared_vocabulary.json and
    the SentencePiece model under the name the Hugging Face repository gives it.

    * "m2m100" (facebook/m2m100_418M, whose tokenizer_config.json names bos <s>, eos </s>, pad <pad>, unk <unk>):
      vocabulary `<s> <pad> </s> <unk>` (ids 0-3, and `__en__` … after the pieces, as an M2M100 fine-tune's
      tokenizer_config.json added_tokens_decoder lists them: huggingface.co/buddhist-nlp/mitra-mnt-zh-en),
      the pieces, then the `__xx__`
      language tokens (M2M100Loader.get_vocabulary appends the tokenizer's additional special tokens) and
      `madeupwordN` fillers; the SentencePiece file is `sentencepiece.bpe.model` and knows no language token.
    * "madlad400" (google/madlad400-3b-mt, a T5): vocabulary `<unk> <s> </s>` (its tokenizer_config.json) then
      the SentencePiece pieces, among them the `<2xx>` target tokens (pieces of the model, so "<2hy> text"
      encodes to `<2hy>` first); the file is `sentencepiece.model`; decoding starts from `<unk>` (id 0).
    The weights are a plain pre-norm Transformer, not T5's relative-attention stack: what is real is the file
    layout, the vocabulary and the config tokens, which is what the toolkit reads.
    """
    import ctranslate2  # noqa: F401  (the spec module needs the package)
    from ctranslate2.specs import transformer_spec

    if family not in _CT2_CONFIG:
        raise ValueError(f"family must be one of {', '.join(_CT2_CONFIG)}, not {family!r}")
    out_dir = Path(out_dir)
    shape = SHAPES["tiny"]
    if family == "m2m100":
        langs = languages or M2M_LANGS
        spm_bytes = train_sentencepiece(news_lines("hy", seed=seed), vocab_size=shape.spm_vocab, user_symbols=[])
        vocab = ["<s>", "<pad>", "</s>", "<unk>"] + [p for p in _pieces(spm_bytes) if p not in ("<s>", "</s>")]
        vocab += [f"__{c}__" for c in langs] + [f"madeupword{i}" for i in range(4)]
        spm_name = "sentencepiece.bpe.model"
    else:
        langs = languages or MADLAD_LANGS
        spm_bytes = train_sentencepiece(news_lines("hy", seed=seed), vocab_size=shape.spm_vocab,
                                        user_symbols=[f"<2{c}>" for c in langs])
        vocab = ["<unk>", "<s>", "</s>"] + [p for p in _pieces(spm_bytes) if p not in ("<s>", "</s>")]
        spm_name = "sentencepiece.model"
    spec = transformer_spec.TransformerSpec.from_config(shape.layers, shape.heads, pre_norm=True)
    _fill_transformer(spec, shape, vocab, seed)
    for key, value in _CT2_CONFIG[family].items():
        setattr(spec.config, key, value)
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    spec.optimize(quantization=shape.quantization)
    out_dir.mkdir(parents=True, exist_ok=True)
    spec.save(str(out_dir))
    (out_dir / spm_name).write_bytes(spm_bytes)
    return out_dir
