"""From an article and its catalog back to a translated article: original blocks, spacing and line endings.

Never published, under any policy: an entry `msgcat`/`msguniq` left holding two versions between
`#-#-#-#-#` lines, an approved pseudo-translation, and an approved translation whose `#|` names an earlier
sentence (qa.gate_findings decides, `check` reports the same).
A catalog the article outgrew is refused (qa.stale_segments, `check ARTICLE` reports it as stale-catalog).

Fuzzy policy: `use` (default) takes approved and fuzzy translations and counts the fuzzy ones,
`source` puts the English sentence where the translation is fuzzy, `fail` refuses unless every
sentence is approved. An untranslated sentence always falls back to its source text and is counted
(`fail` refuses it too). With msgstr = msgid everywhere the output is the source, byte for byte.
"""
from __future__ import annotations

import os
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import polib

from .document import Document, Segment
from .errors import CatalogError, ConflictFound, UsageError

if TYPE_CHECKING:
    from . import fsutil

POLICIES = ("use", "source", "fail")


@dataclass(frozen=True, slots=True)
class Built:
    lang: str
    data: bytes            # the article, in the source's encoding (UTF-8 if that cannot hold it), BOM, newlines
    segments: int
    approved: int
    fuzzy: int             # fuzzy translations used (policy "use") or replaced by the source ("source")
    untranslated: int      # sentences left in English
    out: Path | None = None


def default_out(source: Path, lang: str) -> Path:
    """Next to the article: seeds/karabakh-mining.txt → seeds/karabakh-mining.ru.txt."""
    return source.with_name(f"{source.stem}.{lang}{source.suffix}")


def build(doc: Document, po: polib.POFile, lang: str, *, fuzzy: str = "use", catalog: str | Path = "") -> Built:
    if fuzzy not in POLICIES:
        raise UsageError(f"unknown --fuzzy policy {fuzzy!r}; choose one of: {', '.join(POLICIES)}")
    from . import qa
    from .catalog import keys, label

    # Keyed as gettext keys them (msgctxt + msgid); a catalog not yet migrated from position contexts, or
    # one a tool left without the repeat context, still builds from the msgid.
    exact = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
    by_msgid: dict[str, polib.POEntry] = {}
    for e in po:
        if not e.obsolete:
            by_msgid.setdefault(e.msgid, e)
    key = keys(doc)
    missing = qa.stale_segments(doc, po)          # the one decision `check` reports as stale-catalog
    if missing:
        raise CatalogError(qa.stale_message(doc, missing), path=catalog,
                           hint=f"run `toolkit translate {doc.source} --to {lang}` to merge the changes")
    used = {id(e): e for e in (exact.get(key[s.id]) or by_msgid[s.text] for s in doc.segments)}
    # Under any --fuzzy policy: a msgcat merge holds no one translation, an approved pseudo-translation is
    # no translation (a fuzzy one is the pseudo-localisation preview `--fuzzy use` exists for).
    unpublishable = [f for e in used.values() for f in qa.gate_findings(e, lang, msgctxt=label(e))]
    if unpublishable:
        first = unpublishable[0]
        raise ConflictFound(f"{len(unpublishable)} sentence(s) hold no translation anyone approved, first "
                            f"{first.entry or '?'}: {first.message}", path=catalog,
                            hint="fix them in a PO editor (`toolkit check` lists them), then build again")
    counts = {"approved": 0, "fuzzy": 0, "untranslated": 0}

    def target(seg: Segment) -> str:
        entry = exact.get(key[seg.id]) or by_msgid[seg.text]
        if not entry.msgstr:
            counts["untranslated"] += 1
            return seg.source_text
        if entry.fuzzy:
            counts["fuzzy"] += 1
            return entry.msgstr if fuzzy == "use" else seg.source_text
        counts["approved"] += 1
        return entry.msgstr

    text = doc.rebuild(target)
    if fuzzy == "fail" and (counts["fuzzy"] or counts["untranslated"]):
        raise ConflictFound(f"{counts['fuzzy']} fuzzy and {counts['untranslated']} untranslated sentence(s); "
                            "--fuzzy fail builds only fully approved catalogs", path=catalog,
                            hint="review them in a PO editor, or use --fuzzy use|source")
    try:
        data = doc.encode(text)
    except UnicodeEncodeError:
        data = Document(doc.name, doc.source, doc.leading, doc.blocks, doc.newline, doc.bom, "utf-8").encode(text)
    return Built(lang, data, len(doc.segments), counts["approved"], counts["fuzzy"], counts["untranslated"])


