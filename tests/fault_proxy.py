"""A loopback HTTP proxy in front of moto that injects faults: throttling, 5xx, a dropped link,
and slowness (`delay`)."""

from __future__ import annotations

import http.client
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

QUERY_THROTTLE = (
    b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
    b"<Message>Rate exceeded</Message></Error><RequestId>fault</RequestId></ErrorResponse>"
)
JSON_THROTTLE = b'{"__type":"ThrottlingException","message":"Rate exceeded"}'


class FaultProxy:
    """Forwards to `upstream`; `faults` is consumed one entry per request ('ok' when empty).

    Entries: 'ok', 'throttle' (400 Throttling), '503', 'drop' (close without answering).
    `down_after=N` drops every request after the first N: the endpoint has gone away.
    `delay=S` holds every request S seconds before handling it (a slow AWS); `in_flight` counts
    the requests being held or forwarded right now.
    """

    def __init__(self, upstream: str) -> None:
        self.upstream = urllib.parse.urlsplit(upstream)
        self.faults: list[str] = []
        self.down_after: int | None = None
        self.seen = 0
        self.delay = 0.0
        self.in_flight = 0
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                proxy.handle(self)

            do_GET = do_POST

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def next_fault(self) -> str:
        with self.lock:
            self.seen += 1
            if self.down_after is not None and self.seen > self.down_after:
                return "drop"
            return self.faults.pop(0) if self.faults else "ok"

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        with self.lock:
            self.in_flight += 1
        try:
            self._handle(request)
        finally:
            with self.lock:
                self.in_flight -= 1

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length)
        if self.delay:
            time.sleep(self.delay)
        fault = self.next_fault()
        if fault == "drop":
            request.close_connection = True
            request.connection.close()
            return
        if fault in ("throttle", "503"):
            is_json = "X-Amz-Target" in request.headers
            status = 400 if fault == "throttle" else 503
            payload = (JSON_THROTTLE if is_json else QUERY_THROTTLE) if fault == "throttle" else b""
            request.send_response(status)
            request.send_header(
                "Content-Type", "application/x-amz-json-1.1" if is_json else "text/xml"
            )
            request.send_header("Content-Length", str(len(payload)))
            request.end_headers()
            request.wfile.write(payload)
            return
        connection = http.client.HTTPConnection(
            self.upstream.hostname, self.upstream.port, timeout=30
        )
        headers = {k: v for k, v in request.headers.items() if k.lower() != "host"}
        connection.request(request.command, request.path, body=body, headers=headers)
        answer = connection.getresponse()
        data = answer.read()
        request.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                request.send_header(key, value)
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)
        connection.close()


@contextmanager
def fault_proxy(upstream: str) -> Iterator[FaultProxy]:
    proxy = FaultProxy(upstream)
    thread = threading.Thread(target=proxy.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        proxy.server.shutdown()
        proxy.server.server_close()
