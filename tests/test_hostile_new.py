"""Hostile and unlucky inputs on the surfaces added last (issue 22's follow-up sweep): `models evaluate`,
`models install --model/--target-token`, `models list --available`, `glossary add-name`, `check` on a stale
catalog, `stats --to` and `glossary conflicts --to`. Each case: how to break the project, the command, the exit
code, what the one stderr line says; every file that existed before is byte-identical afterwards, no link was
replaced and no temp file is left behind (the same checks as tests/test_hostile.py, on the same project)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from toolkit.cli import app

from .conftest import assert_one_line_error
from .test_hostile import _ENV, _changed_article, _fifo, _lstat_tree, _nothing, _sparse
from .test_reliability import NAME, _po, baseline, project, temps, tree  # noqa: F401 - fixtures

runner = CliRunner()

# -- models evaluate ------------------------------------------------------------------------------------------
# The test set a FLORES-200 devtest pair has: one sentence a line in each file (eng_Latn.devtest and
# hye_Armn.devtest of facebook/flores), aligned by line number.
SRC = b"Baku is the capital of Azerbaijan.\nThe mine opened in May.\nPrices rose.\n"
REF = "Баку - столица Азербайджана.\nШахта открылась в мае.\nЦены выросли.\n".encode()


def _pair(src: bytes = SRC, ref: bytes = REF):
    def setup(root: Path) -> None:
        (root / "src.txt").write_bytes(src)
        (root / "ref.txt").write_bytes(ref)
    return setup


def _evaluate(*extra: str, src: str = "src.txt", ref: str = "ref.txt"):
    return lambda r: ["models", "evaluate", "ru", "--source", str(r / src), "--reference", str(r / ref),
                      "--engine", "pseudo", "--no-glossary", *extra]


def _evaluate_on(*on: str, extra: tuple[str, ...] = ()):
    return lambda r: ["models", "evaluate", "ru", *(a for o in on for a in ("--on", str(r / o))), "--engine",
                      "pseudo", "--no-glossary", *extra]


def _then(*steps):
    def setup(root: Path) -> None:
        for step in steps:
            step(root)
    return setup


def _link(rel: str, to: str):
    def setup(root: Path) -> None:
        (root / rel).symlink_to(to)
    return setup


def _broken_catalog(root: Path) -> None:
    (root / "locales" / "ru" / "LC_MESSAGES" / "broken.po").write_bytes(b'msgid "x"\nmsgstr "y\n')


def _empty_models(root: Path) -> None:
    (root / "no-models").mkdir()


CASES = [
    # name, setup, argv (root -> list), exit code, words that must be in the one stderr line
    ("evaluate_line_counts_differ", _pair(ref=REF.rsplit(b"\n", 2)[0] + b"\n"), _evaluate(), 3,
     ["src.txt: 3 lines, but", "ref.txt has 2", "aligned line by line"]),
    ("evaluate_empty_files", _pair(b"", b""), _evaluate(), 3, ["src.txt: empty test set"]),
    ("evaluate_blank_lines_only", _pair(b"\n\n", b"\n\n"), _evaluate(), 3, ["src.txt", "empty test set"]),
    ("evaluate_source_is_a_fifo", _then(_pair(), _fifo("src.txt")), _evaluate(), 3,
     ["src.txt: is not a regular file"]),
    ("evaluate_reference_is_dev_zero", _pair(),
     lambda r: ["models", "evaluate", "ru", "--source", str(r / "src.txt"), "--reference", "/dev/zero", "--engine",
                "pseudo", "--no-glossary"], 3, ["/dev/zero: is not a regular file"]),
    ("evaluate_reference_not_utf8", _pair(ref="Баку.\nШахта.\nЦены.\n".encode("cp1251")), _evaluate(), 3,
     ["ref.txt:1:1: not valid utf-8", "iconv"]),
    ("evaluate_a_gigabyte_source", _then(_pair(), _sparse("src.txt", 1 << 30)), _evaluate(), 3,
     ["src.txt: is 1,073,741,824 bytes, more than the 64 MiB"]),
    ("evaluate_source_missing", _nothing, _evaluate(), 3, ["src.txt: no such file"]),
    ("evaluate_source_is_a_folder", lambda r: (r / "src.txt").mkdir(), _evaluate(), 3, ["src.txt", "folder"]),
    ("evaluate_reference_is_the_source", _pair(), _evaluate(ref="src.txt"), 3,
     ["src.txt: is the reference too", "give the target-language file with --reference"]),
    ("evaluate_output_onto_the_source", _pair(), _evaluate("--output", "src.txt"), 2,
     ["src.txt: the output is the English test sentences", "refusing to overwrite"]),
    ("evaluate_output_onto_the_reference", _pair(), _evaluate("--output", "ref.txt"), 2,
     ["ref.txt: the output is the reference translations", "refusing to overwrite"]),
    ("evaluate_output_onto_a_link_to_the_reference", _then(_pair(), _link("hyp.txt", "ref.txt")),
     _evaluate("--output", "hyp.txt"), 2, ["hyp.txt: the output is the reference translations (", "ref.txt)"]),
    ("evaluate_output_onto_a_catalog_it_reads", lambda r: _approve(r), _evaluate_on(
        "locales", extra=("--output", f"locales/ru/LC_MESSAGES/{NAME}.po")), 2,
     [f"{NAME}.po: the output is a catalog being evaluated", "refusing to overwrite"]),
    ("evaluate_output_onto_the_glossary", _pair(),
     lambda r: [*_evaluate()(r)[:-1], "--glossary", str(r / "glossaries"), "--output", "glossaries/names.tsv"], 2,
     ["names.tsv: the output is a glossary file", "refusing to overwrite"]),
    ("evaluate_output_onto_a_catalog_it_does_not_read", _pair(),
     _evaluate("--output", f"locales/az/LC_MESSAGES/{NAME}.po"), 2,
     [f"az/LC_MESSAGES/{NAME}.po: is a catalog; refusing to overwrite it", "give a .txt path"]),
    ("evaluate_output_dash", _pair(), _evaluate("--output", "-"), 2, ["--output -", "give a file path"]),
    ("evaluate_output_onto_a_link_elsewhere", _then(_pair(), _link("hyp.txt", "elsewhere.txt"),
                                                    lambda r: (r / "elsewhere.txt").write_text("mine\n")),
     _evaluate("--output", "hyp.txt"), 5, ["hyp.txt: is a symbolic link; refusing to write through it"]),
    ("evaluate_output_is_a_folder", _pair(), _evaluate("--output", "locales"), 5, ["locales"]),
    ("evaluate_on_a_folder_with_a_broken_catalog", _broken_catalog, _evaluate_on("locales"), 3, ["broken.po:"]),
    ("evaluate_on_catalogs_with_nothing_approved", _nothing, _evaluate_on("locales"), 3,
     ["no approved ru entries in", "remove the fuzzy flag"]),
    ("evaluate_on_a_missing_folder", _nothing, _evaluate_on("nope"), 3, ["nope: no such catalog or folder"]),
    ("evaluate_on_a_fifo", _fifo("pipe.po"), _evaluate_on("pipe.po"), 3, ["pipe.po: is not a regular file"]),
    ("evaluate_no_model_installed", _then(_pair(), _empty_models),
     lambda r: ["models", "evaluate", "ru", "--source", str(r / "src.txt"), "--reference", str(r / "ref.txt"),
                "--models-dir", str(r / "no-models"), "--no-glossary"], 4,
     ["no English→Russian (ru) model installed", "toolkit models install ru"]),
    ("evaluate_unknown_engine", _pair(), _evaluate("--engine", "klingon"), 2, ["klingon"]),
    ("evaluate_source_without_reference", _pair(),
     lambda r: ["models", "evaluate", "ru", "--source", str(r / "src.txt"), "--engine", "pseudo"], 2,
     ["--reference"]),
    ("evaluate_unknown_language", _pair(),
     lambda r: ["models", "evaluate", "xx-nonsense", "--source", str(r / "src.txt"), "--reference",
                str(r / "ref.txt"), "--engine", "pseudo"], 2, ["unknown language code 'xx-nonsense'"]),
    # -- models install / list --available: refused before anything is downloaded ----------------------------
    ("install_unknown_model_name", _nothing, lambda r: ["models", "install", "hy", "--model", "no-such-model",
                                                        "--models-dir", str(r / "models")], 2,
     ["no-such-model", "models list --available"]),
    ("install_a_model_of_another_language", _nothing, lambda r: ["models", "install", "ru", "--model",
                                                                 "opus-mt-eng-hye", "--models-dir", str(r / "models")],
     2, ["opus-mt-eng-hye is a hy model, not a ru one", "toolkit models install hy --model opus-mt-eng-hye"]),
    ("install_target_token_with_a_newline", _nothing, lambda r: ["models", "install", "hy", "--target-token",
                                                                 ">>hye<<\n>>rus<<", "--models-dir", str(r / "models")],
     2, ["--target-token", "one label"]),
    ("install_target_token_of_10kB", _nothing, lambda r: ["models", "install", "hy", "--target-token",
                                                          ">>" + "x" * 10_000 + "<<", "--models-dir", str(r / "models")],
     2, ["--target-token", "characters"]),
    ("install_target_token_on_an_argos_package", _nothing,
     lambda r: ["models", "install", "az", "--target-token", ">>xxx<<", "--models-dir", str(r / "models")], 2,
     ["translate-en_az translates into az only; --target-token does not apply"]),
    ("install_target_token_on_a_one_language_opus_mt", _nothing,
     lambda r: ["models", "install", "hy", "--model", "opus-mt-eng-hye", "--target-token", ">>hye<<",
                "--models-dir", str(r / "models")], 2,
     ["opus-mt-eng-hye translates into hy only; --target-token does not apply"]),
    ("install_a_model_to_convert_by_hand", _nothing,
     lambda r: ["models", "install", "hy", "--model", "nllb-200-distilled-600M", "--models-dir", str(r / "models")],
     2, ["nllb-200-distilled-600M has no file to download", "ct2-transformers-converter"]),
    ("list_available_unknown_language", _nothing, lambda r: ["models", "list", "--available", "--lang", "xx-zz"], 2,
     ["unknown language code 'xx-zz'"]),
]


def _approve(root: Path) -> None:
    """A translator approved every entry of the ru catalog (cleared the fuzzy flags Poedit shows as drafts)."""
    po = _po(root)
    po.write_bytes(po.read_bytes().replace(b"#, fuzzy\n", b"").replace(b", fuzzy", b""))


# -- glossary add-name ---------------------------------------------------------------------------------------

def _add_name(name: str, *extra: str):
    return lambda r: ["glossary", "add-name", name, "--glossary", str(r / "glossaries"), "--locales",
                      str(r / "locales"), *extra]


def _outside_table(root: Path) -> None:
    (root / "other.tsv").write_bytes((root / "glossaries" / "names.tsv").read_bytes())


def _tbx(root: Path) -> None:
    (root / "glossaries" / "terms.tbx").write_bytes(
        b'<?xml version="1.0" encoding="UTF-8"?>\n<tbx type="TBX-Basic" style="dca" xml:lang="en" '
        b'xmlns="urn:iso:std:iso:30042:ed-2"><text><body/></text></tbx>\n')


CASES += [
    ("add_name_with_a_nul", _nothing, _add_name("New\x00York Times"), 2, ["not a name", "\\x00"]),
    ("add_name_with_a_bell", _nothing, _add_name("New York\x07 Times"), 2, ["not a name", "\\x07"]),
    ("add_name_formula_start", _nothing, _add_name("=HYPERLINK(\"http://x\")"), 2,
     ["starts with '='", "formula"]),
    ("add_name_formula_in_a_translation", _nothing, _add_name("New York Times", "--kind", "newspaper", "--ru",
                                                              "@SUM(A1)"), 2, ["'@SUM(A1)'", "formula"]),
    ("add_name_formula_kind", _nothing, _add_name("New York Times", "--kind", "+cmd"), 2, ["kind", "'+cmd'"]),
    ("add_name_kind_with_spaces", _nothing, _add_name("New York Times", "--kind", "a kind; really", "--ru", "X"), 2,
     ["kind"]),
    ("add_name_empty_kind", _nothing, _add_name("New York Times", "--kind", ""), 2, ["kind"]),
    ("add_name_existing_name", _nothing, _add_name("  baku "), 2, ["'baku' is already in the glossary"]),
    ("add_name_into_a_link", _then(_outside_table, _link("glossaries/zz.tsv", "../other.tsv")),
     _add_name("New York Times", "--into", "glossaries/zz.tsv"), 5, ["zz.tsv: is a symbolic link"]),
    ("add_name_into_a_tbx", _tbx, _add_name("New York Times", "--into", "glossaries/terms.tbx"), 2,
     ["terms.tbx: a new name is added to a TSV or CSV glossary"]),
    ("add_name_into_a_file_outside_the_glossary", _outside_table,
     _add_name("New York Times", "--into", "other.tsv"), 2, ["other.tsv: not a file of the glossary"]),
    ("add_name_into_a_fifo", _fifo("glossaries/pipe.tsv"), _add_name("New York Times", "--into",
                                                                     "glossaries/pipe.tsv"), 3,
     ["pipe.tsv: is not a regular file"]),
    ("add_name_into_a_missing_file", _nothing, _add_name("New York Times", "--into", "glossaries/nope.tsv"), 3,
     ["nope.tsv"]),
    ("add_name_translation_of_a_missing_column", lambda r: (r / "glossaries" / "names.tsv").write_bytes(
        b"id\tkind\ten\tru\tnote\nbaku\tcity\tBaku\tX\t\n"),
     _add_name("New York Times", "--kind", "newspaper", "--hy", "X", "--into", "glossaries/names.tsv"), 3,
     ["names.tsv: no hy column"]),
    ("add_name_dnt_with_translations", _nothing, _add_name("New York Times", "--ru", "X"), 2, ["kind dnt"]),
    ("add_name_translation_of_only_spaces", _nothing, _add_name("New York Times", "--kind", "newspaper", "--ru", " "),
     2, ["not a ru term: ''"]),
    ("add_name_locales_is_a_file", _nothing, _add_name("New York Times", "--locales", f"{NAME}.txt"), 5,
     [f"{NAME}.txt: is not a directory; cannot keep catalogs in it", "pass another --locales DIR"]),
    ("add_name_of_only_spaces", _nothing, _add_name("   "), 2, ["not a name"]),
    # -- stats and glossary conflicts --to ---------------------------------------------------------------------
    ("stats_unknown_language", _nothing, lambda r: ["stats", "--locales", str(r / "locales"), "--to", "xx-zz"], 2,
     ["unknown language code 'xx-zz'"]),
    ("conflicts_unknown_language", _nothing,
     lambda r: ["glossary", "conflicts", "--glossary", str(r / "glossaries"), "--locales", str(r / "locales"),
                "--to", "xx-zz"], 2, ["unknown language code 'xx-zz'"]),
    ("check_unknown_language", _nothing, lambda r: ["check", str(r / f"{NAME}.txt"), "--locales",
                                                    str(r / "locales"), "--to", "ru,xx-zz"], 2,
     ["unknown language code 'xx-zz'"]),
]


def _drop_language(lang: str):
    def setup(root: Path) -> None:
        import shutil

        shutil.rmtree(root / "locales" / lang)
    return setup


def _check(*extra: str, article: str = f"{NAME}.txt"):
    return lambda r: ["check", str(r / article), "--locales", str(r / "locales"), "--glossary",
                      str(r / "glossaries"), *extra]


def _article_becomes(make):
    def setup(root: Path) -> None:
        (root / f"{NAME}.txt").unlink()
        make(root / f"{NAME}.txt")
    return setup


CASES += [
    ("stats_a_language_never_translated", _drop_language("hy"),
     lambda r: ["stats", "--locales", str(r / "locales"), "--to", "hy"], 3,
     ["no hy catalogs (only az, ru) under", "toolkit translate FILE --to hy"]),
    ("check_a_language_never_translated", _drop_language("az"), _check("--to", "az"), 3,
     [f"no az catalogs for '{NAME}' (only hy, ru)"]),
    ("conflicts_a_language_the_glossary_lacks", _nothing,
     lambda r: ["glossary", "conflicts", "--glossary", str(r / "glossaries"), "--locales", str(r / "locales"),
                "--to", "de"], 2, ["has no de terms; its languages: az, hy, ru"]),
    ("check_stale_catalog_with_fix_writes_nothing", _changed_article, _check("--to", "ru", "--fix"), 7,
     ["1 blocking finding(s)", "the article changed since it was translated", f"/{NAME}.txt --to ru`"]),
    ("check_stale_catalog_json", _changed_article, _check("--to", "ru", "--format", "json"), 7,
     ["1 blocking finding(s)", "the article changed"]),
    ("check_article_swapped_for_a_fifo", _article_becomes(os.mkfifo), _check("--to", "ru"), 3,
     [f"{NAME}.txt: is not a regular file"]),
    ("check_article_a_link_to_dev_zero", _article_becomes(lambda p: p.symlink_to("/dev/zero")), _check("--to", "ru"),
     3, [f"{NAME}.txt: is not a regular file"]),
    ("check_article_deleted", _article_becomes(lambda p: None), _check("--to", "ru"), 3,
     [f"{NAME}.txt: no such file"]),
]


@pytest.mark.parametrize("name,setup,argv,code,words", CASES, ids=[c[0] for c in CASES])
def test_hostile_input_is_one_line_the_right_code_and_changes_nothing(name, setup, argv, code, words, project,
                                                                       monkeypatch):
    monkeypatch.chdir(project)
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(project / "cache"))
    monkeypatch.setenv("TOOLKIT_MODELS_DIR", str(project / "models"))
    _ENV.clear()
    setup(project)
    before, shape = tree(project), _lstat_tree(project)
    result = runner.invoke(app, argv(project))
    assert_one_line_error(result, code, words)
    assert tree(project) == before
    assert _lstat_tree(project) == shape
    assert temps(project) == []


# -- cases that must succeed ---------------------------------------------------------------------------------

def _scores(root: Path, src: bytes, ref: bytes) -> dict:
    _pair(src, ref)(root)
    result = runner.invoke(app, [*_evaluate("--format", "json")(root)])
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    return {k: row[k] for k in ("chrf", "bleu", "sentences")}


@pytest.mark.parametrize("src,ref,why", [
    (b"\xef\xbb\xbf" + SRC.replace(b"\n", b"\r\n"), b"\xef\xbb\xbf" + REF.replace(b"\n", b"\r\n"),
     "Notepad: a BOM and CRLF in both files"),
    (SRC.rstrip(b"\n"), REF, "no newline after the last source line"),
    (SRC.replace(b"Prices", b"Prices\x0c"), REF, "a form feed inside a line: str.splitlines would break there"),
    (SRC.replace(b"Prices", "Prices\u2028".encode()), REF.replace("Цены".encode(), "Цены\u0085".encode()),
     "U+2028 and NEL inside lines: not line ends for wc -l or sacrebleu"),
], ids=["bom-crlf", "no-final-newline", "form-feed", "u2028-nel"])
def test_evaluate_counts_lines_as_wc_l_does(project, src, ref, why):
    plain = _scores(project, SRC, REF)
    assert _scores(project, src, ref)["sentences"] == plain["sentences"] == 3
    if b"\r" in src:
        assert _scores(project, src, ref) == plain


def test_a_ten_kilobyte_name_keeps_the_glossary_readable(project, monkeypatch):
    """The id is derived from the name: it used to be 10,000 characters, which every reader then refused."""
    from toolkit import glossary as glossary_mod
    from toolkit.glossary.model import MAX_ID

    monkeypatch.chdir(project)
    name = " ".join(["Very Long Name"] * 730)
    result = runner.invoke(app, _add_name(name)(project))
    assert result.exit_code == 0, result.output
    added = [c for c in glossary_mod.load(project / "glossaries").concepts if c.preferred("en") == name]
    assert len(added) == 1 and len(added[0].id) <= MAX_ID
    again = runner.invoke(app, _add_name(name.replace("Name", "Name!"))(project))   # same id stem: made unique
    assert again.exit_code == 0, again.output
    glossary_mod.load(project / "glossaries")


def test_check_json_with_many_articles_is_one_document(project, monkeypatch):
    monkeypatch.chdir(project)
    (project / "many").mkdir()
    for k in range(30):
        (project / "many" / f"a{k:02}.txt").write_text(f"Baku hosted talks number {k}.\n", encoding="utf-8")
    args = ["--locales", str(project / "locales"), "--glossary", str(project / "glossaries")]
    made = runner.invoke(app, ["translate", str(project / "many"), "--to", "ru,az", "--engine", "pseudo", *args])
    assert made.exit_code == 0, made.output
    result = runner.invoke(app, ["check", str(project / "many"), "--format", "json", *args])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {f["article"] for f in report["findings"]} == {f"a{k:02}" for k in range(30)}
    assert {f["lang"] for f in report["findings"]} == {"ru", "az"}


@pytest.mark.parametrize("command", [
    lambda r, to: ["stats", "--locales", str(r / "locales"), "--format", "json", *to],
    lambda r, to: ["glossary", "conflicts", "--glossary", str(r / "glossaries"), "--locales", str(r / "locales"),
                   "--format", "json", *to],
], ids=["stats", "conflicts"])
def test_a_language_named_twice_counts_once(project, monkeypatch, command):
    monkeypatch.chdir(project)
    once = runner.invoke(app, command(project, ["--to", "ru"]))
    twice = runner.invoke(app, command(project, ["--to", "ru", "--to", "RU", "--to", "ru,ru"]))
    assert once.exit_code == twice.exit_code == 0, twice.output
    assert json.loads(twice.stdout) == json.loads(once.stdout)
