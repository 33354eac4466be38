"""The review server against hostile and unlucky requests (issue 22), through real HTTP on 127.0.0.1.

Each row of CASES is one raw request (bytes on a socket, so chunked bodies, duplicate headers, a missing
Host can be sent as a client would); every row asserts the status, that the reason is one line, that the
project folder (glossaries, the file a link points to, locales) hashes the same before and after, and that
the server logged no error (no traceback). The memory and descriptor cases run the server in a subprocess,
measuring its peak RSS (VmHWM) and running it under RLIMIT_NOFILE=16.
"""
from __future__ import annotations

import hashlib
import html
import json
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import textwrap
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from toolkit import glossary
from toolkit.errors import InputError
from toolkit.cli import app as cli_app
from toolkit.glossary import tbx
from toolkit.review import edit, form

from .conftest import FIXTURES, ROOT
from .review_server import STAMP, TOKEN, Served

runner = CliRunner()
FORM = "application/x-www-form-urlencoded"


def project_with_links(tmp_path: Path) -> Path:
    """The seed glossary, plus what a cloned repository may bring: `zz.tsv -> ../outside.tsv`."""
    project = tmp_path / "p"
    (project / "glossaries").mkdir(parents=True)
    (project / "locales").mkdir()
    shutil.copyfile(ROOT / "glossaries" / "names.tsv", project / "glossaries" / "names.tsv")
    (project / "outside.tsv").write_text("id\tkind\ten\tru\tnote\nzangezur\tplace\tZangezur\tЗангезур\t\n",
                                         encoding="utf-8")
    (project / "glossaries" / "zz.tsv").symlink_to("../outside.tsv")
    return project


