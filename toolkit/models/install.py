"""One entry point for every install route (a language, a file, a URL, a folder), and the model on first use."""
from __future__ import annotations

import json
import os
import tarfile
import zipfile
from pathlib import Path, PurePosixPath

from . import download as dl
from ..errors import InputError, ModelError, NoNetwork, UsageError
from ..langs import SOURCE_LANGUAGE, check_language, english_name
from . import catalogue
from .catalogue import OPUS_MT_URLS, Choice
from .index import _blame_url, download, install_from_index
from .opus import install_opus_mt
from .packages import _first_spm, install_ctranslate2, install_package
from .store import (InstalledModel, Progress, _check_metadata, _licence_source, _workspace, find, install_commands,
    models_dir, resolve)


def install_url(url: str, directory: str | Path | None = None, *, lang: str | None = None,
                licence: str | None = None, progress: Progress | None = None,
                target_token: str | None = None) -> InstalledModel:
    """Download an .argosmodel (or, with `lang`, a CTranslate2 archive or OPUS-MT release) and install it."""
    dl.check_url(url)
    root = models_dir(directory)
    with _workspace(root, ".download-") as work:
        got = download(url, work / dl.file_name(url), progress=progress)
        with _blame_url(url, got.path):
            return install(got.path, directory, lang=lang, licence=licence, origin=url, progress=progress,
                           sha256=got.sha256, target_token=target_token)


def install_choice(choice: Choice, directory: str | Path | None = None, *, progress: Progress | None = None,
                   target_token: str | None = None) -> InstalledModel:
    """Install a catalogue choice by its route (see `catalogue`)."""
    if target_token and choice.route == "opus-mt" and choice.target_token is None:
        # known from the catalogue: refused before hundreds of MB are downloaded to learn it
        raise UsageError(f"{choice.name} translates into {choice.lang} only; --target-token does not apply",
                         hint="drop --target-token")
    if choice.route == "opus-mt":
        # The default's URL is looked up in OPUS_MT_URLS, so a mirror (or a test's local server) can stand in.
        url = OPUS_MT_URLS.get(choice.lang, choice.url) if choice.default else choice.url
        return install_opus_mt(url, choice.lang, directory, progress=progress, name=choice.name,
                               target_token=target_token, expected_token=choice.target_token)
    if choice.route == "argos-index":
        if target_token:
            raise UsageError(f"{choice.name} translates into {choice.lang} only; --target-token does not apply")
        return install_from_index(choice.lang, directory, progress=progress)
    raise UsageError(f"{choice.name} has no file to download ({choice.licence}); convert it yourself "
                     f"(needs transformers and torch): `ct2-transformers-converter --model {choice.convert_from} "
                     f"--quantization int8 --output_dir {choice.name}-ct2 --copy_files {_spm_files(choice)}`, then "
                     f"`toolkit models install {choice.name}-ct2 --lang {choice.lang}`")


def _spm_files(choice: Choice) -> str:
    """The SentencePiece files the Hugging Face repository holds: NLLB/M2M100 one, Marian (OPUS-MT) two."""
    return "sentencepiece.bpe.model" if "nllb" in choice.name else "source.spm target.spm"


# --- one entry point for the CLI, and first use ----------------------------------------------------

def install(target: str | Path, directory: str | Path | None = None, *, lang: str | None = None,
            licence: str | None = None, origin: str | None = None,
            sentencepiece_model: str | Path | None = None,
            progress: Progress | None = None, sha256: str | None = None, model: str | None = None,
            target_token: str | None = None) -> InstalledModel:
    """Install from whatever `target` is: a language code (its catalogue default, or the choice `model`
    names), an .argosmodel, a URL, a CTranslate2 dir/archive, or an OPUS-MT release. `target_token` names
    the label of a multilingual model when the toolkit's own choice is not wanted."""
    text = str(target)
    lang = check_language(lang) if lang else None
    if target_token is not None:
        _check_token_shape(target_token)
    if "://" in text:
        if model:
            raise UsageError("--model picks a catalogue entry by language; it cannot go with a URL")
        return install_url(text, directory, lang=lang, licence=licence, progress=progress,
                           target_token=target_token)
    path = Path(text)
    if path.exists() and not (path.is_dir() or path.is_file()):     # a FIFO blocks, /dev/zero never ends
        raise InputError("not a regular file or a directory", path=path,
                         hint="pass an .argosmodel, a zip/tar archive or a model directory")
    if not path.exists():
        if path.suffix or "/" in text or os.sep in text:
            raise InputError("file not found", path=path)
        code = check_language(text)
        if lang and lang != code:
            raise UsageError(f"conflicting languages: {text} and --lang {lang}")
        choice = catalogue.choice(code, model)
        if choice is None:
            return install_from_index(code, directory, progress=progress)
        return install_choice(choice, directory, progress=progress, target_token=target_token)
    if model:
        raise UsageError(f"--model picks a catalogue entry by language (`toolkit models install LANG --model "
                         f"{model}`); it cannot go with a file", path=path)
    if path.is_dir():
        return _install_dir(path, directory, lang=lang, licence=licence, origin=origin,
                            sentencepiece_model=sentencepiece_model, progress=progress, target_token=target_token)
    if zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as zf:
                names = zf.namelist()
        except (zipfile.BadZipFile, OSError) as exc:
            raise ModelError(f"cannot read the zip archive: {exc}", path=path) from None
        if any(PurePosixPath(n).name == "decoder.yml" for n in names):
            return install_opus_mt(path, _need_lang(lang, path), directory, progress=progress, origin=origin,
                                   target_token=target_token)
        if any(PurePosixPath(n).name == "metadata.json" for n in names) or not lang:
            return install_package(path, directory, origin=origin, licence=licence, sha256=sha256, lang=lang)
    elif not tarfile.is_tarfile(path):
        return install_package(path, directory, origin=origin, licence=licence)   # says "not a zip archive"
    return install_ctranslate2(path, _need_lang(lang, path), directory, sentencepiece_model=sentencepiece_model,
                               licence=licence, origin=origin, sha256=sha256, target_token=target_token)


