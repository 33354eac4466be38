"""A desk's day: 50 articles in one `toolkit translate` run, against 50 separate runs and raw CTranslate2.

Writes the 50 distinct articles of bench/corpus_articles.py (10 to 60 sentences each, 1,745 sentences),
builds and installs a random-weight model of the real Argos shape (6+6 layers, d 512, vocab 50k, int8), then
times, each contender in fresh processes:
  separate  `toolkit translate ARTICLE --to ru`, once per article (Python start-up, glossary and model load,
            and a small batch every time; they share the translation memory, as a desk's runs would);
  corpus    `toolkit translate FOLDER --to ru`, one run for the folder;
  raw       ctranslate2.Translator.translate_batch on the same segments at once (the engine's defaults:
            one single-threaded replica per core, sub-batches of 16), timed around the call only.
Every contender decodes exactly --tokens target tokens per sentence, beam 4 and 4 hypotheses (random weights
rarely stop on their own; a fixed length makes them cost what a real model does). The CLI runs as
`python -c` around toolkit's own entry point with that one decoding setting patched in.

Example:  uv run python bench/corpus.py              (the full run: tens of minutes on 2 cores)
          uv run python bench/corpus.py --quick      (10 articles, tiny model: checks the script)
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

#: `toolkit translate` in a fresh interpreter, with the engine decoding exactly TOKENS tokens per sentence.
CLI = """
import functools, sys
from toolkit.engines.argos import ArgosEngine
tokens = int(sys.argv.pop(1))
ArgosEngine.__init__ = functools.partialmethod(ArgosEngine.__init__, max_decoding_length=tokens,
                                               min_decoding_length=tokens)
from toolkit.cli import main
sys.argv[0] = "toolkit"
main()
"""


def toolkit(args: list[str], tokens: int, env: dict, cwd: Path) -> float:
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", CLI, str(tokens), *args], env=env, cwd=cwd,
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"toolkit {' '.join(args)} failed ({out.returncode}):\n{out.stderr[-3000:]}")
    return time.perf_counter() - start


def raw_child(args: argparse.Namespace) -> dict:
    """Raw CTranslate2 on every segment of the day at once; prints a JSON line."""
    import ctranslate2
    import sentencepiece as spm

    from toolkit import document, models
    from toolkit.engines.argos import ArgosEngine

    model = models.resolve("ru")
    sentences = [s.text for p in sorted(Path(args.work, "day").glob("*.txt")) for s in document.read(p).segments]
    sp = spm.SentencePieceProcessor(model_file=str(model.tokenizer_path))
    defaults = ArgosEngine()
    translator = ctranslate2.Translator(str(model.model_dir), device="cpu", compute_type="int8",
                                        inter_threads=defaults.inter_threads, intra_threads=defaults.intra_threads)
    tokens = sorted((sp.encode(s, out_type=str) for s in sentences), key=len)
    options = dict(beam_size=4, num_hypotheses=4, length_penalty=0.2, replace_unknowns=True, return_scores=True,
                   min_decoding_length=args.tokens, max_decoding_length=args.tokens, max_batch_size=16,
                   batch_type="examples")
    translator.translate_batch(tokens[:4], **options)
    start = time.perf_counter()
    translator.translate_batch(tokens, **options)
    return {"seconds": time.perf_counter() - start, "sentences": len(tokens), "distinct": len(set(sentences))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="10 articles and a tiny model: checks the script")
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--tokens", type=int, default=48, help="target tokens decoded per sentence")
    parser.add_argument("--size", choices=("tiny", "base"), default=None, help="model size (default: base)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(raw_child(args)))
        return
    if args.quick:
        args.articles, args.tokens = 10, 16
    size = args.size or ("tiny" if args.quick else "base")

    import _setup
    from corpus_articles import write

    with tempfile.TemporaryDirectory(prefix="toolkit-corpus-") as tmp:
        work = Path(tmp)
        env = _setup.isolate(work, PYTHONPATH=str(ROOT))
        from toolkit import document
        _setup.install_generated_model(work, size)
        paths = write(work / "day", count=args.articles)
        counts = [len(document.read(p).segments) for p in paths]
        print(f"articles: {len(paths)}, {sum(counts)} sentences ({min(counts)} to {max(counts)} per article)")
        common = ["--to", "ru", "--engine", "argos", "--glossary", str(ROOT / "glossaries"), "--no-download"]

        raw = json.loads(subprocess.run([sys.executable, __file__, "--child", "raw", "--work", str(work),
                                         "--tokens", str(args.tokens)], env=env, capture_output=True,
                                        text=True, check=True).stdout.strip().splitlines()[-1])

        separate = 0.0
        for p in paths:
            separate += toolkit(["translate", str(p), *common, "--locales", str(work / "separate")],
                                args.tokens, env, work)
        # The corpus run starts from an empty memory too: the separate runs filled theirs.
        env["TOOLKIT_CACHE_DIR"] = str(work / "tm-corpus")
        corpus = toolkit(["translate", str(work / "day"), *common, "--locales", str(work / "corpus")],
                         args.tokens, env, work)
        for name in ("separate", "corpus"):
            written = sorted((work / name / "ru" / "LC_MESSAGES").glob("*.po"))
            assert len(written) == len(paths), f"{name}: {len(written)} catalogs for {len(paths)} articles"

    print(f"machine: {os.cpu_count()} cores ({platform.processor() or platform.machine()}), Python "
          f"{platform.python_version()}, decoding {args.tokens} tokens/sentence, beam 4, 4 hypotheses, int8")
    print(f"separate: {len(paths)} runs, {separate:.1f} s; corpus: one run, {corpus:.1f} s "
          f"(process start to exit); raw translate_batch: {raw['seconds']:.1f} s for {raw['sentences']} "
          f"segments ({raw['distinct']} distinct; the toolkit sends each distinct one once)")
    same_work = raw["seconds"] * raw["distinct"] / raw["sentences"]
    print(f"raw on the distinct segments only (pro rata): {same_work:.1f} s -> corpus/raw-distinct="
          f"{same_work / corpus:.2f}")
    print(f"corpus/separate={separate / corpus:.2f} corpus/raw={raw['seconds'] / corpus:.2f}")


if __name__ == "__main__":
    main()
