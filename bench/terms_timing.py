"""Cost of the term step per 1,000 segments, with and without the name-variant search (toolkit.terms.variants).

The seed article's segments are repeated to 1,000 and given 4 hypotheses each, of two kinds: "good"
(every glossary term present, as the pseudo engine writes them: the search never runs) and "garbled"
(what a random-weight model or a very weak one writes: capitalised nonsense words in the target script,
so every term is missing and the search runs for every term of every segment: the worst case).
`terms.enforce` is timed as the pipeline calls it, in CPU time of this process (steadier than wall time on
a shared machine); "without" replaces the variant search by a no-op. (The step before this work also
skipped the second verification of the chosen hypothesis: measured once on the base commit 0598f0d,
0.21-0.29 s per 1,000 garbled segments.) The difference is compared with the 1,000-sentence pipeline
bench (README: 12.1 sentences/s, i.e. ~83 s per 1,000 sentences; the budget is 2%, ~1.7 s).

Example:  uv run python bench/terms_timing.py
"""
from __future__ import annotations

import argparse
import random
import time
from pathlib import Path
from unittest import mock

from toolkit import glossary as glossary_mod, pipeline, terms
from toolkit.terms import variants
from toolkit.engines import Hypothesis

ROOT = Path(__file__).resolve().parent.parent
ALPHABETS = {"ru": "абвгдежзиклмнопрстуфхцчшыэюя", "az": "abcçdeəfgğhxıijkqlmnoöprsştuüvyz",
             "hy": "աբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆ"}


def garbled(rng: random.Random, lang: str, words: int) -> str:
    letters = ALPHABETS[lang]
    out = []
    for _ in range(words):
        w = "".join(rng.choice(letters) for _ in range(rng.randint(2, 9)))
        out.append(w.capitalize() if rng.random() < 0.3 else w)
    return " ".join(out) + "."


def run(masked, hyps, lang: str) -> float:
    start = time.process_time()
    for m, h in zip(masked, hyps, strict=True):
        terms.enforce(m, h, lang)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--segments", type=int, default=1000)
    parser.add_argument("--pipeline-seconds", type=float, default=1000 / 12.11,
                        help="the pipeline's time for 1,000 sentences (README)")
    args = parser.parse_args()
    glossary = glossary_mod.load(ROOT / "glossaries")
    doc = pipeline.load(ROOT / "seeds" / "karabakh-mining.txt", glossary)
    sources = [s.text for s in doc.segments]
    sources = (sources * (args.segments // len(sources) + 1))[:args.segments]
    rng = random.Random(7)
    print(f"{args.segments} segments, 4 hypotheses each; budget 2% of {args.pipeline_seconds:.0f} s = "
          f"{0.02 * args.pipeline_seconds:.2f} s")
    print(f"{'lang':<5} {'output':<8} {'with (s)':>9} {'without (s)':>12} {'variant search (s)':>19} "
          f"{'% of pipeline':>14}")
    for lang in ("ru", "az", "hy"):
        masked = [terms.mask(s, glossary.match(s), lang, "protected") for s in sources]
        good = [[Hypothesis(terms.mask(s, m.hits, lang, "all").text, 0.0)] * 4 for s, m in zip(sources, masked)]
        good = [[Hypothesis(terms.unmask(h.text, terms.mask(s, m.hits, lang, "all"), lang)[0], 0.0)
                 for h in hs] for s, m, hs in zip(sources, masked, good)]
        bad = [[Hypothesis(garbled(rng, lang, max(4, len(s.split()))), 0.0) for _ in range(4)] for s in sources]
        for name, hyps in (("good", good), ("garbled", bad)):
            run(masked[:50], hyps[:50], lang)                     # warm caches (pymorphy3, term models)
            with_ = min(run(masked, hyps, lang) for _ in range(2))
            with mock.patch.object(variants, "suspects", lambda *a, **k: []), \
                    mock.patch.object(variants, "derived", lambda *a, **k: None):
                without = min(run(masked, hyps, lang) for _ in range(2))
            extra = with_ - without
            print(f"{lang:<5} {name:<8} {with_:>9.2f} {without:>12.2f} {extra:>19.2f} "
                  f"{100 * extra / args.pipeline_seconds:>13.2f}%")


if __name__ == "__main__":
    main()
