"""Installed translation models: where they live, installing (file, URL, Argos index, CTranslate2, OPUS-MT),
listing, removing, and resolving the model for a target language.

Every model is stored in the Argos package layout, one directory per English→target pair:

    <models dir>/<name>/metadata.json       from_code, to_code, package_version, [target_prefix, source_prefix]
                       /model/              CTranslate2 model (config.json, model.bin, vocabulary)
                       /sentencepiece.model source tokenizer (or bpe.model in old Argos packages)
                       /target.spm          optional: decodes target pieces when the vocabularies differ
                       /toolkit.json        ours: kind, licence, origin, install time

Nothing here imports argostranslate.translate (stanza, torch) and nothing is written outside the models
directory. Installing a model for a pair replaces the one installed before, only once the new one is
complete (extract to a temporary directory inside the models dir, then rename).
"""
from __future__ import annotations

import json
import os
import shutil
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .errors import InputError, ModelError, UsageError, WriteError
from .langs import NLLB_CODES, SOURCE_LANGUAGE, check_language, english_name

MODELS_DIR_ENV = "TOOLKIT_MODELS_DIR"
PACKAGE_INDEX_ENV = "TOOLKIT_PACKAGE_INDEX"
ARGOS_INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
#: The English→Armenian route: the Tatoeba-Challenge Marian release, converted here to CTranslate2.
OPUS_MT_URLS = {"hy": "https://object.pouta.csc.fi/Tatoeba-MT-models/eng-hye/opus-2020-06-16.zip"}

SIDECAR = "toolkit.json"
NO_NETWORK_HINT = "no network; download the file elsewhere and run `toolkit models install FILE`"

#: progress(label, bytes_done, bytes_total or None); label names the package and its size.
Progress = Callable[[str, int, "int | None"], None]


@dataclass(frozen=True, slots=True)
class InstalledModel:
    source: str
    target: str
    name: str            # package name without version, e.g. "translate-en_ru"
    version: str
    kind: str            # "argos" (an Argos package as published) | "ctranslate2" (converted/registered here)
    licence: str | None
    origin: str | None   # URL or file it was installed from
    size: int            # bytes on disk
    path: Path
    metadata: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def model_dir(self) -> Path:
        return self.path / "model"

    @property
    def tokenizer_path(self) -> Path:
        """The source tokenizer: sentencepiece.model, else bpe.model."""
        spm = self.path / "sentencepiece.model"
        return spm if spm.exists() else self.path / "bpe.model"

    @property
    def target_tokenizer_path(self) -> Path:
        tgt = self.path / "target.spm"
        return tgt if tgt.exists() else self.tokenizer_path

    @property
    def target_prefix(self) -> str | None:
        return self.metadata.get("target_prefix") or None

    @property
    def source_prefix(self) -> list[str]:
        return _token_list(self.metadata.get("source_prefix"))

    @property
    def source_suffix(self) -> list[str]:
        return _token_list(self.metadata.get("source_suffix"))

    @property
    def label(self) -> str:
        """`translate-en_ru 1.9`: what PO comments and the translation memory record."""
        return f"{self.name} {self.version}"


def _token_list(value) -> list[str]:
    if not value:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


# --- where models live ------------------------------------------------------------------------------

def models_dir(override: str | Path | None = None) -> Path:
    """The parameter, else $TOOLKIT_MODELS_DIR, else the platform's user data dir + toolkit/models."""
    if override:
        return Path(override).expanduser()
    if os.environ.get(MODELS_DIR_ENV):
        return Path(os.environ[MODELS_DIR_ENV]).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("toolkit", appauthor=False)) / "models"


def _ensure_dir(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"cannot create the models directory: {exc.strerror or exc}", path=path,
                         hint=f"set {MODELS_DIR_ENV} or pass --models-dir to a writable directory") from exc
    return path


# --- listing and resolving --------------------------------------------------------------------------

