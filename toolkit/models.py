"""Installed translation models: where they live, installing (file, URL, Argos index, CTranslate2, OPUS-MT),
listing, removing, and resolving the model for a target language.

Every model is stored in the Argos package layout, one directory per English→target pair, named from its
metadata (`translate-en_ru-1_9`), never from the archive's folder name:

    <models dir>/<name>/metadata.json       from_code, to_code, package_version, [target_prefix, source_prefix]
                       /model/              CTranslate2 model: model.bin, a vocabulary, config.json (written
                                            here with CTranslate2's pre-3.0 defaults when a 2.x package lacks it)
                       /sentencepiece.model source tokenizer (or bpe.model in old Argos packages)
                       /target.spm          optional: decodes target pieces when the vocabularies differ
                       /toolkit.json        ours: kind, licence, origin, SHA-256 of the archive and of every file

The real formats this accepts (read from the public sources): Locomotive `train.py` packages (config.json,
shared_vocabulary.json, stanza/, a zip of file entries only), argos-train `bin/argos-train` packages made by
`shutil.make_archive` (folder entries) with a CTranslate2 2.x model (model.bin + shared_vocabulary.txt, no
config.json: en→az 1.5), and the argospm-index `index.json` (no `type`, no licence, `ipfs://` second links).

Installing never harms what is installed: the package is built in a fresh hidden folder inside the models dir,
loaded and made to translate one sentence there, and only then swapped in under a lock. Nothing here imports
argostranslate.translate (stanza, torch) and nothing is written outside the models directory.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import stat
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from . import archives
from . import download as dl
from .errors import DownloadError, InputError, ModelError, NoNetwork, ToolkitError, UsageError, WriteError
from .langs import NLLB_CODES, SOURCE_LANGUAGE, check_language, english_name, is_known

MODELS_DIR_ENV = "TOOLKIT_MODELS_DIR"
PACKAGE_INDEX_ENV = "TOOLKIT_PACKAGE_INDEX"
ARGOS_INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
#: The English→Armenian route: the Tatoeba-Challenge Marian release, converted here to CTranslate2.
OPUS_MT_URLS = {"hy": "https://object.pouta.csc.fi/Tatoeba-MT-models/eng-hye/opus-2020-06-16.zip"}

SIDECAR = "toolkit.json"
#: Seconds a second `models install` waits for the first to finish swapping its model in.
LOCK_WAIT = 60.0

#: What CTranslate2 assumes for a model saved before 3.0 (binary version < 6, no config.json):
#: ctranslate2 src/models/sequence_to_sequence.cc `SequenceToSequenceModel::initialize`. CTranslate2 4.x
#: refuses a current model.bin without config.json ("type must be string, but is null"), so the installed
#: copy gets these written down and loads the same under every CTranslate2 version.
PRE3_CONFIG = {"add_source_bos": False, "add_source_eos": False, "bos_token": "<s>",
               "decoder_start_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"}
#: Vocabulary files CTranslate2 reads (json since 3.0, txt before), shared or one per side.
VOCABULARIES = (("shared_vocabulary.json",), ("shared_vocabulary.txt",),
                ("source_vocabulary.json", "target_vocabulary.json"),
                ("source_vocabulary.txt", "target_vocabulary.txt"))

#: progress(label, bytes_done, bytes_total or None); label names the package and its size.
Progress = Callable[[str, int, "int | None"], None]

_WORK_MARKER = ".toolkit-work"
_WORK_PREFIXES = (".install-", ".download-", ".opus-", ".trash-")


@dataclass(frozen=True, slots=True)
class InstalledModel:
    source: str
    target: str
    name: str            # package name without version, e.g. "translate-en_ru"
    version: str
    kind: str            # "argos" (an Argos package as published) | "ctranslate2" (converted/registered here)
    licence: str | None  # only what the package, the index or the user stated; never guessed
    origin: str | None   # URL or file it was installed from
    size: int            # bytes on disk
    path: Path
    metadata: dict = field(default_factory=dict, compare=False, repr=False)
    sha256: str | None = None         # of the archive as downloaded/installed, when there was one
    tree_sha256: str | None = None    # of the installed files (see `_manifest`)
    licence_source: str | None = None  # where the licence was read, or where to look when it is unknown

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
    def preprocess(self) -> str | None:
        """"opus-mt-normalize" when the release's preprocess.sh normalisation must run before SentencePiece."""
        return self.metadata.get("preprocess") or None

    @property
    def label(self) -> str:
        """`translate-en_ru 1.9`: what PO comments and the translation memory record."""
        return f"{self.name} {self.version}"

    @property
    def licence_text(self) -> str:
        """The licence, or where to find it: what `models list` shows."""
        if self.licence:
            return self.licence
        if not self.licence_source:
            return "not stated"
        return "not stated; " + self.licence_source.replace(f"{self.path}{os.sep}", "", 1)


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


