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

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .engines import ENGINE_NAMES
from .errors import UsageError

MAX_BYTES = 1 << 20
DEFAULT_ENGINES = {"ru": "argos", "az": "argos", "hy": "ctranslate2"}
#: Allowed ranges of the numeric settings (the --hypotheses option allows 1..16 too); 0 threads = CTranslate2's default.
DECODING_RANGES = {"beam_size": (1, 64), "num_hypotheses": (1, 16), "inter_threads": (0, 1024),
                   "intra_threads": (0, 1024), "max_batch_size": (0, 1 << 20)}
#: What CTranslate2 accepts (its `device` and `compute_type` arguments): anything else used to be blamed on the
#: model ("reinstall it") when the translator was built.
DEVICES = ("cpu", "cuda", "auto")
COMPUTE_TYPES = ("default", "auto", "int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16",
                 "bfloat16", "float32")
CHOICES = {"device": DEVICES, "compute_type": COMPUTE_TYPES}
DECODING_KEYS = {"beam_size": int, "num_hypotheses": int, "compute_type": str, "device": str,
                 "inter_threads": int, "intra_threads": int, "max_batch_size": int}


@dataclass(frozen=True, slots=True)
class Config:
    engines: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_ENGINES))
    decoding: dict[str, object] = field(default_factory=dict)
    source: str | None = None      # the file it came from, for messages

    def engine_for(self, lang: str) -> str:
        return self.engines.get(lang, "argos")


def check_device(config: Config, options: dict[str, object], *, probe: bool = True) -> None:
    """The device and compute type a CTranslate2 engine would be built with (the command line's `options`
    over the settings file's) are ones this machine can use: a wrong one names the setting and where it was
    set, not the model. `probe` asks CTranslate2 what this machine has (a GPU, the compute types)."""
    def where(key: str) -> str:
        if key in options:
            return f"--{key.replace('_', '-')} {options[key]}"
        return f"{key} = {config.decoding[key]!r} in {config.source}"

    settings = {**config.decoding, **options}
    for key, allowed in CHOICES.items():
        if key in options and options[key] not in allowed:
            raise UsageError(f"{where(key)}: not a {key.replace('_', ' ')} CTranslate2 knows; choose one of "
                             f"{', '.join(allowed)}")
    if not probe or not ({"device", "compute_type"} & settings.keys()):
        return
    import ctranslate2

    device = str(settings.get("device", "cpu"))
    fix = "use --device cpu" if "device" in options else f"set device = \"cpu\" in {config.source}"
    try:
        gpus = ctranslate2.get_cuda_device_count()
    except RuntimeError:        # a CUDA runtime without a (new enough) driver
        gpus = 0
    if device == "auto":
        device = "cuda" if gpus else "cpu"
    if device == "cuda":
        if gpus == 0:
            raise UsageError(f"{where('device')}: no usable CUDA GPU on this machine (CTranslate2 finds none)",
                             hint=fix)
    compute = str(settings.get("compute_type", "default"))
    if compute in ("default", "auto"):
        return
    try:
        supported = ctranslate2.get_supported_compute_types(device)
    except (RuntimeError, ValueError):
        return
    if compute not in supported:
        raise UsageError(f"{where('compute_type')}: the {device} device here does not support it; it supports "
                         f"{', '.join(sorted(supported))}", hint="choose one of those, or remove the setting")


def load(directory: str | Path = ".") -> Config:
    d = Path(directory)
    own = d / "toolkit.toml"
    if os.path.lexists(own):
        return _parse(_read(own), own, prefix="")
    pyproject = d / "pyproject.toml"
    if os.path.lexists(pyproject):
        tool = _read(pyproject).get("tool", {})
        data = tool.get("toolkit") if isinstance(tool, dict) else None
        if data is not None:
            return _parse({"toolkit": data}, pyproject, prefix="tool.")
    return Config()