def list_installed(directory: str | Path | None = None) -> list[InstalledModel]:
    """Every readable package in the models dir, sorted by target language then name."""
    root = models_dir(directory)
    if not root.is_dir():
        return []
    found = []
    for pkg in sorted(root.iterdir()):
        if pkg.name.startswith(".") or not pkg.is_dir():
            continue
        model = _read_package(pkg)
        if model is not None:
            found.append(model)
    return sorted(found, key=lambda m: (m.target, m.name))


def _read_package(pkg: Path) -> InstalledModel | None:
    try:
        meta = json.loads((pkg / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or not meta.get("from_code") or not meta.get("to_code"):
        return None
    try:
        side = json.loads((pkg / SIDECAR).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        side = {}
    version = str(meta.get("package_version", "?"))
    suffix = "-" + version.replace(".", "_")
    name = pkg.name[: -len(suffix)] if pkg.name.endswith(suffix) else pkg.name
    licence = side.get("licence") or meta.get("license") or meta.get("licence")
    size = sum(p.stat().st_size for p in pkg.rglob("*") if p.is_file())
    return InstalledModel(source=meta["from_code"], target=meta["to_code"], name=name, version=version,
                          kind=side.get("kind", "argos"), licence=licence, origin=side.get("origin"),
                          size=size, path=pkg, metadata=meta)


def find(lang: str, directory: str | Path | None = None) -> InstalledModel | None:
    """The installed English→`lang` model, or None."""
    for model in list_installed(directory):
        if model.source == SOURCE_LANGUAGE and model.target == lang:
            return model
    return None


def install_commands(lang: str) -> str:
    """The exact commands that install a model for `lang`, for error messages."""
    if lang in OPUS_MT_URLS:
        return (f"run `toolkit models install {lang}` on a networked machine (downloads and converts the "
                f"OPUS-MT model), or `toolkit models install PATH --lang {lang}` with a CTranslate2 model dir")
    return (f"run `toolkit models install {lang}`, or download the en→{lang} .argosmodel elsewhere and run "
            "`toolkit models install FILE`")


def resolve(lang: str, directory: str | Path | None = None) -> InstalledModel:
    """The model the engine uses for English→`lang`; ModelError naming the install command if none."""
    model = find(lang, directory)
    if model is None:
        raise ModelError(f"no English→{english_name(lang)} ({lang}) model installed in {models_dir(directory)}",
                         hint=install_commands(lang))
    _check_layout(model.path, where=model.path)
    return model


def _check_layout(pkg: Path, *, where: Path | str) -> None:
    problems = []
    for rel in ("model/config.json", "model/model.bin"):
        if not (pkg / rel).is_file():
            problems.append(f"{rel} is missing")
    if not ((pkg / "sentencepiece.model").is_file() or (pkg / "bpe.model").is_file()):
        problems.append("no sentencepiece.model or bpe.model")
    if problems:
        raise ModelError(f"not a usable model package: {'; '.join(problems)}", path=where,
                         hint="reinstall it with `toolkit models install`")


# --- removing ---------------------------------------------------------------------------------------

def remove(lang: str, directory: str | Path | None = None) -> list[InstalledModel]:
    """Delete every English→`lang` model; returns what was removed (UsageError if none was installed)."""
    lang = check_language(lang)
    removed = [m for m in list_installed(directory) if m.target == lang]
    if not removed:
        raise UsageError(f"no model installed for {lang}", path=models_dir(directory),
                         hint="`toolkit models list` shows what is installed")
    for model in removed:
        _delete_tree(model.path)
    return removed


def _delete_tree(path: Path) -> None:
    # Rename first so a half-deleted package is never mistaken for an installed one.
    trash = path.with_name(f".trash-{path.name}-{os.getpid()}-{time.time_ns()}")
    try:
        os.replace(path, trash)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise WriteError(f"cannot remove the model: {exc.strerror or exc}", path=path) from exc
    shutil.rmtree(trash, ignore_errors=True)


# --- installing: the common last step ---------------------------------------------------------------

def _commit(staged: Path, root: Path, name: str, sidecar: dict) -> InstalledModel:
    """Move a complete package dir from the staging area into place, replacing older models for its pair."""
    (staged / SIDECAR).write_text(json.dumps(sidecar, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    meta = json.loads((staged / "metadata.json").read_text(encoding="utf-8"))
    old = [m for m in list_installed(root) if m.source == meta["from_code"] and m.target == meta["to_code"]]
    dest = root / name
    if dest.exists():
        _delete_tree(dest)
    os.replace(staged, dest)
    for model in old:
        if model.path != dest:
            _delete_tree(model.path)
    installed = _read_package(dest)
    assert installed is not None
    return installed


def _staging(root: Path) -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix=".install-", dir=_ensure_dir(root))


def _sidecar(kind: str, origin: str | None, licence: str | None) -> dict:
    return {"kind": kind, "origin": origin, "licence": licence,
            "installed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}


# --- installing: archives ---------------------------------------------------------------------------

def _safe_members(zf: zipfile.ZipFile, archive: Path) -> list[zipfile.ZipInfo]:
    members = []
    for info in zf.infolist():
        pure = PurePosixPath(info.filename.replace("\\", "/"))
        if pure.is_absolute() or ".." in pure.parts or (pure.parts and ":" in pure.parts[0]):
            raise ModelError(f"unsafe path {info.filename!r} in the archive (it would be written outside the "
                             "package directory); refusing to install", path=archive)
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise ModelError(f"symbolic link {info.filename!r} in the archive; refusing to install", path=archive)
        members.append(info)
    return members


def _open_zip(path: Path) -> zipfile.ZipFile:
    if not path.exists():
        raise InputError("file not found", path=path)
    if path.is_dir():
        raise InputError("is a directory, expected a .argosmodel file", path=path,
                         hint="for a CTranslate2 model directory use `toolkit models install DIR --lang LANG`")
    if not zipfile.is_zipfile(path):
        raise ModelError("not a zip archive, so not an .argosmodel package", path=path,
                         hint="the download may be incomplete or an HTML error page; fetch it again")
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ModelError(f"cannot read the zip archive: {exc}", path=path) from exc


def inspect_package(path: str | Path) -> dict:
    """Validate an .argosmodel without extracting it; return its metadata. ModelError says what is wrong."""
    path = Path(path)
    with _open_zip(path) as zf:
        members = _safe_members(zf, path)
        names = {m.filename.rstrip("/") for m in members}
        tops = {PurePosixPath(n).parts[0] for n in names if n}
        at_root = sorted(n for n in names if "/" not in n and not any(x.startswith(n + "/") for x in names))
        if at_root:
            raise ModelError(f"files at the top of the archive ({', '.join(at_root[:3])}); an .argosmodel "
                             "holds exactly one directory", path=path)
        if len(tops) != 1:
            raise ModelError(f"{len(tops)} top-level directories ({', '.join(sorted(tops)[:3])}); an "
                             ".argosmodel holds exactly one", path=path)
        top = tops.pop()
        missing = [rel for rel in ("metadata.json", "model/config.json", "model/model.bin")
                   if f"{top}/{rel}" not in names]
        if not ({f"{top}/sentencepiece.model", f"{top}/bpe.model"} & names):
            missing.append("sentencepiece.model (or bpe.model)")
        if missing:
            raise ModelError(f"not an .argosmodel package: {top}/ has no {', '.join(missing)}", path=path)
        try:
            meta = json.loads(zf.read(f"{top}/metadata.json").decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise ModelError(f"{top}/metadata.json is not valid JSON: {exc}", path=path) from exc
    if not isinstance(meta, dict) or not meta.get("from_code") or not meta.get("to_code"):
        raise ModelError(f"{top}/metadata.json lacks from_code/to_code", path=path)
    if meta.get("type", "translate") != "translate":
        raise ModelError(f"a {meta['type']!r} package, not a translation model", path=path)
    if meta["from_code"] != SOURCE_LANGUAGE:
        raise ModelError(f"translates {meta['from_code']}→{meta['to_code']}; the toolkit needs models from "
                         f"{SOURCE_LANGUAGE}", path=path)
    return {**meta, "_top": top}


def install_package(path: str | Path, directory: str | Path | None = None, *, origin: str | None = None,
                    licence: str | None = None) -> InstalledModel:
    """Install a local .argosmodel file (validated, then extracted and moved into place)."""
    path = Path(path)
    meta = inspect_package(path)
    top = meta["_top"]
    root = models_dir(directory)
    with _staging(root) as tmp, _open_zip(path) as zf:
        try:
            zf.extractall(tmp, members=_safe_members(zf, path))
        except (OSError, zipfile.BadZipFile) as exc:
            raise ModelError(f"cannot extract the package: {exc}", path=path) from exc
        return _commit(Path(tmp) / top, root, top, _sidecar("argos", origin or str(path.resolve()), licence))


# --- installing: downloads --------------------------------------------------------------------------

def download(url: str, dest: Path, *, progress: Progress | None = None, label: str | None = None,
             timeout: float = 60) -> Path:
    """Fetch `url` into `dest`, reporting progress. ModelError with the offline route on network failure."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            total = int(resp.headers.get("Content-Length") or 0) or None
            what = label or url.rsplit("/", 1)[-1]
            if total:
                what += f" ({total / 1e6:.1f} MB)"
            done = 0
            if progress:
                progress(what, done, total)
            with open(dest, "wb") as out:
                while chunk := resp.read(1 << 20):
                    out.write(chunk)
                    done += len(chunk)
                    if progress:
                        progress(what, done, total)
    except urllib.error.HTTPError as exc:
        raise ModelError(f"download failed: HTTP {exc.code} {exc.reason}", path=url, hint=NO_NETWORK_HINT) from exc
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ModelError(f"cannot download: {reason}", path=url, hint=NO_NETWORK_HINT) from exc
    if total is not None and done != total:
        raise ModelError(f"download incomplete: {done} of {total} bytes", path=url, hint=NO_NETWORK_HINT)
    return dest


def install_url(url: str, directory: str | Path | None = None, *, lang: str | None = None,
                licence: str | None = None, progress: Progress | None = None) -> InstalledModel:
    """Download an .argosmodel (or, with `lang`, a CTranslate2 archive or OPUS-MT release) and install it."""
    root = models_dir(directory)
    name = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] or "download"
    with tempfile.TemporaryDirectory(prefix=".download-", dir=_ensure_dir(root)) as tmp:
        file = download(url, Path(tmp) / name, progress=progress)
        return install(file, directory, lang=lang, licence=licence, origin=url, progress=progress)


def fetch_index(url: str | None = None) -> list[dict]:
    """The Argos package index ($TOOLKIT_PACKAGE_INDEX, else the argospm-index on GitHub)."""
    url = url or os.environ.get(PACKAGE_INDEX_ENV) or ARGOS_INDEX_URL
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            data = json.loads(resp.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        raise ModelError(f"cannot fetch the package index: HTTP {exc.code}", path=url, hint=NO_NETWORK_HINT) from exc
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        raise ModelError(f"cannot fetch the package index: {getattr(exc, 'reason', exc)}", path=url,
                         hint=NO_NETWORK_HINT) from exc
    except ValueError as exc:
        raise ModelError(f"the package index is not valid JSON: {exc}", path=url) from exc
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


def install_from_index(lang: str, directory: str | Path | None = None, *,
                       progress: Progress | None = None) -> InstalledModel:
    """Download and install the Argos package for English→`lang` named in the package index."""
    index = fetch_index()
    entry = index_entry(lang, index)
    if entry is None:
        hint = (f"the Argos index has no en→{lang} package; use `toolkit models install {lang}` for the OPUS-MT "
                f"route" if lang in OPUS_MT_URLS else
                f"install a CTranslate2 model with `toolkit models install PATH --lang {lang}`")
        raise ModelError(f"no English→{english_name(lang)} ({lang}) package in the Argos index", hint=hint)
    url = entry["links"][0]
    root = models_dir(directory)
    label = f"translate-en_{lang} {entry.get('package_version', '')}".strip()
    with tempfile.TemporaryDirectory(prefix=".download-", dir=_ensure_dir(root)) as tmp:
        file = download(url, Path(tmp) / f"translate-en_{lang}.argosmodel", progress=progress, label=label)
        return install_package(file, directory, origin=url, licence=entry.get("license"))


# --- installing: CTranslate2 models and OPUS-MT -----------------------------------------------------

_SPM_NAMES = ("sentencepiece.model", "source.spm", "spm.model", "sentencepiece.bpe.model", "tokenizer.model")


def _extract_archive(path: Path, dest: Path) -> None:
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            zf.extractall(dest, members=_safe_members(zf, path))
        return
    if tarfile.is_tarfile(path):
        with tarfile.open(path) as tf:
            try:
                tf.extractall(dest, filter="data")     # refuses absolute paths, .. and links outside dest
            except tarfile.FilterError as exc:
                raise ModelError(f"unsafe entry in the archive: {exc}; refusing to install", path=path) from exc
        return
    raise ModelError("not a directory, zip or tar archive", path=path)


def _find_dir(root: Path, marker: str) -> Path | None:
    """`root` or the shallowest directory below it that holds `marker`."""
    hits = sorted(root.rglob(marker), key=lambda p: len(p.parts))
    return hits[0].parent if hits else None


def _vocabulary_tokens(model_dir: Path) -> set[str]:
    tokens: set[str] = set()
    for name in ("shared_vocabulary.json", "source_vocabulary.json", "target_vocabulary.json"):
        file = model_dir / name
        if file.exists():
            try:
                tokens.update(json.loads(file.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                pass
    for name in ("shared_vocabulary.txt", "source_vocabulary.txt", "target_vocabulary.txt"):
        file = model_dir / name
        if file.exists():
            tokens.update(file.read_text(encoding="utf-8").splitlines())
    return tokens


def install_ctranslate2(path: str | Path, lang: str, directory: str | Path | None = None, *,
                        sentencepiece_model: str | Path | None = None,
                        target_sentencepiece_model: str | Path | None = None, licence: str | None = None,
                        origin: str | None = None, name: str | None = None,
                        version: str = "1.0", kind: str = "ctranslate2") -> InstalledModel:
    """Register a CTranslate2 model directory (or a zip/tar of one) as the English→`lang` model.

    The SentencePiece model is `sentencepiece_model`, else one of sentencepiece.model, source.spm, spm.model,
    sentencepiece.bpe.model next to the model or one level up. NLLB-style vocabularies (with `eng_Latn`)
    get source and target language tokens written into metadata.json.
    """
    lang = check_language(lang)
    path = Path(path)
    if not path.exists():
        raise InputError("not found", path=path)
    root = models_dir(directory)
    with _staging(root) as tmp:
        tmp = Path(tmp)
        if path.is_dir():
            src_root = path
        else:
            src_root = tmp / "unpacked"
            _extract_archive(path, src_root)
        model_src = _find_dir(src_root, "model.bin")
        if model_src is None or not (model_src / "config.json").is_file():
            raise ModelError("no CTranslate2 model here (looked for config.json and model.bin)", path=path,
                             hint="convert the model first, e.g. `ct2-opus-mt-converter` or "
                                  "`ct2-transformers-converter --quantization int8`")
        spm_src = Path(sentencepiece_model) if sentencepiece_model else next(
            (d / n for d in (model_src, model_src.parent) for n in _SPM_NAMES if (d / n).is_file()), None)
        if spm_src is None or not spm_src.is_file():
            raise ModelError("no SentencePiece model found next to the CTranslate2 model", path=path,
                             hint="pass it with --sentencepiece FILE")
        tgt_spm = Path(target_sentencepiece_model) if target_sentencepiece_model else next(
            (d / "target.spm" for d in (model_src, model_src.parent) if (d / "target.spm").is_file()), None)

        name = name or f"ct2-{SOURCE_LANGUAGE}_{lang}"
        dirname = f"{name}-{version.replace('.', '_')}"
        pkg = tmp / dirname
        skip = {spm_src.resolve()} | ({tgt_spm.resolve()} if tgt_spm else set())
        shutil.copytree(model_src, pkg / "model",
                        ignore=lambda d, names: [n for n in names if (Path(d) / n).resolve() in skip])
        shutil.copyfile(spm_src, pkg / "sentencepiece.model")
        if tgt_spm is not None:
            shutil.copyfile(tgt_spm, pkg / "target.spm")
        meta = {"package_version": version, "argos_version": "1.9.0", "from_code": SOURCE_LANGUAGE,
                "from_name": english_name(SOURCE_LANGUAGE), "to_code": lang, "to_name": english_name(lang),
                "type": "translate"}
        if licence:
            meta["license"] = licence
        vocab = _vocabulary_tokens(pkg / "model")
        if NLLB_CODES["en"] in vocab and NLLB_CODES.get(lang) in vocab:
            meta["source_prefix"] = NLLB_CODES["en"]
            config = json.loads((pkg / "model" / "config.json").read_text(encoding="utf-8"))
            if not config.get("add_source_eos"):
                meta["source_suffix"] = "</s>"
            meta["target_prefix"] = NLLB_CODES[lang]
        (pkg / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n",
                                           encoding="utf-8")
        (pkg / "README.md").write_text(
            f"# {name} {version}\n\nEnglish→{english_name(lang)} CTranslate2 model registered by the toolkit.\n\n"
            f"* origin: {origin or path}\n* licence: {licence or 'unknown'}\n", encoding="utf-8")
        return _commit(pkg, root, dirname, _sidecar(kind, origin or str(path.resolve()), licence))


def _opus_licence(release: Path) -> str:
    text = ""
    for name in ("LICENSE", "README.md"):
        if (release / name).is_file():
            text += (release / name).read_text(encoding="utf-8", errors="replace")
    if "Apache" in text:
        return "Apache-2.0"
    return "CC-BY-4.0"   # the Tatoeba-Challenge releases are published under CC-BY 4.0


def install_opus_mt(url_or_zip: str | Path | None = None, lang: str = "hy", directory: str | Path | None = None,
                    *, progress: Progress | None = None, origin: str | None = None) -> InstalledModel:
    """Download an OPUS-MT (Marian) release, convert it to CTranslate2 int8 locally, install it.

    Needs only numpy and pyyaml (ctranslate2's own OPUS-MT converter), no torch.
    """
    lang = check_language(lang)
    source = str(url_or_zip or OPUS_MT_URLS.get(lang) or "")
    if not source:
        raise UsageError(f"no default OPUS-MT release known for {lang}; pass its URL or zip")
    root = models_dir(directory)
    with tempfile.TemporaryDirectory(prefix=".opus-", dir=_ensure_dir(root)) as tmp:
        tmp = Path(tmp)
        if "://" in source:
            try:
                archive = download(source, tmp / source.rsplit("/", 1)[-1], progress=progress,
                                   label=f"OPUS-MT en→{lang} {source.rsplit('/', 1)[-1]}")
            except ModelError as exc:
                raise ModelError(exc.reason, path=exc.path, hint=f"no network; download the file elsewhere and "
                                 f"run `toolkit models install FILE --lang {lang}`") from exc
            origin = origin or source
        else:
            archive = Path(source)
        if archive.is_dir():
            release = archive
        else:
            if not archive.exists():
                raise InputError("not found", path=archive)
            _extract_archive(archive, tmp / "release")
            release = _find_dir(tmp / "release", "decoder.yml")
        if release is None or not (release / "decoder.yml").is_file():
            raise ModelError("not an OPUS-MT release: no decoder.yml", path=archive)
        if not (release / "source.spm").is_file():
            raise ModelError("not an OPUS-MT release: no source.spm", path=archive)
        from ctranslate2.converters import OpusMTConverter

        converted = tmp / "converted"
        if progress:
            progress(f"converting OPUS-MT en→{lang} to CTranslate2 int8", 0, None)
        try:
            OpusMTConverter(str(release)).convert(str(converted), quantization="int8", force=True)
        except (KeyError, ValueError, OSError) as exc:
            raise ModelError(f"cannot convert the OPUS-MT model: {exc}", path=archive) from exc
        shutil.copyfile(release / "source.spm", converted / "sentencepiece.model")
        if (release / "target.spm").is_file():
            shutil.copyfile(release / "target.spm", converted / "target.spm")
        stem = archive.name.removesuffix(".zip")
        version = stem.removeprefix("opus-").replace("-", ".") if stem.startswith("opus-") else "1.0"
        return install_ctranslate2(converted, lang, directory, licence=_opus_licence(release),
                                   origin=origin or str(Path(source).resolve()), name=f"opus-mt-en_{lang}",
                                   version=version)


# --- one entry point for the CLI, and first use ----------------------------------------------------

def install(target: str | Path, directory: str | Path | None = None, *, lang: str | None = None,
            licence: str | None = None, origin: str | None = None,
            sentencepiece_model: str | Path | None = None,
            progress: Progress | None = None) -> InstalledModel:
    """Install from whatever `target` is: a language code, an .argosmodel, a URL, a CTranslate2 dir/archive,
    or an OPUS-MT release."""
    text = str(target)
    if "://" in text:
        return install_url(text, directory, lang=lang, licence=licence, progress=progress)
    path = Path(text)
    if not path.exists():
        if path.suffix or "/" in text or os.sep in text:
            raise InputError("file not found", path=path)
        code = check_language(text)
        if lang and lang != code:
            raise UsageError(f"conflicting languages: {text} and --lang {lang}")
        if code in OPUS_MT_URLS:
            return install_opus_mt(None, code, directory, progress=progress)
        return install_from_index(code, directory, progress=progress)
    if path.is_dir():
        if (path / "decoder.yml").is_file():
            return install_opus_mt(path, _need_lang(lang, path), directory, progress=progress, origin=origin)
        if (path / "metadata.json").is_file() and (path / "model").is_dir():
            meta = json.loads((path / "metadata.json").read_text(encoding="utf-8"))
            return install_ctranslate2(path / "model", lang or meta.get("to_code", ""), directory,
                                       sentencepiece_model=sentencepiece_model or _first_spm(path),
                                       licence=licence, origin=origin)
        return install_ctranslate2(path, _need_lang(lang, path), directory, sentencepiece_model=sentencepiece_model,
                                   licence=licence, origin=origin)
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
        if any(PurePosixPath(n).name == "decoder.yml" for n in names):
            return install_opus_mt(path, _need_lang(lang, path), directory, progress=progress, origin=origin)
        if any(PurePosixPath(n).name == "metadata.json" for n in names) or not lang:
            return install_package(path, directory, origin=origin, licence=licence)
    elif not tarfile.is_tarfile(path):
        return install_package(path, directory, origin=origin, licence=licence)   # says "not a zip archive"
    return install_ctranslate2(path, _need_lang(lang, path), directory, sentencepiece_model=sentencepiece_model,
                               licence=licence, origin=origin)


def _first_spm(pkg: Path) -> Path | None:
    return next((pkg / n for n in ("sentencepiece.model", *_SPM_NAMES) if (pkg / n).is_file()), None)


def _need_lang(lang: str | None, path: Path) -> str:
    if not lang:
        raise UsageError(f"{path} is a CTranslate2/OPUS-MT model; say which language it translates into "
                         "with --lang (e.g. --lang hy)")
    return check_language(lang)


def ensure_model(lang: str, allow_download: bool = True, progress: Progress | None = None,
                 directory: str | Path | None = None) -> InstalledModel:
    """The installed model for `lang`; on first use, download it (Argos index, or OPUS-MT for hy)."""
    model = find(lang, directory)
    if model is not None:
        return resolve(lang, directory)
    if not allow_download:
        raise ModelError(f"no English→{english_name(lang)} ({lang}) model installed in {models_dir(directory)} "
                         "and downloads are off", hint=install_commands(lang))
    try:
        if lang in OPUS_MT_URLS:
            return install_opus_mt(None, lang, directory, progress=progress)
        return install_from_index(lang, directory, progress=progress)
    except ModelError as exc:
        if not (exc.hint or "").startswith("no network"):
            raise
        raise ModelError(f"no English→{english_name(lang)} ({lang}) model installed, and {exc.reason}",
                         path=exc.path, hint=install_commands(lang)) from exc
