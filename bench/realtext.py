"""Names on real text: human translations checked as if they were machine drafts, and what `check --fix` does.

Each human translation (FLORES-200 devtest ru/az/hy, and WMT newstest en-ru with `--newstest DIR`) becomes the
fuzzy draft of its English line in a catalog (100 lines an article), checked with a glossary of every country
and city babel's CLDR has (`toolkit glossary seed --from-cldr`) under the project's `glossaries/`. A correct
translation should come out of `check --fix` unchanged, and its findings should be real deviations from the
glossary, never another entity's name. Prints per set and language: sentences, sentences `--fix` changed,
term warnings and errors per 1,000 sentences; every change and every term finding goes to bench/out/realtext/.

    uv run python bench/realtext.py                        # FLORES-200 devtest copy in bench/realtext/
    uv run python bench/realtext.py --newstest DIR         # newstest2016-2018 .eng/.rus files (not shipped)
    uv run python bench/realtext.py --flores DIR --out DIR --tag after
"""
from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FLORES = {"ru": "rus_Cyrl", "az": "azj_Latn", "hy": "hye_Armn"}
LINES_PER_ARTICLE = 100


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def sets(flores: Path, newstest: Path | None) -> list[tuple[str, str, list[str], list[str]]]:
    """(set name, language, English lines, human translation lines), line N the translation of line N."""
    out = []
    english = _lines(flores / "eng_Latn.txt")
    for lang, code in FLORES.items():
        out.append(("flores", lang, english, _lines(flores / f"{code}.txt")))
    if newstest is not None:
        for eng in sorted(newstest.glob("newstest*.eng.txt")):
            rus = eng.with_name(eng.name.replace(".eng.", ".rus."))
            out.append((eng.name.split(".")[0], "ru", _lines(eng), _lines(rus)))
    for name, lang, en, tr in out:
        if len(en) != len(tr):
            raise SystemExit(f"{name} {lang}: {len(en)} English lines but {len(tr)} translated")
    return out


def write_catalogs(locales: Path, name: str, lang: str, english: list[str], human: list[str]) -> int:
    """One catalog per 100 lines, each line a fuzzy entry whose draft is the human translation."""
    import polib

    from toolkit import catalog, pofile

    count = 0
    for n, first in enumerate(range(0, len(english), LINES_PER_ARTICLE), 1):
        po = polib.POFile(wrapwidth=catalog.WRAP_WIDTH)
        po.metadata = catalog.header(lang)
        seen: Counter[str] = Counter()
        for i, (en, tr) in enumerate(zip(english[first:first + LINES_PER_ARTICLE],
                                         human[first:first + LINES_PER_ARTICLE], strict=True), 1):
            if not en.strip() or not tr.strip():
                continue
            seen[en] += 1
            ctxt = f"occurrence {seen[en]}" if seen[en] > 1 else None
            po.append(polib.POEntry(msgctxt=ctxt, msgid=en, msgstr=tr, flags=["fuzzy"],
                                    occurrences=[(f"{name}-{n:02d}.txt", str(first + i))],
                                    comment=f"{catalog.POSITION_NOTE}b{i}.s1"))
            count += 1
        pofile.write(po, locales / lang / "LC_MESSAGES" / f"{name}-{n:02d}.po")
    return count


