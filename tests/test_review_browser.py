"""`toolkit review` end to end in a real headless browser (Debian's chromium driven by Selenium through
/usr/bin/chromedriver: nothing is downloaded). One browser for the module, one server per test on a free
127.0.0.1 port, each test on a fresh copy of the seed glossary plus the README's conflicting desk glossary.

Screenshots land in tests/screenshots/ (ignored by git).
"""
from __future__ import annotations

import json
import shutil
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import polib
import pytest
from typer.testing import CliRunner

from toolkit import fsutil
from toolkit.cli import app as cli_app

from .conftest import ROOT, msgfmt_check
from .review_server import STAMP, TOKEN, Served

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
                                reason="needs Debian's chromium and chromium-driver (.ci/run installs them)")
SHOTS = ROOT / "tests" / "screenshots"
runner = CliRunner()

# A post-edited Russian catalog in the shape `toolkit translate` writes (header and comments as in
# tests/golden/session.ru.po): two approved entries, one machine draft.
PO = r'''# Russian translation of karabakh-mining.txt.
msgid ""
msgstr ""
"Project-Id-Version: toolkit 0.1.0\n"
"POT-Creation-Date: 2026-12-01 10:00+0000\n"
"PO-Revision-Date: 2026-12-01 11:00+0000\n"
"Last-Translator: \n"
"Language-Team: \n"
"Language: ru\n"
"MIME-Version: 1.0\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Content-Transfer-Encoding: 8bit\n"
"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && "
"n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\n"
"X-Generator: toolkit 0.1.0\n"

#. machine translation: argos translate-en_ru 1.9
#. term: Kyzylbulag → Кызылбулаг (kyzylbulag, verified)
#: karabakh-mining.txt:10
msgctxt "b6.s1"
msgid "Illegal mining is observed in the Kyzylbulag gold mine."
msgstr "Незаконная добыча наблюдается на золотом руднике Дрмбон."

#. machine translation: argos translate-en_ru 1.9
#: karabakh-mining.txt:26
msgctxt "b14.s1"
msgid "Baku and Yerevan fought two wars over the territory."
msgstr "Баку и Ереван вели две войны за эту территорию."

#. machine translation: argos translate-en_ru 1.9
#: karabakh-mining.txt:26
#, fuzzy
msgctxt "b14.s2"
msgid "Yerevan denied it."
msgstr "Эривань это отрицал."
'''


# --- set-up ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    import os

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    home = tmp_path_factory.mktemp("chromium")      # its profile and singleton files, not /tmp's
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                "--disable-extensions", "--no-first-run", f"--user-data-dir={home / 'profile'}"):
        options.add_argument(arg)
    service = Service(str(CHROMEDRIVER), env={**os.environ, "TMPDIR": str(home)})
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(60)
    SHOTS.mkdir(exist_ok=True)
    yield driver
    driver.quit()


def viewport(driver, width: int, height: int) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    (tmp_path / "glossaries").mkdir()
    shutil.copyfile(ROOT / "glossaries" / "names.tsv", tmp_path / "glossaries" / "10-names.tsv")
    shutil.copyfile(ROOT / "examples" / "review" / "50-desk.tsv", tmp_path / "glossaries" / "50-desk.tsv")
    po = tmp_path / "locales" / "ru" / "LC_MESSAGES" / "karabakh-mining.po"
    po.parent.mkdir(parents=True)
    po.write_text(PO, encoding="utf-8")
    monkeypatch.chdir(tmp_path)          # paths on the page are shown relative to the project
    return tmp_path


@pytest.fixture
def served(project: Path):
    s = Served(project)
    yield s
    s.stop()


def names(project: Path) -> Path:
    return project / "glossaries" / "10-names.tsv"


def desk(project: Path) -> Path:
    return project / "glossaries" / "50-desk.tsv"


def open_page(driver, served: Served) -> None:
    viewport(driver, 1280, 800)
    driver.get(served.url())
    assert driver.find_element("tag name", "h1").text == "Glossary conflicts"


def card(driver, code: str, text: str = ""):
    found = [c for c in driver.find_elements("css selector", f"section.card[data-code='{code}']") if text in c.text]
    assert found, f"no {code} card mentioning {text!r}"
    return found[0]


def decide(driver, code: str, button: str, *, card_text: str = "", field: str = "") -> str:
    """Click a decision button on a card (typing a reason or term first); returns the heading of the answer."""
    section = card(driver, code, card_text)
    form = next(f for f in section.find_elements("css selector", "form")
                if f.find_element("css selector", "button").text == button)
    if field:
        box = form.find_element("css selector", "input[type=text]")
        box.clear()
        box.send_keys(field)
    return submit(driver, form.find_element("css selector", "button"))


