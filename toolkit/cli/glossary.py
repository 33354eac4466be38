"""`toolkit glossary ...`: lint, list conflicts, import/export TBX, seed from CLDR. Thin: parse, call, print."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from .options import FormatOpt, check_format

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None,
                  help="Review and exchange the terminology glossaries (glossaries/*.tsv).\n\n"
                       "Example:  toolkit glossary conflicts --format json")

GlossaryOpt = Annotated[Optional[Path], typer.Option("--glossary", "-g", help="Glossary directory or file "
                                                     "(default: glossaries/).")]


def _required(named: Path | None) -> Path:
    """The glossary these commands work on: it must exist (the one rule, `glossary.choose`, with required)."""
    from .. import glossary as glossary_mod

    return glossary_mod.choose(named, required=True).path


def _written(text: str, out: Path | None, what: str) -> None:
    """The file's text on stdout when there is no --out (the library wrote it otherwise): say what went where."""
    if out is None:
        typer.echo(text, nl=False)
    else:
        typer.echo(f"{out}: {what}", err=True)


def _report(findings: list, fmt: str, title: str) -> None:
    """Print findings; exit 7 (ConflictFound) when any is blocking."""
    from ..errors import ConflictFound

    if fmt == "json":
        typer.echo(json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2))
    elif not findings:
        typer.echo(f"{title}: nothing to decide")
    else:
        _print_findings(findings, title)
    errors = sum(1 for f in findings if f.is_blocking)
    if errors:
        raise ConflictFound(f"{errors} blocking glossary finding(s); resolve them before publishing")


def _shown(path: str) -> str:
    """A path relative to the project (the working directory) when inside it, else as given."""
    import os

    try:
        p = Path(path).resolve()
        return os.path.relpath(p) if p.is_relative_to(Path.cwd().resolve()) else path
    except (OSError, ValueError):
        return path


def _print_findings(findings: list, title: str) -> None:
    """One block per finding (a table's narrow columns broke paths and line numbers apart at 80 columns):
    severity, code, language and term; the message, wrapped and indented; every place, one per line, whole."""
    import textwrap

    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False)
    console.print(Text(f"{title}: {len(findings)} finding(s)", style="bold"))
    for f in findings:
        places = [(_shown(p), n) for p, n in f.places]
        message = f.message
        for (full, _), (short, _) in zip(f.places, places, strict=True):
            message = message.replace(str(full), short)
        head = Text.assemble(("\n" if console.is_terminal else "", ""),
                             (f.severity, "bold red" if f.is_blocking else "yellow"), "  ", (f.code, "bold"),
                             *((f"  {f.lang}", "cyan"),) if f.lang else (), *((f"  {f.term}", ""),) if f.term else ())
        console.print(head)
        for line in textwrap.wrap(message, max(20, console.width - 2), break_long_words=False, break_on_hyphens=False):
            console.print(Text("  " + line), soft_wrap=True)
        for p, n in places:
            console.print(Text(f"  {p}:{n}", style="dim"), soft_wrap=True)


@app.command()
def check(
    glossary: GlossaryOpt = None,
    fmt: FormatOpt = "table",
) -> None:
    """Lint the glossary files: conflicting targets, overlaps, preferred-vs-forbidden, shared targets,
    empty cells, non-NFC text and look-alike letters. Exits 7 on errors.

    Example:  toolkit glossary check --glossary glossaries/ --format json
    """
    from .. import glossary as glossary_mod

    check_format(fmt)
    path = _required(glossary)
    _report(glossary_mod.lint(path), fmt, f"glossary check {path}")


