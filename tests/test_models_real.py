"""First real use (issue 11): the installer against packages, an index and servers shaped like the real ones.

What each fixture was compared with (public sources, read before writing them):
* packages: LibreTranslate/Locomotive `train.py` (six metadata keys via `json.dumps`, README "# X - Y version V",
  model/ + sentencepiece.model + stanza/, `zipfile.ZipFile(..., 'w')` over `os.walk` files: no folder entries,
  ZIP_STORED) and argosopentech/argos-train `bin/argos-train` (`json.dumps(metadata, indent=4)`, argos_version
  "1.5", README from MODEL_README.md naming no licence, `shutil.make_archive`: folder entries, deflated). The
  CTranslate2 2.x model dir (model.bin + shared_vocabulary.txt, no config.json) is what translate-en_az 1.5 holds;
  the defaults CTranslate2 assumes for it are in ctranslate2 `src/models/sequence_to_sequence.cc`.
* index: argosopentech/argospm-index `index.json` (commit c9738fcd): tests/conftest_models.py `real_index`.
* server: argosopentech/argos-translate `argostranslate/networking.py` sends `User-Agent: ArgosTranslate` because
  the model server answered 403 to urllib's default (argos-translate #269).
* OPUS-MT: Helsinki-NLP/Tatoeba-Challenge `models/eng-hye/` (README: "pre-processing: normalization +
  SentencePiece (spm4k,spm4k)") and Helsinki-NLP/OPUS-MT-train `scripts/preprocess-spm.sh` (the preprocess.sh).
"""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest_models import (ModelServer, Route, built, model_server, models_dir,  # noqa: F401
                                   real_index, real_layouts)
from toolkit import models
from toolkit.models import download
from toolkit_dev import modelgen
from toolkit.cli import app
from toolkit.engines.argos import ArgosEngine, opus_mt_normalize
from toolkit.errors import DownloadError, NoNetwork

runner = CliRunner()
SEED = Path(__file__).resolve().parent.parent / "seeds" / "karabakh-mining.txt"


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    """Real limits, minus the pauses between retries."""
    monkeypatch.setattr(download, "LIMITS", download.Limits(deadline=30, stall=5, attempts=3, backoff=0))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cli(*args: str):
    return runner.invoke(app, list(args))


def _serve_real_index(server: ModelServer, layouts: dict[str, Path], monkeypatch, **route_options) -> None:
    paths = {"ru": "/v1/translate-en_ru-1_9.argosmodel", "az": "/v1/translate-en_az-1_5.argosmodel"}
    server.routes[paths["ru"]] = Route(layouts["ru-locomotive"].read_bytes(), **route_options)
    server.routes[paths["az"]] = Route(layouts["az-2x"].read_bytes(), **route_options)
    server.routes["/index.json"] = Route(json.dumps(real_index(server.base, paths), indent=4).encode(),
                                         **route_options)
    monkeypatch.setenv(models.PACKAGE_INDEX_ENV, server.url("/index.json"))


# --- 1. the real layouts install ------------------------------------------------------------------

def test_fixtures_have_the_real_layouts(real_layouts):
    with zipfile.ZipFile(real_layouts["az-2x"]) as zf:
        names = zf.namelist()
        top = "translate-en_az-0_5/"
        assert top in names and top + "model/" in names                      # make_archive folder entries
        assert top + "model/shared_vocabulary.txt" in names and top + "model/config.json" not in names
        meta = json.loads(zf.read(top + "metadata.json"))
        assert {zi.compress_type for zi in zf.infolist() if not zi.is_dir()} == {zipfile.ZIP_DEFLATED}
    assert set(meta) == {"package_version", "argos_version", "from_code", "from_name", "to_code", "to_name"}
    assert meta["argos_version"] == "1.5"
    with zipfile.ZipFile(real_layouts["ru-locomotive"]) as zf:
        names = zf.namelist()
        top = "translate-en_ru-0_9/"
        assert not [n for n in names if n.endswith("/")]                       # file entries only
        assert {top + "model/config.json", top + "model/shared_vocabulary.json",
                top + "stanza/resources.json", top + "sentencepiece.model"} <= set(names)
        assert "type" not in json.loads(zf.read(top + "metadata.json"))


def test_a_current_model_bin_without_config_json_does_not_load_by_itself(real_layouts, tmp_path):
    """Why the installer writes config.json: CTranslate2 4 refuses a version-6 model.bin without one."""
    import ctranslate2

    with zipfile.ZipFile(real_layouts["az-2x"]) as zf:
        zf.extractall(tmp_path)
    with pytest.raises(RuntimeError):
        ctranslate2.Translator(str(tmp_path / "translate-en_az-0_5" / "model"))


