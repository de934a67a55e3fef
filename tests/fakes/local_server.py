"""What the local fakes (Slack's Web API, the Teams connector) share: a real threaded HTTP
server on 127.0.0.1, on a free port, serving in a thread from construction until `stop()` or
the end of a `with` block. Each request goes to the fake's `_handle(handler)`."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self.server.fake._handle(self)  # type: ignore[attr-defined]

    do_GET = do_PUT = do_DELETE = do_POST

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Quiet: the fakes record their requests in `.calls`."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # bursts of concurrent clients, as in the benchmarks


class LocalServer:
    """Base of a fake: `bind()` (then `self.port` and `self.base` are known), set up, `serve()`."""

    def bind(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self  # type: ignore[attr-defined]
        self.port: int = self._server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"

    def serve(self) -> None:
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)
        self._thread.start()

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Shut the server down (idempotent)."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
