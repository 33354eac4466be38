"""Throughput of `toolkit translate` against raw CTranslate2 and against argostranslate, side by side.

Builds a random-weight model of the real Argos shape (6+6 layers, d 512, vocab 50k, int8), installs it,
repeats the seed article to ~1,000 sentences and measures, each in its own subprocess (so peak memory is
its own):
  raw       ctranslate2.Translator.translate_batch on every segment at once, best batch size of a few tried;
  pipeline  the toolkit's whole translate (segment, glossary, tokenise, MT, verify, write catalogs);
  rerun     the same translate again with nothing changed;
  argos     argostranslate's own per-paragraph path (apply_packaged_translation: tokens-batches of 32),
            its sentence splitter bypassed with ours (stanza/minisbd are stubbed in that subprocess only).
Every contender decodes exactly --tokens target tokens per sentence (min = max decoding length), beam 4 and
4 hypotheses, so random weights cost what a real model does. raw first sweeps inter/intra threads and
batch sizes on a sample, then runs its best, second best, ... configuration at full size; the pipeline
runs with the engine's own defaults. raw and pipeline run --repeats times, interleaved, and the fastest
run of each counts (this machine is a shared VM: the
same run varies by ~15%).

--size big runs the same with a random-weight model of the OPUS-MT transformer-big shape (6+6 layers, d 1024,
16 heads, FFN 4096, vocab 62k: opus-mt-tc-big-en-zle). --shapes measures raw translate_batch of the base and
the big shape side by side instead (same sentences, the engine's own threads and batch size, int8,
interleaved), for the speed per shape the model catalogue weighs against quality.

Example:  uv run python bench/pipeline.py            (about 8 minutes on 2 cores)
          uv run python bench/pipeline.py --size big --sentences 300
          uv run python bench/pipeline.py --shapes --sentences 200
          uv run python bench/pipeline.py --quick    (a smoke run: tiny model, 60 sentences)
          uv run python bench/pipeline.py --profile  (and where the pipeline's time goes)
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "karabakh-mining.txt"
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _setup  # noqa: E402  (bench/ beside this script)


def distinct_copies(sentences: int) -> str:
    """The seed article repeated to about `sentences` sentences, every sentence made distinct ("Report 7:
    …"): the pipeline sends a recurring sentence to the engine once, so plain copies would measure 20."""
    from toolkit import document

    seed = document.read(SEED)
    per_copy = len(seed.segments)
    copies = max(1, round(sentences / per_copy))
    return "\n\n".join("\n".join(" ".join(f"Report {n}: {s.text}" for s in block.segments)
                                  for block in seed.blocks)
                        for n in range(1, copies + 1)) + "\n"


def child(args: argparse.Namespace) -> dict:
    """One contender, in this process; prints a JSON line."""
    work = Path(args.work)
    kind = args.child
    result: dict = {"kind": kind}
    if kind == "setup":
        # Built in a child of its own: ru_maxrss survives fork and exec, so a model built in the parent would
        # show up as every contender's peak memory (1.25 GB for the big shape).
        import contextlib
        import io

        log = io.StringIO()
        with contextlib.redirect_stdout(log):
            _setup.install_generated_model(work, args.size)
        return {"kind": kind, "log": log.getvalue().strip()}
    if kind in ("sweep", "raw", "argos"):
        from toolkit import models

        model = models.resolve("ru")
        import ctranslate2
        import sentencepiece as spm

        from toolkit import document

        doc = document.read(work / "article.txt")
        sentences = [s.text for s in doc.segments]
        if kind == "argos":
            sentences = sentences[: args.argos_sentences]
        sp = spm.SentencePieceProcessor(model_file=str(model.tokenizer_path))
        options = dict(beam_size=4, num_hypotheses=4, length_penalty=0.2, replace_unknowns=True,
                       return_scores=True, min_decoding_length=args.tokens, max_decoding_length=args.tokens)

        def translator(inter: int, intra: int):
            return ctranslate2.Translator(str(model.model_dir), device="cpu", compute_type="int8",
                                          inter_threads=inter, intra_threads=intra)

        tokens = [sp.encode(s, out_type=str) for s in sentences]
        if kind == "sweep":
            # Every k-th sentence: a sample with the article's length distribution.
            sample = tokens[:: max(1, len(tokens) // args.sweep_sentences)]
            cores = os.cpu_count() or 1
            ranked = []
            for inter, intra in sorted({(1, cores), (cores, 1)}):
                t = translator(inter, intra)
                t.translate_batch(sample[:4], **options)
                for size in args.batch_sizes:
                    start = time.perf_counter()
                    t.translate_batch(sample, max_batch_size=size, batch_type="examples", **options)
                    rate = len(sample) / (time.perf_counter() - start)
                    result.setdefault("rates", {})[f"inter {inter} intra {intra} batch {size}"] = round(rate, 2)
                    ranked.append((rate, inter, intra, size))
                del t
            ranked.sort(reverse=True)
            result.update(seconds=0.0, sentences=len(sample), ranked=[r[1:] for r in ranked])
        elif kind == "raw":
            inter, intra, size = args.config
            t = translator(inter, intra)
            t.translate_batch(tokens[:4], **options)
            start = time.perf_counter()
            t.translate_batch(tokens, max_batch_size=size, batch_type="examples", **options)
            result.update(seconds=time.perf_counter() - start, sentences=len(tokens),
                          config=f"inter_threads {inter}, intra_threads {intra}, max_batch_size {size}")
        else:
            import types

            for name in ("stanza", "minisbd"):   # never in the product: only to import argos's translate here
                stub = types.ModuleType(name)
                stub.Pipeline = stub.SBDetect = object
                stub.models = types.SimpleNamespace()
                sys.modules.setdefault(name, stub)
            from argostranslate import package, translate

            translator = translator(1, 0)   # argostranslate's defaults: settings.inter_threads 1, intra 0

            pkg = next(p for p in package.get_installed_packages() if p.to_code == "ru")

            class Ours:
                """Argos's sentencizer interface, answering with our segmentation of the paragraph."""

                def split_sentences(self, text: str) -> list[str]:
                    return paragraph_sentences[text]

            original = translator.translate_batch

            def fixed_length(batch, **kw):
                kw.update(min_decoding_length=args.tokens, max_decoding_length=args.tokens)
                return original(batch, **kw)

            wrapped = type("T", (), {"translate_batch": staticmethod(fixed_length)})()
            paragraphs: list[str] = []
            paragraph_sentences: dict[str, list[str]] = {}
            count = 0
            for block in doc.blocks:
                if count >= args.argos_sentences:
                    break
                texts = [s.text for s in block.segments]
                paragraphs.append(" ".join(texts))
                paragraph_sentences[paragraphs[-1]] = texts
                count += len(texts)
            start = time.perf_counter()
            for para in paragraphs:
                translate.apply_packaged_translation(pkg, para, wrapped, Ours(), num_hypotheses=4)
            result.update(seconds=time.perf_counter() - start, sentences=count,
                          path="argostranslate.translate.apply_packaged_translation per paragraph, "
                               "its sentence splitter bypassed")
    else:
        from toolkit import pipeline
        from toolkit.engines.argos import ArgosEngine
        from toolkit.tm import Memory

        # The engine's own defaults (threads, batch size): what a user gets.
        engine = ArgosEngine(max_decoding_length=args.tokens, min_decoding_length=args.tokens)
        profiler = None
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        start = time.perf_counter()
        report = pipeline.translate_file(work / "article.txt", ["ru"], engine=engine, glossary_dir=ROOT / "glossaries",
                                         locales=work / "locales", memory=Memory(work / "tm"), num_hypotheses=4)
        result.update(seconds=time.perf_counter() - start, sentences=len(report.document.segments),
                      sent_to_engine=report.languages[0].sent)
        if profiler is not None:
            import io
            import pstats

            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(r"toolkit|polib|ctranslate2", 18)
            result["profile"] = out.getvalue()
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["per_second"] = result["sentences"] / result["seconds"] if result["seconds"] else 0.0
    if kind == "pipeline":
        result["config"] = (f"inter_threads {engine.inter_threads}, intra_threads {engine.intra_threads}, "
                            f"max_batch_size {engine.max_batch_size}")
    return result


def run_child(name: str, args: argparse.Namespace, env: dict) -> dict:
    cmd = [sys.executable, __file__, "--child", name, "--work", args.work, "--tokens", str(args.tokens),
           "--argos-sentences", str(args.argos_sentences), "--sweep-sentences", str(args.sweep_sentences),
           "--batch-sizes", *map(str, args.batch_sizes), "--size", args.size]
    if name == "raw":
        cmd += ["--config", *map(str, args.config)]
    if name == "profile":               # an extra first run under cProfile, not counted in the ratios
        cmd[cmd.index("--child") + 1] = "pipeline"
        cmd.append("--profile")
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{name} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def compare_shapes(args: argparse.Namespace) -> None:
    """Raw sentences/s of each shape on the same sentences, the runs interleaved so a slow spell of this shared
    machine hits both; the engine's own CPU defaults (one single-threaded replica per core, batches of 16)."""
    from toolkit.engines.argos import default_threads

    inter, intra = default_threads("cpu", None, None)
    args.config = [inter, intra, 16]
    shapes = ("tiny", "base") if args.quick else ("base", "big")
    with tempfile.TemporaryDirectory(prefix="toolkit-bench-") as tmp:
        work = Path(tmp)
        args.work = str(work)
        envs = {}
        for shape in shapes:
            envs[shape] = _setup.isolate(work / shape)
            args.work, args.size = str(work / shape), shape
            print(run_child("setup", args, envs[shape])["log"])
            (work / shape / "article.txt").write_text(distinct_copies(args.sentences), encoding="utf-8")
        best: dict[str, dict] = {}
        for _ in range(args.repeats):
            for shape in shapes:
                args.work = str(work / shape)
                r = run_child("raw", args, envs[shape])
                if shape not in best or r["seconds"] < best[shape]["seconds"]:
                    best[shape] = r
        load = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at the end; "
          f"decoding {args.tokens} tokens/sentence, beam 4, 4 hypotheses, int8, inter_threads {inter}, "
          f"intra_threads {intra}, batch 16; best of {args.repeats} interleaved runs")
    for shape, r in best.items():
        print(f"{shape:<5} {r['sentences']:>6} sentences {r['seconds']:>8.2f} s {r['per_second']:>7.2f} sent/s")
    print(f"{shapes[1]}/{shapes[0]}={best[shapes[1]]['per_second'] / best[shapes[0]]['per_second']:.2f} "
          "(sentences per second)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny model and 60 sentences: checks the script")
    parser.add_argument("--sentences", type=int, default=1000)
    parser.add_argument("--argos-sentences", type=int, default=100,
                        help="argostranslate decodes one sentence at a time: a sample is enough for its rate")
    parser.add_argument("--tokens", type=int, default=48, help="target tokens decoded per sentence")
    parser.add_argument("--sweep-sentences", type=int, default=100,
                        help="sample on which raw's best threads and batch size are chosen")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[8, 16, 32])
    parser.add_argument("--repeats", type=int, default=2,
                        help="raw and pipeline run this many times, interleaved; the fastest of each counts")
    parser.add_argument("--config", type=int, nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--profile", action="store_true",
                        help="then profile one more first run of the pipeline (cProfile, cumulative)")
    parser.add_argument("--size", choices=("tiny", "base", "big"), default="base",
                        help="the random model's shape: Argos base, or OPUS-MT transformer-big")
    parser.add_argument("--shapes", action="store_true",
                        help="raw translate_batch of the base and the big shape side by side, nothing else")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args)))
        return
    if args.quick:
        args.sentences, args.argos_sentences, args.batch_sizes, args.sweep_sentences = 60, 20, [16], 20
    size = "tiny" if args.quick else args.size
    if args.shapes:
        return compare_shapes(args)

    with tempfile.TemporaryDirectory(prefix="toolkit-bench-") as tmp:
        work = Path(tmp)
        args.work = str(work)
        env = _setup.isolate(work)
        args.size = size
        print(run_child("setup", args, env)["log"])
        (work / "article.txt").write_text(distinct_copies(args.sentences), encoding="utf-8")

        sweep = run_child("sweep", args, env)
        results: dict[str, dict] = {}
        for repeat in range(args.repeats):   # interleaved, so a slow spell of the machine hits both
            # A 100-sentence sweep cannot tell close configurations apart: raw runs the best, then the
            # second best, ... at full size, and its fastest run counts.
            args.config = sweep["ranked"][repeat % len(sweep["ranked"])]
            for name in ("raw", "pipeline"):
                if name == "pipeline":            # a first run: no catalogs, empty translation memory
                    shutil.rmtree(work / "locales", ignore_errors=True)
                    shutil.rmtree(work / "tm", ignore_errors=True)
                r = run_child(name, args, env)
                if name not in results or r["seconds"] < results[name]["seconds"]:
                    results[name] = r
        results["rerun"] = run_child("pipeline", args, env)   # after the last first run, nothing changed
        if args.profile:
            shutil.rmtree(work / "locales", ignore_errors=True)
            shutil.rmtree(work / "tm", ignore_errors=True)
            profile = run_child("profile", args, env)["profile"]
        results["argos"] = run_child("argos", args, env)

    cpu = platform.processor() or platform.machine()
    print(f"machine: {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
          f"decoding {args.tokens} tokens/sentence, beam 4, 4 hypotheses, int8")
    print(f"{'contender':<10} {'sentences':>9} {'seconds':>9} {'sent/s':>8} {'tokens/s':>9} {'peak MB':>8}")
    for name, r in results.items():
        print(f"{name:<10} {r['sentences']:>9} {r['seconds']:>9.2f} {r['per_second']:>8.2f} "
              f"{r['per_second'] * args.tokens:>9.0f} {r['peak_rss_mb']:>8.0f}")
    raw = results["raw"]
    print(f"raw sweep on {sweep['sentences']} sentences (sent/s): {sweep['rates']}")
    print(f"raw: {raw['config']}; pipeline: {results['pipeline']['config']}; "
          f"best of {args.repeats} interleaved runs each")
    print(f"argos: {results['argos']['path']}; rerun sent {results['rerun']['sent_to_engine']} segments to the engine")
    if args.profile:
        print("profile of one more first run of the pipeline (not counted above; cProfile slows Python code):")
        print(profile)
    ratio_raw = results["pipeline"]["per_second"] / raw["per_second"]
    ratio_argos = results["pipeline"]["per_second"] / results["argos"]["per_second"]
    ratio_rerun = results["rerun"]["seconds"] / results["pipeline"]["seconds"]
    print(f"pipeline/raw={ratio_raw:.2f} pipeline/argostranslate={ratio_argos:.1f} rerun/first={ratio_rerun:.3f}")


if __name__ == "__main__":
    main()
