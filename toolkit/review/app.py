"""The review web app: server-rendered pages and plain HTML forms (no JavaScript), on 127.0.0.1 only.

Safety, as Jupyter does it: a per-run secret token in every URL (the forms post to `/decide?token=…`);
POSTs from another origin are refused (the `Origin` / `Sec-Fetch-Site` headers a browser sends), and so is
a Host that is not this loopback address (DNS rebinding). All of that is decided from the request line and
headers, before a byte of the body is read: anyone on the machine can connect, only the token holder gets
a body read, and then at most MAX_BODY bytes and MAX_FIELDS fields, parsed off the event loop. Every
field is checked for its shape (form.py), so a garbled one is a 400 naming it, never a 500. Every glossary
and catalog string reaches the HTML through Jinja2's autoescaping, and the Content-Security-Policy allows
no script at all.
"""
from __future__ import annotations

import getpass
import secrets
import socket
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from ..errors import ChangedOnDisk, LockedError, ToolkitError
from . import cards, edit, form, render
from . import fuzzy as fuzzy_mod
from .form import MAX_BODY

PAGE_SIZE = 100          # cards per page, errors first; the language filter shows the others
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")


@dataclass(frozen=True, slots=True)
class Settings:
    glossary: tuple[Path, ...]
    locales: Path
    token: str
    reviewer: str
    follow_links: bool = False    # --follow-links: a linked <lang> folder under locales/ may be written through


