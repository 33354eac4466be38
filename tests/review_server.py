"""A `toolkit review` app served on a free 127.0.0.1 port in a thread, for the review tests."""
from __future__ import annotations

import threading
import time
from datetime import datetime, timezone
from pathlib import Path

WHEN = datetime(2026, 12, 2, 3, 10, tzinfo=timezone.utc)
STAMP = "review 2026-12-02 03:10Z tester"
TOKEN = "test-token-not-secret"


class Served:
    def __init__(self, project: Path, glossary: list[Path] | None = None, *, request_timeout: float | None = None,
                 follow_links: bool = False):
        from toolkit.review import app as review_app

        self.project = project
        self.app = review_app.create_app(glossary or [project / "glossaries"], project / "locales", token=TOKEN,
                                         reviewer="tester", clock=lambda: WHEN, follow_links=follow_links)
        self.sock = review_app.free_socket(0)
        self.port = self.sock.getsockname()[1]
        self.server = review_app.server(self.app, self.sock, **(
            {"request_timeout": request_timeout} if request_timeout else {}))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 60      # generous: a loaded CI machine can be slow to start a thread
        while not self.server.started and self.thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert self.server.started, "the review server did not start"

    def url(self, path: str = "/", token: str | None = TOKEN) -> str:
        return f"http://127.0.0.1:{self.port}{path}" + (f"?token={token}" if token else "")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(5)
        self.sock.close()
