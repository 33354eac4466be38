"""Model management: install from file, URL, Argos index, CTranslate2 dir/archive and OPUS-MT; errors."""
from __future__ import annotations

import json
import shutil
import tarfile
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest_models import DEAD_URL, built, http_root, models_dir, tiny_package  # noqa: F401
from toolkit import models
from toolkit.errors import InputError, ModelError, UsageError


def _no_leftovers(root: Path) -> None:
    left = [p.name for p in root.iterdir() if p.name.startswith(".") and p.name != ".toolkit-models.lock"]
    assert not left, "temporary dirs left behind"


def _rezip(src: Path, dst: Path, *, drop: str | None = None, add: dict[str, bytes] | None = None,
           rename_top: str | None = None) -> Path:
    """Copy an .argosmodel, dropping members ending with `drop`, adding `add`, or flattening the top dir."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if drop and info.filename.endswith(drop):
                continue
            name = info.filename
            if rename_top is not None:
                name = rename_top + name.split("/", 1)[1]
            zout.writestr(name, zin.read(info))
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


# --- install from a file, list, remove ---------------------------------------------------------------

def test_install_list_remove(tiny_package, models_dir):
    model = models.install(tiny_package)
    assert (model.source, model.target, model.name, model.kind) == ("en", "ru", "translate-en_ru", "argos")
    assert model.path == models_dir / "translate-en_ru-0_0"
    assert (model.model_dir / "model.bin").is_file() and model.tokenizer_path.name == "sentencepiece.model"
    assert model.licence is None and model.origin == str(tiny_package.resolve())   # real packages state none
    assert model.licence_text == "not stated; see README.md"
    assert model.size > 100_000
    assert [m.target for m in models.list_installed()] == ["ru"]
    assert models.resolve("ru") == model
    _no_leftovers(models_dir)

    assert [m.path for m in models.remove("ru")] == [model.path]
    assert models.list_installed() == [] and not model.path.exists()
    with pytest.raises(UsageError, match="no model installed for ru"):
        models.remove("ru")


def test_a_new_install_replaces_the_model_for_the_same_pair(built, tmp_path, models_dir):
    from toolkit_dev.modelgen import build_argos_package

    models.install(built["ru"])
    newer = models.install(build_argos_package(tmp_path / "v1.argosmodel", target="ru", seed=1))
    assert newer.version == "0.1"
    assert [m.path.name for m in models.list_installed()] == ["translate-en_ru-0_1"]


def test_models_dir_parameter_beats_env(tiny_package, tmp_path, models_dir):
    other = tmp_path / "elsewhere"
    models.install(tiny_package, other)
    assert models.list_installed() == []
    assert [m.target for m in models.list_installed(other)] == ["ru"]


# --- bad packages: (how to break it, what the message must say) --------------------------------------

BAD_PACKAGES = [
    ("not-a-zip", "not a zip archive"),                       # e.g. an HTML error page saved as .argosmodel
    ("files-at-root", "files at the top of the archive"),     # Argos would spill them into its packages dir
    ("two-tops", "2 top-level directories"),
    ("no-metadata", "metadata.json"),
    ("no-model", "model/model.bin"),
    ("no-tokenizer", r"sentencepiece\.model \(or bpe\.model\)"),
    ("zip-slip", r"unsafe path '[^']*\.\./evil\.txt'"),        # would write outside the models dir
    ("absolute", "unsafe path '/tmp/evil.txt'"),
    ("bad-json", "not valid JSON"),
    ("not-from-english", "needs models from en"),
]


@pytest.mark.parametrize(("case", "message"), BAD_PACKAGES)
def test_bad_packages_are_rejected_with_the_reason(case, message, tiny_package, tmp_path, models_dir):
    bad = tmp_path / f"{case}.argosmodel"
    top = "translate-en_ru-0_0/"
    if case == "not-a-zip":
        bad.write_text("<html>404</html>")
    elif case == "files-at-root":
        _rezip(tiny_package, bad, rename_top="")
    elif case == "two-tops":
        _rezip(tiny_package, bad, add={"other/README.md": b"x"})
    elif case == "no-metadata":
        _rezip(tiny_package, bad, drop="metadata.json")
    elif case == "no-model":
        _rezip(tiny_package, bad, drop="model.bin")
    elif case == "no-tokenizer":
        _rezip(tiny_package, bad, drop="sentencepiece.model")
    elif case == "zip-slip":
        _rezip(tiny_package, bad, add={top + "../../evil.txt": b"x", "../evil.txt": b"x"})
    elif case == "absolute":
        _rezip(tiny_package, bad, add={"/tmp/evil.txt": b"x"})
    elif case == "bad-json":
        _rezip(tiny_package, bad, drop="metadata.json", add={top + "metadata.json": b"{nope"})
    elif case == "not-from-english":
        meta = {"from_code": "de", "to_code": "ru", "package_version": "1.0"}
        _rezip(tiny_package, bad, drop="metadata.json", add={top + "metadata.json": json.dumps(meta).encode()})
    with pytest.raises(ModelError, match=message) as err:
        models.install(bad)
    assert str(bad) in str(err.value)          # the message names the file
    assert models.list_installed() == []
    assert not (tmp_path / "evil.txt").exists()
    if models_dir.exists():
        _no_leftovers(models_dir)


def test_missing_file_and_unknown_language(models_dir):
    with pytest.raises(InputError, match="file not found"):
        models.install("nowhere/translate-en_ru.argosmodel")
    with pytest.raises(UsageError, match="unknown language code 'qqq'"):
        models.install("qqq")


def test_resolve_without_a_model_names_the_install_command(models_dir):
    with pytest.raises(ModelError, match=r"`toolkit models install ru`"):
        models.resolve("ru")
    with pytest.raises(ModelError, match=r"`toolkit models install PATH --lang hy`"):
        models.resolve("hy")


# --- downloads from a local HTTP server --------------------------------------------------------------

def _serve_index(root: Path, base: str, package: Path, lang: str = "ru") -> str:
    shutil.copyfile(package, root / package.name)
    index = [
        {"package_version": "0.0", "argos_version": "1.9.0", "from_code": "en", "to_code": lang,
         "from_name": "English", "to_name": "x", "type": "translate", "links": [f"{base}/{package.name}"]},
        {"package_version": "9.9", "from_code": "en", "to_code": "de", "links": [f"{base}/missing"]},
        {"package_version": "9.9", "type": "sbd", "from_code": "en", "to_code": lang, "links": [f"{base}/x"]},
    ]
    (root / "index.json").write_text(json.dumps(index))
    return f"{base}/index.json"


def test_the_argos_choice_downloads_from_the_index(tiny_package, http_root, models_dir, monkeypatch):
    # ru's default is the OPUS-MT tc-big release now; the Argos package stays a catalogue choice.
    root, base = http_root
    monkeypatch.setenv(models.PACKAGE_INDEX_ENV, _serve_index(root, base, tiny_package))
    seen = []
    model = models.install("ru", model="translate-en_ru",
                           progress=lambda label, done, total: seen.append((label, done, total)))
    assert model.target == "ru" and model.origin == f"{base}/{tiny_package.name}"
    size = tiny_package.stat().st_size
    assert seen[0] == (f"translate-en_ru 0.0 ({size / 1e6:.1f} MB)", 0, size)
    assert seen[-1][1:] == (size, size)
    assert models.ensure_model("ru", allow_download=False) == model     # installed now: no download
    _no_leftovers(models_dir)


def test_install_from_a_url(tiny_package, http_root, models_dir):
    root, base = http_root
    shutil.copyfile(tiny_package, root / "pkg.argosmodel")
    assert models.install(f"{base}/pkg.argosmodel").origin == f"{base}/pkg.argosmodel"
    with pytest.raises(ModelError, match="HTTP 404"):
        models.install(f"{base}/absent.argosmodel")


def test_language_missing_from_the_index(tiny_package, http_root, models_dir, monkeypatch):
    root, base = http_root
    monkeypatch.setenv(models.PACKAGE_INDEX_ENV, _serve_index(root, base, tiny_package))
    with pytest.raises(ModelError, match=r"no English→Azerbaijani \(az\) package in the Argos index"):
        models.install("az")


def test_no_network_points_to_the_file_route(models_dir, monkeypatch):
    monkeypatch.setenv(models.PACKAGE_INDEX_ENV, DEAD_URL + "index.json")
    with pytest.raises(ModelError, match=r"no network; download the file elsewhere and run "
                                         r"`toolkit models install FILE`"):
        models.install("ru", model="translate-en_ru")
    monkeypatch.setitem(models.OPUS_MT_URLS, "ru", DEAD_URL + "opusTCv20210807+bt_transformer-big_2022-03-13.zip")
    with pytest.raises(ModelError, match=r"run `toolkit models install ru`") as err:
        models.ensure_model("ru")
    assert "`toolkit models install PATH --lang ru`" in str(err.value)
    with pytest.raises(ModelError, match="downloads are off"):
        models.ensure_model("az", allow_download=False)


def test_no_network_for_armenian_names_both_routes(models_dir, monkeypatch):
    monkeypatch.setitem(models.OPUS_MT_URLS, "hy", DEAD_URL + "opus-2020-06-16.zip")
    with pytest.raises(ModelError) as err:
        models.ensure_model("hy")
    assert "`toolkit models install hy` on a networked machine" in str(err.value)
    assert "`toolkit models install PATH --lang hy`" in str(err.value)


# --- OPUS-MT and CTranslate2 routes ------------------------------------------------------------------

def test_ensure_model_converts_opus_mt_for_armenian(built, http_root, models_dir, monkeypatch):
    root, base = http_root
    shutil.copyfile(built["opus"], root / "opus-2020-06-16.zip")
    monkeypatch.setitem(models.OPUS_MT_URLS, "hy", f"{base}/opus-2020-06-16.zip")
    model = models.ensure_model("hy")        # the default's URL points at a one-language release here
    assert (model.kind, model.name, model.version) == ("ctranslate2", "opus-mt-hyx-hyx", "2020.06.16")
    assert model.licence == "CC-BY-4.0" and model.origin == f"{base}/opus-2020-06-16.zip"
    config = json.loads((model.model_dir / "config.json").read_text())
    assert config["add_source_eos"] is True                   # written by ctranslate2's Marian converter
    assert (model.path / "sentencepiece.model").is_file() and (model.path / "target.spm").is_file()
    assert not list(model.model_dir.glob("*.spm"))
    _no_leftovers(models_dir)


def test_opus_mt_release_needs_a_language(built, models_dir):
    with pytest.raises(UsageError, match="--lang"):
        models.install(built["opus"])


def _extract(package: Path, dest: Path) -> Path:
    with zipfile.ZipFile(package) as zf:
        zf.extractall(dest)
    return next(dest.iterdir())


def test_install_ctranslate2_dir_and_archive(tiny_package, tmp_path, models_dir):
    pkg = _extract(tiny_package, tmp_path / "x")
    model = models.install_ctranslate2(pkg / "model", "az", sentencepiece_model=pkg / "sentencepiece.model",
                                       licence="MIT", origin="test")
    assert (model.kind, model.target, model.licence, model.origin) == ("ctranslate2", "az", "MIT", "test")
    assert models.resolve("az").path == models_dir / "ct2-en_az-1_0"

    archive = tmp_path / "ct2.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        tf.add(pkg / "model", arcname="my-model")
        tf.add(pkg / "sentencepiece.model", arcname="my-model/sentencepiece.model")
    assert models.install(archive, lang="hy", licence="MIT").target == "hy"
    with pytest.raises(UsageError, match="--lang"):
        models.install(pkg / "model")
    with pytest.raises(ModelError, match="no CTranslate2 model"):
        models.install_ctranslate2((tmp_path / "empty").mkdir() or tmp_path / "empty", "az")


def test_nllb_style_vocabulary_gets_language_tokens(built, tmp_path, models_dir):
    pkg = _extract(built["hy-multi"], tmp_path / "x")
    model = models.install_ctranslate2(pkg / "model", "hy", sentencepiece_model=pkg / "sentencepiece.model")
    assert (model.source_prefix, model.target_prefix) == (["eng_Latn"], "hye_Armn")
    assert model.source_suffix == ["</s>"]


# --- the CLI is thin ----------------------------------------------------------------------------------

def test_cli_install_list_remove(tiny_package, models_dir):
    from toolkit.cli.models import app

    runner = CliRunner()
    result = runner.invoke(app, ["install", str(tiny_package)])
    assert result.exit_code == 0, result.output
    assert "installed en→ru: translate-en_ru 0.0 (argos" in result.output
    rows = json.loads(runner.invoke(app, ["list", "--format", "json"]).output)
    assert [(r["target"], r["kind"], r["licence"]) for r in rows] == [("ru", "argos", None)]
    assert runner.invoke(app, ["path"]).output.strip() == str(models_dir)
    assert "removed en→ru" in runner.invoke(app, ["remove", "ru"]).output
    result = runner.invoke(app, ["remove", "ru"])
    assert isinstance(result.exception, UsageError)          # the main CLI turns it into one line
    for command in ("list", "install", "remove", "path"):
        assert "Example:" in runner.invoke(app, [command, "--help"]).output


def test_models_list_available_shows_every_entry_with_licence_url_score_and_source():
    from toolkit.cli.models import app

    runner = CliRunner()
    result = runner.invoke(app, ["list", "--available", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {r["lang"] for r in rows} == {"hy", "ru", "az"}
    for r in rows:
        assert {"lang", "name", "default", "url", "licence", "target_token", "score", "score_source"} <= set(r)
        assert r["licence"], r["name"]
        # a download URL, except for what must be converted by hand (NLLB-200: no CTranslate2 file to fetch)
        assert (r["url"] or "").startswith("https://") or (r["url"] is None and r["route"] == "convert")
        assert (r["score"] is None) == (r["score_source"] is None), r["name"]
        assert r["source_files"] and (r["score_source"] is None or r["score_source"] in r["source_files"])
    defaults = {r["lang"]: r for r in rows if r["default"]}
    assert sorted(defaults) == ["az", "hy", "ru"] and len([r for r in rows if r["default"]]) == 3
    assert (defaults["hy"]["name"], defaults["hy"]["target_token"], defaults["hy"]["score"]) == (
        "opus-mt-hyx-hyx", ">>hye<<", 47.5)
    assert (defaults["ru"]["name"], defaults["ru"]["target_token"], defaults["ru"]["score"]) == (
        "opus-mt-tc-big-en-zle", ">>rus<<", 59.7)
    assert not any(r["default"] for r in rows if "NC" in r["licence"])   # a desk may use every default
    table = runner.invoke(app, ["list", "--available"]).output
    for r in rows:
        assert r["name"] in table
    assert "CC-BY-NC-4.0" in table and "not scored" in table and "47.5" in table
    only_hy = json.loads(runner.invoke(app, ["list", "--available", "--lang", "hy", "--format", "json"]).output)
    assert {r["lang"] for r in only_hy} == {"hy"} and only_hy[0]["default"]
    assert "Example:" in runner.invoke(app, ["evaluate", "--help"]).output


def test_cli_names_the_valid_labels_in_one_line(tmp_path, models_dir):
    from toolkit.cli import app
    from toolkit_dev import modelgen

    release = modelgen.build_opus_mt_release(tmp_path / "opus4m+btTCv20210807-2021-09-30.zip",
                                             labels=modelgen.HYX_LABELS)
    result = CliRunner().invoke(app, ["models", "install", str(release), "--lang", "hy", "--target-token", ">>xyz<<"])
    assert result.exit_code == 4
    line = result.stderr.strip()
    assert "\n" not in line and ">>xyz<< is not a target label" in line and ">>hye<< >>hye_Latn<<" in line
