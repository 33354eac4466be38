"""Term success rate on the seed article, per language, before and after terminology enforcement.

Success rate = share of glossary terms in the source segments whose target appears, in any accepted
(inflected) form, in the final msgstr. "before" is the engine's best hypothesis for the unmasked
sentence; "after" is what the pipeline keeps (masking by engine policy, n-best choice, verify and repair,
retry without masks when a placeholder was lost). Engines: the pseudo engine, and, when
`toolkit.modelgen.build_argos_package` exists, a generated tiny random-weight Argos model per language
(it translates into nonsense: the numbers show what enforcement alone can hold).

Example:  uv run python bench/terms_bench.py --hypotheses 4
"""
from __future__ import annotations

import argparse
import tempfile
import time
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


def argos_engines(tmp: Path) -> dict:
    try:
        from toolkit.modelgen import build_argos_package
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
    args = parser.parse_args()
    glossary = glossary_mod.load(args.glossary)
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