def tree_hashes(root: Path) -> dict[str, str]:
    """Every file under `root` (a link as its target text), but the lock's sidecar a decision creates."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.name == ".toolkit.lock":
            continue
        if path.is_symlink():
            out[str(path)] = "link:" + os.readlink(path)
        elif path.is_fifo():
            out[str(path)] = "fifo"
        elif path.is_file():
            out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


@dataclass(frozen=True)
class Ctx:
    project: Path
    port: int

    @property
    def names(self) -> str:
        return str(self.project / "glossaries" / "names.tsv")

    def seen(self) -> str:
        return edit.digest(glossary.glossary_files([self.project / "glossaries"]))


def request(ctx: Ctx, method: str, target: str, body: bytes = b"", *, headers: dict[str, str] | None = None,
            host: str | None = "127.0.0.1") -> bytes:
    head = {"Host": f"{host}:{ctx.port}"} if host else {}
    if method == "POST":
        head |= {"Content-Type": FORM, "Content-Length": str(len(body))}
    head |= {"Connection": "close"} | (headers or {})
    lines = [f"{method} {target} HTTP/1.1"] + [f"{k}: {v}" for k, v in head.items() if v is not None]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body


def post(ctx: Ctx, path: str, fields: dict | list, *, token: str | None = TOKEN, **kw) -> bytes:
    body = urllib.parse.urlencode(fields, doseq=True).encode()
    target = path + (f"?token={urllib.parse.quote(token)}" if token is not None else "")
    return request(ctx, "POST", target, body, **kw)


def decide(ctx: Ctx, *, token: str | None = TOKEN, at: object = None, **fields) -> bytes:
    """A decision form as the page sends it (forbid Кызылбулак for kyzylbulag: a form not listed yet, as
    forbidding an already forbidden one is refused as a no-op), with `fields` replaced."""
    base = {"token": TOKEN, "seen": ctx.seen(), "action": "forbid",
            "at": json.dumps([ctx.names, "kyzylbulag"]) if at is None else at,
            "lang": "ru", "term": "Кызылбулак", "other": "", "other_path": "", "reason": ""}
    return post(ctx, "/decide", base | fields, token=token)


def fuzzy(ctx: Ctx, entry: str) -> bytes:
    return post(ctx, "/fuzzy", {"token": TOKEN, "entry": entry})


def chunked(ctx: Ctx, path: str, pieces: list[bytes], *, token: str | None = TOKEN) -> bytes:
    target = path + (f"?token={token}" if token else "")
    head = (f"POST {target} HTTP/1.1\r\nHost: 127.0.0.1:{ctx.port}\r\nContent-Type: {FORM}\r\n"
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").encode()
    return head + b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"


def exchange(port: int, data: bytes, *, timeout: float = 30) -> tuple[int, bytes]:
    """Send `data`, read the answer until the server closes; (status, body). A server that answers before
    reading all of `data` and closes is the point of several rows: the rest of the send may fail."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        got = b""
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            got += chunk
    if not got:
        return 0, b""         # closed without an answer
    head, _, rest = got.partition(b"\r\n\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(b":") for h in head.split(b"\r\n")[1:])}
    if b"content-length" in headers:        # the first answer only (an HTTP/2 preface gets two)
        body = rest[:int(headers[b"content-length"])]
    elif headers.get(b"transfer-encoding") == b"chunked":
        body = b""
        while True:
            size, _, rest = rest.partition(b"\r\n")
            if not int(size, 16):
                break
            body, rest = body + rest[:int(size, 16)], rest[int(size, 16) + 2:]
    else:
        body = rest
    return int(head.split(b" ", 2)[1]), body


def reason_of(body: bytes) -> str:
    """The one reason a refusal gives: the page's message paragraph, or a plain-text body."""
    text = body.decode("utf-8")
    found = re.search(r'<p class="message">(.*?)</p>', text, re.S)
    return html.unescape(found.group(1)) if found else text.strip()


NESTED = "[" * 100_000 + "]" * 100_000
DEEP_BUT_SHORT = "[" * 4_000 + "]" * 4_000       # under MAX_VALUE: json itself recurses too deep


def _link_target(ctx: Ctx) -> bytes:
    return decide(ctx, at=json.dumps([str(ctx.project / "outside.tsv"), "zangezur"]), lang="ru",
                  term="Зангезур")


def _link_itself(ctx: Ctx) -> bytes:
    return decide(ctx, at=json.dumps([str(ctx.project / "glossaries" / "zz.tsv"), "zangezur"]), action="fill",
                  lang="ru", term="", text="Зангезур")


def _after_page_load(ctx: Ctx, change: Callable[[Path], None]) -> bytes:
    """The decision as the page made it, then the glossary file changed before the POST arrives."""
    data = decide(ctx)
    change(Path(ctx.names))
    return data


def _append_row(path: Path) -> None:
    path.write_bytes(path.read_bytes() + "tbilisi\tcity\tTbilisi\tТбилиси\tTbilisi\tԹբիլիսի\t\n".encode())


def _make_fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def _swap_for_link(path: Path) -> None:
    copy = path.parent.parent / "copy-of-names.tsv"
    shutil.copyfile(path, copy)
    path.unlink()
    path.symlink_to(os.path.relpath(copy, path.parent))


def _slow_headers(ctx: Ctx) -> bytes:
    return f"GET /?token={TOKEN} HTTP/1.1\r\nHost: 127.0.0.1:{ctx.port}\r\n".encode()   # never ends


# (name, the request, status, what the one-line reason says, why the case matters)
CASES: list[tuple[str, Callable[[Ctx], bytes], int, str, str]] = [
    # --- from the issue --------------------------------------------------------------------------------
    ("no-token-huge-length", lambda c: request(c, "POST", "/decide", headers={"Content-Length": "1000000000"}),
     403, "missing or wrong token", "an unauthenticated body is never read: refused on its headers"),
    ("no-token-pairs", lambda c: request(c, "POST", "/decide", b"a=b&" * 50_000), 403, "missing or wrong token",
     "200 MB of a=b& pairs without the token: refused before parsing"),
    ("token-length-over-cap", lambda c: request(c, "POST", f"/decide?token={TOKEN}",
                                                headers={"Content-Length": str(200 << 20)}),
     413, f"a review form is at most {form.MAX_BODY:,}", "a declared 200 MB body is refused before reading it"),
    ("too-many-fields", lambda c: request(c, "POST", f"/decide?token={TOKEN}", b"a=b&" * (form.MAX_FIELDS + 1)),
     400, f"more than {form.MAX_FIELDS:,} fields", "field count bounded: parsing stays short"),
    ("nul-in-at", lambda c: decide(c, at=json.dumps([c.names, "kyzylbulag\x00"])), 400, "holds a NUL",
     "a NUL in `at` (was a 500 from Path)"),
    ("nul-escaped-in-at", lambda c: decide(c, at='["%s", "kyzyl\\u0000bulag"]' % c.names), 400, "holds a NUL",
     "a NUL written as a JSON escape is the same NUL"),
    ("at-numbers", lambda c: decide(c, at="[1,2]"), 400, "'at' is not [glossary file, concept id]",
     "numbers where strings go (was a 500)"),
    ("at-null", lambda c: decide(c, at='[null,"baku"]'), 400, "'at' is not [glossary file, concept id]",
     "null as the path"),
    ("at-nested", lambda c: decide(c, at=json.dumps([[c.names], ["baku"]])), 400, "'at' is not",
     "nested lists"),
    ("at-100000-brackets", lambda c: decide(c, at=NESTED), 400, "'at' is longer than",
     "100,000 nested brackets: refused by length before json sees them"),
    ("at-4000-brackets", lambda c: decide(c, at=DEEP_BUT_SHORT), 400, "'at' is not",
     "deep nesting within the length: json's RecursionError becomes a 400"),
    ("prefer-empty-lang", lambda c: decide(c, action="prefer", lang=""), 400, "'' is not a language column",
     "an empty lang for prefer (was a KeyError, 500)"),
    ("admit-empty-lang", lambda c: decide(c, action="admit", lang=""), 400, "'' is not a language column",
     "an empty lang for admit"),
    ("forbid-empty-lang", lambda c: decide(c, action="forbid", lang=""), 400, "'' is not a language column",
     "an empty lang for forbid"),
    ("fuzzy-line-abc", lambda c: fuzzy(c, '["x.po", "abc", "b1.s1"]'), 400,
     "'entry' is not [catalog file, line number, msgctxt]", "a non-integer line (was int() ValueError)"),
    ("fuzzy-line-1e400", lambda c: fuzzy(c, '["x.po", 1e400, "b1.s1"]'), 400, "'entry' is not",
     "1e400 is a float infinity (was OverflowError)"),
    ("fuzzy-line-list", lambda c: fuzzy(c, '["x.po", [18], "b1.s1"]'), 400, "'entry' is not",
     "[18] as a line (was TypeError)"),
    ("fill-kind", lambda c: decide(c, action="fill", lang="kind", term="", text="dnt"), 400,
     "'kind' is not a language column", "a fill would make the concept do-not-translate"),
    ("fill-note", lambda c: decide(c, action="fill", lang="note", term="", text="history replaced"), 400,
     "'note' is not a language column", "a fill would replace the note and its audit trail"),
    ("fill-id", lambda c: decide(c, action="fill", lang="id", term="", text="renamed"), 400,
     "'id' is not a language column", "a fill would rename the concept (id is also Indonesian's code)"),
    ("link-target", _link_target, 400, "not one of the glossary files under review",
     "the file a glossary-folder link points to is not under review (was rewritten)"),
    # --- our own ---------------------------------------------------------------------------------------
    ("link-itself", _link_itself, 400, "is a symbolic link (to ../outside.tsv)",
     "the link itself is refused too, not followed nor replaced by a regular file"),
    ("chunked-no-token", lambda c: chunked(c, "/decide", [b"a=b&" * 1000] * 50, token=None), 403,
     "missing or wrong token", "a chunked body without the token is not read"),
    ("chunked-over-cap", lambda c: chunked(c, "/decide", [b"a=" + b"b" * 65_534] * 40), 413,
     f"more than {form.MAX_BODY:,} bytes", "a chunked body has no length: counted as it streams"),
    ("wrong-content-type", lambda c: decide(c) .replace(FORM.encode(), b"application/json"), 415,
     "must be sent as application/x-www-form-urlencoded", "JSON or multipart is not the page's form"),
    ("duplicate-action", lambda c: post(c, "/decide", [("action", "forbid"), ("action", "fill"),
                                                       ("at", json.dumps([c.names, "baku"]))]),
     400, "the field 'action' is given 2 times", "which action would win is ambiguous: refused"),
    ("token-twice", lambda c: request(c, "POST", f"/decide?token=guess&token={TOKEN}", b"action=forbid"), 403,
     "missing or wrong token", "a second token in the query does not win"),
    ("token-unicode", lambda c: request(c, "GET", "/?token=" + urllib.parse.quote("тöкен\u202e")), 403,
     "missing or wrong token", "a token that is not ASCII is compared, not crashed on"),
    ("token-bad-utf8", lambda c: request(c, "GET", "/?token=%ff%fe"), 403, "missing or wrong token",
     "percent-escapes that are not UTF-8"),
    ("body-not-utf8", lambda c: request(c, "POST", f"/decide?token={TOKEN}", b"action=forbid&term=%ff"),
     400, "the form is not UTF-8", "a term of garbage bytes is refused, not written as U+FFFD"),
    ("field-too-long", lambda c: decide(c, reason="x" * (form.MAX_VALUE + 1)), 400, "'reason' is longer than",
     "a megabyte-long reason would land in the note"),
    ("surrogate-in-at", lambda c: decide(c, at='["%s", "\\ud800"]' % c.names), 400,
     "holds a NUL or an unpaired surrogate", "a lone surrogate cannot be written to a file"),
    ("line-zero", lambda c: fuzzy(c, '["x.po", 0, "b1.s1"]'), 400, "line 0, not a line",
     "line numbers start at 1"),
    ("line-true", lambda c: fuzzy(c, '["x.po", true, "b1.s1"]'), 400, "'entry' is not",
     "true is not a line number, even to isinstance"),
    ("line-huge", lambda c: fuzzy(c, '["x.po", %d, "b1.s1"]' % 10**30), 400, "not a line of a catalog",
     "a 31-digit line"),
    ("fuzzy-outside-locales", lambda c: post(c, "/fuzzy", {"entry": '["/etc/passwd", 1, ""]'}), 400,
     "not a catalog under the locales folder", "only catalogs under --locales are marked"),
    ("merge-other-outside", lambda c: decide(c, action="merge", other="x", other_path="/etc/passwd"), 400,
     "not one of the glossary files under review", "a merge source outside the glossaries"),
    ("at-dotdot", lambda c: decide(c, at=json.dumps([c.names + "/../../outside.tsv", "zangezur"])), 400,
     "not one of the glossary files under review", "`..` in a named path is not under review"),
    ("unknown-action", lambda c: decide(c, action="delete"), 400, "unknown decision 'delete'",
     "an action no page offers"),
    ("lang-not-a-column", lambda c: decide(c, lang="fr"), 400, "no fr column", "a language the file lacks"),
    ("lang-uppercase", lambda c: decide(c, lang="RU"), 400, "'RU' is not a language column",
     "column names are the canonical codes"),
    ("prefer-empty-term", lambda c: decide(c, action="prefer", term=""), 400, "needs the form it is about",
     "an empty term would be added as an empty preferred form"),
    ("edited-on-disk", lambda c: _after_page_load(c, _append_row), 409, "changed since this page was loaded",
     "a glossary saved in an editor after the page loaded: nothing written"),
    ("deleted-after-load", lambda c: _after_page_load(c, lambda p: p.unlink()), 409,
     "changed since this page was loaded", "the glossary file removed after the page loaded"),
    ("fifo-after-load", lambda c: _after_page_load(c, _make_fifo), 400, "is not a regular file",
     "the glossary swapped for a FIFO: named and refused as every glossary reader does, nothing blocks"),
    ("link-swapped-after-load", lambda c: _after_page_load(c, _swap_for_link), 400, "is a symbolic link",
     "swapped for a link to an identical copy outside: same bytes, still refused"),
    ("seen-garbage", lambda c: decide(c, seen="0" * 20), 409, "changed since this page was loaded",
     "a `seen` no page computed"),
    ("too-many-targets", lambda c: post(c, "/decide", {"seen": c.seen(), "action": "forbid", "lang": "ru",
                                                       "term": "x", "at": [json.dumps([c.names, f"c{i}"])
                                                                           for i in range(form.MAX_TARGETS + 1)]}),
     400, f"a decision names at most {form.MAX_TARGETS}", "each target is a row edit and an audit line"),
    ("same-target-twice", lambda c: post(c, "/decide", {"seen": c.seen(), "action": "forbid", "lang": "ru",
                                                        "term": "Гызылбулаг",
                                                        "at": [json.dumps([c.names, "kyzylbulag"])] * 2}),
     400, "names the same concept twice", "the same audit line twice in the note"),
    ("gzip-body", lambda c: decide(c).replace(b"Connection: close", b"Content-Encoding: gzip\r\nConnection: close"),
     415, "a compressed form is not accepted", "no decompression, so no zip bomb"),
    ("smuggling", lambda c: decide(c).replace(b"Connection: close",
                                              b"Transfer-Encoding: chunked\r\nConnection: close"),
     0, "", "Content-Length and Transfer-Encoding: read as chunked, the body is not chunks, the connection is "
            "closed without an answer (RFC 9112 6.1: a server may close it) and nothing is decided"),
    ("huge-header", lambda c: request(c, "GET", f"/?token={TOKEN}", headers={"X-Pad": "a" * 4_000_000}), 400,
     "Invalid HTTP request", "a 4 MB header line: the HTTP parser stops buffering at its limit"),
    ("nul-in-header", lambda c: request(c, "GET", f"/?token={TOKEN}", headers={"X-A": "a\x00b"}), 400,
     "Invalid HTTP request", "a NUL in a header value"),
    ("tls-hello", lambda c: bytes.fromhex("16030100a5010000a10303") + os.urandom(64), 400, "Invalid HTTP request",
     "an HTTPS client on the HTTP port"),
    ("http2-preface", lambda c: b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 404, "Not Found",
     "an HTTP/2 prior-knowledge client: its preface reads as a request for `*`, which is no page"),
    ("origin-null", lambda c: decide(c).replace(b"Connection: close", b"Origin: null\r\nConnection: close"), 403,
     "another site", "a data: page posting with the right token"),
    ("fetch-cross-site", lambda c: decide(c).replace(b"Connection: close",
                                                    b"Sec-Fetch-Site: cross-site\r\nConnection: close"),
     403, "another site", "Sec-Fetch-Site from another site"),
    ("no-host", lambda c: request(c, "GET", f"/?token={TOKEN}", host=None).replace(b"HTTP/1.1", b"HTTP/1.0", 1),
     403, "answers only on 127.0.0.1", "HTTP/1.0 without a Host header"),
    ("expect-continue-no-token", lambda c: request(c, "POST", "/decide", headers={
        "Content-Length": "500000000", "Expect": "100-continue"}), 403, "missing or wrong token",
     "a client waiting for 100 Continue gets the refusal instead"),
    ("path-traversal", lambda c: request(c, "GET", f"/../../etc/passwd?token={TOKEN}"), 404, "Not Found",
     "no file is served by path"),
    ("path-traversal-encoded", lambda c: request(c, "GET", f"/%2e%2e/%2e%2e/etc/passwd?token={TOKEN}"), 404,
     "Not Found", "percent-encoded dots"),
    ("options", lambda c: request(c, "OPTIONS", f"/decide?token={TOKEN}"), 405, "Method Not Allowed",
     "no CORS preflight is answered"),
    ("post-to-page", lambda c: request(c, "POST", f"/?token={TOKEN}", b"a=b"), 405, "Method Not Allowed",
     "the conflicts page takes no body"),
    ("huge-query", lambda c: request(c, "GET", f"/?token={TOKEN}&lang=" + "x" * 200_000), 400,
     "Invalid HTTP request", "a 200 kB request line is refused by the HTTP parser's limit"),
    ("bad-content-length", lambda c: request(c, "POST", f"/decide?token={TOKEN}", headers={
        "Content-Length": "-1"}), 400, "Invalid HTTP request", "a negative length"),
    ("reason-forged-stamp", lambda c: decide(c, reason=f"[{STAMP}] ru: 'x' made preferred"), 400,
     "'reason' holds a review stamp", "a typed [review …] stamp would read as a second, forged decision"),
    ("fill-forged-stamp", lambda c: decide(c, action="fill", lang="az", term="", text=f"[{STAMP}] Qızılbulaq"),
     400, "'text' holds a review stamp", "the fill's audit line quotes the text: the same forgery"),
    # --- a term that starts like a spreadsheet formula (glossary.starts_like_a_formula), as add-variant refuses
    ("prefer-formula", lambda c: decide(c, action="prefer", term="=HYPERLINK(\"http://x\",\"Кызылбулаг\")"), 400,
     "not a term: '=HYPERLINK", "a preferred form is the cell's first: a spreadsheet opening the TSV runs it"),
    ("admit-formula-plus", lambda c: decide(c, action="admit", term="+7 495 000"), 400, "starts with '+'",
     "`+` starts a formula too (a phone-number-like term)"),
    ("forbid-formula-at", lambda c: decide(c, term="@SUM(A1)"), 400, "starts with '@'",
     "a forbidden form is refused alike, as add-variant refuses it"),
    ("fill-formula-minus", lambda c: decide(c, action="fill", lang="az", term="", text="-2+3"), 400,
     "starts with '-'", "a filled cell starting with `-`"),
    ("fill-formula-second-term", lambda c: decide(c, action="fill", lang="az", term="", text="Qızılbulaq; =1+1"),
     400, "not a term: '=1+1'", "a formula as the cell's second term: exported or reordered, it leads"),
    ("forbid-formula-after-tab", lambda c: decide(c, term="\t=cmd|' /C calc'!A0"), 400, "not a term: \"=cmd",
     "a leading tab is stripped as the edit strips it; what is left still starts with `=`"),
    ("head", lambda c: request(c, "HEAD", f"/?token={TOKEN}"), 200, "", "HEAD is GET without the page"),
    ("lang-filter-nul", lambda c: request(c, "GET", f"/?token={TOKEN}&lang=%00%ff"), 200, "",
     "the page's language filter is only compared: a NUL shows no card, no crash"),
]


@pytest.fixture
def errors_logged():
    """ERROR records of the server's loggers (an unhandled exception is logged there with its traceback)."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(logging.ERROR)
    loggers = [logging.getLogger(n) for n in ("uvicorn.error", "uvicorn", "asyncio", "toolkit.review")]
    for log in loggers:
        log.addHandler(handler)
    yield records
    for log in loggers:
        log.removeHandler(handler)


@pytest.mark.parametrize(("name", "build", "status", "says", "why"), CASES, ids=[c[0] for c in CASES])
def test_hostile_request(tmp_path, errors_logged, name, build, status, says, why):
    project = project_with_links(tmp_path)
    served = Served(project, [project / "glossaries"])
    try:
        ctx = Ctx(project, served.port)
        data = build(ctx)           # may change the project, as a user between page load and POST would
        before = tree_hashes(project)
        got, body = exchange(served.port, data)
        after = tree_hashes(project)
    finally:
        served.stop()
    assert got == status, (why, body[:500])
    if status not in (0, 200):
        reason = reason_of(body)
        assert says in reason and "\n" not in reason, (why, reason)
    if status != 200:
        assert after == before, why
    assert not errors_logged, [r.getMessage() for r in errors_logged]


def test_control_characters_in_a_findings_fields_stay_out_of_the_row(tmp_path):
    """keep-apart copies the finding's code and term into the note: a tab, a newline or `|` there would
    split the row or the audit trail; they become spaces and / and the row stays one line."""
    project = project_with_links(tmp_path)
    served = Served(project, [project / "glossaries"])
    try:
        ctx = Ctx(project, served.port)
        got, body = exchange(served.port, decide(ctx, action="keep-apart", other="contested\t\n",
                                                 term="Шуша\r\n|x", reason="both in use"))
    finally:
        served.stop()
    assert got == 200, reason_of(body)
    lines = (project / "glossaries" / "names.tsv").read_text(encoding="utf-8").splitlines()
    row = next(line for line in lines if line.startswith("kyzylbulag\t"))
    assert row.endswith(f" | [{STAMP}] keep apart (contested ru Шуша /x): both in use")
    assert len(lines) == len((ROOT / "glossaries" / "names.tsv").read_text(encoding="utf-8").splitlines())


def test_a_double_submitted_decision_is_saved_once_and_the_twin_told_why(tmp_path):
    """Two tabs (or a double click) send the same decision at once: decisions run one at a time, so one is
    saved and the other finds the glossary changed, never "locked by another toolkit run" (its twin)."""
    project = project_with_links(tmp_path)
    served = Served(project, [project / "glossaries"])
    try:
        ctx = Ctx(project, served.port)
        data = decide(ctx)
        socks = [socket.create_connection(("127.0.0.1", served.port), timeout=30) for _ in range(2)]
        for s in socks:
            s.sendall(data)
        answers = []
        for s in socks:
            got = b""
            while chunk := s.recv(65536):
                got += chunk
            s.close()
            answers.append(got)
    finally:
        served.stop()
    statuses = sorted(int(a.split(b" ", 2)[1]) for a in answers)
    assert statuses == [200, 409]
    twin = reason_of(next(a for a in answers if a.startswith(b"HTTP/1.1 409")).partition(b"\r\n\r\n")[2])
    assert "changed since this page was loaded" in twin
    note = glossary.load(project / "glossaries").get("kyzylbulag").note
    assert note.count(f"[{STAMP}]") == 1


def test_slow_and_idle_connections_are_closed_and_the_page_still_answers(tmp_path, errors_logged):
    """Slowloris: headers that never end, and connections that never send a byte, are closed after the
    request timeout; meanwhile the page answers."""
    project = project_with_links(tmp_path)
    served = Served(project, [project / "glossaries"], request_timeout=1.0)
    try:
        ctx = Ctx(project, served.port)
        slow = socket.create_connection(("127.0.0.1", served.port), timeout=30)
        idle = socket.create_connection(("127.0.0.1", served.port), timeout=30)
        slow.sendall(_slow_headers(ctx))
        status, _ = exchange(served.port, request(ctx, "GET", f"/?token={TOKEN}"))
        assert status == 200
        for s in (slow, idle):       # closed by the server: recv returns b"" (bounded by the socket timeout)
            assert s.recv(1024) == b""
            s.close()
    finally:
        served.stop()
    assert not errors_logged


def test_decision_on_a_latin1_tbx_is_saved_in_latin1(tmp_path):
    """A TBX declared ISO-8859-1 takes a decision; the file stays ISO-8859-1 and every byte outside the entry
    stays (was: "this entry uses XML namespace prefixes", though there are none). The file is
    tests/fixtures/glossary/weblate.tbx written as Python's own `ElementTree.write(encoding="ISO-8859-1",
    xml_declaration=True)` writes it: a single-quoted declaration, Cyrillic and Armenian as character
    references, Latin-1 letters as single bytes."""
    import xml.etree.ElementTree as ET

    project = tmp_path / "p"
    (project / "g").mkdir(parents=True)
    tree = ET.parse(FIXTURES / "glossary" / "weblate.tbx")
    next(n for n in tree.iter("note")).text = "mine d'or près de Lachin"
    path = project / "g" / "weblate.tbx"
    tree.write(path, encoding="ISO-8859-1", xml_declaration=True)
    data = path.read_bytes()
    assert data.startswith(b"<?xml version='1.0' encoding='ISO-8859-1'?>") and b"&#1050;" in data
    served = Served(project, [project / "g"])
    try:
        seen = edit.digest(glossary.glossary_files([project / "g"]))
        ctx = Ctx(project, served.port)
        got, body = exchange(served.port, post(ctx, "/decide", {
            "seen": seen, "action": "prefer", "at": json.dumps([str(path), "kyzylbulag"]), "lang": "ru",
            "term": "Дрмбон"}))
    finally:
        served.stop()
    assert got == 200, reason_of(body)
    new = path.read_bytes()
    assert b"pr\xe8s de Lachin" in new and "près".encode() not in new       # Latin-1, not UTF-8
    begin = data.index(b"<termEntry")
    assert new[:begin] == data[:begin] and new.endswith(data[data.index(b'<termEntry id="baku"'):])
    concept = {c.id: c for c in tbx.read(path)}["kyzylbulag"]
    assert concept.preferred("ru") == "Дрмбон"
    assert concept.note == f"mine d'or près de Lachin | [{STAMP}] ru: 'Дрмбон' made preferred"


WEBLATE = (FIXTURES / "glossary" / "weblate.tbx").read_text(encoding="utf-8")
# (name, the file's bytes, status, the reason (a prefix), the file's preferred ru term after, why)
TBX_CASES = [
    ("utf-8-bom", b"\xef\xbb\xbf" + WEBLATE.encode(), 200, "", "Дрмбон",
     "a BOM before the declaration: found, kept"),
    ("windows-1251", WEBLATE.replace('encoding="UTF-8"', 'encoding="windows-1251"').encode(
        "cp1251", "xmlcharrefreplace"), 200, "", "Дрмбон", "an 8-bit Cyrillic code page: the entry is cut out and written back in it"),
    ("utf-16", WEBLATE.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"), 400,
     "the review edits TBX files saved in UTF-8 or an 8-bit encoding, not UTF-16", "Кызылбулаг",
     "entries cannot be cut out of UTF-16 at byte offsets as text: refused, not garbled"),
    ("prefix-from-root", WEBLATE.replace('<martif type="TBX"', '<martif xmlns:x="urn:x" type="TBX"').replace(
        "<note>gold mine</note>", "<note>gold <x:hi>mine</x:hi></note>").encode(), 400,
     ":8: this entry uses XML namespace prefixes declared outside it", "Кызылбулаг",
     "the one case the old message was true for, now with the line of the prefix"),
    ("doctype", WEBLATE.replace("<martif", '<!DOCTYPE martif [<!ENTITY x "y">]>\n<martif', 1).encode(), 400,
     ":2: DTDs and entity declarations are not accepted", "", "the review reads TBX as `glossary check` does"),
]


@pytest.mark.parametrize(("name", "data", "status", "says", "after", "why"), TBX_CASES,
                         ids=[c[0] for c in TBX_CASES])
def test_tbx_decisions_in_unusual_files(tmp_path, name, data, status, says, after, why):
    project = tmp_path / "p"
    (project / "g").mkdir(parents=True)
    path = project / "g" / "w.tbx"
    path.write_bytes(data)
    served = Served(project, [project / "g"])
    try:
        ctx = Ctx(project, served.port)
        got, body = exchange(served.port, post(ctx, "/decide", {
            "seen": edit.digest([path]), "action": "prefer", "at": json.dumps([str(path), "kyzylbulag"]),
            "lang": "ru", "term": "Дрмбон"}))
    finally:
        served.stop()
    assert got == status, (why, reason_of(body))
    if status == 200:
        assert {c.id: c for c in tbx.read(path)}["kyzylbulag"].preferred("ru") == after, why
        assert path.read_bytes()[:60] == data[:60], why        # declaration (and BOM) as they were
    else:
        assert reason_of(body).startswith(f"{path}{says}" if says.startswith(":") else f"{path}: {says}"), why
        assert path.read_bytes() == data, why


def test_a_tbx_nested_3000_deep_is_refused_alike_by_check_and_by_the_review(tmp_path, monkeypatch):
    """`glossary check` accepted it and the review died with RecursionError; both now say the same line."""
    project = tmp_path / "p"
    (project / "g").mkdir(parents=True)
    text = (FIXTURES / "glossary" / "weblate.tbx").read_text(encoding="utf-8")
    text = text.replace("<note>gold mine</note>", "<note>" + "<hi>" * 3000 + "x" + "</hi>" * 3000 + "</note>")
    path = project / "g" / "deep.tbx"
    path.write_text(text, encoding="utf-8")
    expected = f"{path}:8: elements nested more than {tbx.MAX_DEPTH} deep (a TBX entry needs at most 10 levels)"
    monkeypatch.chdir(project)
    result = runner.invoke(cli_app, ["glossary", "check", "--glossary", str(project / "g")])
    assert result.exit_code == 3 and result.stderr.strip() == f"toolkit: error: {expected}"
    before = tree_hashes(project)
    served = Served(project, [project / "g"])
    try:
        ctx = Ctx(project, served.port)
        page, body = exchange(served.port, request(ctx, "GET", f"/?token={TOKEN}"))
        got, posted = exchange(served.port, post(ctx, "/decide", {
            "seen": edit.digest([path]), "action": "prefer", "at": json.dumps([str(path), "kyzylbulag"]),
            "lang": "ru", "term": "Дрмбон"}))
    finally:
        served.stop()
    assert (page, reason_of(body)) == (400, expected)
    assert (got, reason_of(posted)) == (400, expected)
    assert tree_hashes(project) == before


# --- the server in a subprocess: its memory, its descriptors -------------------------------------------

SERVE = textwrap.dedent("""
    import resource, sys
    limit = int(sys.argv[3])
    if limit:
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))
    from toolkit.review import app
    a = app.create_app([sys.argv[1]], sys.argv[2], token="%s", reviewer="tester")
    sock = app.free_socket(0)
    print(sock.getsockname()[1], flush=True)
    app.server(a, sock, request_timeout=float(sys.argv[4])).run(sockets=[sock])
""" % TOKEN)


class Subprocess:
    def __init__(self, project: Path, *, nofile: int = 0, request_timeout: float = 10.0):
        self.proc = subprocess.Popen([sys.executable, "-c", SERVE, str(project / "glossaries"),
                                      str(project / "locales"), str(nofile), str(request_timeout)],
                                     cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.port = int(self.proc.stdout.readline())
        self.ctx = Ctx(project, self.port)

    def peak_rss_kb(self) -> int:
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))

    def get(self) -> int:
        return exchange(self.port, request(self.ctx, "GET", f"/?token={TOKEN}"))[0]

    def stop(self) -> bytes:
        self.proc.terminate()
        try:
            _, err = self.proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return err


def send_streaming(port: int, head: bytes, total: int, piece: bytes) -> int:
    """Send `head`, then `piece` until `total` bytes or the server closes; returns what was sent."""
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        try:
            s.sendall(head)
            while sent < total:
                s.sendall(piece)
                sent += len(piece)
        except (BrokenPipeError, ConnectionResetError):
            pass
    return sent


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmHWM from /proc")
def test_large_bodies_do_not_grow_the_server(tmp_path):
    """1,000 MB without the token, 200 MB of a=b& with it, a chunked stream with it, 1,000 MB to a page that
    does not exist and to one that takes no body: the server's peak RSS grows by less than 50 MB (it grew
    from 47 MB to 4.15 GB), and each sender is cut off early."""
    project = project_with_links(tmp_path)
    server = Subprocess(project)
    try:
        assert server.get() == 200
        base = server.peak_rss_kb()
        ctx = server.ctx
        piece = b"a=b&" * 16_384          # 64 kB
        sends = [
            (request(ctx, "POST", "/decide", headers={"Content-Length": str(1000 << 20)}), 1000 << 20),
            (request(ctx, "POST", f"/decide?token={TOKEN}", headers={"Content-Length": str(200 << 20)}), 200 << 20),
            (chunked(ctx, "/decide", [])[:-5], 200 << 20),     # headers of a chunked body, then chunks
            (request(ctx, "POST", "/no-such-page", headers={"Content-Length": str(1000 << 20)}), 1000 << 20),
            (request(ctx, "GET", f"/?token={TOKEN}", headers={"Content-Length": str(1000 << 20)}), 1000 << 20),
        ]
        for head, total in sends:
            body = piece if b"chunked" not in head else b"%x\r\n%s\r\n" % (len(piece), piece)
            sent = send_streaming(server.port, head, total, body)
            assert sent < total, "the server read the whole body"
        assert server.get() == 200
        grown_mb = (server.peak_rss_kb() - base) / 1024
    finally:
        err = server.stop()
    assert grown_mb < 50, grown_mb
    assert b"Traceback" not in err


def test_idle_connections_under_a_16_descriptor_limit_neither_lock_out_nor_flood(tmp_path):
    """`ulimit -n 16` and 20 idle connections: the page still answers (a new connection closes the oldest
    idle one), and stderr holds no traceback (it was 120,000 EMFILE tracebacks, 49 MB)."""
    project = project_with_links(tmp_path)
    server = Subprocess(project, nofile=16, request_timeout=30.0)
    idle = []
    try:
        assert server.get() == 200
        for _ in range(20):
            idle.append(socket.create_connection(("127.0.0.1", server.port), timeout=30))
        statuses = [server.get() for _ in range(3)]
    finally:
        for s in idle:
            s.close()
        err = server.stop()
    assert statuses == [200, 200, 200]
    assert b"Traceback" not in err and len(err) < 2_000, err[-2000:]


# (column, why) - add-variant goes through the review's row edit; only language cells may change
ADD_VARIANT_COLUMNS = [
    ("id", "would rename the concept (and `id` is Indonesian's code, so babel alone accepts it)"),
    ("kind", "would make the concept do-not-translate with kind `!zzz`"),
    ("note", "would add a term to the audit trail's column"),
    ("RU", "column names are the canonical lower-case codes"),
]


@pytest.mark.parametrize(("column", "why"), ADD_VARIANT_COLUMNS, ids=[c for c, _ in ADD_VARIANT_COLUMNS])
def test_add_variant_edits_only_language_columns(tmp_path, monkeypatch, column, why):
    project = project_with_links(tmp_path)
    monkeypatch.chdir(project)
    before = tree_hashes(project)
    result = runner.invoke(cli_app, ["glossary", "add-variant", "baku", column, "zzz", "--glossary",
                                     "glossaries/names.tsv"])
    assert result.exit_code == 2, (why, result.output)
    assert result.stderr.strip() == (f"toolkit: error: {column!r} is not a language column; add-variant edits a "
                                     "language's cell only (give a language code as the glossary header writes "
                                     "it: ru, az, hy)"), why
    assert tree_hashes(project) == before, why


JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                       lambda inner: st.lists(inner, max_size=4), max_leaves=12)


@given(st.binary(max_size=2_000) | st.text(max_size=500).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_any_body_parses_or_is_refused_as_input(body):
    """Whatever bytes arrive, the form parser answers with fields or an InputError (a 400), nothing else."""
    try:
        fields = form.parse(body)
    except InputError:
        return
    for read in (form.decisions, form.entries, form.seen_catalogs):
        try:
            read(fields)
        except InputError:
            pass


@given(st.sampled_from(["at", "entry", "catalog"]), JSONISH | st.text(max_size=50))
def test_any_packed_value_has_its_shape_or_is_refused(name, value):
    """A packed field is exactly its list of strings and line numbers, or an InputError."""
    raw = value if isinstance(value, str) else json.dumps(value)
    fields = form.Fields({name: [raw], "action": ["forbid"]})
    read = {"at": form.decisions, "entry": form.entries, "catalog": form.seen_catalogs}[name]
    try:
        out = read(fields)
    except InputError:
        return
    if name == "at":
        assert all(isinstance(d.path, str) and isinstance(d.concept, str) for d in out)
    elif name == "entry":
        assert all(type(line) is int and 1 <= line <= form.MAX_LINE for _, line, _ in out)
    else:
        assert all(isinstance(a, str) and isinstance(b, str) for a, b in out)


# --- the review's catalog writes: /fuzzy and revoking a waiver -----------------------------------------------
# The catalogs are the real shapes: tests/fixtures/poedit/ru.po (a Poedit 3.4 save of a `toolkit translate`
# catalog), tests/fixtures/po/crlf.po (a Windows editor's CRLF save) and cp1251_declared_cp1251.po (a legacy
# charset). Every row: the status, a one-line reason, and every file of the project hashed before and after:
# a refusal changes nothing; a 200 changes only the files its row names, in the way it names.

CATALOG = "locales/ru/LC_MESSAGES/article.po"
LINKED = "other/locales/ru/LC_MESSAGES/article.po"      # where locales/ru -> ../other/locales/ru leads
POEDIT = (FIXTURES / "poedit" / "ru.po").read_bytes()
WAIVED = POEDIT.replace(b"# checked against", b"# toolkit: accept lachin\n# checked against", 1)
CRLF = (FIXTURES / "po" / "crlf.po").read_bytes()
CP1251 = (FIXTURES / "po" / "cp1251_declared_cp1251.po").read_bytes()
# b2.s1 as a PO editor with line wrapping off saves it: one line per string (msgcat would wrap it at 79)
UNWRAPPED = re.sub(rb'""\n((?:"[^\n]*"\n)+)', lambda m: b'"' + b"".join(
    line[1:-1] for line in m.group(1).split(b"\n") if line) + b'"\n', POEDIT.split(b"\n\n", 1)[1])
UNWRAPPED = POEDIT.split(b"\n\n", 1)[0] + b"\n\n" + UNWRAPPED


def catalog_project(tmp_path: Path, data: bytes = POEDIT, *, layout: str = "plain") -> Path:
    """project_with_links and one ru catalog: in locales/ (plain), or in another project's folder that
    locales/ru (linked) or locales/ru/LC_MESSAGES (linked-lc) points at, as a cloned repository may have it."""
    project = project_with_links(tmp_path)
    real = project / (CATALOG if layout == "plain" else LINKED)
    real.parent.mkdir(parents=True)
    real.write_bytes(data)
    if layout == "linked":
        (project / "locales" / "ru").symlink_to("../other/locales/ru")
    elif layout == "linked-file":       # the catalog file itself a link into the other project
        (project / CATALOG).parent.mkdir(parents=True)
        (project / CATALOG).symlink_to(os.path.relpath(real, (project / CATALOG).parent))
    elif layout == "linked-lc":
        (project / "locales" / "ru").mkdir()
        (project / "locales" / "ru" / "LC_MESSAGES").symlink_to("../../other/locales/ru/LC_MESSAGES")
    return project


def entry_of(ctx: Ctx, msgid: str) -> tuple[str, int, str, str]:
    """(catalog path as the page names it, the entry's line, its label, the catalog's SHA-256) of the active
    entry with this msgid: the values the page puts in its form."""
    from toolkit import pofile
    from toolkit.catalog import label

    path = ctx.project / CATALOG
    data = path.read_bytes()
    e = next(e for e in pofile.parse(data, pofile.validate_bytes(data, path).charset) if e.msgid == msgid)
    return str(path), e.linenum, label(e), hashlib.sha256(data).hexdigest()


B1 = "Azerbaijan opens a new gold mine in Kalbajar."
B2 = ("The Ministry of Economy said on Tuesday that the mine near the village of Zod will employ about four "
      "hundred people from the surrounding districts once production reaches full capacity next year.")


def mark(ctx: Ctx, *msgids: str, line: int | None = None, then: Callable[[Path], None] | None = None,
         named: str = "") -> bytes:
    """The /fuzzy form as the page sends it for these entries; `line` replaces the first one's line, `then`
    changes the catalog after the page was loaded, `named` is the catalog path the form names instead."""
    entries = [_named(entry_of(ctx, m), ctx, named) for m in msgids]
    fields = {"token": TOKEN, "catalog": json.dumps([entries[0][0], entries[0][3]]),
              "entry": [json.dumps([p, line if line and i == 0 else n, lab]) for i, (p, n, lab, _) in enumerate(entries)]}
    data = post(ctx, "/fuzzy", fields)
    if then is not None:
        then(ctx.project / CATALOG)
    return data


def revoke(ctx: Ctx, *, then: Callable[[Path], None] | None = None, named: str = "") -> bytes:
    """The waiver card's revoke button for `# toolkit: accept lachin` on b1.s1."""
    path, line, lab, sha = _named(entry_of(ctx, B1), ctx, named)
    data = post(ctx, "/decide", {"seen": ctx.seen(), "action": "revoke-waiver", "lang": "ru", "term": "lachin",
                                 "at": json.dumps([ctx.names, "lachin"]), "entry": json.dumps([path, line, lab]),
                                 "catalog": json.dumps([path, sha]), "reason": ""})
    if then is not None:
        then(ctx.project / CATALOG)
    return data


