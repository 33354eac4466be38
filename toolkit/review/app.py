"""The review web app: server-rendered pages and plain HTML forms (no JavaScript), on 127.0.0.1 only.

Safety, as Jupyter does it: a per-run secret token in every URL and form; POSTs from another origin are
refused (the `Origin` / `Sec-Fetch-Site` headers a browser sends), and so is a Host that is not this
loopback address (DNS rebinding). Every glossary and catalog string reaches the HTML through Jinja2's
autoescaping, and the Content-Security-Policy allows no script at all.
"""
from __future__ import annotations

import getpass
import json
import secrets
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from ..errors import ChangedOnDisk, LockedError, ToolkitError
from . import cards, decision, edit, render

PAGE_SIZE = 100          # cards per page, errors first; the language filter shows the others
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")


@dataclass(frozen=True, slots=True)
class Settings:
    glossary: tuple[Path, ...]
    locales: Path
    token: str
    reviewer: str


def create_app(glossary: Sequence[Path], locales: Path, *, token: str | None = None,
               reviewer: str | None = None, clock: Callable[[], datetime] | None = None) -> Starlette:
    """The app; `clock` (default: now, UTC) dates the decisions, so tests can assert exact bytes."""
    settings = Settings(tuple(Path(g) for g in glossary), Path(locales), token or secrets.token_urlsafe(24),
                        reviewer or _user())

    async def conflicts(request: Request) -> Response:
        if (refused := _refuse(request, settings, None)) is not None:
            return refused
        lang = request.query_params.get("lang", "")
        try:
            board = cards.build(settings.glossary, settings.locales, lang=lang, limit=PAGE_SIZE)
            return _page(render.conflicts_page(board, settings.token, _seen(settings), lang))
        except ToolkitError as exc:       # a glossary or catalog broken on disk while the page is open
            return _page(render.message_page("Cannot show the conflicts", str(exc), settings.token, stale=True), 400)

    async def summary(request: Request) -> Response:
        if (refused := _refuse(request, settings, None)) is not None:
            return refused
        try:
            return _page(render.summary_page(_board(settings), settings.token, _stats(settings)))
        except ToolkitError as exc:
            return _page(render.message_page("Cannot show the summary", str(exc), settings.token, stale=True), 400)

    async def decide(request: Request) -> Response:
        form = await _form(request)
        if (refused := _refuse(request, settings, form)) is not None:
            return refused
        try:
            decisions = _decisions(form)
            before = _broken_now(settings)
            written = edit.apply(decisions, glossary_paths=settings.glossary, locales=settings.locales,
                                 seen=_one(form, "seen"), who=settings.reviewer,
                                 when=clock() if clock else None, confirmed=_one(form, "confirm") == "yes")
        except edit.NewErrors as exc:      # nothing written: the reviewer confirms, or goes back
            return _page(render.confirm_page(exc, form, settings.token), 409)
        except (ChangedOnDisk, LockedError) as exc:
            return _page(render.message_page("Not saved", str(exc), settings.token, stale=True), 409)
        except ToolkitError as exc:
            return _page(render.message_page("Not saved", str(exc), settings.token), 400)
        board = _board(settings, evidence=False)
        touched = {d.concept for d in decisions} | {d.other for d in decisions if d.action == "merge"}
        return _page(render.saved_page(board, settings.token, decisions, [cards.shown(p) for p in written],
                                       touched, before))

    async def fuzzy(request: Request) -> Response:
        form = await _form(request)
        if (refused := _refuse(request, settings, form)) is not None:
            return refused
        try:
            marked = _mark_fuzzy(settings, form.get("entry", []), form.get("catalog", []))
        except (ChangedOnDisk, LockedError) as exc:
            return _page(render.message_page("Not marked", str(exc), settings.token, stale=True), 409)
        except ToolkitError as exc:
            return _page(render.message_page("Not marked", str(exc), settings.token), 400)
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


def _refuse(request: Request, settings: Settings, form: dict | None) -> Response | None:
    """None when the request may proceed; otherwise the refusal."""
    host = (request.headers.get("host") or "").rsplit(":", 1)[0]
    if host not in ("127.0.0.1", "localhost"):
        return _page(render.message_page("Refused", "this page answers only on 127.0.0.1", None), 403)
    if request.method == "POST":
        origin = request.headers.get("origin")
        site = request.headers.get("sec-fetch-site")
        own = f"{request.url.scheme}://{request.headers.get('host')}"
        if (origin is not None and origin != own) or site not in (None, "same-origin", "none"):
            return _page(render.message_page("Refused", "a request from another site was refused", None), 403)
    given = _one(form, "token") if form is not None else request.query_params.get("token", "")
    if not given or not secrets.compare_digest(given.encode(), settings.token.encode()):
        return _page(render.message_page("Refused", "missing or wrong token: open the URL `toolkit review` printed",
                                         None), 403)
    return None


