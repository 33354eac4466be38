"""Translation models: which to use per language, the installed store, and every way to install one.

The package's parts, lowest first (each imports only those above it):

- `catalogue`: the recommended and alternative model per language, with URL, licence, size, score, source
- `families`: which multilingual family a model is (OPUS-MT, NLLB, M2M100, MADLAD-400) and its language token
- `archives`: safe unpacking of zips and tars (paths, links, sizes, free space)
- `download`: http(s) fetching with limits, retries and checksums
- `store`: where models live, what a package holds, listing, resolving, removing, the staged swap-in
- `packages`: .argosmodel packages and bare CTranslate2 models
- `index`: the Argos package index
- `opus`: OPUS-MT (Marian) releases converted to CTranslate2
- `install`: one entry point for every route, and the model on first use

`toolkit.models.download` is the http module (its `LIMITS` tests shorten); the index's wrapper around it is
not re-exported here so the name keeps meaning the module. Callers use this face
(`from toolkit import models; models.resolve("hy")`), not the parts.
"""
from __future__ import annotations

from . import catalogue, families
from .catalogue import OPUS_MT_URLS, Choice
from .families import LanguageTokens
from .index import ARGOS_INDEX_URL, PACKAGE_INDEX_ENV, fetch_index, http_links, index_entry, install_from_index
from .install import ensure_model, install, install_choice, install_url
from .opus import install_opus_mt
from .packages import inspect_package, install_ctranslate2, install_package
from .store import (LOCK_WAIT, MODELS_DIR_ENV, PRE3_CONFIG, SIDECAR, VOCABULARIES, InstalledModel, Progress,
                    clean_leftovers, find, install_commands, list_installed, models_dir, remove, resolve)

__all__ = [
    "ARGOS_INDEX_URL", "LOCK_WAIT", "MODELS_DIR_ENV", "OPUS_MT_URLS", "PACKAGE_INDEX_ENV", "PRE3_CONFIG", "SIDECAR",
    "VOCABULARIES", "Choice", "InstalledModel", "LanguageTokens", "Progress", "catalogue", "clean_leftovers",
    "ensure_model", "families", "fetch_index", "find", "http_links", "index_entry", "inspect_package", "install",
    "install_choice", "install_commands", "install_ctranslate2", "install_from_index", "install_opus_mt",
    "install_package", "install_url", "list_installed", "models_dir", "remove", "resolve",
]