def submit(driver, element) -> str:
    """Click and wait for the next page; its heading."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.wait import WebDriverWait

    driver.execute_script("window.leaving = true")       # gone once the next document has replaced this one

    def arrived(d) -> bool:
        try:            # mid-navigation, chromedriver may answer with any WebDriverException: ask again
            return d.execute_script("return window.leaving === undefined && document.readyState === 'complete'")
        except WebDriverException:
            return False

    element.click()
    WebDriverWait(driver, 30, poll_frequency=0.02).until(arrived)
    return driver.find_element("tag name", "h1").text


def glossary_codes(project: Path, command: str = "check") -> list[tuple[str, str, str]]:
    result = runner.invoke(cli_app, ["glossary", command, "--glossary", str(project / "glossaries"),
                                     *(["--locales", str(project / "locales")] if command == "conflicts" else []),
                                     "--format", "json"])
    found = json.loads(result.stdout)
    if command == "conflicts":       # {"decisions": [...], "drafts": [...]}
        found = found["decisions"] + found["drafts"]
    return [(f["code"], f["lang"], f["term"]) for f in found]


def replace_line(data: bytes, old: str, new: str) -> bytes:
    """The expected file: exactly one row changed."""
    text = data.decode("utf-8")
    assert text.count(old + "\n") == 1, old
    return text.replace(old + "\n", new + "\n").encode("utf-8")


# --- the page --------------------------------------------------------------------------------------

def test_conflicts_page_shows_the_seeded_conflicts_at_desktop_and_phone_width(browser, served):
    open_page(browser, served)
    codes = {c.get_attribute("data-code") for c in browser.find_elements("css selector", "section.card")}
    assert codes >= {"source-conflict", "shared-target", "preferred-forbidden", "empty-cell", "not-nfc",
                     "contested", "overlap"}
    yerevan = card(browser, "source-conflict", "Yerevan")
    # every file:line, relative to the project; CLDR's names; machine vs approved counts; highlighted examples
    assert "glossaries/50-desk.tsv:3" in yerevan.text and "glossaries/10-names.tsv:6" in yerevan.text
    assert "ru Ереван" in yerevan.text.replace("\n", " ")          # CLDR: Asia/Yerevan's Russian city name
    rows = {tuple(td.text for td in tr.find_elements("tag name", "td"))
            for tr in yerevan.find_elements("css selector", "table tr") if tr.find_elements("tag name", "td")}
    assert ("Ереван", "preferred · yerevan", "0", "1") in rows       # approved b14.s1
    assert ("Эривань", "preferred · yerevan-desk", "1", "0") in rows  # machine draft b14.s2
    marks = [m.text for m in yerevan.find_elements("tag name", "mark")]
    assert "Yerevan" in marks and "Ереван" in marks and "Эривань" in marks
    assert "glossaries/10-names.tsv" in browser.find_element("css selector", "p.lead").text
    browser.save_screenshot(str(SHOTS / "review-conflicts-1280.png"))
    viewport(browser, 390, 844)
    browser.get(served.url())
    width = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page scrolls sideways on a phone: {width}"
    browser.save_screenshot(str(SHOTS / "review-conflicts-390.png"))


# Each kind of decision: the button, the exact rows it writes, and the finding that must be gone after it.
DECISIONS = [
    pytest.param(
        "source-conflict", "Yerevan", "Make Эривань preferred in all", "",
        {"10-names.tsv": ("yerevan\tcity\tYerevan\tЕреван\tİrəvan\tԵրևան\tCLDR Asia/Yerevan (ru, hy; CLDR has no az name); "
                       "az usage İrəvan",
                       "yerevan\tcity\tYerevan\tЭривань; Ереван\tİrəvan\tԵրևան\tCLDR Asia/Yerevan (ru, hy; CLDR has no az "
                       f"name); az usage İrəvan | [{STAMP}] ru: 'Эривань' made preferred")},
        # 50-desk.tsv already prefers Эривань: it is not touched (no note saying nothing changed)
        ("source-conflict", "ru", "Yerevan"), id="prefer: one form for a source with two preferred targets"),
    pytest.param(
        "preferred-forbidden", "Гызылбулаг", "Admit Гызылбулаг in kyzylbulag (no longer forbidden)", "",
        {"10-names.tsv": ("kyzylbulag\tplace\tKyzylbulag\tКызылбулаг; !Гызылбулаг; Дрмбон\tQızılbulaq\tԿզըլբուլաղ; Դրմբոն\t"
                       "gold mine; Armenian name Drmbon (Դրմբոն, ru Дрмбон): contested, reviewer decides",
                       "kyzylbulag\tplace\tKyzylbulag\tКызылбулаг; Гызылбулаг; Дрмбон\tQızılbulaq\tԿզըլբուլաղ; Դրմբոն\t"
                       "gold mine; Armenian name Drmbon (Դրմբոն, ru Дрмбон): contested, reviewer decides | "
                       f"[{STAMP}] ru: 'Гызылбулаг' admitted (not preferred)")},
        ("preferred-forbidden", "ru", "Гызылбулаг"), id="admit: a forbidden form another concept prefers"),
    pytest.param(
        "contested", "'Shusha' in ru", "Mark Шуши forbidden", "",
        {"10-names.tsv": ("shusha\tplace\tShusha\tШуша; Шуши\tŞuşa\tՇուշա; Շուշի\tArmenian name Shushi (Շուշի, ru Шуши)",
                       "shusha\tplace\tShusha\tШуша; !Шуши\tŞuşa\tՇուշա; Շուշի\tArmenian name Shushi (Շուշի, ru Шуши) | "
                       f"[{STAMP}] ru: 'Шуши' marked forbidden")},
        ("contested", "ru", "Шуша"), id="forbid: an admitted variant"),
    pytest.param(
        "shared-target", "МИД", "Merge mfa into foreign-ministry", "",
        {"10-names.tsv": ("foreign-ministry\tinstitution\tForeign Ministry\tМИД Азербайджана; МИД\tXarici İşlər Nazirliyi\t"
                       "Ադրբեջանի ԱԳՆ; ԱԳՆ\tof Azerbaijan",
                       "foreign-ministry\tinstitution\tForeign Ministry; MFA\tМИД Азербайджана; МИД\t"
                       "Xarici İşlər Nazirliyi; XİN\tԱդրբեջանի ԱԳՆ; ԱԳՆ\tof Azerbaijan | "
                       f"[{STAMP}] merged mfa into this concept (its note: abbreviation used in wire copy)"),
         "50-desk.tsv": ("mfa\tinstitution\tMFA\tМИД Азербайджана\tXİN\tԱԳՆ\tabbreviation used in wire copy",
                         f"# mfa merged into foreign-ministry [{STAMP}]")},
        ("shared-target", "ru", "МИД Азербайджана"), id="merge: two sources of one concept"),
    pytest.param(
        "shared-target", "Qızılbulaq", "Keep as is / apart", "a village and a mine share the name",
        {"10-names.tsv": ("kyzylbulag\tplace\tKyzylbulag\tКызылбулаг; !Гызылбулаг; Дрмбон\tQızılbulaq\tԿզըլբուլաղ; Դրմբոն\t"
                       "gold mine; Armenian name Drmbon (Դրմբոն, ru Дрмбон): contested, reviewer decides",
                       "kyzylbulag\tplace\tKyzylbulag\tКызылбулаг; !Гызылбулаг; Дрмбон\tQızılbulaq\tԿզըլբուլաղ; Դրմբոն\t"
                       "gold mine; Armenian name Drmbon (Դրմբոն, ru Дрмбон): contested, reviewer decides | "
                       f"[{STAMP}] keep apart (shared-target az Qızılbulaq): a village and a mine share the name"),
         "50-desk.tsv": ("gyzylbulag\tplace\tGyzylbulag\tГызылбулаг\tQızılbulaq\tԳըզըլբուլաղ\ta village, not the "
                         "Kyzylbulag mine",
                         "gyzylbulag\tplace\tGyzylbulag\tГызылбулаг\tQızılbulaq\tԳըզըլբուլաղ\ta village, not the "
                         f"Kyzylbulag mine | [{STAMP}] keep apart (shared-target az Qızılbulaq): a village and a mine "
                         "share the name")},
        ("shared-target", "az", "Qızılbulaq"), id="keep apart: two concepts share a target, with a reason"),
    pytest.param(
        "empty-cell", "Kalbajar", "Fill the az cell", "Kəlbəcər",
        {"50-desk.tsv": ("kalbajar\tplace\tKalbajar\tКельбаджар\t\tՔարվաճառ\t",
                         f"kalbajar\tplace\tKalbajar\tКельбаджар\tKəlbəcər\tՔարվաճառ\t[{STAMP}] az: set to 'Kəlbəcər'")},
        ("empty-cell", "az", "Kalbajar"), id="fill: an empty cell"),
    pytest.param(
        "not-nfc", "Şəki", "Fix the Unicode of the az cell", "",
        {"50-desk.tsv": ("sheki\tcity\tSheki\tШеки\t" + unicodedata.normalize("NFD", "Şəki")
                         + "\tՇաքի\ttyped with a combining cedilla",
                         f"sheki\tcity\tSheki\tШеки\tŞəki\tՇաքի\ttyped with a combining cedilla | [{STAMP}] az: Unicode "
                         "normalised (NFC, invisible characters removed)")},
        ("not-nfc", "az", "Şəki"), id="normalize: a decomposed letter"),
]


@pytest.mark.parametrize("code, card_text, button, field, rows, gone", DECISIONS)
def test_each_decision_writes_exactly_its_rows_and_settles_the_finding(browser, served, project, code, card_text,
                                                                        button, field, rows, gone):
    before = {name: (project / "glossaries" / name).read_bytes() for name in ("10-names.tsv", "50-desk.tsv")}
    command = "conflicts" if code == "contested" else "check"
    assert gone in glossary_codes(project, command)
    open_page(browser, served)
    assert decide(browser, code, button, card_text=card_text, field=field) == "Decision saved"
    for name, data in before.items():
        path = project / "glossaries" / name
        expected = replace_line(data, *rows[name]) if name in rows else data
        assert path.read_bytes() == expected, name
    assert gone not in glossary_codes(project, command)
    if code == "source-conflict":
        browser.save_screenshot(str(SHOTS / "review-decision-1280.png"))
        submit(browser, browser.find_element("link text", "Summary"))
        tables = browser.find_elements("css selector", "main table")
        per_lang = {tuple(td.text for td in tr.find_elements("tag name", "td"))
                    for tr in tables[0].find_elements("css selector", "tr")}
        # ru errors: shared-target, preferred-forbidden, and the approved b14.s1: 50-desk.tsv loads last, so its
        # yerevan-desk (Эривань only) is the concept Yerevan means, and Ереван there is a variant (seen: a warning,
        # with the four contested names and Yerevan's, now contested in 10-names.tsv)
        assert ("ru", "3", "6") in per_lang
        terms = [td.text for td in tables[1].find_elements("css selector", "tr td")]
        # 4 terms in 3 translated segments; the approved Ереван is not the desk's form
        assert terms == ["ru", "3", "2", "1", "3/4", "75.0%", "1"]
        trail = tables[2].text
        assert "'Эривань' made preferred" in trail and "tester" in trail and "2026-12-02 03:10Z" in trail
        browser.save_screenshot(str(SHOTS / "review-summary-1280.png"))


def test_the_seed_project_works_out_of_the_box(browser, tmp_path, monkeypatch):
    """The repository's own glossaries/ and locales/ (only the article's template so far): its contested
    names, with the article's sentences as examples."""
    shutil.copytree(ROOT / "glossaries", tmp_path / "glossaries")
    shutil.copytree(ROOT / "locales", tmp_path / "locales")
    monkeypatch.chdir(tmp_path)
    served = Served(tmp_path)
    try:
        open_page(browser, served)
        kyzylbulag = card(browser, "contested", "'Kyzylbulag' in ru")
        assert "glossaries/names.tsv:9" in kyzylbulag.text and "source only" in kyzylbulag.text
        assert "Kyzylbulag" in [m.text for m in kyzylbulag.find_elements("tag name", "mark")]
        assert {b.text for b in kyzylbulag.find_elements("tag name", "button")} == {
            "Make Дрмбон preferred", "Mark Дрмбон forbidden", "Keep as is / apart"}
    finally:
        served.stop()


