"""`toolkit review`: serve the glossary review page on 127.0.0.1. Thin: the web stack loads only when run."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .options import FollowLinksOpt


def review(
    glossary: Annotated[list[Path], typer.Option(
        "--glossary", "-g", metavar="PATH",
        help="Glossary directory or file; repeatable (later ones take precedence).")]
    = [Path("glossaries")],  # noqa: B006
    locales: Annotated[Path, typer.Option("--locales", "-l", help="Where the catalogs live.")] = Path("locales"),
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port on 127.0.0.1 (0: a free one).")] = 0,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Print the URL, do not open a browser.")] = False,
    reviewer: Annotated[Optional[str], typer.Option(
        "--reviewer", help="Name recorded with each decision (default: your login name).")] = None,
    follow_links: FollowLinksOpt = False,
) -> None:
    """Open a local page to settle glossary conflicts; each decision is written into the glossary file
    (its note records who decided what). Listens on 127.0.0.1 only, with a secret token in the URL.

    Example:  toolkit review --glossary glossaries --glossary examples/review/50-desk.tsv --no-browser
    """
    import webbrowser

    from .. import glossary as glossary_mod
    from ..review import app as review_app

    glossary_mod.glossary_files(glossary)          # a wrong --glossary is said now, not on the page
    sock = review_app.free_socket(port)
    app = review_app.create_app(glossary, locales, reviewer=reviewer, follow_links=follow_links)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/?token={app.state.settings.token}"
    typer.echo(f"toolkit review: {url}\n(Ctrl-C to stop)", err=True)
    if not no_browser:
        webbrowser.open(url)
    review_app.server(app, sock).run(sockets=[sock])


def register(app: typer.Typer) -> None:
    app.command()(review)
