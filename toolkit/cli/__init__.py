"""The `toolkit` command: parses arguments, calls the library, prints. No work is done here."""
from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from .. import __version__
from ..errors import ToolkitError, one_line
from .options import EncodingOpt, FollowLinksOpt, FormatOpt, GlossaryOpt, LocalesOpt, NoGlossaryOpt, check_format, \
    choose_glossary, load_glossary, note_missing_glossary


class ToolkitGroup(TyperGroup):
    """Turns every ToolkitError into one line on stderr and its exit code; `--debug` shows the traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ToolkitError as exc:
            if (ctx.obj or {}).get("debug"):
                raise
            typer.echo(f"toolkit: error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            typer.echo("toolkit: interrupted; files on disk are as they were before the last write", err=True)
            raise typer.Exit(130) from None
        except OSError as exc:
            if exc.errno in (errno.EMFILE, errno.ENFILE) and not (ctx.obj or {}).get("debug"):
                _too_many_files(exc)      # `ulimit -n 8`: Python's own imports fail first, with a module's name
                raise typer.Exit(5) from None
            # Files are written through fsutil, whose errors are ToolkitErrors naming the file; an OSError with
            # no file name that says "full" or "I/O" can only come from writing to standard output
            # (`toolkit build --out - > /dev/full`). A closed pipe is click's to handle (`| head`).
            if exc.filename is not None or exc.errno not in _OUTPUT_ERRNOS or (ctx.obj or {}).get("debug"):
                raise
            _output_failed(exc)
            raise typer.Exit(5) from None


_OUTPUT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG}


def _too_many_files(exc: OSError) -> None:
    import resource

    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    limit = "the system's open-file table is full" if exc.errno == errno.ENFILE else \
        f"this process may open {soft} at once (ulimit -n)"
    typer.echo(one_line(f"toolkit: error: {exc.filename or 'a file'}: cannot open: too many open files, {limit}; "
                        "the command stopped there (raise the limit, e.g. `ulimit -n 1024`, and run again)"), err=True)


def _output_failed(exc: OSError) -> None:
    """Say why the output is incomplete, and drop what is still buffered so exiting does not fail again."""
    with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    typer.echo(f"toolkit: error: standard output: cannot write: {exc.strerror or exc}; the output is incomplete",
               err=True)


app = typer.Typer(cls=ToolkitGroup, no_args_is_help=True, add_completion=False, rich_markup_mode=None,
                  help="Translate news articles offline into gettext catalogs, with glossary terms that hold.")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"toolkit {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    version: Annotated[Optional[bool], typer.Option("--version", callback=_version, is_eager=True,
                                                    help="Show the version and exit.")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
) -> None:
    ctx.obj = {"debug": debug}


@app.command()
def translate(
    paths: Annotated[list[Path], typer.Argument(
        help="English articles (plain text, one block per line) and folders of *.txt articles.")],
    to: Annotated[list[str], typer.Option("--to", "-t", help="Target language: ru, az, hy or all; repeatable.")],
    engine: Annotated[str, typer.Option("--engine", "-e", help="auto, argos, ctranslate2 or pseudo.")] = "auto",
    glossary: GlossaryOpt = None,
    no_glossary: NoGlossaryOpt = False,
    locales: LocalesOpt = Path("locales"),
    encoding: EncodingOpt = None,
    recursive: Annotated[bool, typer.Option("--recursive", "-r", help="Also *.txt in subfolders of a folder.")
                         ] = False,
    keep_going: Annotated[bool, typer.Option(
        "--keep-going", "-k", help="Skip an article that cannot be read (reported, exit 3 at the end); "
        "by default it stops the run before anything is written.")] = False,
    fmt: FormatOpt = "table",
    no_download: Annotated[bool, typer.Option("--no-download", help="Never fetch a missing model.")] = False,
    device: Annotated[Optional[str], typer.Option(
        "--device", help="cpu, cuda or auto (passed to CTranslate2; checked against this machine).")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Ignore the translation memory.")] = False,
    hypotheses: Annotated[Optional[int], typer.Option(
        "--hypotheses", min=1, max=16, help="n-best hypotheses the terminology step chooses among "
        "(default: [tool.toolkit.decoding] num_hypotheses, else 4).")] = None,
    follow_links: FollowLinksOpt = False,
) -> None:
    """Translate articles into catalogs locales/<lang>/LC_MESSAGES/<article>.po (merging with what is there):
    all of them in one run, one batch per language, sharing the translation memory.

    Example:  toolkit translate seeds/ --to all --engine pseudo
    """
    from .. import articles, config, langs, pipeline
    from ..engines import check_engine_name
    from ..tm import Memory

    targets = langs.expand_targets(to)
    check_format(fmt)
    check_engine_name(engine)
    if not keep_going:   # a missing article is the first thing to say, before any glossary problem
        articles.collect(paths, recursive=recursive)
    choice = choose_glossary(glossary, no_glossary)
    with _progress_bar() as progress:
        run = pipeline.translate_files(
            paths, targets, recursive=recursive, keep_going=keep_going, engine=engine,
            glossary_dir=choice.path, locales=locales, encoding=encoding,
            allow_download=not no_download, num_hypotheses=hypotheses, progress=progress,
            engine_options={"device": device} if device else {}, memory=None if no_cache else Memory(),
            config=config.load(), follow_links=follow_links,
        )
    if fmt == "json":
        typer.echo(json.dumps(_run_json(run, targets), ensure_ascii=False, indent=2))
    else:
        _print_run(run, targets)
    note_missing_glossary(choice, "translated")
    for report in run.reports:
        where = f" in {report.document.source}" if len(run.reports) > 1 else ""
        for r in report.languages:
            if r.changes.conflicts:
                typer.echo(one_line(f"{r.lang}: warning: {len(r.changes.conflicts)} approved translation(s) break "
                                    f"the glossary ({', '.join(r.changes.conflicts)}){where}; kept as they are, "
                                    "see `toolkit check`"), err=True)
    for failure in run.failures:
        typer.echo(one_line(f"toolkit: error: {failure.error} (skipped)"), err=True)
    if run.failures:
        raise typer.Exit(max(f.exit_code for f in run.failures))


@contextmanager
def _progress_bar() -> Iterator[Callable[[str, int, int, str], None]]:
    """One bar per language for the whole run, counting segments, on a terminal; nothing otherwise."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True, disable=not console.is_terminal) as bar:
        tasks: dict[str, int] = {}

        def progress(lang: str, done: int, total: int, message: str) -> None:
            if lang not in tasks:
                tasks[lang] = bar.add_task(f"{lang}: {message}", total=max(total, 1))
            bar.update(tasks[lang], completed=done, total=max(total, 1), description=f"{lang}: {message}")

        yield progress


