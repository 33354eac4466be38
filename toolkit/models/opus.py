"""OPUS-MT (Marian) releases: unpacked, converted to CTranslate2 int8 here (numpy + pyyaml, no torch), installed."""
from __future__ import annotations

import contextlib
import re
import shutil
from pathlib import Path

from . import archives
from . import download as dl
from ..errors import InputError, ModelError, UsageError
from ..langs import check_language
from .catalogue import OPUS_MT_URLS
from .index import _blame_url, download
from .packages import install_ctranslate2
from .store import InstalledModel, Progress, _file_sha256, _find_dir, _licence_source, _workspace, models_dir


def _opus_licence(release: Path) -> str | None:
    """The licence the release states (its LICENSE, else README); None if it states none."""
    return _licence_source(release, {})[0]


def _fetch_release(source: str, lang: str, work: Path, progress: Progress | None) -> tuple[Path, str | None]:
    """(the release zip or dir, its SHA-256 when downloaded): downloads `source` when it is a URL."""
    if "://" not in source:
        archive = Path(source)
        if not archive.exists():
            raise InputError("not found", path=archive)
        return archive, None
    got = download(source, work / dl.file_name(source, "release.zip"), progress=progress,
                   label=f"OPUS-MT en→{lang} {dl.file_name(source)}",
                   offline_route=f"download the file elsewhere and run `toolkit models install FILE --lang {lang}`")
    return got.path, got.sha256


def _unpack_release(archive: Path, work: Path) -> Path:
    if archive.is_dir():
        release = archive
    else:
        archives.extract(archive, work / "release")
        release = _find_dir(work / "release", "decoder.yml")
    if release is None or not (release / "decoder.yml").is_file():
        raise ModelError("not an OPUS-MT release: no decoder.yml", path=archive)
    if not (release / "source.spm").is_file():
        raise ModelError("not an OPUS-MT release: no source.spm", path=archive)
    return release


def _convert_release(release: Path, out: Path, lang: str, archive: Path, progress: Progress | None) -> None:
    from ctranslate2.converters import OpusMTConverter

    if progress:
        progress(f"converting OPUS-MT en→{lang} to CTranslate2 int8", 0, None)
    try:
        OpusMTConverter(str(release)).convert(str(out), quantization="int8", force=True)
    except (KeyError, ValueError, OSError, RuntimeError) as exc:
        raise ModelError(f"cannot convert the OPUS-MT model: {exc}", path=archive) from exc
    shutil.copyfile(release / "source.spm", out / "sentencepiece.model")
    if (release / "target.spm").is_file():
        shutil.copyfile(release / "target.spm", out / "target.spm")


def install_opus_mt(url_or_zip: str | Path | None = None, lang: str = "hy", directory: str | Path | None = None,
                    *, progress: Progress | None = None, origin: str | None = None, name: str | None = None,
                    target_token: str | None = None, expected_token: str | None = None) -> InstalledModel:
    """Download an OPUS-MT (Marian) release, convert it to CTranslate2 int8 locally, install it.

    Needs only numpy and pyyaml (ctranslate2's own OPUS-MT converter), no torch. The release's preprocess.sh
    (Helsinki-NLP OPUS-MT-train `scripts/preprocess-spm.sh`: punctuation normalisation, control characters,
    spaces) is recorded in metadata.json so the engine does the same before SentencePiece. A multilingual
    release (hyx-hyx, eng-zle, eng-trk) needs a first token `>>id<<`: the one for `lang` among the labels its
    README lists ("valid language labels: …") and its vocabulary holds, `target_token` if the user names one.
    """
    lang = check_language(lang)
    source = str(url_or_zip or OPUS_MT_URLS.get(lang) or "")
    if not source:
        raise UsageError(f"no default OPUS-MT release known for {lang}; pass its URL or zip")
    root = models_dir(directory)
    with _workspace(root, ".opus-") as work:
        archive, sha256 = _fetch_release(source, lang, work, progress)
        with _blame_url(source, archive) if "://" in source else contextlib.nullcontext():
            release = _unpack_release(archive, work)
            converted = work / "converted"
            _convert_release(release, converted, lang, archive, progress)
        # Releases are named by date: opus-2020-06-16.zip, opusTCv20210807+bt_transformer-big_2022-03-13.zip.
        date = re.search(r"(\d{4})-(\d{2})-(\d{2})$", archive.name.removesuffix(".zip"))
        version = ".".join(date.groups()) if date else "1.0"
        extra = {"preprocess": "opus-mt-normalize"} if (release / "preprocess.sh").is_file() else {}
        return install_ctranslate2(converted, lang, directory, licence=_opus_licence(release),
                                   origin=origin or (source if "://" in source else str(Path(source).resolve())),
                                   name=name or f"opus-mt-en_{lang}", version=version, extra_metadata=extra,
                                   sha256=sha256 or (_file_sha256(archive) if archive.is_file() else None),
                                   target_token=target_token, expected_token=expected_token,
                                   readme=_readme(release))


def _readme(release: Path) -> str:
    """The release's README.md (where Tatoeba-Challenge lists the valid `>>id<<` labels), or ""."""
    file = release / "README.md"
    if not file.is_file() or file.is_symlink():
        return ""
    try:
        with open(file, encoding="utf-8", errors="replace") as fh:
            return fh.read(200_000)
    except OSError:
        return ""
