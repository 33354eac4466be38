"""The Argos package index and downloads: which package serves a language, fetched over http(s) only."""
from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

from . import download as dl
from ..errors import DownloadError, ModelError, NoNetwork, ToolkitError
from ..langs import SOURCE_LANGUAGE, english_name
from .catalogue import OPUS_MT_URLS
from .packages import install_package
from .store import InstalledModel, Progress, _workspace, models_dir


PACKAGE_INDEX_ENV = "TOOLKIT_PACKAGE_INDEX"
ARGOS_INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"


# --- installing: downloads --------------------------------------------------------------------------

def download(url: str, dest: Path, *, progress: Progress | None = None, label: str | None = None,
             offline_route: str = dl.OFFLINE_ROUTE) -> dl.Fetched:
    """Fetch `url` into the new file `dest` (see toolkit.download); NoNetwork or DownloadError name the URL."""
    return dl.fetch(url, dest, progress=progress, label=label, offline_route=offline_route)


@contextlib.contextmanager
def _blame_url(url: str, file: Path) -> Iterator[None]:
    """Errors about a downloaded file name its URL: the temporary file is gone when the user reads them."""
    try:
        yield
    except ToolkitError as exc:
        if exc.path and exc.path.startswith(str(file.parent)):
            raise type(exc)(exc.reason.replace(str(file), url), path=url, line=exc.line, hint=exc.hint) from None
        raise


def fetch_index(url: str | None = None) -> list[dict]:
    """The Argos package index ($TOOLKIT_PACKAGE_INDEX, else the argospm-index on GitHub)."""
    url = url or os.environ.get(PACKAGE_INDEX_ENV) or ARGOS_INDEX_URL
    body = dl.read(url)
    try:
        data = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ModelError(f"the package index is not valid JSON: {exc}", path=url) from None
    if not isinstance(data, list):
        raise ModelError("the package index is not a JSON list of packages", path=url)
    return data


def index_entry(lang: str, index: list[dict]) -> dict | None:
    """The newest English→`lang` translation package in the index."""
    from packaging.version import InvalidVersion, Version

    def version(entry: dict):
        try:
            return Version(str(entry.get("package_version", "0")))
        except InvalidVersion:
            return Version("0")

    matches = [e for e in index if isinstance(e, dict) and e.get("type", "translate") == "translate"
               and e.get("from_code") == SOURCE_LANGUAGE and e.get("to_code") == lang and e.get("links")]
    return max(matches, key=version) if matches else None


def http_links(entry: dict, where: str) -> list[str]:
    """The entry's http(s) links in order. The real index adds `ipfs://` (or misspelt `ifps://`) links after
    the https one (argospm-index index.json, e.g. translate-en_az 1.5); argos-translate fetches only http(s)."""
    links = entry.get("links")
    if not isinstance(links, list) or not all(isinstance(x, str) for x in links):
        raise ModelError(f"the index entry {entry.get('code') or entry.get('to_code')!r} has `links` that is not "
                         "a list of URLs", path=where, hint="the index is malformed; report it to its maintainers")
    usable = [x for x in links if x.split(":", 1)[0].lower() in ("http", "https")]
    if not usable:
        raise ModelError(f"the index entry {entry.get('code') or entry.get('to_code')!r} has no http(s) link "
                         f"({', '.join(links)[:120]})", path=where)
    return usable


def install_from_index(lang: str, directory: str | Path | None = None, *,
                       progress: Progress | None = None) -> InstalledModel:
    """Download and install the Argos package for English→`lang` named in the package index, trying its
    http(s) links in order."""
    where = os.environ.get(PACKAGE_INDEX_ENV) or ARGOS_INDEX_URL
    entry = index_entry(lang, fetch_index(where))
    if entry is None:
        hint = (f"the Argos index has no en→{lang} package; use `toolkit models install {lang}` for the OPUS-MT "
                f"route" if lang in OPUS_MT_URLS else
                f"install a CTranslate2 model with `toolkit models install PATH --lang {lang}`")
        raise ModelError(f"no English→{english_name(lang)} ({lang}) package in the Argos index", hint=hint)
    root = models_dir(directory)
    label = f"translate-en_{lang} {entry.get('package_version', '')}".strip()
    failure: Exception | None = None
    for url in http_links(entry, where):
        try:
            with _workspace(root, ".download-") as work:
                got = download(url, work / f"translate-en_{lang}.argosmodel", progress=progress, label=label)
                with _blame_url(url, got.path):
                    return install_package(got.path, directory, origin=url, sha256=got.sha256)
        except (NoNetwork, DownloadError) as exc:   # the next mirror may work; errors after download do not
            failure = exc
    assert failure is not None
    raise failure