def _read_json(path: Path, limit: int = 1 << 20) -> dict | None:
    """A small JSON object from a regular file, else None (a link to /dev/zero must not hang a listing)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode) or path.stat().st_size > limit:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _read_package(pkg: Path) -> InstalledModel | None:
    meta = _read_json(pkg / "metadata.json")
    if meta is None or not isinstance(meta.get("from_code"), str) or not isinstance(meta.get("to_code"), str):
        return None
    side = _read_json(pkg / SIDECAR) or {}
    version = str(meta.get("package_version", "?"))
    suffix = "-" + _version_slug(version)
    name = pkg.name[: -len(suffix)] if pkg.name.endswith(suffix) else pkg.name
    licence = side.get("licence") or meta.get("license") or meta.get("licence")
    size = _tree_size(pkg)
    return InstalledModel(source=meta["from_code"], target=meta["to_code"], name=name, version=version,
                          kind=side.get("kind", "argos"), licence=licence, origin=side.get("origin"),
                          size=size, path=pkg, metadata=meta, sha256=side.get("sha256"),
                          tree_sha256=side.get("tree_sha256"),
                          licence_source=None if licence else _licence_source(pkg, meta)[1])


def _tree_size(pkg: Path) -> int:
    """Bytes under `pkg`; files another run deletes meanwhile count as nothing."""
    total = 0
    for dirpath, _dirs, files in os.walk(pkg):
        for name in files:
            with contextlib.suppress(OSError):
                st = os.lstat(os.path.join(dirpath, name))
                total += st.st_size if stat.S_ISREG(st.st_mode) else 0
    return total


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
    if not (model.model_dir / "config.json").is_file():   # copied in by hand from a CTranslate2 2.x package
        _write_pre3_config(model.model_dir)
    return model


# --- what a package must hold -----------------------------------------------------------------------

def _vocabulary_problem(names: set[str]) -> str | None:
    """None if `names` (file names in model/) hold a vocabulary CTranslate2 reads."""
    if any(all(n in names for n in group) for group in VOCABULARIES):
        return None
    return "no vocabulary (shared_vocabulary.json/.txt, or source_/target_vocabulary.*)"


def _layout_problems(names: set[str], prefix: str = "") -> list[str]:
    """What is missing from a package whose relative file names are `names`."""
    problems = []
    if f"{prefix}model/model.bin" not in names:
        problems.append("model/model.bin is missing")
    in_model = {n[len(prefix) + 6:] for n in names if n.startswith(f"{prefix}model/")}
    if (vocab := _vocabulary_problem(in_model)) and f"{prefix}model/model.bin" in names:
        problems.append(f"model/ has {vocab}")
    if not ({f"{prefix}sentencepiece.model", f"{prefix}bpe.model"} & names):
        problems.append("no sentencepiece.model or bpe.model")
    return problems


def _check_layout(pkg: Path, *, where: Path | str) -> None:
    names = {p.relative_to(pkg).as_posix() for p in pkg.rglob("*") if p.is_file()}
    if problems := _layout_problems(names):
        raise ModelError(f"not a usable model package: {'; '.join(problems)}", path=where,
                         hint="reinstall it with `toolkit models install`")


def _write_pre3_config(model_dir: Path) -> None:
    _write_new(model_dir / "config.json", json.dumps(PRE3_CONFIG, indent=2) + "\n")


def _write_new(path: Path, text: str) -> None:
    """Write `path` whole or not at all: a new temp file beside it (O_EXCL|O_NOFOLLOW, so never through a planted
    link), then a rename, which replaces a link at `path` instead of following it."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{time.time_ns()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise _write_error(exc, path) from None


