"""The installed store: where models live, what a package must hold, listing, resolving and removing, and the
staged swap that every install route ends with.

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
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import ModelError, UsageError, WriteError
from ..langs import SOURCE_LANGUAGE, check_language, english_name, is_known
from . import catalogue, families


MODELS_DIR_ENV = "TOOLKIT_MODELS_DIR"

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
    choice = catalogue.default(lang)
    if choice is not None and choice.route == "opus-mt":
        return (f"run `toolkit models install {lang}` on a networked machine (downloads {choice.name} and "
                f"converts it), or `toolkit models install PATH --lang {lang}` with a release zip or a "
                "CTranslate2 model dir")
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
    return _language_tokens(model)


def _language_tokens(model: InstalledModel) -> InstalledModel:
    """The model with its family's language tokens: those metadata.json names must be in the vocabulary; a
    package that names none (installed before families were detected, or packed by hand) but whose vocabulary
    is multilingual gets them detected now, in memory (the files stay as installed)."""
    meta = model.metadata
    named = [*model.source_prefix, *([model.target_prefix] if model.target_prefix else [])]
    if named:
        families.check(model.model_dir, named, where=model.path / "metadata.json")
        return model
    if meta.get("family"):
        return model
    found = families.detect(model.model_dir, model.target, config=_read_json(model.model_dir / "config.json"),
                            where=model.path)
    if found.family == "single":
        return model
    return replace(model, metadata={**meta, **found.metadata()})


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
    from ..fsutil import locked

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


def _find_dir(root: Path, marker: str) -> Path | None:
    """`root` or the shallowest directory below it that holds `marker`."""
    hits = sorted(root.rglob(marker), key=lambda p: len(p.parts))
    return hits[0].parent if hits else None