def test_forbidding_a_form_offers_the_approved_entries_it_breaks_and_marks_them_fuzzy(browser, served, project):
    po_path = project / "locales" / "ru" / "LC_MESSAGES" / "karabakh-mining.po"
    open_page(browser, served)
    assert decide(browser, "contested", "Mark Дрмбон forbidden", card_text="'Kyzylbulag' in ru") == "Decision saved"
    entries = browser.find_elements("css selector", "form.fuzzy label.entry")
    assert len(entries) == 1 and "b6.s1" in entries[0].text and "Дрмбон" in entries[0].text
    assert [m.text for m in entries[0].find_elements("tag name", "mark")] == ["Kyzylbulag", "Дрмбон"]
    browser.save_screenshot(str(SHOTS / "review-after-decision-1280.png"))
    assert submit(browser, browser.find_element("css selector", "form.fuzzy button")) == "Marked fuzzy"
    po = polib.pofile(str(po_path))
    entry = po.find("Illegal mining is observed in the Kyzylbulag gold mine.", msgctxt="b6.s1")
    assert entry.fuzzy and entry.msgstr == "Незаконная добыча наблюдается на золотом руднике Дрмбон."
    other = po.find("Baku and Yerevan fought two wars over the territory.", msgctxt="b14.s1")
    assert not other.fuzzy
    msgfmt_check(po_path)


