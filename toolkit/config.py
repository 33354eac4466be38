"""Per-project settings: which engine translates into which language, and how it decodes.

Read from `toolkit.toml` in the working directory, else from `[tool.toolkit]` in its `pyproject.toml`;
built-in defaults otherwise. Example (either file; in pyproject.toml prefix the tables with `tool.`):

    [toolkit.engines]          # language → engine; "auto" on the command line uses this
    ru = "argos"               # Argos package from the Argos index
    az = "argos"
    hy = "ctranslate2"         # a CTranslate2 model installed for hy (OPUS-MT by default)

    [toolkit.decoding]
    beam_size = 4
    num_hypotheses = 4         # n-best the terminology step chooses among
    compute_type = "int8"      # CPU default; "auto" on GPU
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .engines import ENGINE_NAMES
from .errors import UsageError

DEFAULT_ENGINES = {"ru": "argos", "az": "argos", "hy": "ctranslate2"}
DECODING_KEYS = {"beam_size": int, "num_hypotheses": int, "compute_type": str, "device": str,
                 "inter_threads": int, "intra_threads": int, "max_batch_size": int}


@dataclass(frozen=True, slots=True)
class Config:
    engines: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_ENGINES))
    decoding: dict[str, object] = field(default_factory=dict)
    source: str | None = None      # the file it came from, for messages

    def engine_for(self, lang: str) -> str:
        return self.engines.get(lang, "argos")


def load(directory: str | Path = ".") -> Config:
    d = Path(directory)
    own = d / "toolkit.toml"
    if own.is_file():
        return _parse(_read(own), own, prefix="")
    pyproject = d / "pyproject.toml"
    if pyproject.is_file():
        data = _read(pyproject).get("tool", {}).get("toolkit")
        if data is not None:
            return _parse({"toolkit": data}, pyproject, prefix="tool.")
    return Config()


def _read(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"not valid TOML: {exc}", path=path) from None
    except OSError as exc:
        raise UsageError(f"cannot read: {exc.strerror}", path=path) from None


def _parse(data: dict, path: Path, *, prefix: str) -> Config:
    section = data.get("toolkit", {})
    engines = dict(DEFAULT_ENGINES)
    for lang, name in section.get("engines", {}).items():
        if name not in ENGINE_NAMES:
            raise UsageError(f"[{prefix}toolkit.engines] {lang} = {name!r}: choose one of {', '.join(ENGINE_NAMES)}",
                             path=path)
        engines[lang] = name
    decoding: dict[str, object] = {}
    for key, value in section.get("decoding", {}).items():
        kind = DECODING_KEYS.get(key)
        if kind is None:
            raise UsageError(f"[{prefix}toolkit.decoding] unknown key {key!r}; known: {', '.join(DECODING_KEYS)}",
                             path=path)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise UsageError(f"[{prefix}toolkit.decoding] {key} must be a {kind.__name__}", path=path)
        decoding[key] = value
    return Config(engines, decoding, str(path))
