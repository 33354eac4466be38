"""Installing Argos packages (.argosmodel) and registering CTranslate2 model directories or archives."""
from __future__ import annotations

import json
import os
import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath

from . import archives, families
from ..errors import InputError, ModelError, UsageError
from ..langs import SOURCE_LANGUAGE, check_language, english_name
from .store import (InstalledModel, _check_metadata, _file_sha256, _find_dir, _finish, _package_dirname, _read_json,
    _sidecar, _token_list, _vocabulary_problem, _workspace, _write_error, _write_new, models_dir)


# --- installing: .argosmodel packages -------------------------------------------------------------

def inspect_package(path: str | Path) -> dict:
    """Validate an .argosmodel without extracting it; return its metadata (+ `_top`, its folder)."""
    path = Path(path)
    with archives.open_zip(path) as zf:
        members = archives.safe_members(zf, path)
        names = {m.filename.rstrip("/") for m in members}
        files = {m.filename for m in members if not m.is_dir()}
        tops = {PurePosixPath(n).parts[0] for n in names if n}
        at_root = sorted(n for n in names if "/" not in n and not any(x.startswith(n + "/") for x in names))
        if at_root:
            raise ModelError(f"files at the top of the archive ({', '.join(at_root[:3])}); an .argosmodel "
                             "holds exactly one directory", path=path)
        if len(tops) != 1:
            raise ModelError(f"{len(tops)} top-level directories ({', '.join(sorted(tops)[:3])}); an "
                             ".argosmodel holds exactly one", path=path)
        top = tops.pop()
        missing = [] if f"{top}/metadata.json" in files else ["metadata.json"]
        if f"{top}/model/model.bin" not in files:
            missing.append("model/model.bin")
        elif vocab := _vocabulary_problem({n[len(top) + 7:] for n in files if n.startswith(f"{top}/model/")}):
            missing.append(f"model/ {vocab}")
        if not ({f"{top}/sentencepiece.model", f"{top}/bpe.model"} & files):
            missing.append("sentencepiece.model (or bpe.model)")
        if missing:
            raise ModelError(f"not an .argosmodel package: {top}/ has no {', '.join(missing)}", path=path)
        if zf.getinfo(f"{top}/metadata.json").file_size > 1 << 20:
            raise ModelError(f"{top}/metadata.json is over 1 MB; not a package's metadata", path=path)
        try:
            meta = json.loads(zf.read(f"{top}/metadata.json").decode("utf-8"))
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise ModelError(f"{top}/metadata.json is not valid JSON: {exc}", path=path) from None
        except (zipfile.BadZipFile, OSError) as exc:
            raise ModelError(f"cannot read {top}/metadata.json: {exc}", path=path) from None
    return {**_check_metadata(meta, path, top), "_top": top}


def install_package(path: str | Path, directory: str | Path | None = None, *, origin: str | None = None,
                    licence: str | None = None, sha256: str | None = None,
                    lang: str | None = None) -> InstalledModel:
    """Install a local .argosmodel file: validated, extracted into a work folder, proven, swapped in.
    `lang`, when given, must be the target its metadata names."""
    path = Path(path)
    meta = inspect_package(path)
    top = meta.pop("_top")
    if lang and lang != meta["to_code"]:
        raise UsageError(f"--lang {lang} contradicts the package, which translates into {meta['to_code']}",
                         path=path)
    root = models_dir(directory)
    with _workspace(root) as work, archives.open_zip(path) as zf:
        unpacked = work / "unpacked"
        unpacked.mkdir()
        archives.extract_zip(zf, archives.safe_members(zf, path), unpacked, path)
        sidecar = _sidecar("argos", origin or str(path.resolve()), licence, sha256 or _file_sha256(path))
        return _finish(unpacked / top, meta, root, _package_dirname(meta), sidecar, where=origin or path)


# --- installing: CTranslate2 models and OPUS-MT -----------------------------------------------------

_SPM_NAMES = ("sentencepiece.model", "source.spm", "spm.model", "sentencepiece.bpe.model", "tokenizer.model")


def _locate_ct2(path: Path, work: Path) -> Path:
    """The directory holding model.bin in `path` (a directory, or a zip/tar unpacked into `work`)."""
    if path.is_dir():
        src_root = path
    else:
        src_root = work / "unpacked"
        archives.extract(path, src_root)
    model_src = _find_dir(src_root, "model.bin")
    if model_src is None or _vocabulary_problem({p.name for p in model_src.iterdir()}):
        raise ModelError("no CTranslate2 model here (looked for model.bin and its vocabulary)", path=path,
                         hint="convert the model first, e.g. `ct2-opus-mt-converter` or "
                              "`ct2-transformers-converter --quantization int8`")
    return model_src


def _check_source_files(model_src: Path, extra: list[Path], root: Path, where: Path) -> None:
    """What is about to be copied must be plain files of a bounded size: a model.bin linked to /dev/zero or a
    FIFO would otherwise fill the disk or block, and a linked folder could loop."""
    total = 0
    for dirpath, dirs, files in os.walk(model_src):
        for name in dirs:
            if os.path.islink(os.path.join(dirpath, name)):
                raise ModelError(f"{os.path.join(dirpath, name)} is a linked folder; copy the model as plain files",
                                 path=where)
        paths = [Path(dirpath, name) for name in files]
        for file in paths + (extra if dirpath == str(model_src) else []):
            try:
                st = file.stat()
            except OSError as exc:
                raise ModelError(f"cannot read {file}: {exc.strerror or exc}", path=where) from None
            if not stat.S_ISREG(st.st_mode):
                raise ModelError(f"{file} is not a regular file; refusing to copy it", path=where)
            total += st.st_size
    archives.check_space(total, root, where)