def _write_error(exc: OSError, path: Path | str) -> WriteError:
    import errno

    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return WriteError("disk full while installing the model; nothing was changed", path=path,
                          hint="free some space and run again")
    return WriteError(f"cannot write: {exc.strerror or exc}; nothing was changed", path=path)


# --- licences: only what is stated ------------------------------------------------------------------

_LICENCE_LINE = re.compile(r"^\W*(?:licen[cs]e|license)\b\s*[:\-–]?\s*(.+)$", re.I | re.M)
_KNOWN_LICENCES = [("CC-BY-NC-4.0", r"CC[- ]BY[- ]NC[- ]4\.0|Attribution-NonCommercial 4\.0"),
                   ("CC-BY-4.0", r"CC[- ]BY[- ]4\.0|Attribution 4\.0 International"),
                   ("CC0-1.0", r"CC0"), ("Apache-2.0", r"Apache License,? Version 2\.0|Apache-2\.0"),
                   ("MIT", r"\bMIT License\b")]


def _licence_source(pkg: Path, meta: dict) -> tuple[str | None, str | None]:
    """(licence, where it was read) from the package's own files; (None, where to look) if none states one.

    Real Argos packages carry no licence field (argos-train writes six metadata keys; its README template
    credits OPUS, Wiktionary and Stanza but names no licence), so this never invents one.
    """
    stated = meta.get("license") or meta.get("licence")
    if isinstance(stated, str) and stated.strip():
        return stated.strip(), f"{pkg / 'metadata.json'}"
    for name in ("LICENSE", "LICENSE.txt", "LICENCE", "README.md"):
        file = pkg / name
        if not file.is_file() or file.is_symlink():
            continue
        try:
            with open(file, encoding="utf-8", errors="replace") as fh:
                text = fh.read(20_000)
        except OSError:
            continue
        for spdx, pattern in _KNOWN_LICENCES:
            if re.search(pattern, text, re.I):
                return spdx, str(file)
        if name.startswith("LICEN") and text.strip():
            return text.strip().splitlines()[0][:60], str(file)
        if m := _LICENCE_LINE.search(text):
            return m.group(1).strip()[:60], str(file)
    readme = pkg / "README.md"
    return None, (f"see {readme}" if readme.is_file() else "ask the publisher; the package names no licence")


# --- removing ---------------------------------------------------------------------------------------

def remove(lang: str, directory: str | Path | None = None) -> list[InstalledModel]:
    """Delete every English→`lang` model; returns what was removed (UsageError if none was installed)."""
    lang = check_language(lang)
    removed = [m for m in list_installed(directory) if m.target == lang]
    if not removed:
        raise UsageError(f"no model installed for {lang}", path=models_dir(directory),
                         hint="`toolkit models list` shows what is installed")
    with _models_lock(models_dir(directory)):
        for model in removed:
            _delete_tree(model.path)
    return removed


def _delete_tree(path: Path) -> None:
    # Rename first so a half-deleted package is never mistaken for an installed one.
    if path.is_symlink():
        path.unlink()
        return
    trash = path.with_name(f".trash-{os.getpid()}-{time.time_ns()}")
    try:
        os.replace(path, trash)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise WriteError(f"cannot remove the model: {exc.strerror or exc}", path=path) from exc
    shutil.rmtree(trash, ignore_errors=True)