def test_html_in_a_term_is_shown_as_text(browser, project):
    evil = "<script>window.pwned=1</script>"
    (project / "glossaries" / "10-names.tsv").write_text(
        "id\tkind\ten\tru\taz\thy\tnote\n"
        f"xss\tplace\tXss town\t<b>Икс</b>; {evil}\tXss\tԽսս\t<img src=x onerror=alert(1)>\n", encoding="utf-8")
    (project / "glossaries" / "50-desk.tsv").unlink()
    po = project / "locales" / "ru" / "LC_MESSAGES" / "karabakh-mining.po"
    po.write_text(PO + '\nmsgctxt "b20.s1"\nmsgid "The <i>Xss town</i> mayor spoke."\n'
                  'msgstr "Мэр <img src=x onerror=window.pwned=2> <b>Икс</b> выступил."\n', encoding="utf-8")
    served = Served(project)
    try:
        open_page(browser, served)
        section = card(browser, "contested", "Xss town")
        assert evil in section.text and "<b>Икс</b>" in section.text
        assert "The <i>Xss town</i> mayor spoke." in section.text            # a catalog example, as text
        assert "Мэр <img src=x onerror=window.pwned=2> <b>Икс</b> выступил." in section.text
        assert browser.find_elements("css selector", "main script, main img, main b, main i") == []
        assert browser.execute_script("return window.pwned === undefined")
    finally:
        served.stop()