def _locate_tokenizers(model_src: Path, path: Path, spm: str | Path | None,
                       target_spm: str | Path | None) -> tuple[Path, Path | None]:
    spm_src = Path(spm) if spm else next(
        (d / n for d in (model_src, model_src.parent) for n in _SPM_NAMES if (d / n).is_file()), None)
    if spm_src is None or not spm_src.is_file():
        raise ModelError("no SentencePiece model found next to the CTranslate2 model", path=path,
                         hint="pass it with --sentencepiece FILE")
    tgt = Path(target_spm) if target_spm else next(
        (d / "target.spm" for d in (model_src, model_src.parent) if (d / "target.spm").is_file()), None)
    return spm_src, tgt


def _ct2_metadata(pkg: Path, lang: str, version: str, licence: str | None, extra: dict | None, *,
                  target_token: str | None, expected_token: str | None, readme: str, where: Path | str) -> dict:
    """metadata.json for a registered model, with the language tokens of its multilingual family (see
    `families`); tokens the caller gives explicitly in `extra` win, but must be in the vocabulary."""
    meta = {"package_version": version, "argos_version": "1.9.0", "from_code": SOURCE_LANGUAGE,
            "from_name": english_name(SOURCE_LANGUAGE), "to_code": lang, "to_name": english_name(lang),
            "type": "translate", **(extra or {})}
    if licence:
        meta["license"] = licence
    named = [*_token_list(meta.get("source_prefix")), *_token_list(meta.get("target_prefix"))]
    if named and not target_token:
        families.check(pkg / "model", named, where=where)
        return meta
    config = _read_json(pkg / "model" / "config.json") or {}
    found = families.detect(pkg / "model", lang, token=target_token, expected=expected_token, readme=readme,
                            config=config, where=where)
    if found.family != "single":
        for key in ("source_prefix", "source_suffix", "target_prefix"):
            meta.pop(key, None)
        meta.update(found.metadata())
    return meta


def install_ctranslate2(path: str | Path, lang: str, directory: str | Path | None = None, *,
                        sentencepiece_model: str | Path | None = None,
                        target_sentencepiece_model: str | Path | None = None, licence: str | None = None,
                        origin: str | None = None, name: str | None = None,
                        version: str = "1.0", kind: str = "ctranslate2", extra_metadata: dict | None = None,
                        sha256: str | None = None, target_token: str | None = None,
                        expected_token: str | None = None, readme: str = "") -> InstalledModel:
    """Register a CTranslate2 model directory (or a zip/tar of one) as the English→`lang` model.

    The SentencePiece model is `sentencepiece_model`, else one of sentencepiece.model, source.spm, spm.model,
    sentencepiece.bpe.model next to the model or one level up. A multilingual model (OPUS-MT `>>xxx<<`
    labels, NLLB, M2M100, MADLAD-400) gets its language tokens written into metadata.json: `target_token`
    if the user named one (it must be valid), else the family's label for `lang` (`expected_token`, the
    catalogue's, first); `readme` is the release's README, whose list of valid labels is the authority.
    """
    lang = check_language(lang)
    path = Path(path)
    if not path.exists():
        raise InputError("not found", path=path)
    root = models_dir(directory)
    with _workspace(root) as work:
        model_src = _locate_ct2(path, work)
        spm_src, tgt_spm = _locate_tokenizers(model_src, path, sentencepiece_model, target_sentencepiece_model)
        name = name or f"ct2-{SOURCE_LANGUAGE}_{lang}"
        pkg = work / "package"
        skip = {spm_src.resolve()} | ({tgt_spm.resolve()} if tgt_spm else set())
        _check_source_files(model_src, [spm_src, *([tgt_spm] if tgt_spm else [])], root, path)
        try:
            shutil.copytree(model_src, pkg / "model",
                            ignore=lambda d, names: [n for n in names if (Path(d) / n).resolve() in skip])
            shutil.copyfile(spm_src, pkg / "sentencepiece.model")
            if tgt_spm is not None:
                shutil.copyfile(tgt_spm, pkg / "target.spm")
        except OSError as exc:
            raise _write_error(exc, root) from None
        meta = _ct2_metadata(pkg, lang, version, licence, extra_metadata, target_token=target_token,
                             expected_token=expected_token, readme=readme, where=origin or path)
        _write_new(pkg / "metadata.json", json.dumps(meta, ensure_ascii=False, indent=2) + "\n")
        _write_new(pkg / "README.md",
                   f"# {name} {version}\n\nEnglish→{english_name(lang)} CTranslate2 model registered by the "
                   f"toolkit.\n\n* origin: {origin or path}\n"
                   + (f"* licence: {licence}\n" if licence else "* no licence was stated when it was installed\n"))
        sidecar = _sidecar(kind, origin or str(path.resolve()), licence,
                           sha256 or (_file_sha256(path) if path.is_file() else None))
        return _finish(pkg, meta, root, _package_dirname(meta, name), sidecar, where=origin or path)


def _first_spm(pkg: Path) -> Path | None:
    return next((pkg / n for n in ("sentencepiece.model", *_SPM_NAMES) if (pkg / n).is_file()), None)