# --- work folders, the lock, and leftovers of killed runs ------------------------------------------

@contextlib.contextmanager
def _workspace(root: Path, prefix: str = ".install-") -> Iterator[Path]:
    """A fresh folder inside the models dir (same file system, so the final rename is atomic), marked as
    ours with the owner's pid so a later run can tell a killed run's leftovers from a running install."""
    _ensure_dir(root)
    clean_leftovers(root)
    try:
        work = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=root))
    except OSError as exc:
        raise _write_error(exc, root) from None
    _write_new(work / _WORK_MARKER, f"{os.getpid()}\n")
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def clean_leftovers(root: Path) -> list[Path]:
    """Delete work folders of runs that were killed: only folders this program made (name prefix, pid in the
    name and our marker inside) whose process is gone. Returns what was removed."""
    removed = []
    try:
        entries = list(root.iterdir())
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(_WORK_PREFIXES) or entry.is_symlink() or not entry.is_dir():
            continue
        match = re.match(r"\.(?:install|download|opus)-(\d+)-|\.trash-(\d+)-\d+$", entry.name)
        if not match or _pid_alive(int(match.group(1) or match.group(2))):
            continue
        if not entry.name.startswith(".trash-"):
            marker = entry / _WORK_MARKER
            if marker.is_symlink() or not marker.is_file():
                continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:          # EPERM: someone else's live process
        return True
    return True


@contextlib.contextmanager
def _models_lock(root: Path) -> Iterator[None]:
    from .fsutil import locked

    with locked(_ensure_dir(root), name=".toolkit-models.lock", timeout=LOCK_WAIT):
        yield


# --- installing: the common last steps --------------------------------------------------------------

def _version_slug(version: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "_", version).strip("_") or "0"


def _package_dirname(meta: dict, name: str | None = None) -> str:
    """`translate-en_az-1_5` from metadata (the archive's own folder name is never trusted)."""
    base = name or f"translate-{meta['from_code']}_{meta['to_code']}"
    return f"{base}-{_version_slug(str(meta.get('package_version', '0')))}"


def _check_metadata(meta: object, where: Path | str, top: str | None = None) -> dict:
    """metadata.json must name an English→known-language translation package, consistent with its folder."""
    if not isinstance(meta, dict) or not isinstance(meta.get("from_code"), str) \
            or not isinstance(meta.get("to_code"), str):
        raise ModelError("metadata.json lacks from_code/to_code", path=where)
    if meta.get("type", "translate") != "translate":
        raise ModelError(f"a {meta['type']!r} package, not a translation model", path=where)
    if meta["from_code"] != SOURCE_LANGUAGE:
        raise ModelError(f"translates {meta['from_code']}→{meta['to_code']}; the toolkit needs models from "
                         f"{SOURCE_LANGUAGE}", path=where)
    if not is_known(meta["to_code"]):
        raise ModelError(f"metadata.json names an unknown target language {meta['to_code']!r}", path=where)
    if top and (m := re.fullmatch(r"translate-([A-Za-z]+)_([A-Za-z]+)-.*", top)):
        if (m.group(1), m.group(2)) != (meta["from_code"], meta["to_code"]):
            raise ModelError(f"its folder {top}/ says {m.group(1)}→{m.group(2)} but its metadata.json says "
                             f"{meta['from_code']}→{meta['to_code']}; refusing a package that contradicts "
                             "itself", path=where)
    return meta


def _manifest(pkg: Path) -> tuple[dict[str, str], str]:
    """SHA-256 of every installed file, and one digest over that list (what `models list` shows)."""
    files = {}
    for file in sorted(p for p in pkg.rglob("*") if p.is_file() and not p.is_symlink()):
        rel = file.relative_to(pkg).as_posix()
        if rel in (SIDECAR, _WORK_MARKER):
            continue
        digest = hashlib.sha256()
        with open(file, "rb") as fh:
            while block := fh.read(1 << 20):
                digest.update(block)
        files[rel] = digest.hexdigest()
    tree = hashlib.sha256("".join(f"{h}  {rel}\n" for rel, h in files.items()).encode()).hexdigest()
    return files, tree


