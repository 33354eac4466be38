"""Compare our sentence segmenter with pysbd, sentencex, syntok and blingfire: cases passed and speed.

Run with `uv run --group bench python bench/segment_bench.py` (competitors that are not installed are skipped).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.segment_cases import SEGMENT_CASES  # noqa: E402
from toolkit import segment  # noqa: E402

SEED = ROOT / "seeds" / "karabakh-mining.txt"
Splitter = Callable[[str], list[str]]


def ours() -> Splitter:
    return lambda text: [text[a:b] for a, b in segment.split(text)]


def pysbd_() -> Splitter:
    import pysbd

    seg = pysbd.Segmenter(language="en", clean=False)
    return lambda text: [s.strip() for s in seg.segment(text) if s.strip()]


def sentencex_() -> Splitter:
    import sentencex

    return lambda text: [s.strip() for s in sentencex.segment("en", text) if s.strip()]


def syntok_() -> Splitter:
    from syntok import segmenter

    def split(text: str) -> list[str]:
        out = []
        for paragraph in segmenter.analyze(text):
            for sentence in paragraph:
                first, last = sentence[0], sentence[-1]
                out.append(text[first.offset:last.offset + len(last.value)])
        return out

    return split


def blingfire_() -> Splitter:
    import blingfire

    return lambda text: [s.strip() for s in blingfire.text_to_sentences(text).split("\n") if s.strip()]


CANDIDATES: dict[str, Callable[[], Splitter]] = {
    "pysbd": pysbd_, "sentencex": sentencex_, "syntok": syntok_, "blingfire": blingfire_, "toolkit.segment": ours,
}


def passed(split: Splitter, show: bool) -> int:
    good = 0
    for text, expected, reason in SEGMENT_CASES:
        try:
            got = split(text)
        except Exception as exc:  # a competitor crashing on a case counts as a failure, not a bench crash
            got = [f"<{type(exc).__name__}: {exc}>"]
        if got == expected:
            good += 1
        elif show:
            print(f"    miss ({reason}): {got}")
    return good


def speed(split: Splitter, blocks: list[str], sentences: int, budget: float) -> float:
    """Sentences per second over the blocks, best of as many passes as fit in `budget` seconds (at least one)."""
    best = float("inf")
    spent = 0.0
    while True:
        t0 = time.perf_counter()
        for block in blocks:
            split(block)
        took = time.perf_counter() - t0
        best = min(best, took)
        spent += took
        if spent + took > budget:
            return sentences / best


def seed_blocks(target: int) -> tuple[list[str], int]:
    """The seed article's blocks repeated until they hold about `target` human-segmented sentences."""
    text = SEED.read_text(encoding="utf-8")
    gold = json.loads(SEED.with_suffix(".segments.json").read_text(encoding="utf-8"))["blocks"]
    blocks = [line.strip() for line in text.split("\n") if line.strip()]
    per_copy = sum(len(b) for b in gold)
    copies = max(1, round(target / per_copy))
    return blocks * copies, per_copy * copies


def rows(names: Iterable[str], show: bool, target: int, budget: float) -> None:
    blocks, sentences = seed_blocks(target)
    print(f"{len(SEGMENT_CASES)} cases; speed on the seed article repeated to {sentences} sentences "
          f"in {len(blocks)} blocks")
    print(f"{'candidate':<18} {'cases':>9} {'sentences/s':>12}")
    for name in names:
        try:
            split = CANDIDATES[name]()
        except ImportError:
            print(f"{name:<18} {'not installed (uv sync --group bench)':>30}")
            continue
        split(blocks[0])  # warm up: lazy imports, compiled rules
        if show:
            print(f"{name}:")
        good = passed(split, show)
        rate = speed(split, blocks, sentences, budget)
        print(f"{name:<18} {good:>4} / {len(SEGMENT_CASES):<3} {rate:>12,.0f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print each case a candidate gets wrong")
    parser.add_argument("--sentences", type=int, default=10_000, help="size of the speed corpus")
    parser.add_argument("--budget", type=float, default=3.0, help="seconds of repeated timing per candidate")
    parser.add_argument("only", nargs="*", choices=[*CANDIDATES, []], help="candidates to run (default: all)")
    args = parser.parse_args()
    rows(args.only or list(CANDIDATES), args.show, args.sentences, args.budget)


if __name__ == "__main__":
    main()
