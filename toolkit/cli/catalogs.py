"""`toolkit build|compile|check|stats`: the post-editing loop's commands. Thin: parse, call the library, print."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from .options import EncodingOpt, FormatOpt, GlossaryOpt, LocalesOpt, NoGlossaryOpt, check_format, choose_glossary, \
    load_glossary, note_missing_glossary


def build(
    file: Annotated[Path, typer.Argument(help="The English article that was translated.")],
    to: Annotated[list[str], typer.Option("--to", "-t", help="Target language (ru, az, hy or all).")],
    out: Annotated[Optional[str], typer.Option(
        "--out", "-o", help="Output file; '-' for stdout. Default: next to FILE as NAME.<lang>.txt.")] = None,
    fuzzy: Annotated[str, typer.Option("--fuzzy", help="use (default), source or fail.")] = "use",
    locales: LocalesOpt = Path("locales"),
    glossary: GlossaryOpt = None,
    no_glossary: NoGlossaryOpt = False,
    encoding: EncodingOpt = None,
) -> None:
    """Write the translated article from its catalog: original blocks, spacing, line endings.

    Example:  toolkit build seeds/karabakh-mining.txt --to ru --fuzzy source
    """
    import sys

    from .. import build as build_mod, document, langs
    from ..errors import UsageError, one_line

    targets = langs.expand_targets(to)
    if out is not None and len(targets) > 1:
        raise UsageError("--out takes one language; give a single --to")
    document.check_path(file)
    choice = choose_glossary(glossary, no_glossary)
    for lang in targets:
        built = build_mod.build_file(file, lang, locales=locales, out=out, fuzzy=fuzzy,
                                     glossary_dir=choice.path, encoding=encoding)
        if built.out is None:
            sys.stdout.buffer.write(built.data)
            sys.stdout.flush()
        else:
            typer.echo(one_line(f"{lang}: {built.out}"))
        if built.fuzzy:
            how = "used" if fuzzy == "use" else "left in English"
            typer.echo(f"{lang}: warning: {built.fuzzy} fuzzy (unreviewed) translation(s) {how}", err=True)
        if built.untranslated:
            typer.echo(f"{lang}: warning: {built.untranslated} untranslated sentence(s) left in English", err=True)
    note_missing_glossary(choice, "built")


def compile_(
    locales: LocalesOpt = Path("locales"),
    to: Annotated[Optional[list[str]], typer.Option("--to", "-t", help="Only these languages.")] = None,
) -> None:
    """Write a .mo next to every catalog (fuzzy entries are left out, as gettext does).

    Example:  toolkit compile --locales locales
    """
    from .. import build as build_mod, langs
    from ..errors import one_line

    targets = langs.expand_targets(to) if to else ()
    for c in build_mod.compile_catalogs(locales, targets=targets):
        typer.echo(one_line(f"{c.mo}{'' if c.written else ' (unchanged)'}"))


def check(
    file: Annotated[Optional[Path], typer.Argument(help="Only this article's catalogs.")] = None,
    to: Annotated[Optional[list[str]], typer.Option("--to", "-t", help="Only these languages.")] = None,
    glossary: GlossaryOpt = None,
    no_glossary: NoGlossaryOpt = False,
    locales: LocalesOpt = Path("locales"),
    fmt: FormatOpt = "table",
    fix: Annotated[bool, typer.Option("--fix", help="Repair glossary terms in fuzzy entries (never approved ones).")
               ] = False,
) -> None:
    """Check translations: glossary terms, numbers and dates, fuzzy and untranslated entries, repeated words,
    length, punctuation. Exits 7 when a blocking (error) finding remains, to gate publishing.

    Example:  toolkit check seeds/karabakh-mining.txt --to ru --format json
    """
    from rich.console import Console
    from rich.table import Table

    from .. import langs, qa
    from ..errors import ConflictFound, one_line

    check_format(fmt)
    targets = langs.expand_targets(to) if to else ()
    gl, choice = load_glossary(glossary, no_glossary)
    findings, fixes = qa.run(locales, name=file.stem if file else None, targets=targets, glossary=gl, fix=fix)
    counts = qa.summary(findings)
    if fmt == "json":
        typer.echo(json.dumps({"findings": [f.as_dict() for f in findings], "summary": counts,
                               "fixes": [{"catalog": x.catalog, "msgctxt": x.msgctxt, "before": x.before,
                                          "after": x.after, "notes": list(x.notes)} for x in fixes]},
                              ensure_ascii=False, indent=2))
    else:
        console = Console()
        if findings:
            table = Table()
            for col in ("lang", "entry", "severity", "check", "message"):
                table.add_column(col)
            for f in findings:
                table.add_row(f.lang, f.entry, f.severity, f.code, f.message)
            console.print(table)
        for x in fixes:
            typer.echo(one_line(f"fixed {x.catalog} {x.msgctxt}: {'; '.join(x.notes)}"))   # msgctxt: a translator's
        typer.echo(f"{counts['error']} error(s), {counts['warning']} warning(s), {len(fixes)} fix(es)")
    note_missing_glossary(choice, "checked")
    blocking = qa.blocking(findings)
    if blocking:
        raise ConflictFound(f"{len(blocking)} blocking finding(s), first {blocking[0].lang} {blocking[0].entry}: "
                            f"{blocking[0].message}", hint="fix them in the catalogs, then run check again")


def stats(
    locales: LocalesOpt = Path("locales"),
    glossary: GlossaryOpt = None,
    no_glossary: NoGlossaryOpt = False,
    fmt: FormatOpt = "table",
    by_article: Annotated[bool, typer.Option("--by-article", help="One row per language and article.")] = False,
) -> None:
    """Per language (or per article): segments, words, approved / fuzzy / untranslated, term success rate,
    open conflicts.

    Example:  toolkit stats --by-article --format json
    """
    from .. import stats as stats_mod

    check_format(fmt)
    gl, choice = load_glossary(glossary, no_glossary)
    rows = stats_mod.collect(locales, glossary=gl, by_article=by_article)
    if fmt == "json":
        typer.echo(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2))
        note_missing_glossary(choice, "counted")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=str(locales))
    for col in ("lang", *(("article",) if by_article else ()), "segments", "words", "approved", "fuzzy",
                "untranslated", "terms ok", "conflicts"):
        table.add_column(col)
    for r in rows:
        rate = f"{r.term_rate}% ({r.terms_ok}/{r.terms_total})" if r.term_rate is not None else "-"
        table.add_row(r.lang, *((r.article,) if by_article else ()), str(r.segments), str(r.words), f"{r.approved} ({r.percent(r.approved)}%)",
                      f"{r.fuzzy} ({r.percent(r.fuzzy)}%)", f"{r.untranslated} ({r.percent(r.untranslated)}%)",
                      rate, str(r.conflicts))
    Console().print(table)
    note_missing_glossary(choice, "counted")


def register(app: typer.Typer) -> None:
    app.command("build")(build)
    app.command("compile")(compile_)
    app.command("check")(check)
    app.command("stats")(stats)