def _smoke_test(pkg: Path, meta: dict, where: Path | str) -> None:
    """Load the staged model and translate one sentence, so a broken model never replaces a working one."""
    import ctranslate2

    model_dir = pkg / "model"
    try:
        translator = ctranslate2.Translator(str(model_dir), device="cpu", compute_type="default",
                                            inter_threads=1, intra_threads=1)
        text = "The ministry said on Sunday that talks were held."
        if (pkg / "sentencepiece.model").is_file():
            import sentencepiece as spm

            tokens = spm.SentencePieceProcessor(model_file=str(pkg / "sentencepiece.model")).encode(
                text, out_type=str)
        else:                                       # bpe.model: unknown pieces become <unk>, which is enough
            tokens = text.split()
        tokens = _token_list(meta.get("source_prefix")) + tokens + _token_list(meta.get("source_suffix"))
        prefix = meta.get("target_prefix")
        translator.translate_batch([tokens], beam_size=1, max_decoding_length=8,
                                   target_prefix=[[prefix]] if prefix else None)
    except Exception as exc:   # noqa: BLE001 — any failure here means the model cannot be used
        detail = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
        raise ModelError(f"the model does not load or translate: {detail}; nothing was installed", path=where,
                         hint="the file may be corrupt or not a CTranslate2 model; fetch it again") from None


def _finish(pkg: Path, meta: dict, root: Path, dirname: str, sidecar: dict, *, where: Path | str
            ) -> InstalledModel:
    """Complete a staged package (config.json for 2.x models, manifest, sidecar), prove it translates, and
    swap it in under the models lock, replacing whatever was installed for its language pair."""
    _check_layout(pkg, where=where)
    if not (pkg / "model" / "config.json").is_file():
        _write_pre3_config(pkg / "model")
    _smoke_test(pkg, meta, where)
    files, tree = _manifest(pkg)
    sidecar = {**sidecar, "licence": sidecar.get("licence") or _licence_source(pkg, meta)[0],
               "tree_sha256": tree, "files": files,
               "installed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    _write_new(pkg / SIDECAR, json.dumps(sidecar, ensure_ascii=False, indent=2) + "\n")
    with _models_lock(root):
        old = [m for m in list_installed(root) if m.source == meta["from_code"] and m.target == meta["to_code"]]
        dest = root / dirname
        aside = _move_aside(dest)
        try:
            os.replace(pkg, dest)
        except OSError as exc:
            if aside is not None:
                with contextlib.suppress(OSError):
                    os.replace(aside, dest)
            raise WriteError(f"cannot move the model into place: {exc.strerror or exc}; the installed models "
                             "are unchanged", path=dest, hint="is another program writing there? run again") from None
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)
        for model in old:
            if model.path != dest:
                _delete_tree(model.path)
        installed = _read_package(dest)
    assert installed is not None
    return installed


def _move_aside(dest: Path) -> Path | None:
    """Rename what occupies `dest` to a trash name (a link is just removed); returns where it went."""
    if dest.is_symlink():
        dest.unlink()
        return None
    if not dest.exists():
        return None
    aside = dest.with_name(f".trash-{os.getpid()}-{time.time_ns()}")
    try:
        os.replace(dest, aside)
    except OSError as exc:
        raise WriteError(f"cannot replace the installed model: {exc.strerror or exc}", path=dest) from None
    return aside


def _sidecar(kind: str, origin: str | None, licence: str | None, sha256: str | None = None) -> dict:
    return {"kind": kind, "origin": origin, "licence": licence, "sha256": sha256}


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


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


# --- installing: downloads --------------------------------------------------------------------------

