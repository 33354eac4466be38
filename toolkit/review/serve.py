"""Serving the review app: uvicorn, hardened against whoever else is on the machine.

A request must arrive within REQUEST_TIMEOUT seconds (an idle or trickling connection is closed, so it
cannot hold one of the process's descriptors); the connections open at once stay within the descriptors
the process may still open, a new one closing the oldest idle one, so idle sockets cannot make the page
unreachable (`ulimit -n 16` and 20 idle connections did); when accept() still runs out of descriptors,
that is logged in one line at most once a minute, not as a traceback per attempt (asyncio logs one per
backlog slot every second: 120,000 of them, 49 MB).
"""
from __future__ import annotations

import asyncio
import logging
import os
import resource
import time

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

#: A connection must have sent its whole request within this many seconds (headers and body: a form is at
#: most MAX_BODY); an idle or trickling one is closed, so it cannot hold one of the process's descriptors.
REQUEST_TIMEOUT = 10.0
#: Descriptors kept free for the work of a request (a glossary file, a catalog, the lock, a temporary file).
FD_RESERVE = 8


def server(app, *, request_timeout: float = REQUEST_TIMEOUT) -> uvicorn.Server:
    """A uvicorn server for `app`, to be run on the review's listening socket."""
    budget = _connection_budget()
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=1,
                            http=_guarded_protocol(request_timeout, budget), backlog=64, timeout_keep_alive=5)
    return _Server(config)


def _connection_budget() -> int:
    """How many client connections the process can hold and still open what a request needs."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return 1000
    try:
        used = len(os.listdir("/proc/self/fd"))
    except OSError:
        used = 16
    return max(1, min(1000, soft - used - FD_RESERVE))


def _guarded_protocol(request_timeout: float, budget: int) -> type[H11Protocol]:
    class Guarded(H11Protocol):
        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._opened = self.loop.time()
            self._deadline = self.loop.call_later(request_timeout, self._too_slow)
            open_ = [c for c in self.connections if not c.transport.is_closing()]
            if len(open_) > budget:      # the oldest idle ones first: they have had the longest to send a request
                idle = sorted((c for c in open_ if c is not self and c._idle()), key=lambda c: c._opened)
                for c in idle[:len(open_) - budget]:
                    c.transport.abort()

        def _idle(self) -> bool:
            # IDLE: no request yet (or between keep-alive requests); SEND_BODY: the body is still arriving
            return self.conn.their_state in (h11.IDLE, h11.SEND_BODY) and (
                self.cycle is None or self.cycle.response_complete)

        def _too_slow(self) -> None:
            if self.transport.is_closing():
                return
            if self.conn.their_state in (h11.IDLE, h11.SEND_BODY):
                self.transport.close()
            else:     # the request is in: the app may take its time
                self._deadline = self.loop.call_later(request_timeout, self._too_slow)

        def on_response_complete(self) -> None:
            self._deadline.cancel()
            self._deadline = self.loop.call_later(request_timeout, self._too_slow)
            super().on_response_complete()

        def connection_lost(self, exc) -> None:
            self._deadline.cancel()
            super().connection_lost(exc)

    return Guarded


class _Server(uvicorn.Server):
    """accept() running out of descriptors logged in one line, not a traceback per attempt."""

    async def serve(self, sockets=None) -> None:
        asyncio.get_running_loop().set_exception_handler(_quiet_accept_errors())
        await super().serve(sockets)


def _quiet_accept_errors():
    log = logging.getLogger("toolkit.review")
    last = [-1e9]

    def handle(loop, context: dict) -> None:
        exc = context.get("exception")
        if isinstance(exc, OSError) and context.get("message", "").startswith("socket.accept()"):
            # asyncio retries every second, once per backlog slot: 2,048 tracebacks a second by default
            if time.monotonic() - last[0] >= 60:
                last[0] = time.monotonic()
                log.warning("toolkit review: cannot accept a connection (%s); idle connections are being closed",
                            exc.strerror or exc)
            return
        loop.default_exception_handler(context)

    return handle
