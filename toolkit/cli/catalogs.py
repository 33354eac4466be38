"""`toolkit build|compile|check|stats`: the post-editing loop's commands. Thin: parse, call the library, print."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from .options import EncodingOpt, FollowLinksOpt, FormatOpt, GlossaryOpt, LocalesOpt, NoGlossaryOpt, check_format, \
    choose_glossary, load_glossary, note_missing_glossary

PathsArg = Annotated[Optional[list[Path]], typer.Argument(
    help="Only these articles' catalogs: article files or folders of *.txt (default: every catalog).")]
RecursiveOpt = Annotated[bool, typer.Option("--recursive", "-r", help="Also *.txt in subfolders of a folder.")]


def _names(paths: Optional[list[Path]], recursive: bool) -> set[str] | None:
    """The catalog names of the articles named on the command line; None for all catalogs."""
    from .. import articles

    return {p.stem for p in articles.collect(paths, recursive=recursive)} if paths else None


def build(
    paths: Annotated[list[Path], typer.Argument(
        help="The English articles that were translated: files or folders of *.txt.")],
    to: Annotated[list[str], typer.Option("--to", "-t", help="Target language (ru, az, hy or all).")],
    out: Annotated[Optional[str], typer.Option(
        "--out", "-o", help="Output file ('-' for stdout), or a folder: an existing one, one ending in '/' "
        "(created), or with several articles. "
        "Default: next to each article as NAME.<lang>.txt.")] = None,
    recursive: RecursiveOpt = False,
    fuzzy: Annotated[str, typer.Option("--fuzzy", help="use (default), source or fail.")] = "use",
    locales: LocalesOpt = Path("locales"),
    glossary: GlossaryOpt = None,
    no_glossary: NoGlossaryOpt = False,
    encoding: EncodingOpt = None,
) -> None:
    """Write the translated article from its catalog: original blocks, spacing, line endings.

    Example:  toolkit build seeds/karabakh-mining.txt --to ru --fuzzy source
    """
    import os
    import sys

    from .. import articles, build as build_mod, langs
    from ..errors import UsageError, one_line

    targets = langs.expand_targets(to)
    found = articles.collect(paths, recursive=recursive)
    # A folder when several articles go there, when it is one, or when the name ends with a slash (then it is
    # created): `--out published/` with no such folder used to write one file named `published`.
    folder = out is not None and out != "-" and (len(found) > 1 or Path(out).is_dir() or out.endswith(("/", os.sep)))
    if folder and Path(out).exists() and not Path(out).is_dir():
        raise UsageError("is a file, and --out names a folder here (a trailing '/', or several articles)",
                         path=out.rstrip("/" + os.sep),
                         hint="give another folder, or the file name without the slash")
    if out is not None and not folder and len(targets) > 1:
        raise UsageError("--out takes one language; give a single --to (or a folder, for several articles)")
    if out == "-" and len(found) > 1:
        raise UsageError("--out - prints one article; give a folder for several")
    choice = choose_glossary(glossary, no_glossary)
    jobs = [(f, lang, Path(out) / build_mod.default_out(f, lang).name if folder else out)
            for f in found for lang in targets]
    for (file, lang, _), built in zip(jobs, build_mod.build_files(jobs, locales=locales, fuzzy=fuzzy,
                                                               glossary_dir=choice.path, encoding=encoding)):
        if built.out is None:
            sys.stdout.buffer.write(built.data)
            sys.stdout.flush()
        else:
            typer.echo(one_line(f"{lang}: {built.out}"))
        which = one_line(f" in {file}") if len(found) > 1 else ""
        if built.fuzzy:
            how = "used" if fuzzy == "use" else "left in English"
            typer.echo(f"{lang}: warning: {built.fuzzy} fuzzy (unreviewed) translation(s) {how}{which}", err=True)
        if built.untranslated:
            typer.echo(f"{lang}: warning: {built.untranslated} untranslated sentence(s) left in English{which}",
                       err=True)
    note_missing_glossary(choice, "built")


def compile_(
    paths: PathsArg = None,
    locales: LocalesOpt = Path("locales"),
    to: Annotated[Optional[list[str]], typer.Option("--to", "-t", help="Only these languages.")] = None,
    recursive: RecursiveOpt = False,
    follow_links: FollowLinksOpt = False,
) -> None:
    """Write a .mo next to every catalog (fuzzy entries are left out, as gettext does).

    Example:  toolkit compile --locales locales
    """
    from .. import build as build_mod, langs
    from ..errors import one_line

    targets = langs.expand_targets(to) if to else ()
    for c in build_mod.compile_catalogs(locales, targets=targets, name=_names(paths, recursive),
                                        follow_links=follow_links):
        typer.echo(one_line(f"{c.mo}{'' if c.written else ' (unchanged)'}"))


def check(
    paths: PathsArg = None,
    to: Annotated[Optional[list[str]], typer.Option("--to", "-t", help="Only these languages.")] = None,
    glossary: GlossaryOpt = None,
    no_glossary: NoGlossaryOpt = False,
    locales: LocalesOpt = Path("locales"),
    fmt: FormatOpt = "table",
    fix: Annotated[bool, typer.Option("--fix", help="Repair glossary terms in fuzzy entries (never approved ones).")
               ] = False,
    recursive: RecursiveOpt = False,
    sort: Annotated[str, typer.Option(
        "--sort", help="catalog (default: catalog and entry order) or confidence (least confident machine "
        "translations first).")] = "catalog",
    encoding: EncodingOpt = None,
    follow_links: FollowLinksOpt = False,
) -> None:
    """Check translations: glossary terms, numbers and dates, fuzzy and untranslated entries, repeated words,
    length, punctuation and typography, msgcat merge leftovers and pseudo-translations, and (for the ARTICLES
    named) a catalog the article outgrew, as build refuses it. Exits 7 when a blocking (error) finding
    remains, to gate publishing. Names the
    engine copied or misspelt are reported with their span (--fix repairs them in fuzzy entries); a
    translator comment `# toolkit: accept ID` on an entry waives that glossary term there.

    Example:  toolkit check seeds/karabakh-mining.txt --to ru --format json
    """
    from rich.console import Console

    from .. import articles, langs, qa
    from ..errors import ConflictFound, UsageError, one_line

    check_format(fmt)
    if sort not in ("catalog", "confidence"):
        raise UsageError(f"unknown sort {sort!r}; use catalog or confidence")
    targets = langs.expand_targets(to) if to else ()
    gl, choice = load_glossary(glossary, no_glossary)
    found = articles.collect(paths, recursive=recursive) if paths else []
    findings, fixes = qa.run(locales, name={p.stem for p in found} if paths else None, targets=targets,
                             glossary=gl, fix=fix, articles=found, encoding=encoding,
                             follow_links=follow_links)
    if sort == "confidence":
        findings = qa.sort_by_confidence(findings)
    counts = qa.summary(findings)
    if fmt == "json":
        typer.echo(json.dumps({"findings": [f.as_dict() for f in findings], "summary": counts,
                               "fixes": [{"catalog": x.catalog, "msgctxt": x.msgctxt, "before": x.before,
                                          "after": x.after, "notes": list(x.notes)} for x in fixes]},
                              ensure_ascii=False, indent=2))
    else:
        console = Console()
        if findings:
            from .tables import Column, fit

            several = len({f.article for f in findings}) > 1     # then each row names its article, whole
            columns = [Column("lang"), Column("entry", name=True), Column("severity"), Column("check"),
                       Column("message", prose=True), Column("confidence", "right", optional=True)]
            rows = [[f.lang, "\n".join(one_line(w) for w in (f.article, f.entry) if w) if several else one_line(f.entry),
                     f.severity, f.code, f.message, "-" if f.confidence is None else f"{f.confidence:.2f}"]
                    for f in findings]
            table, dropped = fit(console, columns, rows)
            console.print(table)
            if dropped:
                typer.echo(f"(left out at this width: {', '.join(dropped)}; see --format json)")
        for x in fixes:
            typer.echo(one_line(f"fixed {x.catalog} {x.msgctxt}: {'; '.join(x.notes)}"))   # msgctxt: a translator's
        typer.echo(f"{counts['error']} error(s), {counts['warning']} warning(s), {len(fixes)} fix(es)")
    note_missing_glossary(choice, "checked")
    blocking = qa.blocking(findings)
    if blocking:
        first = blocking[0]
        where = one_line(f"{first.article} {first.entry}".strip())
        raise ConflictFound(f"{len(blocking)} blocking finding(s), first {first.lang} {where}: {first.message}",
                            hint="fix them in the catalogs, then run check again")


def stats(
    paths: PathsArg = None,
    locales: LocalesOpt = Path("locales"),
    glossary: GlossaryOpt = None,
    no_glossary: NoGlossaryOpt = False,
    fmt: FormatOpt = "table",
    by_article: Annotated[bool, typer.Option("--by-article", help="One row per language and article.")] = False,
    recursive: RecursiveOpt = False,
    least_confident: Annotated[int, typer.Option(
        "--least-confident", min=0, help="Also list the N unreviewed machine translations with the lowest "
        "confidence: where to start post-editing.")] = 0,
    to: Annotated[Optional[list[str]], typer.Option("--to", "-t", help="Only these languages.")] = None,
) -> None:
    """Per language (or per article): segments, words, approved / fuzzy / untranslated, term success rate,
    open conflicts; and blocked (approved pseudo-translations, msgcat merge leftovers), when there are any.

    Example:  toolkit stats --by-article --format json
    """
    from .. import langs, locales as locales_mod, stats as stats_mod
    from ..errors import one_line

    check_format(fmt)
    gl, choice = load_glossary(glossary, no_glossary)
    names = _names(paths, recursive)
    targets = langs.expand_targets(to) if to else ()
    rows = stats_mod.collect(locales, glossary=gl, by_article=by_article, name=names, targets=targets)
    unsure = stats_mod.least_confident(locales_mod.catalogs(locales, name=names, targets=targets), least_confident) \
        if least_confident else []
    if fmt == "json":
        data = [r.as_dict() for r in rows]
        if least_confident:   # the plain list stays the shape without the option
            data = {"languages": data, "least_confident": [u.as_dict() for u in unsure]}
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        note_missing_glossary(choice, "counted")
        return
    from rich.console import Console
    from rich.table import Table

    from .tables import Column, fit

    def share(row: stats_mod.LanguageStats, n: int) -> str:
        return f"{n} {row.percent(n):g}%"

    blocked = any(r.blocked for r in rows)     # the gate's column, shown when it has something to say
    columns = [Column("lang"), *((Column("article", name=True),) if by_article else ()),
               Column("segments", "right"), Column("words", "right", optional=True), Column("approved", "right"),
               Column("fuzzy", "right"), Column("untranslated", "right"),
               *((Column("blocked", "right"),) if blocked else ()), Column("conflicts", "right"),
               Column("terms ok", "right", optional=True), Column("confidence", "right", optional=True)]
    cells = []
    for r in rows:
        rate = f"{r.term_rate:g}% {r.terms_ok}/{r.terms_total}" if r.term_rate is not None else "-"
        cells.append([r.lang, *((r.article,) if by_article else ()), str(r.segments), str(r.words),
                      share(r, r.approved), str(r.fuzzy), str(r.untranslated),
                      *((str(r.blocked),) if blocked else ()), str(r.conflicts), rate,
                      "-" if r.confidence is None else f"{r.confidence:.2f}"])
    console = Console()
    table, dropped = fit(console, columns, cells, title=str(locales))
    console.print(table)
    if dropped:
        typer.echo(f"(left out at this width: {', '.join(dropped)}; see --format json)")
    if unsure:
        least = Table(title=f"least confident: {len(unsure)} unreviewed machine translation(s)")
        for col in ("confidence", "lang", "where", "source"):
            least.add_column(col)
        for u in unsure:
            least.add_row(f"{u.confidence.value:.2f}", u.lang, one_line(f"{u.catalog}:{u.line} {u.position}"),
                          one_line(u.source))
        console.print(least)
    note_missing_glossary(choice, "counted")


def register(app: typer.Typer) -> None:
    app.command("build")(build)
    app.command("compile")(compile_)
    app.command("check")(check)
    app.command("stats")(stats)