def download(url: str, dest: Path, *, progress: Progress | None = None, label: str | None = None,
             offline_route: str = dl.OFFLINE_ROUTE) -> dl.Fetched:
    """Fetch `url` into the new file `dest` (see toolkit.download); NoNetwork or DownloadError name the URL."""
    return dl.fetch(url, dest, progress=progress, label=label, offline_route=offline_route)


def install_url(url: str, directory: str | Path | None = None, *, lang: str | None = None,
                licence: str | None = None, progress: Progress | None = None) -> InstalledModel:
    """Download an .argosmodel (or, with `lang`, a CTranslate2 archive or OPUS-MT release) and install it."""
    dl.check_url(url)
    root = models_dir(directory)
    with _workspace(root, ".download-") as work:
        got = download(url, work / dl.file_name(url), progress=progress)
        with _blame_url(url, got.path):
            return install(got.path, directory, lang=lang, licence=licence, origin=url, progress=progress,
                           sha256=got.sha256)


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


# --- installing: CTranslate2 models and OPUS-MT -----------------------------------------------------

_SPM_NAMES = ("sentencepiece.model", "source.spm", "spm.model", "sentencepiece.bpe.model", "tokenizer.model")


def _find_dir(root: Path, marker: str) -> Path | None:
    """`root` or the shallowest directory below it that holds `marker`."""
    hits = sorted(root.rglob(marker), key=lambda p: len(p.parts))
    return hits[0].parent if hits else None


def _vocabulary_tokens(model_dir: Path) -> set[str]:
    tokens: set[str] = set()
    for name in ("shared_vocabulary.json", "source_vocabulary.json", "target_vocabulary.json"):
        file = model_dir / name
        if file.exists():
            with contextlib.suppress(OSError, ValueError, TypeError):
                tokens.update(json.loads(file.read_text(encoding="utf-8")))
    for name in ("shared_vocabulary.txt", "source_vocabulary.txt", "target_vocabulary.txt"):
        file = model_dir / name
        if file.exists():
            tokens.update(file.read_text(encoding="utf-8", errors="replace").splitlines())
    return tokens


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


def _ct2_metadata(pkg: Path, lang: str, version: str, licence: str | None, extra: dict | None) -> dict:
    """metadata.json for a registered model; NLLB-style vocabularies get their language tokens."""
    meta = {"package_version": version, "argos_version": "1.9.0", "from_code": SOURCE_LANGUAGE,
            "from_name": english_name(SOURCE_LANGUAGE), "to_code": lang, "to_name": english_name(lang),
            "type": "translate", **(extra or {})}
    if licence:
        meta["license"] = licence
    vocab = _vocabulary_tokens(pkg / "model")
    if NLLB_CODES["en"] in vocab and NLLB_CODES.get(lang) in vocab:
        meta["source_prefix"] = NLLB_CODES["en"]
        config = _read_json(pkg / "model" / "config.json") or {}
        if not config.get("add_source_eos"):
            meta["source_suffix"] = "</s>"
        meta["target_prefix"] = NLLB_CODES[lang]
    return meta