def build_files(jobs: Sequence[tuple[Path, str, str | Path | None]], *, locales: str | Path = "locales",
                fuzzy: str = "use", glossary_dir: str | Path | None = "glossaries",
                encoding: str | None = None) -> Iterator[Built]:
    """`build_file` for each (article, language, out) in turn, yielding each as it is written. Each file is
    atomic on its own, so when one cannot be written (a full disk during `--to all`) the error names the files
    already written and those not (fsutil.WriteLog), not a "nothing was changed" true of the last one only."""
    from . import fsutil

    planned = [Path(out) if out is not None else default_out(Path(path), lang)
               for path, lang, out in jobs if out is None or str(out) != "-"]
    try:
        base = Path(os.path.commonpath([p.parent for p in planned])) if planned else Path()
    except ValueError:       # relative and absolute paths mixed: WriteLog names them in full
        base = Path()
    log = fsutil.WriteLog(planned, base=base)
    for path, lang, out in jobs:
        yield build_file(path, lang, locales=locales, out=out, fuzzy=fuzzy, glossary_dir=glossary_dir,
                         encoding=encoding, log=log)


def build_file(path: str | Path, lang: str, *, locales: str | Path = "locales", out: str | Path | None = None,
               fuzzy: str = "use", glossary_dir: str | Path | None = "glossaries",
               encoding: str | None = None, log: fsutil.WriteLog | None = None) -> Built:
    """Read the article (segmented as `translate` did, with the same glossary) and its catalog; write `out`
    atomically (`-` means: do not write, the caller prints `data`), through `log` when one run writes several."""
    from . import catalog, document, fsutil, glossary as glossary_mod, pofile

    gl = glossary_mod.load(glossary_dir) if glossary_dir is not None and Path(glossary_dir).exists() else None
    doc = document.read(path, encoding=encoding, no_split=gl.spans if gl is not None else None)
    po_path = catalog.po_path(Path(locales), lang, doc)
    if not po_path.exists():
        raise CatalogError(f"no {lang} catalog for {doc.source}", path=po_path,
                           hint=f"run `toolkit translate {doc.source} --to {lang}` first")
    built = build(doc, pofile.read(po_path, lang=lang), lang, fuzzy=fuzzy, catalog=po_path)
    if out is not None and str(out) == "-":
        return built
    target = Path(out) if out is not None else default_out(Path(path), lang)
    locales = Path(locales)
    fsutil.refuse_overwriting(target, [
        ("the article itself", [Path(path)]),
        ("a glossary file", [Path(f) for f in gl.files] if gl is not None else []),
        ("a file of the catalogs", (p for p in locales.rglob("*") if p.is_file()) if locales.is_dir() else [])])
    if log is not None:
        log.write(target, lambda: fsutil.atomic_write(target, built.data))
    else:
        fsutil.atomic_write(target, built.data)
    return Built(built.lang, built.data, built.segments, built.approved, built.fuzzy, built.untranslated, target)


@dataclass(frozen=True, slots=True)
class Compiled:
    po: Path
    mo: Path
    written: bool          # False when the .mo already had these bytes


def compile_catalogs(locales: str | Path, *, targets: tuple[str, ...] = (),
                     name: str | Collection[str] | None = None, follow_links: bool = False) -> list[Compiled]:
    """A .mo next to every catalog (fuzzy entries left out, as gettext does). GNU msgfmt when installed:
    polib's save_as_mofile takes minutes on big catalogs; polib is the fallback."""
    import shutil
    import subprocess
    import tempfile

    from . import fsutil, locales as locales_mod, pofile

    found = locales_mod.catalogs(locales, targets=targets, name=name)
    locales_mod.check_folder(locales, {lang for lang, _ in found}, follow=follow_links)
    for _, po_path in found:     # a link or a FIFO planted as one .mo stops the run before any .mo is written
        fsutil.check_replaceable(po_path.with_suffix(".mo"))
    msgfmt = shutil.which("msgfmt")
    log = fsutil.WriteLog([po.with_suffix(".mo") for _, po in found], base=Path(locales))
    out = []
    for lang, po_path in found:
        mo_path = po_path.with_suffix(".mo")
        if msgfmt is not None:
            pofile.validate(po_path)
            with tempfile.TemporaryDirectory(prefix="toolkit-mo-") as tmp:
                tmp_mo = Path(tmp) / "out.mo"
                result = subprocess.run([msgfmt, "--check-format", "-o", str(tmp_mo), str(po_path)],
                                        capture_output=True, text=True, errors="replace")
                if result.returncode != 0:
                    raise CatalogError(f"msgfmt refused it: {result.stderr.strip().splitlines()[0]}", path=po_path)
                data = tmp_mo.read_bytes()
        else:
            po = pofile.read(po_path, lang=lang)
            data = po.to_binary() if hasattr(po, "to_binary") else _polib_mo(po)
        written = not fsutil.has_bytes(mo_path, data)
        if written:
            log.write(mo_path, lambda: fsutil.atomic_write(mo_path, data))
        out.append(Compiled(po_path, mo_path, written))
    return out


def _polib_mo(po: polib.POFile) -> bytes:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="toolkit-mo-") as tmp:
        path = Path(tmp) / "out.mo"
        po.save_as_mofile(str(path))
        return path.read_bytes()
