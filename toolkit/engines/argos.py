"""Translate with installed Argos packages (or registered CTranslate2 models) through CTranslate2 directly.

We use the package format, never `argostranslate.translate`: no sentence splitting (the pipeline has
segmented already), no stanza/torch, one `translate_batch` call for all sources, and SentencePiece
decoding that keeps underscores (Argos turns every `_` into a space).
"""
from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import models
from ..errors import ModelError, UsageError
from . import Hypothesis

SPM_SPACE = "\u2581"   # SentencePiece's word-boundary mark "▁"


# OPUS-MT-train scripts/preprocess-spm.sh, the preprocess.sh shipped in every Tatoeba-Challenge release
# (eng-hye opus-2020-06-16 included): the sed table, then control characters to spaces, zero-width characters
# removed, runs of spaces squeezed and the ends trimmed. The model was trained on text normalised this way, so
# the same must happen before SentencePiece. Kept as the script has it, `１` → `"` included (a slip in the
# original that training data went through; fullwidth digits do not occur in English news).
_OPUS_MT_TABLE = [
    ("，", ","), ("、", ","), ("”", '"'), ("“", '"'), ("∶", ":"), ("：", ":"), ("？", "?"), ("《", '"'),
    ("》", '"'), ("）", ")"), ("！", "!"), ("（", "("), ("；", ";"), ("１", '"'), ("」", '"'), ("「", '"'),
    ("０", "0"), ("３", "3"), ("２", "2"), ("５", "5"), ("６", "6"), ("９", "9"), ("７", "7"), ("８", "8"),
    ("４", "4"), ("～", "~"), ("’", "'"), ("…", "..."), ("━", "-"), ("〈", "<"), ("〉", ">"), ("【", "["),
    ("】", "]"), ("％", "%"),
]
_OPUS_MT_DOTS = re.compile(r"[。．] *")          # s/。 */. /g and s/． */. /g


def opus_mt_normalize(text: str) -> str:
    """What the release's preprocess.sh does to a line before `spm_encode` (see the table above)."""
    import unicodedata

    text = _OPUS_MT_DOTS.sub(". ", text)
    for old, new in _OPUS_MT_TABLE:
        text = text.replace(old, new)
    # perl 's/(?!\n)\p{C}/ /g': every "Other" character (controls, format, private use, unassigned) to a
    # space; then 's/[\x{2060}\x{200B}\x{feff}]//g' can no longer match (they are \p{Cf}, already spaces).
    text = "".join(" " if unicodedata.category(ch)[0] == "C" and ch != "\n" else ch for ch in text)
    return re.sub(r" {2,}", " ", text).strip(" ")


class _Tokenizer:
    """Source encoding and target decoding for one package."""

    def __init__(self, model: models.InstalledModel) -> None:
        self.bpe = None
        self.sp_source = self.sp_target = None
        src = model.tokenizer_path
        try:
            if src.name == "bpe.model":
                from argostranslate.tokenizer import BPETokenizer

                self.bpe = BPETokenizer(str(src), model.source, model.target)
            else:
                import sentencepiece as spm

                self.sp_source = spm.SentencePieceProcessor(model_file=str(src))
                tgt = model.target_tokenizer_path
                self.sp_target = (self.sp_source if tgt == src
                                  else spm.SentencePieceProcessor(model_file=str(tgt)))
        except (OSError, RuntimeError, ImportError) as exc:
            raise ModelError(f"cannot load the tokenizer: {exc}", path=src,
                             hint=f"reinstall the model: `toolkit models install {model.target}`") from exc

    def encode(self, text: str) -> list[str]:
        if self.bpe is not None:
            return self.bpe.encode(text)
        return self.sp_source.encode(text, out_type=str)

    def decode(self, tokens: list[str]) -> str:
        if self.bpe is not None:
            return self.bpe.decode(tokens).strip()
        # Pieces unknown to the target model (e.g. copied source pieces) come back verbatim with their "▁".
        return self.sp_target.decode(tokens).replace(SPM_SPACE, " ").strip()