def install_ctranslate2(path: str | Path, lang: str, directory: str | Path | None = None, *,
                        sentencepiece_model: str | Path | None = None,
                        target_sentencepiece_model: str | Path | None = None, licence: str | None = None,
                        origin: str | None = None, name: str | None = None,
                        version: str = "1.0", kind: str = "ctranslate2", extra_metadata: dict | None = None,
                        sha256: str | None = None) -> InstalledModel:
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
        meta = _ct2_metadata(pkg, lang, version, licence, extra_metadata)
        _write_new(pkg / "metadata.json", json.dumps(meta, ensure_ascii=False, indent=2) + "\n")
        _write_new(pkg / "README.md",
                   f"# {name} {version}\n\nEnglish→{english_name(lang)} CTranslate2 model registered by the "
                   f"toolkit.\n\n* origin: {origin or path}\n"
                   + (f"* licence: {licence}\n" if licence else "* no licence was stated when it was installed\n"))
        sidecar = _sidecar(kind, origin or str(path.resolve()), licence,
                           sha256 or (_file_sha256(path) if path.is_file() else None))
        return _finish(pkg, meta, root, _package_dirname(meta, name), sidecar, where=origin or path)


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
                    *, progress: Progress | None = None, origin: str | None = None) -> InstalledModel:
    """Download an OPUS-MT (Marian) release, convert it to CTranslate2 int8 locally, install it.

    Needs only numpy and pyyaml (ctranslate2's own OPUS-MT converter), no torch. The release's preprocess.sh
    (Helsinki-NLP OPUS-MT-train `scripts/preprocess-spm.sh`: punctuation normalisation, control characters,
    spaces) is recorded in metadata.json so the engine does the same before SentencePiece.
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
        stem = archive.name.removesuffix(".zip")
        version = stem.removeprefix("opus-").replace("-", ".") if stem.startswith("opus-") else "1.0"
        extra = {"preprocess": "opus-mt-normalize"} if (release / "preprocess.sh").is_file() else {}
        return install_ctranslate2(converted, lang, directory, licence=_opus_licence(release),
                                   origin=origin or (source if "://" in source else str(Path(source).resolve())),
                                   name=f"opus-mt-en_{lang}", version=version, extra_metadata=extra,
                                   sha256=sha256 or (_file_sha256(archive) if archive.is_file() else None))


# --- one entry point for the CLI, and first use ----------------------------------------------------

def install(target: str | Path, directory: str | Path | None = None, *, lang: str | None = None,
            licence: str | None = None, origin: str | None = None,
            sentencepiece_model: str | Path | None = None,
            progress: Progress | None = None, sha256: str | None = None) -> InstalledModel:
    """Install from whatever `target` is: a language code, an .argosmodel, a URL, a CTranslate2 dir/archive,
    or an OPUS-MT release."""
    text = str(target)
    lang = check_language(lang) if lang else None
    if "://" in text:
        return install_url(text, directory, lang=lang, licence=licence, progress=progress)
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
        if code in OPUS_MT_URLS:
            return install_opus_mt(None, code, directory, progress=progress)
        return install_from_index(code, directory, progress=progress)
    if path.is_dir():
        return _install_dir(path, directory, lang=lang, licence=licence, origin=origin,
                            sentencepiece_model=sentencepiece_model, progress=progress)
    if zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as zf:
                names = zf.namelist()
        except (zipfile.BadZipFile, OSError) as exc:
            raise ModelError(f"cannot read the zip archive: {exc}", path=path) from None
        if any(PurePosixPath(n).name == "decoder.yml" for n in names):
            return install_opus_mt(path, _need_lang(lang, path), directory, progress=progress, origin=origin)
        if any(PurePosixPath(n).name == "metadata.json" for n in names) or not lang:
            return install_package(path, directory, origin=origin, licence=licence, sha256=sha256, lang=lang)
    elif not tarfile.is_tarfile(path):
        return install_package(path, directory, origin=origin, licence=licence)   # says "not a zip archive"
    return install_ctranslate2(path, _need_lang(lang, path), directory, sentencepiece_model=sentencepiece_model,
                               licence=licence, origin=origin, sha256=sha256)


def _install_dir(path: Path, directory: str | Path | None, *, lang: str | None, licence: str | None,
                 origin: str | None, sentencepiece_model: str | Path | None,
                 progress: Progress | None) -> InstalledModel:
    """A directory: an OPUS-MT release, an unpacked Argos package, or a bare CTranslate2 model."""
    if (path / "decoder.yml").is_file():
        return install_opus_mt(path, _need_lang(lang, path), directory, progress=progress, origin=origin)
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
                                                   if k in ("source_prefix", "source_suffix", "target_prefix")})
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
    except NoNetwork as exc:
        raise NoNetwork(f"no English→{english_name(lang)} ({lang}) model installed, and {exc.reason}",
                        path=exc.path, hint=install_commands(lang)) from exc