@app.command()
def conflicts(
    glossary: GlossaryOpt = None,
    locales: Annotated[Path, typer.Option("--locales", "-l", help="Catalogs to check against the glossary.")]
    = Path("locales"),
    to: Annotated[Optional[list[str]], typer.Option(
        "--to", "-t", help="Only these languages (ru, az, hy or all; repeatable). Findings about the English "
        "side (overlaps) concern every language and stay.")] = None,
    fmt: FormatOpt = "table",
) -> None:
    """List every decision a reviewer must make: lint findings, contested names (admitted alternatives),
    approved catalog entries whose translation breaks the glossary (errors, never rewritten), name variants
    seen in machine output (with counts, places and the add-variant command) and translator waivers
    (`# toolkit: accept ID`); then, apart, the warnings about unreviewed machine drafts. JSON:
    {"decisions": [...], "drafts": [...]}.

    Example:  toolkit glossary conflicts --locales locales --to ru --format json
    """
    from .. import glossary as glossary_mod, langs, qa
    from ..errors import ConflictFound, UsageError

    check_format(fmt)
    path = _required(glossary)
    targets = langs.expand_targets(to) if to else ()
    findings = glossary_mod.lint(path)
    loaded = glossary_mod.load(path)
    known = {lang for c in loaded.concepts for lang in c.languages}
    unknown = [lang for lang in targets if lang not in known]
    if unknown:        # `--to de` on a ru/az/hy glossary would list "nothing to decide" for a language never checked
        raise UsageError(f"the glossary {path} has no {', '.join(unknown)} terms; its languages: "
                         f"{', '.join(sorted(known - {'en'}))}", hint="give one of them with --to")
    findings += glossary_mod.contested(loaded.concepts)
    if targets:
        findings = [f for f in findings if f.lang in ("", "en", *targets)]
    findings += qa.glossary_conflicts(loaded, locales, targets, glossary_arg=path, locales_arg=locales)
    decisions = [f for f in findings if not qa.is_draft_warning(f)]
    drafts = [f for f in findings if qa.is_draft_warning(f)]
    if fmt == "json":
        typer.echo(json.dumps({"decisions": [f.as_dict() for f in decisions],
                               "drafts": [f.as_dict() for f in drafts]}, ensure_ascii=False, indent=2))
    elif not findings:
        typer.echo("glossary conflicts: nothing to decide")
    else:
        if decisions:
            _print_findings(decisions, "glossary conflicts: decisions")
        else:
            typer.echo("glossary conflicts: no decision for the glossary")
        if drafts:
            typer.echo("")
            _print_findings(drafts, "unreviewed machine drafts (settled by the next run or a translator)")
    errors = sum(1 for f in findings if f.is_blocking)
    if errors:
        raise ConflictFound(f"{errors} blocking glossary finding(s); resolve them before publishing")


@app.command("add-variant")
def add_variant(
    concept: Annotated[str, typer.Argument(help="Concept id (first column), e.g. kalbajar.")],
    lang: Annotated[str, typer.Argument(help="Language column, e.g. ru.")],
    term: Annotated[str, typer.Argument(help="The variant, in its base form.")],
    status: Annotated[str, typer.Option("--as", help="forbidden (repaired to the preferred term) or admitted.")]
    = "forbidden",
    glossary: GlossaryOpt = Path("glossaries"),
    locales: Annotated[Path, typer.Option("--locales", "-l", help="The catalogs whose lock guards the glossary.")]
    = Path("locales"),
) -> None:
    """Add a variant seen in machine output to a concept's cell, as forbidden (!term) or admitted: the one
    step after `toolkit glossary conflicts` lists it. Only that row of the glossary file changes; the
    decision is recorded in its note.

    Example:  toolkit glossary add-variant kalbajar ru Кальбаджар --as forbidden
    """
    from .. import glossary_edit

    path = glossary_edit.add_variant(glossary, concept, lang, term, status, locales=locales)
    typer.echo(f"{path}: {concept} {lang}: added {'!' if status == 'forbidden' else ''}{term}")


