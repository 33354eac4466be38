"""Which model to install for each target language, where it comes from, its licence and its published score.

Every field comes from a release file that was read (named in `source_files`); nothing is guessed. Scores are
FLORES-200 devtest, English→target, sacrebleu chrF2 × 100 (`chrF2|nrefs:1|case:mixed|eff:yes|nc:6|nw:0|
space:no|version:2.3.1`) and BLEU (tok 13a), unless `score_test` says otherwise. The weights themselves were
never downloaded here: sizes are the publishers' own figures (the `.info` files of OPUS-MT-leaderboard), and
the licence a release states is read again from its own LICENSE when it is installed.

Routes: `opus-mt` downloads a Tatoeba-Challenge release zip and converts it locally (numpy + pyyaml, no
torch); `argos-index` takes the package the Argos index names; `convert` has no file to fetch: the model must
be converted by hand with `ct2-transformers-converter` (transformers + torch) and installed from its folder.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import UsageError

LEADERBOARD = "Helsinki-NLP/OPUS-MT-leaderboard"
EXTERNAL = "Helsinki-NLP/External-MT-leaderboard"
CHALLENGE = "Helsinki-NLP/Tatoeba-Challenge"
FLORES = "FLORES-200 devtest"


@dataclass(frozen=True, slots=True)
class Choice:
    lang: str
    name: str                     # what `--model NAME` takes
    default: bool
    route: str                    # "opus-mt" | "argos-index" | "convert"
    url: str | None               # the file to download; None when there is none to fetch (route "convert")
    licence: str                  # as the release states it, or "not stated"
    architecture: str
    parameters: str | None        # as the publisher counts them
    size: str | None              # download size as published
    target_token: str | None      # the label or prefix the model needs for `lang`
    score: float | None           # chrF2 × 100 on `score_test`
    bleu: float | None
    score_test: str | None
    score_source: str | None      # repository:path of the file the score was read from
    source_files: tuple[str, ...] = ()   # every file the other fields were read from
    why: str = ""                 # why it is (not) the default
    convert_from: str | None = None      # route "convert": the Hugging Face model to convert

    def as_json(self) -> dict:
        return {"lang": self.lang, "name": self.name, "default": self.default, "route": self.route,
                "url": self.url, "licence": self.licence, "architecture": self.architecture,
                "parameters": self.parameters, "size": self.size, "target_token": self.target_token,
                "score": self.score, "bleu": self.bleu, "score_test": self.score_test,
                "score_source": self.score_source, "source_files": list(self.source_files), "why": self.why,
                "convert_from": self.convert_from}


_HYX = "models/Tatoeba-MT-models/hyx-hyx/opus4m+btTCv20210807-2021-09-30"
_HYE = "models/Tatoeba-MT-models/eng-hye/opus-2020-06-16"
_ZLE = "models/Tatoeba-MT-models/eng-zle/opusTCv20210807+bt_transformer-big_2022-03-13"
_NLLB_WHY = "CC-BY-NC-4.0 (non-commercial): never a default"

CHOICES: tuple[Choice, ...] = (
    # --- Armenian ------------------------------------------------------------------------------------
    Choice("hy", "opus-mt-hyx-hyx", True, "opus-mt",
           "https://object.pouta.csc.fi/Tatoeba-MT-models/hyx-hyx/opus4m+btTCv20210807-2021-09-30.zip",
           "CC-BY-4.0", "transformer (base), multilingual eng/hye/hyw/xcl", "63.1M", "241 MB", ">>hye<<",
           47.5, 13.2, FLORES, f"{LEADERBOARD}:{_HYX}/flores200-devtest.eng-hye.eval",
           (f"{CHALLENGE}:models/hyx-hyx/README.md", f"{CHALLENGE}:models/hyx-hyx/opus4m+btTCv20210807-2021-09-30.yml",
            f"{LEADERBOARD}:{_HYX}.info", f"{LEADERBOARD}:{_HYX}/flores200-devtest.eng-hye.eval"),
           "10.6 chrF above eng-hye at the same size and the same conversion path (COMET +0.26 against -0.10)"),
    Choice("hy", "opus-mt-eng-hye", False, "opus-mt",
           "https://object.pouta.csc.fi/Tatoeba-MT-models/eng-hye/opus-2020-06-16.zip",
           "CC-BY-4.0", "transformer-align (base), English→Armenian only", None, None, None,
           36.9, 7.8, FLORES, f"{LEADERBOARD}:{_HYE}/flores200-devtest.eng-hye.eval",
           (f"{CHALLENGE}:models/eng-hye/README.md", f"{LEADERBOARD}:{_HYE}/flores200-devtest.eng-hye.eval"),
           "the previous default; kept installable"),
    Choice("hy", "nllb-200-distilled-600M", False, "convert", None, "CC-BY-NC-4.0",
           "NLLB-200 (M2M100 architecture), 200 languages", "600M", None, "hye_Armn",
           51.1, None, FLORES, f"{EXTERNAL}:scores/eng-hye/flores200-devtest/chrf-scores.txt",
           (f"{EXTERNAL}:scores/eng-hye/flores200-devtest/chrf-scores.txt",), _NLLB_WHY,
           "facebook/nllb-200-distilled-600M"),
    Choice("hy", "nllb-200-3.3B", False, "convert", None, "CC-BY-NC-4.0",
           "NLLB-200 (M2M100 architecture), 200 languages", "3.3B", None, "hye_Armn",
           52.6, None, FLORES, f"{EXTERNAL}:scores/eng-hye/flores200-devtest/chrf-scores.txt",
           (f"{EXTERNAL}:scores/eng-hye/flores200-devtest/chrf-scores.txt",), _NLLB_WHY, "facebook/nllb-200-3.3B"),
    # --- Russian -------------------------------------------------------------------------------------
    Choice("ru", "opus-mt-tc-big-en-zle", True, "opus-mt",
           "https://object.pouta.csc.fi/Tatoeba-MT-models/eng-zle/opusTCv20210807+bt_transformer-big_2022-03-13.zip",
           "CC-BY-4.0", "transformer-big, English→East Slavic (bel, orv_Cyrl, rue, rus, ukr)", "239.5M", "914 MB",
           ">>rus<<", 59.7, 32.7, FLORES, f"{LEADERBOARD}:{_ZLE}/flores200-devtest.eng-rus.eval",
           (f"{CHALLENGE}:models/eng-zle/opusTCv20210807+bt_transformer-big_2022-03-13.yml",
            f"{LEADERBOARD}:{_ZLE}.info", f"{LEADERBOARD}:{_ZLE}/flores200-devtest.eng-rus.eval"),
           "the best published en→ru score of any licence (NLLB-200 3.3B: 56.3); about 4× the CPU time of a "
           "base model (bench/pipeline.py --shapes: big/base=0.25 sentences/s), worth it for post-editing"),
    Choice("ru", "translate-en_ru", False, "argos-index", "https://argos-net.com/v1/translate-en_ru-1_9.argosmodel",
           "not stated", "transformer (base), OpenNMT-py via Locomotive", None, None, None,
           None, None, None, None,
           ("argosopentech/argospm-index:index.json",),
           "the previous default; not scored anywhere (the older OPUS-MT en-ru scores 53.6), the index states "
           "no licence"),
    Choice("ru", "nllb-200-3.3B", False, "convert", None, "CC-BY-NC-4.0",
           "NLLB-200 (M2M100 architecture), 200 languages", "3.3B", None, "rus_Cyrl",
           56.3, None, FLORES, f"{EXTERNAL}:scores/eng-rus/flores200-devtest/chrf-scores.txt",
           (f"{EXTERNAL}:scores/eng-rus/flores200-devtest/chrf-scores.txt",), _NLLB_WHY, "facebook/nllb-200-3.3B"),
    # --- Azerbaijani ---------------------------------------------------------------------------------
    Choice("az", "translate-en_az", True, "argos-index", "https://argos-net.com/v1/translate-en_az-1_5.argosmodel",
           "not stated", "transformer (base), OpenNMT-py via argos-train (CTranslate2 2.x)", None, None, None,
           None, None, None, None,
           ("argosopentech/argospm-index:index.json",),
           "no permissive model has a FLORES-200 score; none of the alternatives has a score read here that "
           "compares with it, so the installed default stays"),
    Choice("az", "opus-mt-eng-trk", False, "opus-mt",
           "https://object.pouta.csc.fi/Tatoeba-MT-models/eng-trk/opus-2020-06-28.zip",
           "CC-BY-4.0", "transformer (base), English→23 Turkic languages", None, None, ">>aze_Latn<<",
           56.3, 26.4, "Tatoeba-test eng-aze (short sentences; not comparable with FLORES-200)",
           f"{CHALLENGE}:models/eng-trk/README.md", (f"{CHALLENGE}:models/eng-trk/README.md",),
           "permissive and multilingual, but scored only on Tatoeba's short sentences"),
    Choice("az", "nllb-200-3.3B", False, "convert", None, "CC-BY-NC-4.0",
           "NLLB-200 (M2M100 architecture), 200 languages", "3.3B", None, "azj_Latn",
           45.3, None, FLORES, f"{EXTERNAL}:scores/eng-azj/flores200-devtest/chrf-scores.txt",
           (f"{EXTERNAL}:scores/eng-azj/flores200-devtest/chrf-scores.txt",), _NLLB_WHY, "facebook/nllb-200-3.3B"),
    Choice("az", "opus-mt-tc-bible-big-deu_eng_fra_por_spa-trk", False, "convert", None, "Apache-2.0",
           "transformer-big (Marian), deu/eng/fra/por/spa→27 Turkic languages", None, None, ">>aze_Latn<<",
           None, None, None, None,
           ("huggingface.co/Helsinki-NLP/opus-mt-tc-bible-big-deu_eng_fra_por_spa-trk (model page: License "
            "apache-2.0)",),
           "permissive; issue 20 cites NTREX-128 chrF 47.6 for it, but no score file of it could be read here, so "
           "none is listed; published as a Hugging Face model, so it is converted by hand",
           "Helsinki-NLP/opus-mt-tc-bible-big-deu_eng_fra_por_spa-trk"),
)


def choices(lang: str | None = None) -> list[Choice]:
    """The catalogue, or one language's part of it; the default first."""
    picked = [c for c in CHOICES if lang is None or c.lang == lang]
    return sorted(picked, key=lambda c: (c.lang, not c.default))


def default(lang: str) -> Choice | None:
    return next((c for c in CHOICES if c.lang == lang and c.default), None)


def choice(lang: str, name: str | None = None) -> Choice | None:
    """The named choice for `lang` (UsageError naming the choices if there is none), else the default."""
    if name is None:
        return default(lang)
    for c in CHOICES:
        if c.lang == lang and c.name == name:
            return c
    other = next((c for c in CHOICES if c.name == name), None)
    if other is not None:
        raise UsageError(f"{name} is a {other.lang} model, not a {lang} one",
                         hint=f"`toolkit models install {other.lang} --model {name}`")
    names = ", ".join(c.name for c in choices(lang)) or "none"
    raise UsageError(f"no model {name!r} for {lang} in the catalogue; choose one of: {names}",
                     hint=f"`toolkit models list --available --lang {lang}` shows them")


#: The OPUS-MT release each language's default downloads (where `models install hy` goes).
OPUS_MT_URLS = {c.lang: c.url for c in CHOICES if c.default and c.route == "opus-mt" and c.url}