def test_ctranslate2_2x_package_installs_through_the_cli(real_layouts, models_dir):
    result = _cli("models", "install", str(real_layouts["az-2x"]))
    assert result.exit_code == 0, result.output
    model = models.resolve("az")
    assert json.loads((model.model_dir / "config.json").read_text()) == models.PRE3_CONFIG
    assert (model.model_dir / "shared_vocabulary.txt").is_file()
    hyps = ArgosEngine(beam_size=1).translate_batch(["The ministry said talks were held."], "az")
    assert hyps[0][0].text                                           # loads and translates
    side = json.loads((model.path / models.SIDECAR).read_text())
    assert side["sha256"] == _sha256(real_layouts["az-2x"])
    assert side["files"]["model/config.json"] == _sha256(model.model_dir / "config.json")


def test_a_2x_package_copied_in_by_hand_gets_its_config_on_first_use(real_layouts, models_dir):
    models_dir.mkdir()
    with zipfile.ZipFile(real_layouts["az-2x"]) as zf:
        zf.extractall(models_dir)          # what `argospm`/a user unzipping into the folder leaves
    model = models.resolve("az")
    assert json.loads((model.model_dir / "config.json").read_text()) == models.PRE3_CONFIG


def test_models_list_shows_source_version_licence_size_checksum(real_layouts, built, models_dir):
    for package in (real_layouts["az-2x"], real_layouts["ru-locomotive"]):
        assert _cli("models", "install", str(package)).exit_code == 0
    assert _cli("models", "install", str(built["opus"]), "--lang", "hy").exit_code == 0
    rows = {r["target"]: r for r in json.loads(_cli("models", "list", "--format", "json").output)}
    assert rows["az"]["version"] == "0.5" and rows["az"]["origin"] == str(real_layouts["az-2x"].resolve())
    assert rows["az"]["licence"] is None                                 # never invented
    assert rows["az"]["licence_source"] == f"see {models_dir / 'translate-en_az-0_5' / 'README.md'}"
    assert rows["hy"]["licence"] == "CC-BY-4.0"                          # the release's LICENSE says so
    assert rows["ru"]["sha256"] == _sha256(real_layouts["ru-locomotive"])
    for row in rows.values():
        assert len(row["tree_sha256"]) == 64 and row["size"] > 10_000
    table = _cli("models", "list").output
    for row in rows.values():
        assert f"sha256:{row['tree_sha256'][:12]}" in table and row["version"] in table
    assert "CC-BY-4.0" in table and "not stated; see README.md" in table


# --- 2. User-Agent, 3. http(s) links past ipfs:// ---------------------------------------------------

def test_the_server_refuses_python_urllib_but_not_us(real_layouts, model_server, models_dir, monkeypatch):
    _serve_real_index(model_server, real_layouts, monkeypatch, refuse_python_urllib=True)
    with pytest.raises(urllib.error.HTTPError, match="403"):             # the server mirrors the real one
        urllib.request.urlopen(model_server.url("/index.json"), timeout=5)
    result = _cli("models", "install", "az")
    assert result.exit_code == 0, result.output
    agents = {headers.get("User-Agent", "") for path, headers in model_server.requests if path != "/index.json"
              or not headers.get("User-Agent", "").startswith("Python")}
    assert agents == {download.USER_AGENT} and download.USER_AGENT.startswith("toolkit/")
    # the ipfs:// second link was never tried, the https one was
    assert models.resolve("az").origin == model_server.url("/v1/translate-en_az-1_5.argosmodel")


def test_a_403_is_a_refusal_not_no_network(model_server, models_dir):
    model_server.routes["/p.argosmodel"] = Route(b"", status=403)
    result = _cli("models", "install", model_server.url("/p.argosmodel"))
    assert result.exit_code == 4
    assert "HTTP 403" in result.stderr and "refused" in result.stderr and "no network" not in result.stderr


LINK_CASES = [
    (["ipfs://QmNn1rBjRvGjTycGnKq7PoMrro4BvyTHT7nXu3sgqbo1RH", "{good}"], "{good}"),   # ipfs first: skipped
    (["ifps://QmRmYhBKr4FMgZ2fSYrf8ZRpjdyLRdattzm6tbj5z2wN8X", "{good}"], "{good}"),   # the index's misspelling
    (["{dead}", "{good}"], "{good}"),                  # first mirror unreachable: the next one is tried
    (["{missing}", "{good}"], "{good}"),               # first mirror 404: the next one is tried
]