async def _form(request: Request) -> dict[str, list[str]]:
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
        return {}
    body = await request.body()
    return parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)


def _one(form: dict[str, list[str]] | None, name: str) -> str:
    values = (form or {}).get(name) or [""]
    return values[0]


def _decisions(form: dict[str, list[str]]) -> list[decision.Decision]:
    action = _one(form, "action")
    entry = tuple(_unpack(_one(form, "entry"), 3)) if _one(form, "entry") else None
    catalog_sha = _unpack(_one(form, "catalog"), 2)[1] if _one(form, "catalog") else ""
    if entry is not None and not (isinstance(entry[0], str) and type(entry[1]) is int and isinstance(entry[2], str)) \
            or not isinstance(catalog_sha, str):
        raise ToolkitError("a form field is garbled; reload the page")
    targets = [_unpack(t, 2) for t in form.get("at", [])]
    if not targets and action == "revoke-waiver":     # a waiver naming no concept: only the entry changes
        targets = [["", ""]]
    out = []
    for path, concept in targets:
        out.append(decision.Decision(action, path, concept, _one(form, "lang"),
                                     _one(form, "term") or _one(form, "text"), _one(form, "other"),
                                     _one(form, "other_path"), _one(form, "reason"), entry, catalog_sha))
    if not out:
        raise ToolkitError("the form names no concept; reload the page")
    return out


def _board(settings: Settings, *, evidence: bool = True) -> cards.Board:
    return cards.build(settings.glossary, settings.locales, evidence=evidence)


def _broken_now(settings: Settings) -> set[tuple[str, int]]:
    from .. import glossary

    segments, _ = cards.read_catalogs(settings.locales)
    broken = cards.broken_entries(glossary.load(list(settings.glossary)), settings.locales, segments)
    return {(s.path, s.line) for s in broken}


def _seen(settings: Settings) -> str:
    from .. import glossary

    return edit.digest(glossary.glossary_files(list(settings.glossary)))


def _stats(settings: Settings) -> list:
    from .. import glossary, locales, stats

    if not locales.catalogs(settings.locales, missing_ok=True):
        return []
    return stats.collect(settings.locales, glossary=glossary.load(list(settings.glossary)))


def _unpack(value: str, n: int) -> list:
    """Form values that carry several fields are JSON lists (HTML attributes cannot hold NUL, and browsers
    rewrite newlines in submitted values)."""
    try:
        out = json.loads(value)
    except ValueError:
        out = None
    if not isinstance(out, list) or len(out) != n:
        raise ToolkitError("a form field is garbled; reload the page")
    return out


def _mark_fuzzy(settings: Settings, entries: Sequence[str], seen: Sequence[str]) -> int:
    """Add the fuzzy flag to approved entries ([path, line, msgctxt]), never touching their text."""
    from .. import fsutil, pofile

    wanted: dict[str, list[tuple[int, str]]] = {}
    for item in entries:
        path, line, ctxt = _unpack(item, 3)
        wanted.setdefault(str(path), []).append((int(line), str(ctxt)))
    if not wanted:
        raise ToolkitError("no entry was ticked")
    page = {tuple(_unpack(v, 2)) for v in seen}
    known = {p: (lang, sha) for lang, p, sha in cards.read_catalogs(settings.locales)[1]}
    marked = 0
    with fsutil.locked(settings.locales):
        for path, items in wanted.items():
            if path not in known:
                raise ToolkitError("not a catalog under the locales folder", path=path)
            lang, sha = known[path]
            if (path, sha) not in page:
                raise ChangedOnDisk("the catalog changed since this page was loaded; nothing was marked",
                                    path=cards.shown(path), hint="reload the page")
            before = pofile.snapshot(Path(path), lang=lang)
            po = before.po
            by_line = {e.linenum: e for e in po if not e.obsolete}
            for line, ctxt in items:
                e = by_line.get(line)
                if e is None or cards.label(e) != ctxt:
                    raise ChangedOnDisk("the entry moved since this page was loaded; nothing was marked",
                                        path=cards.shown(path), line=line, hint="reload the page")
                if not e.fuzzy:
                    e.flags.append("fuzzy")
                    marked += 1
            pofile.write(po, Path(path), previous=before)
    return marked


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


def server(app: Starlette, sock: socket.socket):
    """A uvicorn server for `app` on `sock`; call `.run(sockets=[sock])` (the CLI) or run it in a thread."""
    import uvicorn

    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=1)
    return uvicorn.Server(config)