def test_a_stale_page_is_refused_and_nothing_is_lost(browser, served, project):
    open_page(browser, served)
    # Someone saves the glossary in an editor while the page is open.
    edited = desk(project).read_bytes() + "baku-desk\tcity\tBaku\tБаку\tBakı\tԲաքու\tadded by hand\n".encode()
    desk(project).write_bytes(edited)
    names_before = names(project).read_bytes()
    assert decide(browser, "contested", "Mark Шуши forbidden", card_text="'Shusha' in ru") == "Not saved"
    assert "changed since this page was loaded" in browser.find_element("css selector", ".message").text
    assert desk(project).read_bytes() == edited and names(project).read_bytes() == names_before
    # A second decision from a page the first one made stale (the back button) is refused too.
    submit(browser, browser.find_element("link text", "Reload the conflicts"))
    assert decide(browser, "contested", "Mark Шуши forbidden", card_text="'Shusha' in ru") == "Decision saved"
    after_first = names(project).read_bytes()
    browser.back()
    assert decide(browser, "contested", "Mark Кашен forbidden", card_text="'Demirli' in ru") == "Not saved"
    assert "changed since this page was loaded" in browser.find_element("css selector", ".message").text
    assert names(project).read_bytes() == after_first


def test_a_decision_waits_for_the_catalogs_lock(browser, served, project):
    before = names(project).read_bytes()
    open_page(browser, served)
    with fsutil.locked(project / "locales"):
        assert decide(browser, "contested", "Mark Шуши forbidden", card_text="'Shusha' in ru") == "Not saved"
        assert "locked by another toolkit run" in browser.find_element("css selector", ".message").text
    assert names(project).read_bytes() == before