def _named(entry: tuple[str, int, str, str], ctx: Ctx, named: str) -> tuple[str, int, str, str]:
    return (str(ctx.project / named), *entry[1:]) if named else entry


def _insert_comment(path: Path) -> None:
    path.write_bytes(path.read_bytes().replace(b"#. segment b1.s1", b"# a translator's note\n#. segment b1.s1", 1))


def _flag_after(ref: bytes, eol: bytes = b"\n") -> Callable[[bytes, bytes], bool]:
    """The new bytes are the old with a `#, fuzzy` line after this reference line, nothing else."""
    return lambda old, new: new == old.replace(ref + eol, ref + eol + b"#, fuzzy" + eol, 1) != old


WAIVER_GONE = lambda old, new: new == old.replace(b"# toolkit: accept lachin\n", b"", 1) != old  # noqa: E731
NOTED = lambda old, new: "ru: waiver `toolkit: accept lachin` revoked (article b1.s1)".encode() in new  # noqa: E731

# (name, catalog bytes, layout, --follow-links, the request, status, the reason says, {file: (old, new) -> ok}, why)
CATALOG_CASES = [
    ("fuzzy-linked-lang", POEDIT, "linked", False, lambda c: mark(c, B1), 400,
     "locales/ru: is a symbolic link (to ../other/locales/ru); refusing to write catalogs through it", {},
     "locales/ru -> another project's catalogs: refused as translate refuses it, nothing written"),
    ("fuzzy-linked-lang-followed", POEDIT, "linked", True, lambda c: mark(c, B1), 200, "",
     {LINKED: _flag_after(b"#: article.txt:1")}, "`review --follow-links`: the link is meant, written through"),
    ("fuzzy-linked-lc-messages", POEDIT, "linked-lc", False, lambda c: mark(c, B1), 400,
     "LC_MESSAGES: is a symbolic link (to ../../other/locales/ru/LC_MESSAGES)", {},
     "the LC_MESSAGES folder linked instead: refused alike"),
    ("revoke-linked-lang", WAIVED, "linked", False, revoke, 400, "locales/ru: is a symbolic link (to ../other", {},
     "revoking a waiver writes the catalog too: refused, and the glossary's note is not written either"),
    ("revoke-linked-lang-followed", WAIVED, "linked", True, revoke, 200, "",
     {LINKED: WAIVER_GONE, "glossaries/names.tsv": NOTED}, "with --follow-links: the waiver line goes, the note says so"),
    # --- our own ----------------------------------------------------------------------------------------
    ("fuzzy-fifo-after-load", POEDIT, "plain", False, lambda c: mark(c, B1, then=_make_fifo), 400,
     "is not a regular file", {}, "the catalog swapped for a FIFO after page load: named, nothing blocks"),
    ("fuzzy-link-after-load", POEDIT, "plain", False, lambda c: mark(c, B1, then=_swap_for_link), 400,
     "is a symbolic link", {}, "swapped for a link to an identical copy: same bytes, still not written through"),
    ("revoke-fifo-after-load", WAIVED, "plain", False, lambda c: revoke(c, then=_make_fifo), 400,
     "is not a regular file", {}, "the waiver's catalog swapped for a FIFO: the glossary is not written either"),
    ("revoke-link-target", WAIVED, "linked-file", False, lambda c: revoke(c, named=LINKED), 400,
     "not a catalog under the locales folder", {},
     "a catalog that is a link, and the form naming the file it points to: that file is not under locales/ "
     "(was rewritten, with the glossary's note)"),
    ("fuzzy-link-target", POEDIT, "linked-file", False, lambda c: mark(c, B1, named=LINKED), 400,
     "not a catalog under the locales folder", {}, "the same for /fuzzy"),
    ("fuzzy-line-now-another-entry", POEDIT, "plain", False,
     lambda c: mark(c, B1, line=entry_of(c, B2)[1]), 409, "the entry moved since this page was loaded", {},
     "the line holds b2.s1, the form says b1.s1: never the wrong entry marked"),
    ("fuzzy-edited-after-load", POEDIT, "plain", False, lambda c: mark(c, B1, then=_insert_comment), 409,
     "the catalog changed since this page was loaded", {}, "a translator saved the catalog meanwhile (lines moved)"),
    ("fuzzy-legacy-charset", CP1251, "plain", False, lambda c: mark(c, "Baku is the capital."), 200, "",
     {CATALOG: _flag_after(b"#: article.txt:1")}, "a CP1251 catalog stays CP1251, only the flag line is new"),
    ("fuzzy-crlf", CRLF, "plain", False, lambda c: mark(c, "Baku is the capital."), 200, "",
     {CATALOG: _flag_after(b"#: article.txt:1", b"\r\n")}, "CRLF kept: the new line ends in CRLF too"),
    ("fuzzy-flags-line", CRLF.replace(b"#: article.txt:2\r\n", b"#: article.txt:2\r\n#, c-format\r\n"), "plain", False,
     lambda c: mark(c, "%d village"), 200, "",
     {CATALOG: lambda o, n: n == o.replace(b"#, c-format\r\n", b"#, fuzzy, c-format\r\n") != o},
     "a plural entry with a flag line: fuzzy joins it first, as msgattrib --set-fuzzy writes it"),
    ("fuzzy-editor-wrapping", UNWRAPPED, "plain", False, lambda c: mark(c, B2), 200, "",
     {CATALOG: _flag_after(b"#: article.txt:3")}, "an editor's unwrapped lines stay unwrapped (was: rewrapped at 79)"),
    ("fuzzy-ticked-twice", POEDIT, "plain", False, lambda c: mark(c, B1, B1), 200, "",
     {CATALOG: _flag_after(b"#: article.txt:1")}, "the same entry twice: one flag"),
]


