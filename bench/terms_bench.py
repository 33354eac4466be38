"""Glossary names through MT: the name-error corpus, and the term success rate on the seed article.

1. The error corpus (tests/fixtures/name_errors.py: realistic MT outputs with source copies, variant
   spellings, other-language or historic forms, multi-word terms with one word wrong, and near-miss words
   that must stay untouched): per language and error class, how many were flagged, repaired right (where
   a repair is expected), and wrongly touched (a near-miss or correct form changed or reported, or a wrong
   repair); then the term success rate after enforcement over the whole corpus.
2. The seed article, per language, before and after terminology enforcement.

Success rate = share of glossary terms in the source segments whose target appears, in any accepted
(inflected) form, in the final msgstr. "before" is the engine's best hypothesis for the unmasked
sentence; "after" is what the pipeline keeps (masking by engine policy, n-best choice, verify and repair,
retry without masks when a placeholder was lost). Engines: the pseudo engine, and, when
`toolkit_dev.modelgen.build_argos_package` exists, a generated tiny random-weight Argos model per language
(it translates into nonsense: the numbers show what enforcement alone can hold).

Example:  uv run python bench/terms_bench.py --hypotheses 4
"""
from __future__ import annotations

import argparse
import importlib.util
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from toolkit import glossary as glossary_mod, pipeline, terms
from toolkit.engines.pseudo import PseudoEngine

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("ru", "az", "hy")


def rate(sources: list[str], targets: list[str], glossary, lang: str) -> tuple[int, int]:
    ok = total = 0
    for s, t in zip(sources, targets, strict=True):
        done = terms.check_entry(s, t, glossary, lang)
        ok += done.terms_ok
        total += done.terms_total
    return ok, total


def measure(engine, segments, glossary, lang: str, n: int) -> dict:
    start = time.perf_counter()
    sources = [s.text for s in segments]
    raw = [hyps[0].text for hyps in engine.translate_batch(sources, lang, num_hypotheses=1)]
    before = rate(sources, raw, glossary, lang)
    # The path `toolkit translate` takes (mask, one batch, choose, verify, repair, unmasked retry), no memory.
    translated = pipeline.translate_segments(segments, lang, engine, glossary, num_hypotheses=n)
    after = rate(sources, [t.text for t in translated], glossary, lang)
    fuzzy = sum(1 for t in translated if t.problems)
    return {"before": before, "after": after, "with_problems": fuzzy, "seconds": time.perf_counter() - start}


def load_corpus():
    spec = importlib.util.spec_from_file_location("name_errors", ROOT / "tests" / "fixtures" / "name_errors.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def corpus_report(glossary) -> None:
    corpus = load_corpus()
    rows: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    terms_ok: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    start = time.perf_counter()
    for lang, cls, source, mt, expected, _why in corpus.CASES:
        flagged = terms.check_entry(source, mt, glossary, lang)
        fixed = terms.check_entry(source, mt, glossary, lang, fix=True)
        r = rows[(lang, cls)]
        r["cases"] += 1
        if expected is corpus.KEEP:
            r["wrong"] += int(bool(flagged.problems) or fixed.text != mt)
        else:
            r["flagged"] += int(bool(flagged.problems))
            if expected is not corpus.FLAG:
                r["to_repair"] += 1
                r["repaired"] += int(fixed.text == expected and not fixed.problems)
                r["wrong"] += int(fixed.text not in (mt, expected))
            else:
                r["wrong"] += int(fixed.text != mt)
        terms_ok[lang][0] += fixed.terms_ok
        terms_ok[lang][1] += fixed.terms_total
    seconds = time.perf_counter() - start
    print(f"name-error corpus: {len(corpus.CASES)} cases, {seconds:.2f}s")
    print(f"{'lang':<5} {'class':<8} {'cases':>5} {'flagged':>9} {'repaired right':>15} {'wrongly touched':>16}")
    for lang in LANGS:
        for cls in ("copy", "variant", "other", "multi", "near"):
            r = rows.get((lang, cls))
            if not r:
                continue
            errors = r["cases"] if cls != "near" else 0
            flagged = f"{r['flagged']}/{errors}" if errors else "-"
            repaired = f"{r['repaired']}/{r['to_repair']}" if r["to_repair"] else "-"
            print(f"{lang:<5} {cls:<8} {r['cases']:>5} {flagged:>9} {repaired:>15} {r['wrong']:>16}")
        ok, total = terms_ok[lang]
        print(f"{lang:<5} {'all':<8} term success after enforcement: {100 * ok / total:.1f}% ({ok}/{total})")
    errors = [r for (lang, cls), r in rows.items() if cls != "near"]
    flagged = sum(r["flagged"] for r in errors), sum(r["cases"] for r in errors)
    repaired = sum(r["repaired"] for r in errors), sum(r["to_repair"] for r in errors)
    wrong = sum(r["wrong"] for r in rows.values())
    near_wrong = sum(r["wrong"] for (lang, cls), r in rows.items() if cls == "near")
    print(f"total: flagged {flagged[0]}/{flagged[1]} ({100 * flagged[0] / flagged[1]:.1f}%), repaired right "
          f"{repaired[0]}/{repaired[1]} ({100 * repaired[0] / repaired[1]:.1f}%), wrongly touched {wrong} "
          f"(near-miss {near_wrong})")
    print()


def argos_engines(tmp: Path) -> dict:
    try:
        from toolkit_dev.modelgen import build_argos_package
    except ImportError:
        return {}
    from toolkit import models
    from toolkit.engines.argos import ArgosEngine

    models_dir = tmp / "models"
    for lang in LANGS:
        pkg = build_argos_package(tmp / f"translate-en_{lang}.argosmodel", size="tiny", target=lang)
        models.install_package(pkg, models_dir)
    return {"argos (generated tiny model)": ArgosEngine(models_dir=models_dir)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--article", type=Path, default=ROOT / "seeds" / "karabakh-mining.txt")
    parser.add_argument("--glossary", type=Path, default=ROOT / "glossaries")
    parser.add_argument("--hypotheses", type=int, default=4)
    parser.add_argument("--no-model", action="store_true", help="only the pseudo engine")
    parser.add_argument("--corpus-only", action="store_true", help="only the name-error corpus")
    args = parser.parse_args()
    glossary = glossary_mod.load(args.glossary)
    corpus_report(glossary)
    if args.corpus_only:
        return
    doc = pipeline.load(args.article, glossary)
    sources = [s.text for s in doc.segments]
    with tempfile.TemporaryDirectory(prefix="terms-bench-") as tmp:
        engines = {"pseudo": PseudoEngine()}
        if not args.no_model:
            engines.update(argos_engines(Path(tmp)))
        print(f"{args.article.name}: {len(sources)} segments, glossary {len(glossary)} concepts, "
              f"n-best {args.hypotheses}")
        print(f"{'engine':<30} {'lang':<5} {'terms':>5} {'before':>8} {'after':>8} {'fuzzy':>6} {'time':>7}")
        for name, engine in engines.items():
            for lang in LANGS:
                r = measure(engine, doc.segments, glossary, lang, args.hypotheses)
                (b_ok, total), (a_ok, _) = r["before"], r["after"]
                pct = lambda k: f"{100 * k / total:.1f}%" if total else "-"  # noqa: E731
                print(f"{name:<30} {lang:<5} {total:>5} {pct(b_ok):>8} {pct(a_ok):>8} "
                      f"{r['with_problems']:>6} {r['seconds']:>6.2f}s")


if __name__ == "__main__":
    main()