@pytest.mark.parametrize(("links", "used"), LINK_CASES)
def test_first_working_http_link(links, used, built, model_server, models_dir, monkeypatch):
    model_server.routes["/good.argosmodel"] = Route(built["ru"].read_bytes())
    urls = {"good": model_server.url("/good.argosmodel"), "dead": "http://127.0.0.1:9/x.argosmodel",
            "missing": model_server.url("/missing.argosmodel")}
    entry = {"package_version": "1.9", "argos_version": "1.9", "from_code": "en", "from_name": "English",
             "to_code": "ru", "to_name": "Russian", "links": [x.format(**urls) for x in links],
             "code": "translate-en_ru"}
    model_server.routes["/index.json"] = Route(json.dumps([entry]).encode())
    monkeypatch.setenv(models.PACKAGE_INDEX_ENV, model_server.url("/index.json"))
    assert models.install("ru", model="translate-en_ru").origin == used.format(**urls)


# --- 5. retries with Range resume, checksum in the manifest ---------------------------------------

RESUME_CASES = [
    ({"cut_after": 40_000, "ranges": True}, "bytes=40000-"),     # server honours ranges: the rest only
    ({"cut_after": 40_000, "ranges": False}, "bytes=40000-"),    # it ignores the Range: whole file again
    ({"chunked_cut": True, "ranges": True}, None),               # chunked, cut mid-chunk: IncompleteRead
]


@pytest.mark.parametrize(("route", "range_header"), RESUME_CASES)
def test_a_cut_download_is_resumed_and_checksummed(route, range_header, built, model_server, models_dir):
    body = built["ru"].read_bytes()
    if route.pop("chunked_cut", False):
        model_server.routes["/p.argosmodel"] = Route(body, ranges=True)
        _chunked_once(model_server, "/p.argosmodel")
    else:
        model_server.routes["/p.argosmodel"] = Route(body, **route)
    result = _cli("models", "install", model_server.url("/p.argosmodel"))
    assert result.exit_code == 0, result.output
    requests = [h for p, h in model_server.requests if p == "/p.argosmodel"]
    assert len(requests) == 2
    if range_header:
        assert requests[1]["Range"] == range_header and requests[1]["If-Range"] == '"v1"'
    side = json.loads((models.resolve("ru").path / models.SIDECAR).read_text())
    assert side["sha256"] == hashlib.sha256(body).hexdigest()


def _chunked_once(server: ModelServer, path: str) -> None:
    """The first answer is chunked and stops half-way; later ones are whole."""
    original = server._answer
    state = {"cut": False}

    def answer(h):
        if h.path == path and not state["cut"]:
            state["cut"] = True
            server.routes[path].chunked_cut = True
            try:
                return original(h)
            finally:
                server.routes[path].chunked_cut = False
        return original(h)

    server._answer = answer


def test_a_download_that_keeps_failing_says_so_naming_the_url(built, model_server, models_dir):
    model_server.routes["/p.argosmodel"] = Route(built["ru"].read_bytes(), cut_after=1000, cut_times=99)
    url = model_server.url("/p.argosmodel")
    result = _cli("models", "install", url)
    assert result.exit_code == 4
    line = result.stderr.strip()
    assert line.count("\n") == 0 and url in line and "cut short after 1,000 of" in line
    assert ".download-" not in line                                   # the URL, not the deleted temp file
    assert len([p for p, _ in model_server.requests if p == "/p.argosmodel"]) == 3


def test_no_network_is_typed(models_dir, monkeypatch):
    monkeypatch.setenv(models.PACKAGE_INDEX_ENV, "http://127.0.0.1:9/index.json")
    with pytest.raises(NoNetwork):
        models.install("ru", model="translate-en_ru")
    with pytest.raises(DownloadError) as err:
        download.fetch("http://[::1/x", Path("/nonexistent/never-created"))
    assert not isinstance(err.value, NoNetwork)


# --- first use through `toolkit translate` --------------------------------------------------------

