"""What the end-to-end benches share: a throwaway home and a generated model of the chosen size installed in it."""
from __future__ import annotations

import os
import time
from pathlib import Path


def isolate(work: Path, **extra: str) -> dict[str, str]:
    """Point models, caches and argostranslate's settings at `work` (in this process and its children)."""
    env = dict(os.environ, TOOLKIT_MODELS_DIR=str(work / "models"), XDG_DATA_HOME=str(work / "xdg"),
               XDG_CACHE_HOME=str(work / "xdg-cache"), XDG_CONFIG_HOME=str(work / "xdg-config"),
               ARGOS_PACKAGES_DIR=str(work / "models"), TOOLKIT_CACHE_DIR=str(work / "tm"), **extra)
    os.environ.update(env)
    return env


def install_generated_model(work: Path, size: str, target: str = "ru") -> Path:
    """Build a random-weight .argosmodel (seeded) and install it; prints what it built."""
    from toolkit import models
    from toolkit_dev.modelgen import build_argos_package

    start = time.perf_counter()
    pkg = build_argos_package(work / f"translate-en_{target}.argosmodel", size=size, target=target, seed=0)
    models.install_package(pkg)
    print(f"model: {size} ({pkg.stat().st_size / 1e6:.1f} MB .argosmodel), built and installed in "
          f"{time.perf_counter() - start:.1f} s")
    return pkg
