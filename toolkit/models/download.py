"""Fetch model files over HTTP(S): our own User-Agent, an overall deadline, resumable retries, a size cap.

What the real servers taught (argos-translate `argostranslate/networking.py`): the Argos model server answers
HTTP 403 to Python's default `Python-urllib/3.x` User-Agent (argos-translate #269), so every request names this
program. A 100-200 MB package over a poor line gets cut short: the transfer is retried with an HTTP Range
request that continues where it stopped (when the server honours ranges, else from zero), and what was received
is hashed on the way so the manifest can record its SHA-256. Whatever the server does, the download ends: an
overall deadline (a server that drips one byte a second is stopped), a cap on the size, and a Content-Length
that must be a number.

Errors are typed: `NoNetwork` when no server could be reached (the offline route applies), `DownloadError`
when a server answered but the download failed (403 is a refusal, 500 a server fault: neither is "no network").
Every message names the URL, never the temporary file.
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import http.client
import io
import os
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from .. import __version__
from ..errors import DownloadError, NoNetwork, WriteError

#: Not "Python-urllib/…": the Argos model server refuses that one with 403.
USER_AGENT = f"toolkit/{__version__} (offline news translation; +https://github.com/argosopentech/argospm-index)"

#: progress(label, bytes_done, bytes_total or None)
Progress = Callable[[str, int, "int | None"], None]

OFFLINE_ROUTE = "download the file elsewhere and run `toolkit models install FILE`"


@dataclass(frozen=True, slots=True)
class Limits:
    deadline: float = 3 * 3600.0      # seconds for the whole download, retries included
    stall: float = 60.0               # no byte for this long: the connection is dead, retry
    attempts: int = 4                 # tries in all, each resuming where the last one stopped
    backoff: float = 1.0              # seconds before retry n: backoff * n
    max_bytes: int = 8 << 30          # larger than any model we handle (NLLB-3.3B fp16 is 6.6 GB)


#: Tests shrink these (monkeypatch) to meet a dripping or endless server within a second.
LIMITS = Limits()


@dataclass(frozen=True, slots=True)
class Fetched:
    path: Path | None
    size: int
    sha256: str


@dataclass(slots=True)
class _State:
    done: int = 0
    total: int | None = None
    validator: str | None = None      # ETag or Last-Modified, sent as If-Range so a resume never splices files
    sha: "hashlib._Hash" = field(default_factory=hashlib.sha256)

    def restart(self, out: BinaryIO) -> None:
        out.seek(0)
        out.truncate()
        self.done, self.sha = 0, hashlib.sha256()


class _Retry(Exception):
    """A transient failure: try again (resuming) while attempts and time remain; `error` if not."""

    def __init__(self, error: Exception) -> None:
        self.error = error


def check_url(url: str) -> str:
    """The URL if it is a well-formed http(s) URL with a host; DownloadError naming it otherwise."""
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port                                    # raises ValueError on a bad port
    except ValueError as exc:                         # e.g. "http://[::1/x": Invalid IPv6 URL
        raise DownloadError(f"not a valid URL: {exc}", path=url) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise DownloadError(f"cannot download {parts.scheme or 'scheme-less'} URLs; only http and https",
                            path=url)
    if not parts.hostname:
        raise DownloadError("the URL names no host", path=url)
    if any(ch in url for ch in "\r\n\0 "):
        raise DownloadError("the URL contains spaces or control characters", path=url)
    return url


def file_name(url: str, default: str = "download") -> str:
    """A safe local file name from the URL's last path segment (never '', '.', '..' or one with a slash)."""
    try:
        path = urllib.parse.unquote(urllib.parse.urlsplit(url).path)
    except ValueError:
        return default
    name = PurePosixPath(path).name if not path.endswith("/") else ""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", name).lstrip(".")
    return name[:120] or default


def fetch(url: str, dest: Path, *, progress: Progress | None = None, label: str | None = None,
          limits: Limits | None = None, offline_route: str = OFFLINE_ROUTE) -> Fetched:
    """Download `url` into `dest`, a new file (never one that exists, never through a symlink)."""
    check_url(url)
    try:
        fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise WriteError(f"cannot create the download file: {exc.strerror or exc}", path=dest) from None
    out = os.fdopen(fd, "wb")
    try:
        fetched = _fetch_into(url, out, progress=progress, label=label, limits=limits or LIMITS,
                              offline_route=offline_route)
        out.flush()
        os.fsync(out.fileno())
    except OSError as exc:
        raise _write_error(exc, url) from None
    finally:
        with contextlib.suppress(OSError):   # flushed already; a failing close must not mask the real error
            out.close()
    return Fetched(dest, fetched.size, fetched.sha256)