def _run_json(run, targets) -> dict:
    out = []
    for report in run.reports:
        doc = report.document
        out.append({"path": doc.source, "name": doc.name, "segments": len(doc.segments), "pot": str(report.pot),
                    "languages": [{"lang": r.lang, "catalog": str(r.catalog), "sent": r.sent,
                                   "terms_total": r.terms_total, "terms_ok": r.terms_ok, "changes": r.changes.count,
                                   "conflicts": list(r.changes.conflicts), "written": r.written}
                                  for r in report.languages]})
    totals = {"articles": len(run.reports), "failed": len(run.failures),
              "segments": sum(a["segments"] for a in out),
              "sent": {lang: sum(r.sent for rep in run.reports for r in rep.languages if r.lang == lang)
                       for lang in targets},
              "changes": sum(r.changes.count for rep in run.reports for r in rep.languages if r.written)}
    return {"articles": out, "failures": [{"path": f.path, "error": f.error} for f in run.failures],
            "totals": totals}


def _print_run(run, targets) -> None:
    from rich.console import Console

    from .tables import SECTION, Column, fit

    # One short cell per language, "sent/changed", so three languages and the names fit 80 columns.
    columns = [Column("article", name=True), Column("segments", "right"), *(Column(lang, "right") for lang in targets)]
    rows: list = [[one_line(str(report.document.source)), str(len(report.document.segments)),
                   *(f"{r.sent}/{r.changes.count if r.written else 0}" for r in report.languages)]
                  for report in run.reports]
    data = _run_json(run, targets)["totals"]
    changed = {lang: sum(r.changes.count for rep in run.reports for r in rep.languages if r.lang == lang and r.written)
               for lang in targets}
    rows += [SECTION, ["total", str(data["segments"]), *(f"{data['sent'][lang]}/{changed[lang]}" for lang in targets)]]
    title = f"{len(run.reports)} article(s)" + (f", {len(run.failures)} skipped" if run.failures else "")
    console = Console()
    console.print(fit(console, columns, rows, title=title)[0])
    typer.echo("(per language: sentences sent to the engine / catalog entries changed)")
    if len(run.reports) == 1:
        report = run.reports[0]
        for r in report.languages:
            terms = f", terms applied {r.terms_ok}/{r.terms_total}" if r.terms_total else ""
            typer.echo(one_line(f"{r.lang}: {r.catalog}{terms}"))
        typer.echo(one_line(f"template: {report.pot}"))
    elif run.reports:
        typer.echo(one_line(f"catalogs: {run.reports[0].pot.parent}"))


