"""A real HTTP server on 127.0.0.1 with scripted responses, for fetch, retry and fault tests.

Each path gets a queue of `Reply`s; the last one repeats. A reply can also misbehave the way
servers do: reset the connection, stall past the client's timeout, promise more bytes than it
sends, or trickle its body a byte at a time. Like many real servers (e-Stat's error pages, JSON
errors that quote the request), a reply can echo the request back: ``{url}`` in its body or header
values becomes the full request URL as received, query and secrets included; an unscripted path
gets a 404 page that quotes it. Every request is recorded (path, time and headers) so tests can
assert how many attempts were made and what was sent.
"""

from __future__ import annotations

import io
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    # normal | reset | stall | truncate | chunked (no Content-Length) | trickle (one byte per stall_s)
    action: str = "normal"
    stall_s: float = 0.0
    echo: bool = False  # replace {url} in body and header values with the request URL


#: What an unscripted path answers: a 404 page quoting the request, as Apache and nginx error pages do.
NOT_FOUND = Reply(404, b"<html><body><h1>Not Found</h1><p>The requested URL {url} was not found on this server.</p>"
                  b"</body></html>", {"Content-Type": "text/html"}, echo=True)


class LoopbackServer:
    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.requests: list[tuple[str, float]] = []  # (path with query, monotonic time)
        self.headers: list[dict[str, str]] = []  # the request headers, in the order of `requests`
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:
                server._handle(self)

        class QuietServer(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # clients that gave up (timeouts) make writes fail: expected here

        self._httpd = QuietServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def script(self, path: str, *replies: Reply) -> None:
        with self._lock:
            self.routes[path] = list(replies)

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p.split("?", 1)[0] == path)

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _next_reply(self, target: str) -> Reply:
        """Replies scripted for the exact path and query win over those scripted for the path alone."""
        with self._lock:
            queue = self.routes.get(target) or self.routes.get(target.split("?", 1)[0])
            if not queue:
                return NOT_FOUND
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        self.headers.append(dict(handler.headers.items()))
        self.requests.append((handler.path, time.monotonic()))
        reply = self._echo(self._next_reply(handler.path), handler)
        if reply.action == "reset":
            # SO_LINGER 0 then close: the kernel answers with RST, as a crashed peer would
            handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            handler.close_connection = True
            handler.connection.close()
            handler.wfile = io.BytesIO()  # http.server flushes after us: give it somewhere harmless
            return
        if reply.action == "stall":
            time.sleep(reply.stall_s)
        if reply.action == "trickle":
            self._trickle(handler, reply)
            return
        handler.send_response(reply.status)
        if reply.action == "chunked":
            handler.send_header("Transfer-Encoding", "chunked")
            for key, value in reply.headers.items():
                handler.send_header(key, value)
            handler.end_headers()
            for start in range(0, len(reply.body), 1024):
                chunk = reply.body[start : start + 1024]
                handler.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            handler.wfile.write(b"0\r\n\r\n")
            handler.wfile.flush()
            return
        declared = len(reply.body) * 2 if reply.action == "truncate" else len(reply.body)
        handler.send_header("Content-Length", str(declared))
        for key, value in reply.headers.items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(reply.body)
        handler.wfile.flush()
        if reply.action == "truncate":
            handler.close_connection = True

    def _echo(self, reply: Reply, handler: BaseHTTPRequestHandler) -> Reply:
        if not reply.echo:
            return reply
        host = handler.headers.get("Host") or f"127.0.0.1:{self._httpd.server_address[1]}"
        url = f"http://{host}{handler.path}"
        return Reply(
            reply.status,
            reply.body.replace(b"{url}", url.encode("latin-1")),
            {k: v.replace("{url}", url) for k, v in reply.headers.items()},
            reply.action,
            reply.stall_s,
        )

    @staticmethod
    def _trickle(handler: BaseHTTPRequestHandler, reply: Reply) -> None:
        """Send the headers at once, then the body one byte every `stall_s` seconds: each read
        succeeds well within a read timeout, so only a total deadline can stop the client."""
        handler.send_response(reply.status)
        handler.send_header("Content-Length", str(len(reply.body)))
        for key, value in reply.headers.items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.flush()
        for byte in reply.body:
            time.sleep(reply.stall_s)
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
