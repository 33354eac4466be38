"""Large inputs: time and peak memory of segmentation, glossary loading/matching and catalog write/read/merge.

Generates (seed 42) articles of 1k/5k/10k sentences and glossaries of 10k/50k terms, runs each stage in a
fresh child process (so peak RSS belongs to that stage and size alone), and prints a table with the
growth ratio against the previous size: ~5x for 1k→5k and ~2x for 5k→10k means linear.

    uv run python bench/large.py            # all sizes
    uv run python bench/large.py --quick    # 1k and 5k sentences, 10k terms only
"""
from __future__ import annotations

import json
import multiprocessing as mp
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SEED = 42
WORDS = ("the", "ministry", "said", "on", "Tuesday", "that", "a", "new", "road", "to", "village", "will", "open",
         "next", "year", "officials", "talks", "border", "residents", "mining", "company", "reported", "prices")


def make_article(n: int, terms: list[str]) -> str:
    rng = random.Random(SEED)
    sentences = []
    for i in range(n):
        words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
        for _ in range(rng.randint(0, 2)):
            words.insert(rng.randrange(len(words)), rng.choice(terms))
        words[0] = words[0].capitalize()
        sentences.append(" ".join(words) + rng.choice([".", ".", ".", "?", "!"]))
    return "\n".join(" ".join(sentences[i:i + 4]) for i in range(0, n, 4)) + "\n"


def make_glossary(n: int) -> tuple[str, list[str]]:
    rng = random.Random(SEED)
    syll = ("ka", "ra", "ba", "gh", "yan", "li", "zor", "dag", "su", "me", "ter", "lu", "han", "vo")
    rows, terms, seen = ["id\tkind\ten\tru\taz\thy\tnote"], [], set()
    while len(terms) < n:
        name = "".join(rng.choice(syll) for _ in range(rng.randint(2, 4))).capitalize()
        if rng.random() < 0.3:
            name += " " + rng.choice(("River", "Village", "Pass", "Plant", "Mine"))
        if name in seen:
            continue
        seen.add(name)
        terms.append(name)
        rows.append(f"t{len(terms)}\tplace\t{name}\t{name}-ru\t{name}-az\t{name}-hy\t")
    return "\n".join(rows) + "\n", terms


# -- stages, each run in a child process -------------------------------------------------------------------

def stage_segment(work: Path, n: int) -> dict:
    from toolkit import document

    text = (work / f"article-{n}.txt").read_text(encoding="utf-8")
    t = time.perf_counter()
    doc = document.parse(text, name="article", source="article.txt")
    return {"seconds": time.perf_counter() - t, "items": len(doc.segments)}


def stage_glossary(work: Path, n: int) -> dict:
    from toolkit import glossary

    t = time.perf_counter()
    gl = glossary.load(work / f"glossary-{n}.tsv")
    load = time.perf_counter() - t
    text = (work / "article-1000.txt").read_text(encoding="utf-8")
    sentences = [s for line in text.splitlines() for s in line.split(". ")]
    t = time.perf_counter()
    hits = sum(len(gl.match(s)) for s in sentences)
    return {"seconds": load + time.perf_counter() - t, "load": load, "match": time.perf_counter() - t,
            "items": hits}


def stage_catalog(work: Path, n: int) -> dict:
    """Write a catalog for the article, read it back strictly, merge an edited article into it, write again."""
    from toolkit import catalog, document, pofile
    from toolkit.catalog import Translation

    text = (work / f"article-{n}.txt").read_text(encoding="utf-8")
    doc = document.parse(text, name="article", source="article.txt")
    out = work / f"cat-{n}" / "ru.po"
    out.parent.mkdir(exist_ok=True)
    times = {}
    t = time.perf_counter()
    trs = {s.id: Translation(s, "ru", f"[ru] {s.text}", "bench") for s in doc.segments}
    po, _ = catalog.merge(doc, "ru", None, trs)
    pofile.write(po, out)
    times["write"] = time.perf_counter() - t
    t = time.perf_counter()
    snap = pofile.snapshot(out, lang="ru")
    old = snap.po
    times["read"] = time.perf_counter() - t
    # 1% of sentences edited, one paragraph added: a realistic re-run.
    lines = text.splitlines()
    for i in range(0, len(lines), 25):
        lines[i] = lines[i].replace(" the ", " the new ", 1)
    edited = document.parse("\n".join(lines) + "\nA closing sentence was added.\n", name="article",
                            source="article.txt")
    t = time.perf_counter()
    todo = catalog.pending(edited, old)
    times["pending"] = time.perf_counter() - t
    t = time.perf_counter()
    trs = {s.id: Translation(s, "ru", f"[ru] {s.text}", "bench") for s in todo}
    po, changes = catalog.merge(edited, "ru", old, trs)
    times["merge"] = time.perf_counter() - t
    t = time.perf_counter()
    pofile.write(po, out, previous=snap)
    times["rewrite"] = time.perf_counter() - t
    return {"seconds": sum(times.values()), **times, "items": len(po), "changed": changes.count}


STAGES = {"segment": stage_segment, "glossary": stage_glossary, "catalog": stage_catalog}


def _child(stage: str, work: str, n: int, queue) -> None:
    result = STAGES[stage](Path(work), n)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(result)


def measure(stage: str, work: Path, n: int) -> dict:
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(stage, str(work), n, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def main() -> None:
    quick = "--quick" in sys.argv
    sizes = (1000, 5000) if quick else (1000, 5000, 10000)
    term_sizes = (10000,) if quick else (10000, 50000)
    with tempfile.TemporaryDirectory(prefix="toolkit-bench-") as tmp:
        work = Path(tmp)
        gl_text, terms = make_glossary(max(term_sizes))
        for n in term_sizes:
            lines = gl_text.splitlines()[: n + 1]
            (work / f"glossary-{n}.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        for n in sizes:
            (work / f"article-{n}.txt").write_text(make_article(n, terms[:2000]), encoding="utf-8")
        print(f"{'stage':<10} {'size':>7} {'seconds':>8} {'ratio':>6} {'peak RSS MB':>11}  details")
        rows = []
        for stage, ns in (("segment", sizes), ("glossary", term_sizes), ("catalog", sizes)):
            prev = None
            for n in ns:
                r = measure(stage, work, n)
                ratio = f"{r['seconds'] / prev:.1f}x" if prev else "-"
                prev = r["seconds"]
                details = ", ".join(f"{k} {v:.2f}s" if isinstance(v, float) else f"{k} {v}"
                                    for k, v in r.items() if k not in ("seconds", "peak_rss_mb"))
                print(f"{stage:<10} {n:>7} {r['seconds']:>8.2f} {ratio:>6} {r['peak_rss_mb']:>11.0f}  {details}",
                      flush=True)
                rows.append({"stage": stage, "size": n, **r})
        if "--json" in sys.argv:
            print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