@app.command()
def segment(
    file: Annotated[Path, typer.Argument(help="The English article.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list of blocks of sentences.")] = False,
    glossary: GlossaryOpt = None,
    no_glossary: NoGlossaryOpt = False,
    encoding: EncodingOpt = None,
) -> None:
    """Show how FILE is split into blocks and sentences (ids as in the PO `#. segment` notes).

    Example:  toolkit segment seeds/karabakh-mining.txt --json
    """
    from .. import document, pipeline

    document.check_path(file)
    gl, choice = load_glossary(glossary, no_glossary)
    doc = pipeline.load(file, gl, encoding=encoding)
    if as_json:
        blocks = [[s.text for s in b.segments] for b in doc.blocks]
        typer.echo(json.dumps(blocks, ensure_ascii=False, indent=1))
    else:
        for s in doc.segments:
            # an article can carry terminal escapes (\x1b]52;… writes the clipboard): shown escaped, like a tab
            typer.echo(f"{s.id}\t{one_line(s.text)}")
    note_missing_glossary(choice, "segmented")


def _mount() -> None:
    """Command groups live in their own modules: `app` becomes `toolkit NAME ...`, `register(app)` adds
    top-level commands. Each module imports only typer at import time, so `--help` stays fast."""
    from importlib import import_module
    from importlib.util import find_spec

    for name in ("models", "glossary", "catalogs", "cache", "review"):
        if find_spec(f"{__name__}.{name}") is None:
            continue
        module = import_module(f"{__name__}.{name}")
        if hasattr(module, "register"):
            module.register(app)
        if hasattr(module, "app"):
            app.add_typer(module.app, name=name)


_mount()


def main() -> None:
    _tolerant_streams()
    code: int | str | None = 0
    try:
        app()
    except ToolkitError as exc:  # raised outside a command (e.g. while building the command line)
        print(f"toolkit: error: {exc}", file=sys.stderr)
        code = exc.exit_code
    except SystemExit as exc:
        code = exc.code
    try:            # what is still buffered goes out now, while a failure can still be said in one line
        sys.stdout.flush()
    except OSError as exc:
        if exc.errno not in _OUTPUT_ERRNOS:
            raise
        _output_failed(exc)
        code = code or 5
    sys.exit(code)


def _tolerant_streams() -> None:
    """Under PYTHONIOENCODING=ascii (or a C locale) print what can be printed and escape the rest
    (`Bak\\u0131`), instead of dying with UnicodeEncodeError halfway through a table or an error line."""
    # A closed standard output (`toolkit translate ... >&-`, a daemon) is None in Python: the work is still done,
    # what would have been printed is dropped.
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w")   # noqa: SIM115 - lives as long as the process
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")   # noqa: SIM115
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError, OSError):
            stream.reconfigure(errors="backslashreplace")
