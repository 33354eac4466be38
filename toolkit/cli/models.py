"""`toolkit models ...`: list, install, remove translation models. Thin: parse, call toolkit.models, print."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from .options import FormatOpt, check_format

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None,
                  help="Manage offline translation models (Argos packages, CTranslate2, OPUS-MT).\n\n"
                       "Example:  toolkit models install ru")

ModelsDirOpt = Annotated[Optional[Path], typer.Option(
    "--models-dir", help="Models directory (default: $TOOLKIT_MODELS_DIR or the user data dir).")]


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n / 1e3:.0f} kB"


@app.command("list")
def list_models(
    fmt: FormatOpt = "table",
    models_dir: ModelsDirOpt = None,
) -> None:
    """Show the installed models: language pair, name, version, kind, licence (or where to find it), size,
    checksum (SHA-256 of the installed files; json also has the archive's) and source (URL or file).

    Example:  toolkit models list --format json
    """
    from rich.console import Console
    from rich.table import Table

    from .. import models

    check_format(fmt)
    installed = models.list_installed(models_dir)
    if fmt == "json":
        rows = [{"source": m.source, "target": m.target, "name": m.name, "version": m.version, "kind": m.kind,
                 "licence": m.licence, "licence_source": m.licence_source, "origin": m.origin, "size": m.size,
                 "sha256": m.sha256, "tree_sha256": m.tree_sha256, "path": str(m.path)}
                for m in installed]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not installed:
        typer.echo(f"no models installed in {models.models_dir(models_dir)} "
                   "(install one with `toolkit models install ru`)")
        return
    table = Table(title=str(models.models_dir(models_dir)))
    for col in ("pair", "name", "version", "kind", "licence", "size", "checksum", "source"):
        table.add_column(col, overflow="fold")
    for m in installed:
        table.add_row(f"{m.source}→{m.target}", m.name, m.version, m.kind, m.licence_text, _size(m.size),
                      f"sha256:{m.tree_sha256[:12]}" if m.tree_sha256 else "not recorded", m.origin or "")
    Console(width=max(160, Console().width)).print(table)


@app.command()
def install(
    target: Annotated[str, typer.Argument(
        help="A language code (ru, az: Argos index; hy: OPUS-MT), an .argosmodel file, a URL, "
             "a CTranslate2 model dir/archive or an OPUS-MT release zip.")],
    lang: Annotated[Optional[str], typer.Option(
        "--lang", help="Target language of a CTranslate2 model or OPUS-MT release.")] = None,
    licence: Annotated[Optional[str], typer.Option("--licence", help="Licence to record, e.g. CC-BY-4.0.")] = None,
    sentencepiece: Annotated[Optional[Path], typer.Option(
        "--sentencepiece", help="SentencePiece model of a CTranslate2 model, if not next to it.")] = None,
    models_dir: ModelsDirOpt = None,
) -> None:
    """Install a model; it replaces any model installed for the same language pair.

    Example:  toolkit models install ./opus-mt-en-hy-ct2 --lang hy --licence CC-BY-4.0
    """
    from rich.console import Console
    from rich.progress import (BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn,
                               TransferSpeedColumn)

    from .. import models

    def run(progress=None):
        return models.install(target, models_dir, lang=lang, licence=licence, sentencepiece_model=sentencepiece,
                              progress=progress)

    console = Console(stderr=True)
    if not console.is_terminal:      # no bar (and no stray blank line) when stderr is a file or a pipe
        model = run()
    else:
        with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                      TimeRemainingColumn(), console=console, transient=True) as bar:
            tasks: dict[str, int] = {}

            def progress(label: str, done: int, total: int | None) -> None:
                if label not in tasks:
                    tasks[label] = bar.add_task(label, total=total)
                bar.update(tasks[label], completed=done, total=total)

            model = run(progress)
    typer.echo(f"installed {model.source}→{model.target}: {model.label} ({model.kind}, {_size(model.size)}) "
               f"in {model.path}")


@app.command()
def remove(
    lang: Annotated[str, typer.Argument(help="Target language whose model to delete.")],
    models_dir: ModelsDirOpt = None,
) -> None:
    """Delete the installed model for a target language.

    Example:  toolkit models remove az
    """
    from .. import models

    for model in models.remove(lang, models_dir):
        typer.echo(f"removed {model.source}→{model.target}: {model.label} ({model.path})")


@app.command()
def path(models_dir: ModelsDirOpt = None) -> None:
    """Print the models directory.

    Example:  TOOLKIT_MODELS_DIR=/srv/models toolkit models path
    """
    from .. import models

    typer.echo(str(models.models_dir(models_dir)))