def _read(path: Path) -> dict:
    from . import fsutil

    try:
        raw = fsutil.read_regular(path, limit=MAX_BYTES, what="a settings file", error=UsageError)
        return tomllib.loads(raw.decode("utf-8-sig"))    # Windows Notepad starts a UTF-8 file with a BOM
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise UsageError(f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})", path=path, line=line,
                         hint="TOML files are UTF-8: re-save it as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"not valid TOML: {exc}", path=path) from None
    except RecursionError:      # tomllib recurses per nesting level: `a = [[[[…` in a cloned pyproject.toml
        raise UsageError("not usable TOML: arrays or tables nested too deeply", path=path) from None
    except OSError as exc:
        raise UsageError(f"cannot read: {exc.strerror or exc}", path=path) from None


def _table(value: object, name: str, path: Path) -> dict:
    if not isinstance(value, dict):
        raise UsageError(f"[{name}] must be a table, not {_toml_type(value)}", path=path,
                         hint=f"write it as a [{name}] section of key = value lines")
    return value


def _spelling(code: str) -> str | None:
    from . import langs

    try:
        return langs.check_language(code)
    except UsageError:
        return None


def _toml_type(value: object) -> str:
    """"a string", "an integer": the TOML name of a value's type, for messages."""
    return {str: "a string", bool: "a boolean", int: "an integer", float: "a float", list: "an array",
            dict: "a table"}.get(type(value), "a date or time")


#: The tables of [toolkit]; a key not here (`[toolkit.engine]`, a typo) would be a setting silently not applied.
SECTIONS = ("engines", "decoding")


def _parse(data: dict, path: Path, *, prefix: str) -> Config:
    if not prefix:          # toolkit.toml is ours alone: [tolkit.engines] is a typo, not another tool's table
        for key in data:
            if key != "toolkit":
                raise UsageError(f"unknown table [{key}]; the settings go under [toolkit.engines] and "
                                 "[toolkit.decoding]", path=path)
    section = _table(data.get("toolkit", {}), f"{prefix}toolkit", path)
    for key in section:
        if key not in SECTIONS:
            raise UsageError(f"unknown key [{prefix}toolkit.{key}]; known: "
                             + ", ".join(f"[{prefix}toolkit.{s}]" for s in SECTIONS), path=path)
    engines = dict(DEFAULT_ENGINES)
    for lang, name in _table(section.get("engines", {}), f"{prefix}toolkit.engines", path).items():
        if _spelling(lang) != lang:      # `rus = "argos"` would never be looked up: runs ask for "ru"
            better = _spelling(lang)
            raise UsageError(f"[{prefix}toolkit.engines] {lang!r} is not a language code as toolkit writes it"
                             + (f"; write {better!r}" if better else ""), path=path,
                             hint="the keys are the codes --to takes: ru, az, hy")
        if not isinstance(name, str) or name not in ENGINE_NAMES:
            raise UsageError(f"[{prefix}toolkit.engines] {lang} = {name!r}: choose one of {', '.join(ENGINE_NAMES)}",
                             path=path)
        engines[lang] = name
    decoding: dict[str, object] = {}
    for key, value in _table(section.get("decoding", {}), f"{prefix}toolkit.decoding", path).items():
        kind = DECODING_KEYS.get(key)
        if kind is None:
            raise UsageError(f"[{prefix}toolkit.decoding] unknown key {key!r}; known: {', '.join(DECODING_KEYS)}",
                             path=path)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise UsageError(f"[{prefix}toolkit.decoding] {key} must be {_toml_type(kind())}, not "
                             f"{_toml_type(value)}", path=path)
        if key in CHOICES and value not in CHOICES[key]:
            raise UsageError(f"[{prefix}toolkit.decoding] {key} = {value!r} is not one CTranslate2 knows; choose "
                             f"one of {', '.join(CHOICES[key])}", path=path)
        low, high = DECODING_RANGES.get(key, (None, None))
        if low is not None and not low <= value <= high:
            raise UsageError(f"[{prefix}toolkit.decoding] {key} = {value} is out of range; use {low} to {high}",
                             path=path)
        decoding[key] = value
    return Config(engines, decoding, str(path))
