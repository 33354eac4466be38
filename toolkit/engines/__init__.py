"""Machine-translation engines behind one small interface, chosen by name.

Heavy backends (ctranslate2, sentencepiece) are imported only when an engine that needs them is built,
so `toolkit --help` and `toolkit segment` stay instant.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from ..errors import UsageError


@dataclass(frozen=True, slots=True)
class Hypothesis:
    text: str
    score: float | None = None   # the engine's ranking score (higher is better); None if it has none
    logprob: float | None = None  # sum of the target tokens' log-probabilities (end token included), if known
    length: int | None = None    # how many target tokens `logprob` covers: logprob / length is per token


@runtime_checkable
class Engine(Protocol):
    name: str

    def identity(self, target: str) -> str:
        """Engine, model and version used for `target`, e.g. "argos translate-en_ru 1.9"; goes into PO comments
        and the translation-memory key. An engine may also offer `decoding_signature() -> str` (beam size,
        length limits...): settings that change its output, added to the memory's key only."""
        ...

    def translate_batch(self, sources: Sequence[str], target: str, *, num_hypotheses: int = 1,
                        progress: Callable[[int], None] | None = None) -> list[list[Hypothesis]]:
        """Translate all `sources` (English) into `target`: one list of n-best hypotheses per source, best first.
        `progress(n)`, when given, hears how many sources are done (as often as the engine can tell)."""
        ...


#: Engines a user can name (on the command line and in [tool.toolkit.engines]); `auto` means: per language,
#: the one the project config names. `argos` and `ctranslate2` are one engine reading two package layouts.
ENGINE_NAMES = ("argos", "ctranslate2", "pseudo")


def check_engine_name(name: str, *, auto: bool = True) -> str:
    """`name` if it is an engine a user may choose (`auto` too, unless `auto=False`); a UsageError otherwise."""
    choices = ("auto", *ENGINE_NAMES) if auto else ENGINE_NAMES
    if name not in choices:
        raise UsageError(f"unknown engine {name!r}; choose one of: {', '.join(choices)}")
    return name


def get_engine(name: str, **options) -> Engine:
    """Build an engine by name. `auto` is resolved per language by the pipeline, not here."""
    if check_engine_name(name) == "pseudo":
        from .pseudo import PseudoEngine

        return PseudoEngine(**options)
    from .argos import ArgosEngine

    return ArgosEngine(**options)