@app.command("add-name")
def add_name(
    name: Annotated[str, typer.Argument(help="The longer name as the sources write it, e.g. 'New York Times'.")],
    kind: Annotated[str, typer.Option("--kind", help="dnt (keep it as written in every language) or a kind "
                                      "such as person, institution, place, with its translations.")] = "dnt",
    ru: Annotated[Optional[str], typer.Option("--ru", help="Russian term (not with --kind dnt).")] = None,
    az: Annotated[Optional[str], typer.Option("--az", help="Azerbaijani term.")] = None,
    hy: Annotated[Optional[str], typer.Option("--hy", help="Armenian term.")] = None,
    into: Annotated[Optional[Path], typer.Option("--into", help="The TSV/CSV file to add it to (default: the "
                                                 "glossary's last one, which wins).")] = None,
    glossary: GlossaryOpt = Path("glossaries"),
    locales: Annotated[Path, typer.Option("--locales", "-l", help="The catalogs whose lock guards the glossary.")]
    = Path("locales"),
) -> None:
    """Add a longer name the sources use (listed by `toolkit glossary conflicts` as name-seen) as a concept of
    its own, so the name inside it is no longer passed over: one row appended to the glossary file.

    Example:  toolkit glossary add-name "New York Times" --kind dnt
    """
    from .. import glossary_edit

    targets = {lang: term for lang, term in (("ru", ru), ("az", az), ("hy", hy)) if term is not None}
    path, cid = glossary_edit.add_name(glossary, name, kind=kind, targets=targets, into=into, locales=locales)
    typer.echo(f"{path}: added {cid} ({kind}) {name}")


@app.command("import")
def import_tbx(
    file: Annotated[Path, typer.Argument(help="A TBX file (TBX-Basic, v2 or v3).")],
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="TSV file to write (default or '-': stdout).")] = None,
) -> None:
    """Convert a TBX termbase into a glossary TSV (term status becomes preferred / admitted / !forbidden).

    Example:  toolkit glossary import termbase.tbx --out glossaries/50-termbase.tsv
    """
    from .. import fsutil, glossary as glossary_mod
    from ..glossary import tbx

    out = None if out == Path("-") else out
    concepts = tbx.read(file)
    if out is not None:
        fsutil.refuse_overwriting(out, [("the TBX file being imported", [file])])
    text = glossary_mod.write_tsv(concepts, out, ("ru", "az", "hy"))
    _written(text, out, f"{len(concepts)} concepts")


@app.command("export")
def export_tbx(
    glossary: GlossaryOpt = None,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="TBX file to write (default or '-': stdout).")] = None,
) -> None:
    """Write the layered glossary as TBX-Basic (TBX v3), with administrativeStatus for every term.

    Example:  toolkit glossary export --glossary glossaries/ --out names.tbx
    """
    from .. import fsutil, glossary as glossary_mod
    from ..glossary import tbx

    out = None if out == Path("-") else out
    loaded = glossary_mod.load(_required(glossary))
    if out is not None:
        fsutil.refuse_overwriting(out, [("a glossary file being exported", loaded.files)])
    text = tbx.write(loaded.concepts, out)
    _written(text, out, f"{len(loaded)} concepts")


@app.command()
def seed(
    from_cldr: Annotated[bool, typer.Option("--from-cldr", help="Propose countries and cities from CLDR.")] = False,
    to: Annotated[list[str], typer.Option("--to", "-t", help="Languages (ru, az, hy or all); repeatable.")]
    = ["all"],  # noqa: B006
    only: Annotated[Optional[str], typer.Option(
        "--only", help="Comma-separated territory codes and time zones, e.g. AZ,AM,Asia/Baku.")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="TSV file to write (default or '-': stdout).")] = None,
    fmt: FormatOpt = "table",
) -> None:
    """Propose glossary entries (kind country/city, note "CLDR ...") for a reviewer to copy into a glossary.

    Example:  toolkit glossary seed --from-cldr --only AZ,AM,Asia/Baku,Asia/Yerevan
    """
    from .. import glossary as glossary_mod, langs
    from ..errors import UsageError

    check_format(fmt)
    if not from_cldr:
        raise UsageError("say where to seed from: --from-cldr")
    targets = langs.expand_targets(to)
    wanted = [c.strip() for c in only.split(",") if c.strip()] if only else []
    concepts = glossary_mod.seed_from_cldr(targets, wanted)
    if fmt == "json":
        rows = [{"id": c.id, "kind": c.kind, "note": c.note, **{code: c.preferred(code) for code in c.languages}}
                for c in concepts]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    out = None if out == Path("-") else out
    text = glossary_mod.write_tsv(concepts, out, targets)
    _written(text, out, f"{len(concepts)} proposed concepts")
