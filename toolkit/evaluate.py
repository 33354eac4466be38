"""Measure a model on a test set: chrF2 and BLEU exactly as sacrebleu computes them, and term success.

The test set is two aligned files (FLORES-style: one sentence a line, source and reference), or a desk's own
catalogs: their approved entries (translated, not fuzzy, not obsolete), the English source against the
translation a translator approved, which is the desk's real past work. The model's raw output is scored
(the engine's best hypothesis, before the glossary step repairs anything), so the numbers describe the
model and compare with the published ones; term success is the share of glossary terms in those sources
whose target term the output has, by the project's own check (`terms.check_entry`).

A line break inside a segment counts as a space, in the saved hypotheses and in the scores alike, so
`sacrebleu REFERENCE < HYPOTHESES` on the saved file gives the same numbers.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import fsutil, pofile
from .errors import CatalogError, InputError, UsageError
from .glossary import Glossary

#: progress(done, total): sentences translated so far.
Progress = Callable[[int, int], None]

#: Segments per engine call: small enough for a smooth progress bar, large enough to batch well.
CHUNK = 64
MAX_TEST_FILE = 64 << 20


@dataclass(frozen=True, slots=True)
class TestSet:
    sources: tuple[str, ...]
    references: tuple[str, ...]
    origin: str                 # what it was read from, for the report
    inputs: tuple[tuple[str, tuple[str, ...]], ...] = ()   # (what, files) an --output must never overwrite


@dataclass(frozen=True, slots=True)
class Score:
    model: str                  # the engine's identity for the language ("ctranslate2 opus-mt-hyx-hyx …")
    sentences: int
    chrf: float                 # chrF2, 0-100, sacrebleu's corpus score
    bleu: float                 # BLEU, 0-100, sacrebleu's corpus score (tokenizer 13a)
    terms_total: int            # glossary term occurrences in the sources
    terms_ok: int               # ... whose target term the output has
    chrf_signature: str
    bleu_signature: str
    hypotheses: tuple[str, ...]

    @property
    def term_success(self) -> float | None:
        """Share of glossary terms rendered right, 0-100; None when no glossary term occurs."""
        return 100 * self.terms_ok / self.terms_total if self.terms_total else None


def _one_line(text: str) -> str:
    # Every boundary str.splitlines knows (\u2028, \x85, \x0c … as well as \n): a reader of the saved file
    # must see one line per segment whichever way it splits.
    return " ".join(text.splitlines())


def _read_lines(path: Path) -> list[str]:
    try:
        data = fsutil.read_regular(path, limit=MAX_TEST_FILE, what="a test set file")
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except IsADirectoryError:
        raise InputError("is a folder; a test set is one file of sentences, one a line", path=path,
                         hint="give the file, e.g. eng_Latn.devtest") from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=path) from None
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(f"not valid utf-8 (byte 0x{data[exc.start]:02x})", path=path, line=line, column=column,
                         hint=f"convert it: iconv -f CODEPAGE -t utf-8 {path}") from None
    # Lines are what `wc -l` and sacrebleu count: "\n" (a CRLF's "\r" goes too), never the form feed, U+2028 or
    # NEL that str.splitlines also breaks at, which would shift every later sentence against its reference.
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def read_aligned(source: str | Path, reference: str | Path) -> TestSet:
    """Two files of aligned lines (FLORES-200's devtest files are this shape)."""
    source, reference = Path(source), Path(reference)
    src, ref = _read_lines(source), _read_lines(reference)
    if fsutil.same_file(source, [reference]):     # every score would be the English against itself
        raise InputError(f"is the reference too ({reference}); the reference is the translation", path=source,
                         hint="give the target-language file with --reference")
    if len(src) != len(ref):
        raise InputError(f"{len(src)} lines, but {reference} has {len(ref)}; the files must be aligned line by "
                         "line", path=source)
    if not any(line.strip() for line in src):
        raise InputError("empty test set" if not src else f"empty test set: its {len(src)} lines are blank",
                         path=source, hint="give the English sentences, one a line")
    return TestSet(tuple(src), tuple(ref), f"{source} + {reference}",
                   (("the English test sentences", (str(source),)), ("the reference translations", (str(reference),))))


def _catalog_files(paths: Sequence[str | Path]) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(p.rglob("*.po")))
        elif p.exists():
            files.append(p)
        else:
            raise InputError("no such catalog or folder", path=p)
    return files


def _catalog_lang(path: Path, po) -> str | None:
    """The catalog's language: its Language header, else the `<lang>/LC_MESSAGES/` folder it sits in."""
    header = (po.metadata.get("Language") or "").strip().replace("-", "_").split("_")[0].lower()
    if header:
        return header
    return path.parent.parent.name if path.parent.name == "LC_MESSAGES" else None


