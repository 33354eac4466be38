"""`toolkit cache`: the translation memory that makes re-runs free."""
from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(help="The translation memory (engine output cached by segment, language, model and glossary).",
                  no_args_is_help=True)


@app.command()
def path() -> None:
    """Print where the translation memory lives (TOOLKIT_CACHE_DIR overrides it).

    Example:  toolkit cache path
    """
    from ..tm import Memory

    typer.echo(str(Memory().path))


@app.command()
def clear(yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False) -> None:
    """Delete every cached translation; the next run translates everything again.

    Example:  toolkit cache clear --yes
    """
    from ..tm import Memory

    from ..errors import ToolkitError

    memory = Memory()
    try:
        what = f"{memory.count()} cached translations"
    except ToolkitError:      # a damaged memory is exactly what clear is for
        what = "the damaged translation memory"
    if not yes and not typer.confirm(f"Delete {what} in {memory.path}?"):
        raise typer.Exit(1)
    n = memory.clear()
    typer.echo(f"removed {n} cached translations" if n is not None else f"removed the damaged translation memory "
               f"{memory.path}")


@app.command()
def stats() -> None:
    """How many translations are cached, and where.

    Example:  toolkit cache stats
    """
    from ..tm import Memory

    memory = Memory()
    count = memory.count()
    size = sum(p.lstat().st_size for p in memory.path.parent.glob(memory.path.name + "*")) if \
        memory.path.exists() else 0
    typer.echo(f"{count} cached translations, {size / 1e6:.1f} MB, {memory.path}")
