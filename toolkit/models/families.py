"""Which multilingual family a model belongs to, read from its vocabulary, and the language token it needs.

One model often serves many target languages; it then has to be told which one, and each family does it its
own way (what reaches CTranslate2, per family; the real sources each follows are named):

* `opus-mt`: `>>hye<<` + pieces. Tatoeba-Challenge release READMEs: "a sentence initial language token is
  required in the form of `>>id<<`", "valid language labels: >>eng<< >>hye<< …" (models/hyx-hyx/README.md);
  the labels are entries of the Marian vocab.yml, so of the converted vocabulary.
* `nllb`: `eng_Latn` + pieces + `</s>`, target prefix `hye_Armn`. NllbTokenizer puts src_lang first and
  `</s>` last; CTranslate2's NLLB guide passes the target code as `target_prefix`.
* `m2m100`: `__en__` + pieces + `</s>`, target prefix `__hy__`. M2M100Tokenizer's prefix and suffix tokens;
  ctranslate2/converters/transformers.py `M2M100Loader.get_vocabulary` appends the `__xx__` tokens.
* `madlad400`: `<2hy>` + pieces + `</s>`, no target prefix. MADLAD-400 (a T5) reads the target as `<2xx>` in
  front of the source text; its T5Tokenizer appends `</s>` (google/madlad400-3b-mt tokenizer_config.json).
* `single`: pieces only; one target, nothing to add.

The family is detected from the vocabulary CTranslate2 loads, so a model copied in by hand is driven right
too; a label the user or the catalogue names must be in that vocabulary, and a missing or wrong one is a
one-line ModelError that lists the valid ones.
"""
from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import ModelError
from ..langs import NLLB_CODES

#: The Tatoeba (ISO 639-3, with script) labels that mean each toolkit language, best first.
#: hy: Eastern Armenian `hye` (not Western `hyw` or Classical `xcl`, which hyx-hyx also offers).
#: az: North Azerbaijani in Latin script, as OPUS-MT eng-trk names it (models/eng-trk/README.md).
OPUS_LABELS = {"hy": ("hye",), "ru": ("rus",), "az": ("aze_Latn", "azj_Latn", "aze", "azj"), "en": ("eng",)}

_OPUS_LABEL = re.compile(r">>[a-z]{2,3}(?:_[A-Za-z]{4})?<<")
_M2M_LABEL = re.compile(r"__[a-z]{2,3}__")
_MADLAD_LABEL = re.compile(r"<2[A-Za-z_-]{2,12}>")
_README_LABELS = re.compile(r"valid language labels:\s*(.*)", re.I)

FAMILIES = ("opus-mt", "nllb", "m2m100", "madlad400", "single")


@dataclass(frozen=True, slots=True)
class LanguageTokens:
    """What one family adds around the SentencePiece pieces for one target language."""
    family: str
    source_prefix: tuple[str, ...] = ()
    source_suffix: tuple[str, ...] = ()
    target_prefix: str | None = None

    @property
    def token(self) -> str | None:
        """The one token that names the target language (what the catalogue calls its target token)."""
        if self.target_prefix:
            return self.target_prefix
        return self.source_prefix[0] if self.family in ("opus-mt", "madlad400") and self.source_prefix else None

    def metadata(self) -> dict:
        """The metadata.json fields the engine reads."""
        meta: dict = {"family": self.family}
        if self.source_prefix:
            meta["source_prefix"] = list(self.source_prefix)
        if self.source_suffix:
            meta["source_suffix"] = list(self.source_suffix)
        if self.target_prefix:
            meta["target_prefix"] = self.target_prefix
        return meta


def vocabulary(model_dir: Path) -> set[str]:
    """Every token of the CTranslate2 model's vocabularies (json since CTranslate2 3.0, txt before)."""
    tokens: set[str] = set()
    for name in ("shared_vocabulary.json", "source_vocabulary.json", "target_vocabulary.json"):
        file = model_dir / name
        if file.is_file():
            with contextlib.suppress(OSError, ValueError, TypeError, RecursionError):
                tokens.update(json.loads(file.read_text(encoding="utf-8")))
    for name in ("shared_vocabulary.txt", "source_vocabulary.txt", "target_vocabulary.txt"):
        file = model_dir / name
        if file.is_file():
            with contextlib.suppress(OSError):
                tokens.update(file.read_text(encoding="utf-8", errors="replace").splitlines())
    return tokens


def readme_labels(text: str) -> tuple[str, ...]:
    """The `>>id<<` labels a Tatoeba-Challenge README lists on its "valid language labels:" line."""
    match = _README_LABELS.search(text or "")
    return tuple(_OPUS_LABEL.findall(match.group(1))) if match else ()