@pytest.mark.parametrize(("name", "data", "layout", "follow", "build", "status", "says", "changes", "why"),
                         CATALOG_CASES, ids=[c[0] for c in CATALOG_CASES])
def test_hostile_catalog_write(tmp_path, errors_logged, name, data, layout, follow, build, status, says, changes,
                               why):
    project = catalog_project(tmp_path, data, layout=layout)
    served = Served(project, [project / "glossaries"], follow_links=follow)
    try:
        ctx = Ctx(project, served.port)
        request_bytes = build(ctx)          # may change the project, as a user between page load and POST would
        before = tree_hashes(project)
        old = {rel: (project / rel).read_bytes() for rel in changes}
        got, body = exchange(served.port, request_bytes)
        after = tree_hashes(project)
    finally:
        served.stop()
    reason = reason_of(body)
    assert got == status, (why, reason[:500])
    assert says in reason and (status == 200 or "\n" not in reason), (why, reason[:500])
    moved = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    assert moved == {str(project / rel) for rel in changes}, why
    for rel, ok in changes.items():
        assert ok(old[rel], (project / rel).read_bytes()), why
        if rel.endswith(".po"):
            result = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(project / rel)], capture_output=True)
            assert result.returncode == 0, result.stderr
    assert not errors_logged, [r.getMessage() for r in errors_logged]