def test_translate_first_use_installs_the_real_az_package(real_layouts, model_server, models_dir, tmp_path,
                                                          monkeypatch):
    _serve_real_index(model_server, real_layouts, monkeypatch, refuse_python_urllib=True)
    article = tmp_path / "article.txt"
    article.write_text("Azerbaijan sent Russia a note on Sunday.\n", encoding="utf-8")
    result = _cli("translate", str(article), "--to", "az", "--engine", "argos", "--no-glossary", "--no-cache",
                  "--locales", str(tmp_path / "locales"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "locales" / "az" / "LC_MESSAGES").is_dir()
    assert models.resolve("az").version == "0.5"
    assert json.loads((models.resolve("az").model_dir / "config.json").read_text()) == models.PRE3_CONFIG
    row = json.loads(_cli("models", "list", "--format", "json").output)[0]
    assert row["origin"] == model_server.url("/v1/translate-en_az-1_5.argosmodel")   # not the ipfs:// link
    assert row["licence"] is None and row["licence_source"].endswith("README.md")
    assert row["sha256"] == _sha256(real_layouts["az-2x"])


def test_translate_first_use_resumes_a_cut_download(real_layouts, model_server, models_dir, tmp_path,
                                                    monkeypatch):
    _serve_real_index(model_server, real_layouts, monkeypatch, refuse_python_urllib=True)
    # az: the language whose first use still goes through the Argos index (ru's default is OPUS-MT tc-big now)
    package = "/v1/translate-en_az-1_5.argosmodel"
    model_server.routes[package].cut_after, model_server.routes[package].ranges = 100_000, True
    article = tmp_path / "article.txt"
    article.write_text("Russian peacekeepers did not take any action.\n", encoding="utf-8")
    result = _cli("translate", str(article), "--to", "az", "--engine", "argos", "--no-glossary", "--no-cache",
                  "--locales", str(tmp_path / "locales"))
    assert result.exit_code == 0, result.output
    ranges = [h.get("Range") for p, h in model_server.requests if p == package]
    assert ranges == [None, "bytes=100000-"]
    side = json.loads((models.resolve("az").path / models.SIDECAR).read_text())
    assert side["sha256"] == _sha256(real_layouts["az-2x"])


def test_translate_first_use_with_hy_normalises_like_preprocess_sh(built, model_server, models_dir, tmp_path,
                                                                   monkeypatch):
    model_server.routes["/eng-hye/opus-2020-06-16.zip"] = Route(built["opus"].read_bytes(),
                                                                refuse_python_urllib=True)
    monkeypatch.setitem(models.OPUS_MT_URLS, "hy", model_server.url("/eng-hye/opus-2020-06-16.zip"))
    article = tmp_path / "article.txt"
    article.write_text("The ministry’s “note” came… on Sunday.\n", encoding="utf-8")
    seen: list[str] = []
    original = opus_mt_normalize

    def spy(text: str) -> str:
        seen.append(original(text))
        return seen[-1]

    monkeypatch.setattr("toolkit.engines.argos.opus_mt_normalize", spy)
    result = _cli("translate", str(article), "--to", "hy", "--engine", "argos", "--no-glossary", "--no-cache",
                  "--locales", str(tmp_path / "locales"))
    assert result.exit_code == 0, result.output
    model = models.resolve("hy")
    assert model.preprocess == "opus-mt-normalize" and model.licence == "CC-BY-4.0"
    assert "The ministry's \"note\" came... on Sunday." in seen


# --- 6. OPUS-MT preprocess.sh ---------------------------------------------------------------------

NORMALIZE_CASES = [
    ("The ministry’s note", "The ministry's note"),              # ’ → ' (six times in the seed article)
    ("‘Kyzylbulag’ mine", "‘Kyzylbulag' mine"),                  # ‘ is not in the script: kept
    ("“Baku”", '"Baku"'),
    ("wait…", "wait..."),
    ("a\tb\u00a0c", "a b\u00a0c"),                               # tab is \p{C} → space; NBSP is \p{Z}: kept
    ("zero\u200bwidth\ufeff", "zero width"),                     # \p{Cf} → space, then trimmed
    ("  spaced   out  ", "spaced out"),
    ("５０％。Next", "50%. Next"),
    ("Xq1 and Xq2", "Xq1 and Xq2"),                              # glossary placeholders pass through
    ("１", '"'),                                                 # the script's own slip, kept as trained
]


@pytest.mark.parametrize(("text", "expected"), NORMALIZE_CASES)
def test_opus_mt_normalize(text, expected):
    assert opus_mt_normalize(text) == expected


@pytest.mark.skipif(not (shutil.which("perl") and shutil.which("sed") and shutil.which("bash")),
                    reason="needs bash, sed and perl to run the release's script")
def test_normalisation_matches_the_release_script(tmp_path):
    """Run the preprocess.sh the release ships (minus its final spm_encode) on every case and the seed article."""
    script = modelgen._OPUS_PREPROCESS.rsplit("|", 1)[0] + "\n"
    lines = [text for text, _ in NORMALIZE_CASES] + [ln for ln in SEED.read_text(encoding="utf-8").splitlines()
                                                     if ln.strip()]
    done = subprocess.run(["bash", "-c", script], input="\n".join(lines) + "\n", capture_output=True,
                          text=True, encoding="utf-8", timeout=30, env={"LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [opus_mt_normalize(line) for line in lines]
    seed = SEED.read_text(encoding="utf-8")
    assert opus_mt_normalize(seed.splitlines()[0]) is not None
    assert any(opus_mt_normalize(ln) != ln for ln in seed.splitlines() if ln.strip())   # not a no-op for us