def default_threads(device: str, inter: int | None, intra: int | None) -> tuple[int, int]:
    """On CPU, one single-threaded translator replica per core (up to 4) by default: sub-batches of 16 then
    decode in parallel, which beat one replica using every core by ~30% on 2 cores (bench/pipeline.py
    sweeps both). Whatever the user sets explicitly wins."""
    if device != "cpu":
        return inter or 1, intra or 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if inter is None:
        inter = max(1, min(cores, 4)) if intra is None else 1 if intra == 0 else max(1, cores // intra)
    if intra is None:
        intra = max(1, cores // inter)
    return inter, intra


@dataclass(slots=True)
class _Loaded:
    model: models.InstalledModel
    translator: object          # ctranslate2.Translator
    tokenizer: _Tokenizer


class ArgosEngine:
    """English→target with the installed model for each target; one CTranslate2 Translator per model."""

    name = "argos"

    def __init__(self, models_dir: str | Path | None = None, device: str = "cpu", compute_type: str | None = None,
                 beam_size: int = 4, max_decoding_length: int | None = None, inter_threads: int | None = None,
                 intra_threads: int | None = None, max_batch_size: int = 16, length_penalty: float = 0.2,
                 min_decoding_length: int = 0, **_ignored: object) -> None:
        if beam_size < 1:
            raise UsageError(f"beam size must be at least 1, not {beam_size}")
        self.models_dir = models_dir
        self.device = device
        self.compute_type = compute_type or ("int8" if device == "cpu" else "auto")
        self.beam_size = beam_size
        self.max_decoding_length = max_decoding_length
        # Only benchmarks set this (equal to max): random weights then decode as many steps as a real model.
        self.min_decoding_length = min_decoding_length
        self.inter_threads, self.intra_threads = default_threads(device, inter_threads, intra_threads)
        self.max_batch_size = max_batch_size
        self.length_penalty = length_penalty   # what argostranslate passes
        self._loaded: dict[str, _Loaded] = {}

    def decoding_signature(self) -> str:
        """What besides the model decides the output: for the translation memory's key."""
        return (f"beam {self.beam_size}, length penalty {self.length_penalty}, "
                f"max length {self.max_decoding_length or 'auto'}, min length {self.min_decoding_length}")

    def identity(self, target: str) -> str:
        model = self._load(target).model
        return f"{model.kind} {model.label} ({self.compute_type})"

    def translate_batch(self, sources: Sequence[str], target: str, *, num_hypotheses: int = 1,
                        progress: Callable[[int], None] | None = None) -> list[list[Hypothesis]]:
        """`progress(n)`, if given, hears how many of `sources` are done as sub-batches finish."""
        if num_hypotheses < 1:
            raise UsageError(f"num_hypotheses must be at least 1, not {num_hypotheses}")
        results: list[list[Hypothesis]] = [[Hypothesis("", 0.0)] for _ in sources]
        todo = [i for i, s in enumerate(sources) if s.strip()]
        if not todo:
            return results
        loaded = self._load(target)
        model, tok = loaded.model, loaded.tokenizer
        prepare = opus_mt_normalize if model.preprocess == "opus-mt-normalize" else str
        encoded = {i: model.source_prefix + tok.encode(prepare(sources[i])) + model.source_suffix for i in todo}
        todo.sort(key=lambda i: len(encoded[i]))          # similar lengths share a batch: less padding
        batch = [encoded[i] for i in todo]
        prefix = model.target_prefix
        longest = max(len(toks) for toks in batch)
        max_len = self.max_decoding_length or min(256, 2 * longest + 10)
        outputs = loaded.translator.translate_batch(
            batch,
            target_prefix=[[prefix] for _ in batch] if prefix else None,
            max_batch_size=self.max_batch_size, batch_type="examples",
            beam_size=max(self.beam_size, num_hypotheses), num_hypotheses=num_hypotheses,
            length_penalty=self.length_penalty, replace_unknowns=True, return_scores=True,
            max_decoding_length=max_len + (1 if prefix else 0),
            min_decoding_length=(self.min_decoding_length + (1 if prefix else 0)) if self.min_decoding_length else 1,
            **({"asynchronous": True} if progress else {}),
        )
        if progress:
            # The same decoding, one future per source: sub-batches finish in the sorted order, so waiting on
            # them in order reports progress without splitting the batch (which would idle a core per split).
            skipped = len(sources) - len(todo)
            waited = []
            for k, future in enumerate(outputs, 1):
                waited.append(future.result())
                if k % self.max_batch_size == 0 or k == len(outputs):
                    progress(skipped + k)
            outputs = waited
        for i, out in zip(todo, outputs, strict=True):
            hyps = []
            for tokens, score in zip(out.hypotheses, out.scores, strict=True):
                forced = 1 if prefix and tokens and tokens[0] == prefix else 0
                logprob, length = self._log_probability(float(score), len(tokens), forced, max_len)
                tokens = tokens[forced:]
                hyps.append(Hypothesis(tok.decode(tokens), float(score), logprob, length))
            hyps.sort(key=lambda h: h.score, reverse=True)
            results[i] = hyps
        return results

    def _log_probability(self, score: float, returned: int, forced: int,
                         max_len: int) -> tuple[float | None, int | None]:
        """The hypothesis's total log-probability and the number of tokens it covers, from CTranslate2's score.

        CTranslate2 (src/decoding.cc, finalize_hypothesis_score) returns the cumulative log-probability of the
        decoded tokens divided by length ** length_penalty. In CTranslate2 4 that length counts the returned
        tokens (a target prefix included, forced at log-probability 0) and the end token, which is not returned
        but is decoded, and scored, unless decoding stopped at the length limit. Undo the division.
        tests/test_confidence.py checks the result against `score_batch` on a generated model.
        """
        if not returned or not math.isfinite(score):
            return None, None
        generated = returned - forced
        ended = 1 if generated < max_len else 0
        return score * (returned + ended) ** self.length_penalty, generated + ended

    def _load(self, target: str) -> _Loaded:
        if target in self._loaded:
            return self._loaded[target]
        model = models.resolve(target, self.models_dir)
        for other in self._loaded.values():        # one Translator per model, even if shared by targets
            if other.model.path == model.path:
                self._loaded[target] = other
                return other
        import ctranslate2

        try:
            translator = ctranslate2.Translator(str(model.model_dir), device=self.device,
                                                compute_type=self.compute_type,
                                                inter_threads=self.inter_threads, intra_threads=self.intra_threads)
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(f"cannot load the CTranslate2 model: {exc}", path=model.model_dir,
                             hint=f"reinstall it: `toolkit models install {target}`"
                             ) from exc
        loaded = _Loaded(model, translator, _Tokenizer(model))
        self._loaded[target] = loaded
        return loaded