def read(url: str, *, max_bytes: int = 64 << 20, limits: Limits | None = None,
         offline_route: str = OFFLINE_ROUTE) -> bytes:
    """The body of a small resource (the package index), with the same rules as `fetch`."""
    check_url(url)
    limits = limits or LIMITS
    buf = io.BytesIO()
    _fetch_into(url, buf, progress=None, label=None, offline_route=offline_route,
                limits=Limits(limits.deadline, limits.stall, limits.attempts, limits.backoff,
                              min(max_bytes, limits.max_bytes)))
    return buf.getvalue()


def _fetch_into(url: str, out: BinaryIO, *, progress: Progress | None, label: str | None, limits: Limits,
                offline_route: str) -> Fetched:
    end = time.monotonic() + limits.deadline
    state = _State()
    what = label or file_name(url)
    for attempt in range(1, limits.attempts + 1):
        try:
            _transfer(url, out, state, end, limits, progress, what, offline_route)
            return Fetched(None, state.done, state.sha.hexdigest())
        except _Retry as retry:
            pause = limits.backoff * attempt
            if attempt == limits.attempts or time.monotonic() + pause >= end:
                raise retry.error from None
            time.sleep(pause)
    raise AssertionError("unreachable")


class _NoOddRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) only (urllib would also follow one to ftp://)."""

    max_redirections = 5

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urllib.parse.urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise DownloadError(f"the server redirected to {newurl!r}, which is not http(s)", path=req.full_url)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _Watch:
    """The sockets one attempt opened, shut down by a timer at the deadline: a recv blocked on a server that
    drips its headers (or anything) one byte at a time then returns, which no per-read timeout achieves."""

    def __init__(self) -> None:
        self.sockets: list[socket.socket] = []
        self.fired = False
        self.lock = threading.Lock()

    def add(self, sock: socket.socket) -> None:
        with self.lock:
            self.sockets.append(sock)
            if self.fired:
                _shutdown(sock)

    def fire(self) -> None:
        with self.lock:
            self.fired = True
            for sock in self.sockets:
                _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


_current = threading.local()


def _watched(connection_class: type) -> type:
    class Watched(connection_class):
        def connect(self) -> None:
            super().connect()
            watch = getattr(_current, "watch", None)
            if watch is not None:
                watch.add(self.sock)

    return Watched


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_watched(http.client.HTTPConnection), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_watched(http.client.HTTPSConnection), req, context=self._context)


_OPENER = urllib.request.build_opener(_NoOddRedirects, _HTTPHandler, _HTTPSHandler)


def _transfer(url: str, out: BinaryIO, state: _State, end: float, limits: Limits, progress: Progress | None,
              what: str, offline_route: str) -> None:
    """One attempt: ask for what is still missing, check the answer's headers, receive the body; all of it
    under a timer that cuts the connection at the deadline."""
    watch = _Watch()
    timer = threading.Timer(max(0.0, end - time.monotonic()), watch.fire)
    timer.daemon = True
    _current.watch = watch
    timer.start()
    try:
        resp = _request(url, state, end, limits, offline_route)
        if resp is None:
            return
        with resp:
            total = _accept(resp, url, out, state, limits)
            label = f"{what} ({total / 1e6:.1f} MB)" if total else what
            if progress:
                progress(label, state.done, total)
            _receive(resp, url, out, state, end, limits,
                     lambda: progress and progress(label, state.done, total))
        if watch.fired:                    # the body "ended" because the timer cut it
            raise _deadline(url, state, limits)
        if total is not None and state.done < total:
            raise _Retry(_cut_short(url, state, None))
    except _Retry:
        if watch.fired:
            raise _deadline(url, state, limits) from None
        raise
    finally:
        timer.cancel()
        _current.watch = None


def _request(url: str, state: _State, end: float, limits: Limits, offline_route: str):
    """The open response (None if a resume found the file already complete); errors typed and worded."""
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
    if state.done:
        headers["Range"] = f"bytes={state.done}-"
        if state.validator:
            headers["If-Range"] = state.validator
    remaining = end - time.monotonic()
    if remaining <= 0:
        raise _deadline(url, state, limits)
    try:
        return _OPENER.open(urllib.request.Request(url, headers=headers), timeout=min(limits.stall, remaining))
    except urllib.error.HTTPError as exc:
        exc.close()
        if exc.code == 416 and state.done and state.total == state.done:
            return None                                # the last attempt had everything but the close
        raise _http_error(exc.code, exc.reason, url, offline_route) from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:  # DNS, refused, timeouts, resets
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        raise _Retry(NoNetwork(f"cannot reach the server: {_reason(reason)}", path=url,
                               hint=f"no network; {offline_route}")) from None