def create_app(glossary: Sequence[Path], locales: Path, *, token: str | None = None,
               reviewer: str | None = None, clock: Callable[[], datetime] | None = None,
               follow_links: bool = False) -> Starlette:
    """The app; `clock` (default: now, UTC) dates the decisions, so tests can assert exact bytes.
    `follow_links`: the catalog writes (marking fuzzy, revoking a waiver) go through a linked language folder
    instead of refusing it, as `translate --follow-links` does."""
    settings = Settings(tuple(Path(g) for g in glossary), Path(locales), token or secrets.token_urlsafe(24),
                        reviewer or _user(), follow_links)

    async def conflicts(request: Request) -> Response:
        if (refused := _refuse(request, settings)) is not None:
            return refused
        return await run_in_threadpool(_conflicts, request.query_params.get("lang", ""))

    def _conflicts(lang: str) -> Response:
        try:
            board = cards.build(settings.glossary, settings.locales, lang=lang, limit=PAGE_SIZE)
            return _page(render.conflicts_page(board, settings.token, _seen(settings), lang))
        except ToolkitError as exc:       # a glossary or catalog broken on disk while the page is open
            return _page(render.message_page("Cannot show the conflicts", str(exc), settings.token, stale=True), 400)

    async def summary(request: Request) -> Response:
        if (refused := _refuse(request, settings)) is not None:
            return refused
        return await run_in_threadpool(_summary)

    def _summary() -> Response:
        try:
            return _page(render.summary_page(_board(settings), settings.token, _stats(settings)))
        except ToolkitError as exc:
            return _page(render.message_page("Cannot show the summary", str(exc), settings.token, stale=True), 400)

    async def decide(request: Request) -> Response:
        return await _post(request, settings, _decide, "Not saved")

    # Decisions run in worker threads: one at a time, so a second one (a double click, another tab) waits
    # and then finds the glossary changed, instead of failing on the catalogs' lock its twin holds.
    writing = threading.Lock()

    def _decide(fields: form.Fields) -> Response:
        decisions = form.decisions(fields)
        with writing:
            before = _broken_now(settings)
            try:
                written = edit.apply(decisions, glossary_paths=settings.glossary, locales=settings.locales,
                                     seen=fields.one("seen"), who=settings.reviewer,
                                     when=clock() if clock else None, confirmed=fields.one("confirm") == "yes",
                                     follow_links=settings.follow_links)
            except edit.NewErrors as exc:     # nothing written: the reviewer confirms, or goes back
                return _page(render.confirm_page(exc, fields.values, settings.token), 409)
        board = _board(settings, evidence=False)
        touched = {d.concept for d in decisions} | {d.other for d in decisions if d.action == "merge"}
        return _page(render.saved_page(board, settings.token, decisions, [cards.shown(p) for p in written],
                                       touched, before))

    async def fuzzy(request: Request) -> Response:
        return await _post(request, settings, _fuzzy, "Not marked")

    def _fuzzy(fields: form.Fields) -> Response:
        entries, page = form.entries(fields), form.seen_catalogs(fields)
        with writing:
            marked = fuzzy_mod.mark(settings.locales, entries, page, follow_links=settings.follow_links)
        return _page(render.message_page("Marked fuzzy", f"{marked} approved entr{'y' if marked == 1 else 'ies'} "
                                         "marked fuzzy for re-review; their translations are unchanged.",
                                         settings.token, ok=True))

    app = Starlette(routes=[Route("/", conflicts), Route("/summary", summary),
                            Route("/decide", decide, methods=["POST"]), Route("/fuzzy", fuzzy, methods=["POST"])])
    app.state.settings = settings
    return app


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _page(html: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(html, status, headers={"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                                               "Referrer-Policy": "same-origin", "Cache-Control": "no-store"})


def _refuse(request: Request, settings: Settings) -> Response | None:
    """None when the request may proceed; otherwise the refusal. Only the request line and headers are
    looked at: a refused POST never has its body read."""
    host = (request.headers.get("host") or "").rsplit(":", 1)[0]
    if host not in ("127.0.0.1", "localhost"):
        return _refused(403, "this page answers only on 127.0.0.1")
    if request.method == "POST":
        origin = request.headers.get("origin")
        site = request.headers.get("sec-fetch-site")
        own = f"{request.url.scheme}://{request.headers.get('host')}"
        if (origin is not None and origin != own) or site not in (None, "same-origin", "none"):
            return _refused(403, "a request from another site was refused")
    given = request.query_params.getlist("token")
    if len(given) != 1 or not secrets.compare_digest(given[0].encode("utf-8", "surrogatepass"),
                                                     settings.token.encode()):
        return _refused(403, "missing or wrong token: open the URL `toolkit review` printed")
    return None


def _refused(status: int, message: str) -> HTMLResponse:
    # Connection: close, so a body the client is still sending is not read (and kept) after the answer.
    response = _page(render.message_page("Refused", message, None), status)
    response.headers["Connection"] = "close"
    return response


async def _post(request: Request, settings: Settings, work: Callable[[form.Fields], Response],
                failed: str) -> Response:
    """A form POST: the checks on the headers, the body read up to MAX_BODY, then `work` in a thread (a
    decision reads and writes files, and the event loop must keep answering other requests)."""
    if (refused := _refuse(request, settings)) is not None:
        return refused
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
        return _refused(415, "the form must be sent as application/x-www-form-urlencoded; reload the page")
    if request.headers.get("content-encoding", "identity").strip().lower() != "identity":
        return _refused(415, "a compressed form is not accepted (no page sends one); reload the page")
    try:
        body = await _body(request)
    except form.TooLarge as exc:
        return _refused(413, str(exc))
    except ClientDisconnect:
        return _refused(400, "the request ended before its body did")
    try:
        return await run_in_threadpool(_work, body, work)
    except (ChangedOnDisk, LockedError) as exc:
        return _page(render.message_page(failed, str(exc), settings.token, stale=True), 409)
    except ToolkitError as exc:
        return _page(render.message_page(failed, str(exc), settings.token), 400)


def _work(body: bytes, work: Callable[[form.Fields], Response]) -> Response:
    return work(form.parse(body))


async def _body(request: Request) -> bytes:
    """The body, refused as soon as it is known to be larger than MAX_BODY (by its Content-Length, or
    by the bytes received for a chunked one)."""
    length = request.headers.get("content-length")
    if length is not None and int(length) > MAX_BODY:     # h11 has checked it is a number
        raise form.TooLarge(int(length))
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise form.TooLarge(size, streamed=True)
        chunks.append(chunk)
    return b"".join(chunks)


def _board(settings: Settings, *, evidence: bool = True) -> cards.Board:
    return cards.build(settings.glossary, settings.locales, evidence=evidence)


def _broken_now(settings: Settings) -> set[tuple[str, int]]:
    from .. import glossary

    loaded = glossary.load(list(settings.glossary))
    segments, _ = cards.read_catalogs(settings.locales, loaded)
    broken = cards.broken_entries(loaded, settings.locales, segments)
    return {(s.path, s.line) for s in broken}


def _seen(settings: Settings) -> str:
    from .. import glossary

    return edit.digest(glossary.glossary_files(list(settings.glossary)))


def _stats(settings: Settings) -> list:
    from .. import glossary, locales, stats

    if not locales.catalogs(settings.locales, missing_ok=True):
        return []
    return stats.collect(settings.locales, glossary=glossary.load(list(settings.glossary)))


def free_socket(port: int = 0) -> socket.socket:
    """A listening socket on 127.0.0.1 (port 0: a free one the kernel picks, with no race)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as exc:
        sock.close()
        from ..errors import UsageError

        raise UsageError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}", hint="choose another --port") from None
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


def server(app: Starlette, sock: socket.socket, *, request_timeout: float | None = None):
    """A uvicorn server for `app` on `sock`; call `.run(sockets=[sock])` (the CLI) or run it in a thread.
    How it holds up against idle connections and a short descriptor limit is `serve`'s."""
    from . import serve

    return serve.server(app, request_timeout=serve.REQUEST_TIMEOUT if request_timeout is None else request_timeout)
