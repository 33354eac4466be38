"""Build a synthetic random-weight .argosmodel (or OPUS-MT release) for tests and benchmarks.

Example:  uv run python bench/make_model.py --size base --from en --to ru --out /tmp/translate-en_ru.argosmodel
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from toolkit_dev.modelgen import LAYOUTS, build_argos_package, build_opus_mt_release


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=("tiny", "base"), default="tiny",
                        help="tiny: 2+2 layers, d 64, vocab 1k; base: the real Argos shape, ~72 MB int8")
    parser.add_argument("--from", dest="source", default="en")
    parser.add_argument("--to", dest="target", default="ru")
    parser.add_argument("--multilingual", action="store_true", help="NLLB-style language tokens and prefixes")
    parser.add_argument("--opus-mt", action="store_true", help="write a tiny Marian/OPUS-MT release zip instead")
    parser.add_argument("--layout", choices=LAYOUTS, default="locomotive",
                        help="locomotive (en→ru 1.9 style), argos-train-2x (en→az 1.5 style: CTranslate2 2.x, "
                             "no config.json), toolkit (with type and license fields)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    start = time.perf_counter()
    if args.opus_mt:
        out = build_opus_mt_release(args.out, target=args.target, seed=args.seed)
    else:
        out = build_argos_package(args.out, size=args.size, source=args.source, target=args.target,
                                  multilingual=args.multilingual, seed=args.seed, layout=args.layout)
    print(f"{out}: {out.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