def family_of(vocab: set[str]) -> str:
    """The family a vocabulary belongs to (see the table above)."""
    if any(_OPUS_LABEL.fullmatch(t) for t in vocab):
        return "opus-mt"
    if NLLB_CODES["en"] in vocab and sum(t in vocab for t in NLLB_CODES.values()) >= 2:
        return "nllb"
    if "__en__" in vocab and sum(bool(_M2M_LABEL.fullmatch(t)) for t in vocab) >= 2:
        return "m2m100"
    if "<2en>" in vocab and sum(bool(_MADLAD_LABEL.fullmatch(t)) for t in vocab) >= 2:
        return "madlad400"
    return "single"


def _valid(family: str, vocab: set[str], listed: tuple[str, ...]) -> list[str]:
    if family == "opus-mt":
        return list(listed) or sorted(t for t in vocab if _OPUS_LABEL.fullmatch(t))
    if family == "nllb":
        return sorted(t for t in vocab if re.fullmatch(r"[a-z]{3}_[A-Z][a-z]{3}", t))
    if family == "m2m100":
        return sorted(t for t in vocab if _M2M_LABEL.fullmatch(t))
    if family == "madlad400":
        return sorted(t for t in vocab if _MADLAD_LABEL.fullmatch(t))
    return []


def _candidates(family: str, lang: str) -> list[str]:
    if family == "opus-mt":
        return [f">>{label}<<" for label in OPUS_LABELS.get(lang, (lang,))]
    if family == "nllb":
        return [NLLB_CODES[lang]] if lang in NLLB_CODES else []
    if family == "m2m100":
        return [f"__{lang}__"]
    if family == "madlad400":
        return [f"<2{lang}>"]
    return []


def _shown(labels: list[str], limit: int = 24) -> str:
    more = f" … ({len(labels)} in all)" if len(labels) > limit else ""
    return " ".join(labels[:limit]) + more


def detect(model_dir: Path, lang: str, *, token: str | None = None, expected: str | None = None,
           readme: str = "", config: dict | None = None, where: Path | str | None = None) -> LanguageTokens:
    """The tokens that make the model in `model_dir` translate English into `lang`.

    `token` is a label the user insists on (`--target-token`: it must be valid); `expected` the one the
    catalogue expects, tried first (a one-language model simply has none); `readme` the release's
    README text, whose "valid language labels:" line is the authority for OPUS-MT; `config` the model's
    config.json (a model that already appends `</s>` itself, `add_source_eos`, gets no suffix).
    """
    vocab = vocabulary(model_dir)
    family = family_of(vocab)
    listed = readme_labels(readme)
    where = where or model_dir
    if family == "single":
        if token:
            raise ModelError(f"the model has no language labels, so --target-token {token} cannot apply; it "
                             "translates into one language only", path=where, hint="drop --target-token")
        return LanguageTokens("single")
    valid = _valid(family, vocab, listed)
    if token is not None:
        if token not in vocab or (listed and family == "opus-mt" and token not in listed):
            raise ModelError(f"{token} is not a target label of this {family} model; valid labels: "
                             f"{_shown(valid)}", path=where, hint="pass one of them with --target-token")
        chosen = token
    else:
        candidates = ([expected] if expected else []) + _candidates(family, lang)
        chosen = next((c for c in candidates if c in vocab and (not listed or c in listed)), None)
        if chosen is None:
            raise ModelError(f"this {family} model has no target label for {lang} "
                             f"({' or '.join(_candidates(family, lang)) or 'none known'}); valid labels: "
                             f"{_shown(valid)}", path=where,
                             hint="pass the right one with --target-token, or install another model")
    eos = () if (config or {}).get("add_source_eos") else ("</s>",)
    if family == "opus-mt":
        return LanguageTokens(family, source_prefix=(chosen,))
    if family == "nllb":
        return LanguageTokens(family, source_prefix=(NLLB_CODES["en"],), source_suffix=eos, target_prefix=chosen)
    if family == "m2m100":
        return LanguageTokens(family, source_prefix=("__en__",), source_suffix=eos, target_prefix=chosen)
    return LanguageTokens(family, source_prefix=(chosen,), source_suffix=eos)


def check(model_dir: Path, tokens: list[str], *, where: Path | str) -> None:
    """Every language token metadata.json names must be in the model's vocabulary (a hand-edited or wrong
    label would otherwise become `<unk>` and the model would translate into some other language)."""
    if not tokens:
        return
    vocab = vocabulary(model_dir)
    if not vocab:
        return
    missing = [t for t in tokens if t not in vocab]
    if missing:
        family = family_of(vocab)
        raise ModelError(f"metadata.json names {' '.join(missing)}, which the model's vocabulary does not have; "
                         f"valid labels: {_shown(_valid(family, vocab, ())) or 'none (a one-language model)'}",
                         path=where, hint="fix source_prefix/target_prefix in metadata.json, or reinstall")