#: The longest language label a model uses is NLLB's `hye_Armn` or MADLAD's `<2hy>`: a few characters.
MAX_TOKEN = 64


def _check_token_shape(token: str) -> None:
    """Before anything is downloaded: a label is one short vocabulary token, never text with spaces in it."""
    if not token or len(token) > MAX_TOKEN:
        raise UsageError(f"--target-token is {len(token):,} characters; a language label has 1 to {MAX_TOKEN}",
                         hint="e.g. '>>hye<<' (OPUS-MT), 'hye_Armn' (NLLB), '__hy__' (M2M100)")
    if any(ch.isspace() or not ch.isprintable() for ch in token):
        raise UsageError(f"--target-token {token!r} holds a space or a control character; give one label",
                         hint="e.g. '>>hye<<' (OPUS-MT), 'hye_Armn' (NLLB), '__hy__' (M2M100)")


def _install_dir(path: Path, directory: str | Path | None, *, lang: str | None, licence: str | None,
                 origin: str | None, sentencepiece_model: str | Path | None,
                 progress: Progress | None, target_token: str | None = None) -> InstalledModel:
    """A directory: an OPUS-MT release, an unpacked Argos package, or a bare CTranslate2 model."""
    if (path / "decoder.yml").is_file():
        return install_opus_mt(path, _need_lang(lang, path), directory, progress=progress, origin=origin,
                               target_token=target_token)
    if (path / "metadata.json").is_file() and (path / "model").is_dir():
        try:
            meta = json.loads((path / "metadata.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError) as exc:
            raise ModelError(f"metadata.json is not valid JSON: {exc}", path=path / "metadata.json") from None
        meta = _check_metadata(meta, path / "metadata.json", path.resolve().name)
        if lang and check_language(lang) != meta["to_code"]:
            raise UsageError(f"--lang {lang} contradicts metadata.json, which says to_code {meta['to_code']!r}",
                             path=path / "metadata.json")
        return install_ctranslate2(path / "model", meta["to_code"], directory,
                                   sentencepiece_model=sentencepiece_model or _first_spm(path),
                                   licence=licence or _licence_source(path, meta)[0], origin=origin,
                                   name=f"translate-{SOURCE_LANGUAGE}_{meta['to_code']}",
                                   version=str(meta.get("package_version", "1.0")), kind="argos",
                                   extra_metadata={k: v for k, v in meta.items()
                                                   if k in ("source_prefix", "source_suffix", "target_prefix")},
                                   target_token=target_token)
    return install_ctranslate2(path, _need_lang(lang, path), directory, sentencepiece_model=sentencepiece_model,
                               licence=licence, origin=origin, target_token=target_token)


def _need_lang(lang: str | None, path: Path) -> str:
    if not lang:
        raise UsageError(f"{path} is a CTranslate2/OPUS-MT model; say which language it translates into "
                         "with --lang (e.g. --lang hy)")
    return check_language(lang)


def ensure_model(lang: str, allow_download: bool = True, progress: Progress | None = None,
                 directory: str | Path | None = None) -> InstalledModel:
    """The installed model for `lang`; on first use, download the catalogue's default for it."""
    model = find(lang, directory)
    if model is not None:
        return resolve(lang, directory)
    if not allow_download:
        raise ModelError(f"no English→{english_name(lang)} ({lang}) model installed in {models_dir(directory)} "
                         "and downloads are off", hint=install_commands(lang))
    try:
        choice = catalogue.default(lang)
        if choice is None:
            return install_from_index(lang, directory, progress=progress)
        return install_choice(choice, directory, progress=progress)
    except NoNetwork as exc:
        raise NoNetwork(f"no English→{english_name(lang)} ({lang}) model installed, and {exc.reason}",
                        path=exc.path, hint=install_commands(lang)) from exc