def _accept(resp, url: str, out: BinaryIO, state: _State, limits: Limits) -> int | None:
    """The total size the answer promises; a 206 must continue exactly where we stopped, a 200 starts over."""
    length = _content_length(resp.headers.get("Content-Length"), url)
    if state.done and resp.status == 206:
        if _range_start(resp.headers.get("Content-Range")) != state.done:   # not the range we asked for
            state.restart(out)
            raise _Retry(DownloadError("the server resumed at the wrong offset", path=url))
        total = state.done + length if length is not None else state.total
    else:
        if state.done:                                 # the server ignored the Range: the whole file again
            state.restart(out)
        total = length
        state.validator = resp.headers.get("ETag") or resp.headers.get("Last-Modified")
    state.total = total
    if total is not None and total > limits.max_bytes:
        raise DownloadError(f"the server announces {total:,} bytes, more than the {limits.max_bytes:,} "
                            "allowed for a model", path=url)
    return total


def _receive(resp, url: str, out: BinaryIO, state: _State, end: float, limits: Limits,
             report: Callable[[], object]) -> None:
    while True:
        if time.monotonic() > end:
            raise _deadline(url, state, limits)
        try:
            # read1 returns what has arrived, so a server that drips bytes still meets the deadline check
            chunk = resp.read1(1 << 20)
        except (OSError, http.client.HTTPException) as exc:
            raise _Retry(_cut_short(url, state, exc)) from None
        if not chunk:
            return
        if state.done + len(chunk) > limits.max_bytes:
            raise DownloadError(f"the download exceeds the {limits.max_bytes:,} bytes allowed for a model",
                                path=url)
        try:
            out.write(chunk)
        except OSError as exc:
            raise _write_error(exc, url) from None
        state.sha.update(chunk)
        state.done += len(chunk)
        report()


def _content_length(value: str | None, url: str) -> int | None:
    if value is None:
        return None
    value = value.strip()
    if not value.isascii() or not value.isdigit():
        raise DownloadError(f"the server sent an invalid Content-Length {value[:40]!r}; refusing the download",
                            path=url)
    return int(value)


def _range_start(value: str | None) -> int | None:
    match = re.fullmatch(r"\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*", value or "")
    return int(match.group(1)) if match else None


def _reason(reason: object) -> str:
    if isinstance(reason, socket.timeout | TimeoutError):
        return "timed out"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or type(reason).__name__


def _http_error(code: int, reason: str, url: str, offline_route: str) -> Exception:
    if code == 403:
        return DownloadError(f"HTTP 403 {reason}: the server refused the download", path=url,
                             hint=f"the server may block this client or region; {offline_route}")
    if code == 404 or code == 410:
        return DownloadError(f"HTTP {code} {reason}: the file is not on the server", path=url,
                             hint="the index may be out of date; check the URL")
    if code in (408, 429) or code >= 500:
        return _Retry(DownloadError(f"HTTP {code} {reason}: the server failed", path=url,
                                    hint=f"try again later, or {offline_route}"))
    return DownloadError(f"HTTP {code} {reason}", path=url, hint=offline_route)


def _cut_short(url: str, state: _State, exc: BaseException | None) -> DownloadError:
    of = f" of {state.total:,}" if state.total is not None else ""
    why = f" ({_reason(exc)})" if exc is not None else ""
    return DownloadError(f"the download was cut short after {state.done:,}{of} bytes{why}", path=url,
                         hint="run the command again: it retries and resumes")


def _deadline(url: str, state: _State, limits: Limits) -> DownloadError:
    return DownloadError(f"the download did not finish within {limits.deadline:g} s ({state.done:,} bytes "
                         "received); the server is too slow", path=url,
                         hint="try again later, or " + OFFLINE_ROUTE)


def _write_error(exc: OSError, url: str) -> WriteError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return WriteError("disk full while downloading; nothing was installed", path=url,
                          hint="free some space in the models directory (`toolkit models path`) and run again")
    return WriteError(f"cannot save the download: {exc.strerror or exc}; nothing was installed", path=url)