def approved(entry) -> bool:
    """What a translator has approved: translated, not fuzzy, not obsolete (plural entries are left out:
    a segment of an article has none)."""
    return (bool(entry.msgid) and not entry.obsolete and "fuzzy" not in entry.flags and not entry.msgid_plural
            and bool(entry.msgstr.strip()))


def read_catalogs(paths: Sequence[str | Path], lang: str) -> TestSet:
    """The approved entries of every `lang` catalog among `paths` (files, or folders searched for *.po)."""
    sources: list[str] = []
    references: list[str] = []
    used: list[str] = []
    for path in _catalog_files(paths):
        po = pofile.read(path)
        if _catalog_lang(path, po) != lang:
            continue
        used.append(str(path))
        for entry in po:
            if approved(entry):
                sources.append(entry.msgid)
                references.append(entry.msgstr)
    if not sources:
        where = ", ".join(map(str, paths))
        raise CatalogError(f"no approved {lang} entries in {where}" if used else f"no {lang} catalogs in {where}",
                           path=str(paths[0]) if paths else None,
                           hint="approve entries first (remove the fuzzy flag), or pass --source/--reference")
    return TestSet(tuple(sources), tuple(references), f"{len(sources)} approved entries in {len(used)} catalog(s)",
                   (("a catalog being evaluated", tuple(used)),))


def score(hypotheses: Sequence[str], test: TestSet, lang: str, glossary: Glossary | None, model: str) -> Score:
    """chrF2 and BLEU (sacrebleu's corpus scores and signatures) and term success of `hypotheses`."""
    from sacrebleu.metrics import BLEU, CHRF

    hyps = [_one_line(h) for h in hypotheses]
    refs = [_one_line(r) for r in test.references]
    if len(hyps) != len(refs):
        raise UsageError(f"{len(hyps)} hypotheses for {len(refs)} references")
    chrf, bleu = CHRF(), BLEU()
    chrf_score, bleu_score = chrf.corpus_score(hyps, [refs]), bleu.corpus_score(hyps, [refs])
    total = ok = 0
    if glossary is not None:
        from .terms import check_entry

        for source, hyp in zip(test.sources, hyps, strict=True):
            outcome = check_entry(source, hyp, glossary, lang)
            total += outcome.terms_total
            ok += outcome.terms_ok
    return Score(model, len(hyps), round(chrf_score.score, 4), round(bleu_score.score, 4), total, ok,
                 str(chrf.get_signature()), str(bleu.get_signature()), tuple(hyps))


def translate(test: TestSet, lang: str, engine, *, progress: Progress | None = None) -> list[str]:
    """The engine's best hypothesis for every source, in chunks so a long set reports its progress."""
    out: list[str] = []
    for start in range(0, len(test.sources), CHUNK):
        chunk = list(test.sources[start:start + CHUNK])
        out.extend(hyps[0].text for hyps in engine.translate_batch(chunk, lang))
        if progress:
            progress(len(out), len(test.sources))
    return out


def evaluate(test: TestSet, lang: str, engine, glossary: Glossary | None, *,
             progress: Progress | None = None) -> Score:
    """Translate `test` with `engine` and score the output."""
    return score(translate(test, lang, engine, progress=progress), test, lang, glossary, engine.identity(lang))


def output_paths(output: str | Path | None, count: int, test: TestSet, glossary: Glossary | None) -> list[Path]:
    """Where `count` models' hypotheses go (`hyp.txt`, or `hyp.1.txt`, `hyp.2.txt` …), refused before the
    hours of translating when one is an input (the source, the reference, a catalog read, a glossary file),
    an existing catalog, or `-`."""
    if output is None:
        return []
    output = Path(output)
    if str(output) == "-":     # the scores are standard output already: a file named "-" is never meant
        raise UsageError("--output - : the hypotheses are saved to a file, the scores go to standard output",
                         hint="give a file path, e.g. --output hyp.txt")
    paths = [output] if count == 1 else [output.with_name(f"{output.stem}.{k}{output.suffix or '.txt'}")
                                         for k in range(1, count + 1)]
    inputs = [*test.inputs, ("a glossary file", glossary.files if glossary is not None else ())]
    for path in paths:
        fsutil.refuse_overwriting(path, inputs)
        if path.suffix in (".po", ".pot") and path.exists():
            raise UsageError("is a catalog; refusing to overwrite it with hypotheses", path=path,
                             hint="give a .txt path for --output")
    return paths


def save(hypotheses: Sequence[str], path: str | Path) -> None:
    """The hypotheses one a line, written atomically (what sacrebleu reads)."""
    fsutil.atomic_write(path, "".join(_one_line(h) + "\n" for h in hypotheses).encode("utf-8"))
