"""`toolkit models ...`: list, install, remove translation models. Thin: parse, call toolkit.models, print."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from .options import FormatOpt, GlossaryOpt, NoGlossaryOpt, check_format, load_glossary, note_missing_glossary

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None,
                  help="Manage offline translation models (Argos packages, CTranslate2, OPUS-MT).\n\n"
                       "Example:  toolkit models install ru")

ModelsDirOpt = Annotated[Optional[Path], typer.Option(
    "--models-dir", help="Models directory (default: $TOOLKIT_MODELS_DIR or the user data dir).")]


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n / 1e3:.0f} kB"


def _list_available(fmt: str, lang: str | None) -> None:
    from rich.console import Console
    from rich.table import Table

    from .. import models
    from ..langs import check_language

    choices = models.catalogue.choices(check_language(lang) if lang else None)
    if fmt == "json":
        typer.echo(json.dumps([c.as_json() for c in choices], ensure_ascii=False, indent=2))
        return
    table = Table(title="model catalogue (scores: chrF2 × 100, BLEU; FLORES-200 devtest en→xx unless noted)")
    for col in ("lang", "name", "default", "licence", "size", "target token", "chrF", "BLEU", "score source", "url"):
        # names and tokens are what a user types: never broken across lines
        table.add_column(col, no_wrap=col in ("lang", "name", "default", "licence", "target token"),
                         overflow="fold")
    for c in choices:
        test = "" if c.score_test in (None, models.catalogue.FLORES) else f" ({c.score_test})"
        table.add_row(c.lang, c.name, "yes" if c.default else "", c.licence,
                      " / ".join(x for x in (c.parameters, c.size) if x) or "",
                      c.target_token or "", "not scored" if c.score is None else f"{c.score:.1f}{test}",
                      "" if c.bleu is None else f"{c.bleu:.1f}", c.score_source or "",
                      c.url or f"none: {c.route} by hand")
    Console(width=max(200, Console().width)).print(table)


@app.command("list")
def list_models(
    fmt: FormatOpt = "table",
    available: Annotated[bool, typer.Option(
        "--available", help="The catalogue: every model the toolkit knows per language, with licence, URL, "
                            "target token and published score, instead of what is installed.")] = False,
    lang: Annotated[Optional[str], typer.Option("--lang", help="With --available: one language only.")] = None,
    models_dir: ModelsDirOpt = None,
) -> None:
    """Show the installed models: language pair, name, version, kind, licence (or where to find it), size,
    checksum (SHA-256 of the installed files; json also has the archive's) and source (URL or file).
    With --available, the catalogue instead.

    Example:  toolkit models list --available --lang hy
    """
    from rich.console import Console
    from rich.table import Table

    from .. import models

    check_format(fmt)
    if available:
        return _list_available(fmt, lang)
    installed = models.list_installed(models_dir)
    if fmt == "json":
        rows = [{"source": m.source, "target": m.target, "name": m.name, "version": m.version, "kind": m.kind,
                 "licence": m.licence, "licence_source": m.licence_source, "origin": m.origin, "size": m.size,
                 "sha256": m.sha256, "tree_sha256": m.tree_sha256, "path": str(m.path),
                 # the multilingual family and its language tokens, as installed (see toolkit.models.families)
                 "family": m.metadata.get("family"), "source_prefix": m.source_prefix,
                 "target_prefix": m.target_prefix}
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
        help="A language code (its catalogue default; see `models list --available`), an .argosmodel file, "
             "a URL, a CTranslate2 model dir/archive or an OPUS-MT release zip.")],
    model: Annotated[Optional[str], typer.Option(
        "--model", help="With a language code: another catalogue choice than the default, by name.")] = None,
    target_token: Annotated[Optional[str], typer.Option(
        "--target-token", help="The language label of a multilingual model when the toolkit's own choice is "
                               "not wanted, e.g. '>>hyw<<' (it must be one the model knows).")] = None,
    lang: Annotated[Optional[str], typer.Option(
        "--lang", help="Target language of a CTranslate2 model or OPUS-MT release.")] = None,
    licence: Annotated[Optional[str], typer.Option("--licence", help="Licence to record, e.g. CC-BY-4.0.")] = None,
    sentencepiece: Annotated[Optional[Path], typer.Option(
        "--sentencepiece", help="SentencePiece model of a CTranslate2 model, if not next to it.")] = None,
    models_dir: ModelsDirOpt = None,
) -> None:
    """Install a model; it replaces any model installed for the same language pair.

    Example:  toolkit models install hy --model opus-mt-eng-hye
    """
    from rich.console import Console
    from rich.progress import (BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn,
                               TransferSpeedColumn)

    from .. import models

    def run(progress=None):
        return models.install(target, models_dir, lang=lang, licence=licence, sentencepiece_model=sentencepiece,
                              progress=progress, model=model, target_token=target_token)

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


@app.command()
def evaluate(
    lang: Annotated[str, typer.Argument(help="Target language.")],
    source: Annotated[Optional[Path], typer.Option(
        "--source", help="English test sentences, one a line (FLORES-style); needs --reference.")] = None,
    reference: Annotated[Optional[Path], typer.Option(
        "--reference", help="Their reference translations, aligned line by line.")] = None,
    on: Annotated[Optional[list[Path]], typer.Option(
        "--on", help="Catalogs or folders (repeatable): their approved entries are the test set.")] = None,
    engine: Annotated[Optional[list[str]], typer.Option(
        "--engine", help="argos (the installed model; default) or pseudo; repeat to compare.")] = None,
    model_dirs: Annotated[Optional[list[Path]], typer.Option(
        "--models-dir", help="Models directory whose en→LANG model to use (repeat: one column per model).")] = None,
    output: Annotated[Optional[Path], typer.Option(
        "--output", help="Save the hypotheses here, one a line (with several models: NAME.1.txt, NAME.2.txt …).")
    ] = None,
    glossary: GlossaryOpt = None,
    no_glossary: NoGlossaryOpt = False,
    fmt: FormatOpt = "table",
) -> None:
    """Translate a test set and score it: chrF2 and BLEU as sacrebleu computes them, and the share of
    glossary terms the model gets right by itself (before the toolkit's glossary step). The test set is two
    aligned files or, with --on, a desk's own approved catalog entries.

    Example:  toolkit models evaluate hy --on locales/ --models-dir ~/cand/hyx --models-dir ~/cand/hye
    """
    from rich.console import Console

    from .. import evaluate as ev
    from ..engines import get_engine
    from ..errors import UsageError
    from ..langs import check_language

    check_format(fmt)
    lang = check_language(lang)
    if on and (source or reference):
        raise UsageError("give either --on CATALOGS or --source/--reference, not both")
    if on:
        test = ev.read_catalogs(on, lang)
    elif source and reference:
        test = ev.read_aligned(source, reference)
    else:
        raise UsageError("say what to translate: --source FILE --reference FILE, or --on CATALOGS")
    from .. import config

    # The project's decoding settings ([tool.toolkit.decoding]: beam, compute type), as `translate` uses them;
    # one hypothesis is scored, so the n-best size does not apply.
    settings = {k: v for k, v in config.load().decoding.items() if k != "num_hypotheses"}
    contenders = []
    for name in engine or ["argos"]:
        if name == "pseudo":
            contenders.append(get_engine("pseudo"))
        else:
            contenders += [get_engine(name, models_dir=d, **settings) for d in (model_dirs or [None])]
    loaded_glossary, choice = load_glossary(glossary, no_glossary)
    paths = ev.output_paths(output, len(contenders), test, loaded_glossary)   # refused before translating
    console = Console(stderr=True)
    scores = []
    for k, contender in enumerate(contenders, 1):
        label = f"{contender.identity(lang)} ({k}/{len(contenders)})"
        scores.append(_scored(ev, test, lang, contender, loaded_glossary, console, label))
    outputs = _save(ev, scores, paths) if paths else [None] * len(scores)
    rows = [{"model": s.model, "chrf": s.chrf, "bleu": s.bleu, "term_success": s.term_success,
             "terms": s.terms_total, "sentences": s.sentences, "output": str(out) if out else None,
             "chrf_signature": s.chrf_signature, "bleu_signature": s.bleu_signature}
            for s, out in zip(scores, outputs, strict=True)]
    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        _print_scores(rows, test, lang)
    note_missing_glossary(choice, "term success was not measured")


def _scored(ev, test, lang, contender, glossary, console, label):
    if not console.is_terminal or len(test.sources) <= ev.CHUNK:
        return ev.evaluate(test, lang, contender, glossary)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task(label, total=len(test.sources))
        return ev.evaluate(test, lang, contender, glossary,
                           progress=lambda done, total: bar.update(task, completed=done))


def _save(ev, scores, paths: list[Path]) -> list[Path]:
    for s, path in zip(scores, paths, strict=True):
        ev.save(s.hypotheses, path)
    return paths


def _print_scores(rows: list[dict], test, lang: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"en→{lang}: {test.origin}, {rows[0]['sentences']} sentences")
    table.add_column("", overflow="fold")
    for k, row in enumerate(rows, 1):
        table.add_column(row["model"] if len(rows) == 1 else f"{k}. {row['model']}", overflow="fold")
    table.add_row("chrF2", *(f"{r['chrf']:.2f}" for r in rows))
    table.add_row("BLEU", *(f"{r['bleu']:.2f}" for r in rows))
    table.add_row("term success", *("no terms" if r["term_success"] is None
                                    else f"{r['term_success']:.1f}% of {r['terms']}" for r in rows))
    if any(r["output"] for r in rows):
        table.add_row("hypotheses", *(r["output"] or "" for r in rows))
    Console(width=max(120, Console().width)).print(table)
    typer.echo(f"chrF2|{rows[0]['chrf_signature']}")
    typer.echo(f"BLEU|{rows[0]['bleu_signature']}")