def glossary(work: Path):
    """CLDR's countries and cities (what `toolkit glossary seed --from-cldr` proposes) under the project's own."""
    from toolkit import glossary as glossary_mod

    cldr = work / "00-cldr.tsv"
    glossary_mod.write_tsv(glossary_mod.seed_from_cldr(list(FLORES)), cldr, list(FLORES))
    return glossary_mod.load([cldr, ROOT / "glossaries"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--flores", type=Path, default=HERE / "realtext" / "flores200-devtest",
                    help="folder with eng_Latn.txt, rus_Cyrl.txt, azj_Latn.txt, hye_Armn.txt")
    ap.add_argument("--newstest", type=Path, default=None,
                    help="folder with newstest*.eng.txt and newstest*.rus.txt (not redistributed here)")
    ap.add_argument("--out", type=Path, default=HERE / "out" / "realtext")
    ap.add_argument("--tag", default="", help="suffix of the output files, e.g. before / after")
    args = ap.parse_args()

    from toolkit import qa

    args.out.mkdir(parents=True, exist_ok=True)
    suffix = f"-{args.tag}" if args.tag else ""
    work = Path(tempfile.mkdtemp(prefix="realtext-"))
    try:
        start = time.perf_counter()
        g = glossary(work)
        print(f"glossary: {len(g)} concepts ({', '.join(Path(f).name for f in g.files)}), "
              f"{time.perf_counter() - start:.1f} s")
        changes, found, summary = [], [], []
        print(f"{'set':<13}{'lang':<5}{'sentences':>10}{'changed':>9}{'warn/1k':>9}{'err/1k':>8}{'seconds':>9}")
        for name, lang, english, human in sets(args.flores, args.newstest):
            locales = work / f"{name}-{lang}" / "locales"
            count = write_catalogs(locales, name, lang, english, human)
            start = time.perf_counter()
            findings, fixes = qa.run(locales, targets=[lang], glossary=g, fix=True)
            took = time.perf_counter() - start
            sources = _sources(locales, lang)
            term = [f for f in findings if f.code.startswith("term-")]
            sev = Counter(f.severity for f in term)
            per_k = {s: 1000 * sev[s] / count for s in ("warning", "error")}
            print(f"{name:<13}{lang:<5}{count:>10}{len(fixes):>9}{per_k['warning']:>9.1f}{per_k['error']:>8.1f}"
                  f"{took:>9.1f}")
            summary.append({"set": name, "lang": lang, "sentences": count, "changed": len(fixes),
                            "term_warnings": sev["warning"], "term_errors": sev["error"],
                            "by_code": dict(Counter(f.code for f in term)), "seconds": round(took, 1)})
            for fx in fixes:
                changes.append({"set": name, "lang": lang, "catalog": Path(fx.catalog).name, "entry": fx.msgctxt,
                                "source": sources.get((Path(fx.catalog).name, fx.msgctxt), ("", ""))[0],
                                "before": fx.before, "after": fx.after, "notes": list(fx.notes)})
            for f in term:
                en, target = sources.get((Path(f.catalog).name, f.entry), ("", ""))
                found.append({"set": name, **f.as_dict(), "catalog": Path(f.catalog).name, "source": en,
                              "target": target})
        _write(args.out / f"changes{suffix}.txt", [_change_text(c) for c in changes])
        _write(args.out / f"findings{suffix}.txt", [_finding_text(f) for f in found])
        (args.out / f"summary{suffix}.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n",
                                                        encoding="utf-8")
        (args.out / f"changes{suffix}.jsonl").write_text(
            "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in changes), encoding="utf-8")
        (args.out / f"findings{suffix}.jsonl").write_text(
            "".join(json.dumps(f, ensure_ascii=False) + "\n" for f in found), encoding="utf-8")
        _time_source_step(g, [en for _, _, english, _ in sets(args.flores, args.newstest) for en in english])
        print(f"every change: {args.out / f'changes{suffix}.txt'}; every term finding: "
              f"{args.out / f'findings{suffix}.txt'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _time_source_step(g, english: list[str]) -> None:
    """CPU time of matching the English lines, and of deciding which matches are the concept (the source
    step, `terms.source`), per 1,000 sentences, against the pipeline bench's ~83 s per 1,000 (README)."""
    from toolkit.terms import source

    lines = list(dict.fromkeys(english))
    timings = {}
    for name, step in (("match", g.match), ("match+source", lambda text: source.read(g, text))):
        best = float("inf")
        for _ in range(3):
            start = time.process_time()
            for text in lines:
                step(text)
            best = min(best, time.process_time() - start)
        timings[name] = 1000 * best / len(lines)
    extra = timings["match+source"] - timings["match"]
    print(f"source step: match {timings['match']:.3f} s, match+source {timings['match+source']:.3f} s per 1,000 "
          f"sentences (CPU, best of 3); the source step adds {extra:.3f} s = {100 * extra / 83:.2f}% of the "
          "1,000-sentence pipeline bench")


def _sources(locales: Path, lang: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(catalog file name, entry label) → (English source, translation after --fix), to print next to each
    change and finding."""
    from toolkit import catalog, locales as locales_mod, pofile

    out = {}
    for _, path in locales_mod.catalogs(locales, targets=[lang]):
        for e in pofile.read(path, lang=lang):
            out[(path.name, catalog.label(e))] = (e.msgid, e.msgstr)
    return out


def _change_text(c: dict) -> str:
    return (f"{c['set']} {c['lang']} {c['catalog']} {c['entry']}\n  source: {c['source']}\n"
            f"  before: {c['before']}\n  after:  {c['after']}\n" + "".join(f"  note:   {n}\n" for n in c["notes"]))


def _finding_text(f: dict) -> str:
    span = f"[{f['span'][0]}:{f['span'][1]}]" if f.get("span") else ""
    return (f"{f['set']} {f['lang']} {f['catalog']} {f['msgctxt']} {f['code']} {f['concept']} {span}\n"
            f"  source:  {f['source']}\n  target:  {f['target']}\n  message: {f['message']}\n")


def _write(path: Path, blocks: list[str]) -> None:
    path.write_text("\n".join(blocks), encoding="utf-8")


if __name__ == "__main__":
    main()
