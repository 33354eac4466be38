"""What several commands share, defined once: options, the output format, the glossary rule and its note.
Imports only typer at import time, so `--help` stays fast."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

if TYPE_CHECKING:
    from ..glossary import Glossary, GlossaryChoice

FORMATS = ("table", "json")

FormatOpt = Annotated[str, typer.Option("--format", help="table or json.")]
GlossaryOpt = Annotated[Optional[Path], typer.Option(
    "--glossary", "-g", help="Glossary directory or file (default: glossaries/, if there is one).")]
NoGlossaryOpt = Annotated[bool, typer.Option("--no-glossary", help="Work without terminology.")]
LocalesOpt = Annotated[Path, typer.Option("--locales", "-l", help="Where the catalogs live.")]
FollowLinksOpt = Annotated[bool, typer.Option(
    "--follow-links", help="Write catalogs through a locales folder (or a <lang> folder in it) that is a symbolic "
    "link; refused by default, since a cloned repository can point one at another project.")]
EncodingOpt = Annotated[Optional[str], typer.Option("--encoding", help="Encoding of the article (default UTF-8).")]


def check_format(fmt: str) -> str:
    from ..errors import UsageError

    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; use {' or '.join(FORMATS)}")
    return fmt


def choose_glossary(named: Path | None, no_glossary: bool = False) -> GlossaryChoice:
    """`glossary.choose` for commands that can work without terminology."""
    from .. import glossary

    return glossary.choose(named, off=no_glossary)


def load_glossary(named: Path | None, no_glossary: bool = False) -> tuple[Glossary | None, GlossaryChoice]:
    choice = choose_glossary(named, no_glossary)
    return choice.load(), choice


def note_missing_glossary(choice: GlossaryChoice, done: str) -> None:
    """Said after the command's output, so an error stays the only line when there is one."""
    if choice.default_missing:
        typer.echo(f"toolkit: note: no glossaries/ here, {done} without terminology "
                   "(pass --glossary DIR, or --no-glossary to silence this)", err=True)