def test_cross_origin_posts_and_missing_tokens_are_refused(browser, served, project):
    before = {p: p.read_bytes() for p in (names(project), desk(project))}
    # A page from another origin that posts a decision, even with the right token: the browser says where it
    # comes from (Origin: null for a data: page).
    form = (f"<form method=post action='{served.url('/decide', None)}'>"
            f"<input name=token value='{TOKEN}'><input name=action value=forbid>"
            f"<input name=at value='[\"{names(project)}\", \"shusha\"]'><input name=lang value=ru>"
            "<input name=term value='Шуша'></form><script>document.forms[0].submit()</script>")
    browser.get("data:text/html," + urllib.parse.quote(form))
    deadline = time.monotonic() + 5
    while "/decide" not in browser.current_url and time.monotonic() < deadline:
        time.sleep(0.05)
    assert browser.find_element("tag name", "h1").text == "Refused"
    assert "another site" in browser.find_element("tag name", "main").text
    # No token, or a wrong one: nothing is shown and nothing is written.
    for url in (served.url("/", None), served.url("/", "guess"), served.url("/summary", None)):
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(url, timeout=5)
        assert err.value.code == 403
    body = urllib.parse.urlencode({"action": "forbid", "at": json.dumps([str(names(project)), "shusha"]),
                                   "lang": "ru", "term": "Шуша"}).encode()
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(urllib.request.Request(served.url("/decide", None), data=body), timeout=5)
    assert err.value.code == 403
    # Another Host (DNS rebinding) is refused even with the token.
    request = urllib.request.Request(served.url(), headers={"Host": f"evil.example:{served.port}"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(request, timeout=5)
    assert err.value.code == 403
    assert {p: p.read_bytes() for p in before} == before


# --- cards about catalog entries: name variants seen, translators' waivers ----------------------------------

# A second article's catalog, as a translator's day leaves it (msgcat's form, so GNU msgcat is a judge of every
# byte we keep): a machine draft whose variant `toolkit translate` repaired (the `#.` note is the one
# `terms.variants.note` writes), an approved entry naming Lachin by its Armenian name under the translator's
# waiver, and a waiver with a typo that names no concept.
DAY_PO = PO.split("\n\n")[0].replace("n%10>=2 && n%10<=4", 'n%10>=2 && "\n"n%10<=4') + r'''

#. term: Kalbajar → Кельбаджар (kalbajar): repaired variant «Кяльбаджаре» →
#. «Кельбаджаре» (seen as «Кяльбаджар»)
#: desk-day.txt:1
#, fuzzy
msgctxt "b1.s1"
msgid "The conference took place in Kalbajar."
msgstr "Конференция прошла в Кельбаджаре."

# checked with the desk: the locals' name
# toolkit: accept lachin
#: desk-day.txt:3
msgctxt "b2.s1"
msgid "The road to Lachin was closed."
msgstr "Дорога в Бердзор была закрыта."

# toolkit: accept kyzylbulg
#: desk-day.txt:5
msgctxt "b3.s1"
msgid "Work at the Kyzylbulag mine stopped."
msgstr "Работы на руднике Кызылбулаг остановлены."
'''


@pytest.fixture
def day(project: Path) -> Path:
    from toolkit import pofile
    from toolkit.terms import variants

    po = project / "locales" / "ru" / "LC_MESSAGES" / "desk-day.po"
    po.write_text(DAY_PO, encoding="utf-8")
    msgfmt_check(po)
    assert variants.repairs_in(pofile.read(po)[0].comment) == [("kalbajar", "variant", "Кяльбаджар", "Кельбаджаре")]
    return po


def test_variant_and_waiver_cards_show_the_entries_with_their_article(browser, served, project, day):
    open_page(browser, served)
    variant = card(browser, "variant-seen", "Кяльбаджар")
    assert {b.text for b in variant.find_elements("tag name", "button")} == {
        "Forbid Кяльбаджар in kalbajar (repaired to Кельбаджар)", "Admit Кяльбаджар in kalbajar"}
    assert "glossaries/50-desk.tsv:6" in variant.text and "locales/ru/LC_MESSAGES/desk-day.po:" in variant.text
    assert [e.text for e in variant.find_elements("css selector", ".example .article")] == ["desk-day.txt:1"]
    waiver = card(browser, "waiver", "lachin")
    assert {b.text for b in waiver.find_elements("tag name", "button")} == {
        "Accept the waiver of lachin", "Revoke the waiver (remove `accept lachin` from desk-day b2.s1)"}
    assert "Бердзор" in waiver.text and "glossaries/10-names.tsv:11" in waiver.text
    unknown = card(browser, "waiver-unknown", "kyzylbulg")
    assert [b.text for b in unknown.find_elements("tag name", "button")] == [
        "Revoke the waiver (remove `accept kyzylbulg` from desk-day b3.s1)"]
    # every example names its article: the `#:` reference of the entry
    articles = {e.text for e in browser.find_elements("css selector", ".example .article")}
    assert articles >= {"karabakh-mining.txt:10", "karabakh-mining.txt:26", "desk-day.txt:1", "desk-day.txt:3"}
    assert "add-variant kalbajar ru 'Кяльбаджар' --as forbidden --glossary glossaries`" in variant.text
    browser.execute_script("arguments[0].scrollIntoView()", variant)
    browser.save_screenshot(str(SHOTS / "review-entry-cards-1280.png"))
    viewport(browser, 390, 844)
    browser.get(served.url())
    width = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page scrolls sideways on a phone: {width}"
    browser.execute_script("arguments[0].scrollIntoView()", card(browser, "waiver", "lachin"))
    browser.save_screenshot(str(SHOTS / "review-entry-cards-390.png"))


ENTRY_DECISIONS = [
    pytest.param(
        "variant-seen", "Кяльбаджар", "Forbid Кяльбаджар in kalbajar (repaired to Кельбаджар)",
        {"50-desk.tsv": ("kalbajar\tplace\tKalbajar\tКельбаджар\t\tՔարվաճառ\t",
                         f"kalbajar\tplace\tKalbajar\tКельбаджар; !Кяльбаджар\t\tՔարվաճառ\t[{STAMP}] ru: 'Кяльбаджар' "
                         "marked forbidden")},
        None, id="forbid a variant seen in a machine draft"),
    pytest.param(
        "variant-seen", "Кяльбаджар", "Admit Кяльбаджар in kalbajar",
        {"50-desk.tsv": ("kalbajar\tplace\tKalbajar\tКельбаджар\t\tՔարվաճառ\t",
                         f"kalbajar\tplace\tKalbajar\tКельбаджар; Кяльбаджар\t\tՔարվաճառ\t[{STAMP}] ru: 'Кяльбаджар' "
                         "admitted (not preferred)")},
        None, id="admit a variant seen in a machine draft"),
    pytest.param(
        "waiver", "lachin", "Accept the waiver of lachin",
        {"10-names.tsv": ("lachin\tplace\tLachin\tЛачин\tLaçın\tԼաչին; Բերձոր\tArmenian name Berdzor (Բերձոր)",
                          "lachin\tplace\tLachin\tЛачин\tLaçın\tԼաչին; Բերձոր\tArmenian name Berdzor (Բերձոր) | "
                          f"[{STAMP}] waiver accepted (ru desk-day b2.s1)")},
        None, id="accept a waiver: settled in the concept's note, the entry untouched"),
    pytest.param(
        "waiver", "lachin", "Revoke the waiver (remove `accept lachin` from desk-day b2.s1)",
        {"10-names.tsv": ("lachin\tplace\tLachin\tЛачин\tLaçın\tԼաչին; Բերձոր\tArmenian name Berdzor (Բերձոր)",
                          "lachin\tplace\tLachin\tЛачин\tLaçın\tԼաչին; Բերձոր\tArmenian name Berdzor (Բերձոր) | "
                          f"[{STAMP}] ru: waiver `toolkit: accept lachin` revoked (desk-day b2.s1)")},
        "# toolkit: accept lachin\n", id="revoke a waiver: its comment line leaves the entry, noted in the glossary"),
    pytest.param(
        "waiver-unknown", "kyzylbulg", "Revoke the waiver (remove `accept kyzylbulg` from desk-day b3.s1)", {},
        "# toolkit: accept kyzylbulg\n", id="revoke a waiver naming no concept: only the entry changes"),
]


@pytest.mark.parametrize("code, card_text, button, rows, line_gone", ENTRY_DECISIONS)
def test_each_entry_decision_writes_exactly_its_rows_and_settles_the_card(browser, served, project, day, code,
                                                                          card_text, button, rows, line_gone):
    before = {name: (project / "glossaries" / name).read_bytes() for name in ("10-names.tsv", "50-desk.tsv")}
    catalog = day.read_bytes()
    assert (code, "ru", card_text) in glossary_codes(project, "conflicts")
    open_page(browser, served)
    assert decide(browser, code, button, card_text=card_text) == "Decision saved"
    for name, data in before.items():
        expected = replace_line(data, *rows[name]) if name in rows else data
        assert (project / "glossaries" / name).read_bytes() == expected, name
    # the catalog: byte for byte the same, but for the revoked waiver's line
    assert day.read_bytes() == (catalog.replace(line_gone.encode(), b"", 1) if line_gone else catalog)
    msgfmt_check(day)
    assert (code, "ru", card_text) not in glossary_codes(project, "conflicts")
    if code == "waiver" and line_gone:     # the translator's form is checked again: approved, so blocking
        blocked = runner.invoke(cli_app, ["check", "--locales", str(project / "locales"), "--glossary",
                                          str(project / "glossaries"), "--format", "json"])
        assert blocked.exit_code == 7
        assert any(f["msgctxt"] == "b2.s1" and f["severity"] == "error" and f["concept"] == "lachin"
                   for f in json.loads(blocked.stdout)["findings"])


def test_a_decision_that_would_create_an_error_asks_first(browser, served, project, day):
    """50-desk.tsv loads last, so Yerevan means its yerevan-desk (Эривань only) and the approved Ереван is a
    variant seen; forbidding it there would forbid the form 10-names.tsv prefers: said before it is written."""
    before = {name: (project / "glossaries" / name).read_bytes() for name in ("10-names.tsv", "50-desk.tsv")}
    open_page(browser, served)
    assert decide(browser, "variant-seen", "Forbid Ереван in yerevan-desk (repaired to Эривань)",
                  card_text="Ереван") == "Confirm the decision"
    errors = browser.find_element("css selector", "ul.new-errors").text
    assert "preferred-forbidden" in errors and "'Ереван' is preferred for yerevan (glossaries/10-names.tsv:6)" in errors
    assert {name: (project / "glossaries" / name).read_bytes() for name in before} == before    # nothing yet
    browser.save_screenshot(str(SHOTS / "review-confirm-1280.png"))
    assert submit(browser, browser.find_element("css selector", "form.confirm button")) == "Decision saved"
    assert desk(project).read_bytes() == replace_line(
        before["50-desk.tsv"], "yerevan-desk\tcity\tYerevan\tЭривань\tİrəvan\tԵրևան\tdesk style sheet of 2019",
        f"yerevan-desk\tcity\tYerevan\tЭривань; !Ереван\tİrəvan\tԵրևան\tdesk style sheet of 2019 | [{STAMP}] ru: "
        "'Ереван' marked forbidden")
    assert ("preferred-forbidden", "ru", "Ереван") in glossary_codes(project)


def test_prefer_in_all_targets_only_where_it_changes_something_and_a_no_op_is_refused(browser, served, project):
    open_page(browser, served)
    yerevan = card(browser, "source-conflict", "Yerevan")
    targets = {f.find_element("tag name", "button").text: [json.loads(i.get_attribute("value"))[1] for i in
                                                            f.find_elements("css selector", "input[name=at]")]
               for f in yerevan.find_elements("css selector", "form[data-action=prefer]")}
    assert targets == {"Make Ереван preferred in all": ["yerevan-desk"], "Make Эривань preferred in all": ["yerevan"]}
    before = {p: p.read_bytes() for p in (names(project), desk(project))}
    seen = browser.find_element("css selector", "input[name=seen]").get_attribute("value")
    body = urllib.parse.urlencode({"token": TOKEN, "seen": seen, "action": "prefer", "lang": "ru", "term": "Эривань",
                                   "at": json.dumps([str(desk(project)), "yerevan-desk"])}).encode()
    with pytest.raises(urllib.error.HTTPError) as err:       # a hand-made form: the server refuses it too
        urllib.request.urlopen(urllib.request.Request(served.url("/decide"), data=body), timeout=10)
    assert err.value.code == 400 and "is already preferred in the ru cell; nothing to change" in err.value.read().decode()
    assert {p: p.read_bytes() for p in before} == before


# --- the page reads a catalog as one article, as `check` and `stats` do ----------------------------------------

# The 2010 Manila hostage crisis as the news reported it (the sentences of tests/test_source.py): the gunman's
# name is written Мендоза, the Argentine city (CLDR America/Argentina/Mendoza) Мендоса. b2.s1 is approved and
# breaks the glossary on Yerevan (50-desk.tsv loads last: Эривань), so it is listed with its terms marked.
HOSTAGE = PO.split("\n\n", 1)[0].replace("karabakh-mining.txt", "hostage.txt") + r'''

#. machine translation: argos translate-en_ru 1.9
#: hostage.txt:1
#, fuzzy
msgctxt "b1.s1"
msgid "Rolando Mendoza fired his M16 rifle at the tourists."
msgstr "Роландо Мендоза открыл огонь по туристам из M16."

#. machine translation: argos translate-en_ru 1.9
#: hostage.txt:3
msgctxt "b2.s1"
msgid "Mendoza said Baku and Yerevan had nothing to do with it."
msgstr "Мендоза сказал, что Баку и Ереван тут ни при чём."
'''
MENDOZA = "mendoza\tcity\tMendoza\tМендоса\tMendosa\tՄենդոսա\tCLDR America/Argentina/Mendoza\n"


def test_a_surname_met_in_full_is_the_person_on_the_page_too(browser, project):
    (project / "glossaries" / "60-cities.tsv").write_text("id\tkind\ten\tru\taz\thy\tnote\n" + MENDOZA,
                                                          encoding="utf-8")
    po_path = project / "locales" / "ru" / "LC_MESSAGES" / "hostage.po"
    po_path.write_text(HOSTAGE, encoding="utf-8")
    msgfmt_check(po_path)
    served = Served(project)
    try:
        open_page(browser, served)
        cards = browser.find_elements("css selector", "section.card")
        # no card for the city: b2.s1's Мендоза is the gunman's name, no variant of Мендоса to decide on
        assert cards and not [c.text for c in cards if "mendoza" in c.text or "Мендоса" in c.text]
        # b2.s1 is an example of Yerevan's cards, with Yerevan marked, never Mendoza
        marks = [m.text for c in cards if "hostage.txt:3" in c.text for m in c.find_elements("tag name", "mark")]
        assert "Yerevan" in marks and not {"Mendoza", "Мендоза"} & set(marks)
        [entry] = [e for e in browser.find_elements("css selector", "form.fuzzy label.entry") if "hostage" in e.text]
        # Baku and Yerevan are the glossary's (Ереван is not the desk's form: unmarked); Mendoza, the gunman of
        # b1.s1, is no term here
        assert [m.text for m in entry.find_elements("tag name", "mark")] == ["Baku", "Yerevan", "Баку"]
    finally:
        served.stop()


def summary_rows(driver, served: Served) -> tuple[list[str], list[str]]:
    driver.get(served.url("/summary"))
    assert driver.find_element("tag name", "h1").text == "Review summary"
    table = driver.find_elements("css selector", "main table")[1]
    return ([th.text for th in table.find_elements("tag name", "th")],
            [td.text for td in table.find_elements("css selector", "tr td")])


def stats_row(project: Path) -> dict:
    result = runner.invoke(cli_app, ["stats", "--locales", str(project / "locales"), "--glossary",
                                     str(project / "glossaries"), "--format", "json"])
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    return row


def test_the_summary_shows_what_the_gate_blocks_as_stats_does(browser, served, project):
    from toolkit.engines.pseudo import PseudoEngine

    viewport(browser, 1280, 800)
    headers, cells = summary_rows(browser, served)
    assert "blocked" not in headers and stats_row(project)["blocked"] == 0      # nothing to say: no column
    assert "blocked" not in runner.invoke(cli_app, ["stats", "--locales", str(project / "locales")]).output
    # an approved pseudo-translation, as a blanket `msgattrib --clear-fuzzy` leaves the pseudo engine's preview
    po_path = project / "locales" / "ru" / "LC_MESSAGES" / "karabakh-mining.po"
    source = "Azerbaijan rejected the claims."
    with po_path.open("a", encoding="utf-8") as out:
        out.write(f'\n#: karabakh-mining.txt:28\nmsgctxt "b14.s3"\nmsgid "{source}"\n'
                  f'msgstr "{PseudoEngine().pseudo(source, "ru")}"\n')
    msgfmt_check(po_path)
    headers, cells = summary_rows(browser, served)
    assert headers[:5] == ["lang", "segments", "approved", "fuzzy", "blocked"]
    row = stats_row(project)
    assert (row["segments"], row["approved"], row["fuzzy"], row["blocked"]) == (4, 2, 1, 1)
    assert cells[:5] == ["ru", "4", "2", "1", "1"]           # the numbers `toolkit stats` gives
    assert "blocked" in runner.invoke(cli_app, ["stats", "--locales", str(project / "locales")]).output
    browser.save_screenshot(str(SHOTS / "review-summary-blocked-1280.png"))
