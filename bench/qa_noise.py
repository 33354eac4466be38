"""How noisy are the typography and number checks on professional translations, beside pofilter?

Every sentence of a parallel test set becomes an approved catalog entry; people wrote and checked these
translations, so what a check reports there is mostly noise. Prints, per language, the entries each
pofilter test flags and the entries each of our codes flags.

Run with `uv run python bench/qa_noise.py DIR`, DIR holding FLORES-200 devtest's `eng_Latn.txt`,
`rus_Cyrl.txt`, `azj_Latn.txt` and `hye_Armn.txt` (line N translates line N; Helsinki-NLP/OPUS-MT-testsets,
`datasets/facebook/flores/flores200_dataset/devtest/`, CC-BY-SA 4.0).
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import polib  # noqa: E402

from toolkit import catalog, pofile, qa  # noqa: E402

FILES = {"ru": "rus_Cyrl.txt", "az": "azj_Latn.txt", "hy": "hye_Armn.txt"}
POFILTER_TESTS = ("brackets", "doublespacing", "endwhitespace", "startwhitespace", "endpunc", "newlines",
                  "doublequoting", "numbers")


def pofilter(path: Path, lang: str) -> Counter:
    tool = shutil.which("pofilter")
    if tool is None:
        sys.exit("pofilter not found: `uv sync` installs translate-toolkit (a dev dependency)")
    out = subprocess.run([tool, "--progress=none", "--language", lang, *(f"-t{t}" for t in POFILTER_TESTS),
                          str(path)], capture_output=True, text=True, check=True).stdout
    found: Counter = Counter()
    for e in polib.pofile(out):
        found.update(set(re.findall(r"\(pofilter\) (\w+):", e.tcomment)))
    return found


def ours(source: str, target: str, lang: str) -> set[str]:
    return {f.code for f in qa.typography_findings(source, target, lang) + qa.number_findings(source, target, lang)
            + qa.punctuation_findings(source, target, lang)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    english = (args.folder / "eng_Latn.txt").read_text(encoding="utf-8").splitlines()
    with tempfile.TemporaryDirectory(prefix="qa-noise-") as tmp:
        for lang, name in FILES.items():
            targets = (args.folder / name).read_text(encoding="utf-8").splitlines()
            po = polib.POFile(wrapwidth=79)
            po.metadata = catalog.header(lang)
            mine: Counter = Counter()
            for i, (source, target) in enumerate(zip(english, targets, strict=True)):
                po.append(polib.POEntry(msgctxt=f"line {i + 1}", msgid=source, msgstr=target))
                mine.update(ours(source, target, lang))
            path = Path(tmp) / f"{lang}.po"
            pofile.write(po, path)
            theirs = pofilter(path, lang)
            print(f"{lang}: {len(english)} approved entries")
            print(f"  pofilter: {sum(theirs.values())} flags  " + ", ".join(f"{k} {v}" for k, v in theirs.most_common()))
            print(f"  toolkit:  {sum(mine.values())} flags  " + ", ".join(f"{k} {v}" for k, v in mine.most_common()))


if __name__ == "__main__":
    main()
