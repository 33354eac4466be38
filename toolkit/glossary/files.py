"""Which glossary files load, in which order (a later file wins), each read by its format."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import GlossaryError
from .matching import Glossary
from .model import Concept

GLOSSARY_SUFFIXES = (".tsv", ".csv", ".tbx")
DEFAULT_DIR = Path("glossaries")


@dataclass(frozen=True, slots=True)
class GlossaryChoice:
    path: Path | None              # what to load; None: work without terminology
    default_missing: bool = False  # nothing was named and there is no glossaries/ here: say so, then go on

    def load(self) -> Glossary | None:
        return load(self.path) if self.path is not None else None


def choose(named: str | Path | None, *, off: bool = False, required: bool = False) -> GlossaryChoice:
    """The one rule every command follows: a glossary named must exist; none named means `glossaries/`
    if there is one, else no terminology (the caller notes it), or an error when the command needs one
    (`required`, the glossary commands); `off` (--no-glossary) means none."""
    if off:
        return GlossaryChoice(None)
    path = Path(named) if named is not None else DEFAULT_DIR
    if path.exists():
        return GlossaryChoice(path)
    if named is not None or required:
        raise GlossaryError("no such glossary file or directory", path=path, hint="check --glossary")
    return GlossaryChoice(None, default_missing=True)


def glossary_files(paths: str | Path | Sequence[str | Path]) -> list[Path]:
    """The files `load` reads, in precedence order (last wins)."""
    files: list[Path] = []
    for p in [paths] if isinstance(paths, (str, Path)) else paths:
        p = Path(p)
        if p.is_dir():
            # Everything named like a glossary but a folder: a FIFO, a device or a dangling link named *.tsv is
            # refused by its reader, naming it, as when it is named directly (skipping it would drop its terms
            # without a word).
            files.extend(sorted(f for f in p.iterdir() if f.suffix.lower() in GLOSSARY_SUFFIXES and not f.is_dir()))
        elif p.exists():        # a FIFO or a device given by name is refused by the reader, not called missing
            files.append(p)
        else:
            raise GlossaryError("no such glossary file or directory", path=p, hint="check --glossary")
    return files


def load(paths: str | Path | Sequence[str | Path]) -> Glossary:
    """Load glossary directories and files; later ones take precedence (see the module docstring)."""
    files = glossary_files(paths)
    concepts: list[Concept] = []
    for f in files:
        concepts.extend(read_file(f))
    return Glossary(concepts, [str(f) for f in files])


def read_file(path: str | Path) -> list[Concept]:
    path = Path(path)
    if path.suffix.lower() == ".tbx":
        from . import tbx

        return tbx.read(path)
    from . import tsv

    return tsv.read(path)
