"""A tiny TCP server on 127.0.0.1 for servers that misbehave below HTTP.

pytest-httpserver speaks correct HTTP; a header-dripping server, a flood of `100 Continue`
responses, a reset or a service that is not HTTP at all need the raw socket.
"""

import contextlib
import socket
import threading
import time
from collections.abc import Callable


class RawServer:
    """Accepts connections on 127.0.0.1 and hands each to `handler(conn)` in its own thread."""

    def __init__(self, handler: Callable[[socket.socket], None]):
        self._handler = handler
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(8)
        self.port = self._listener.getsockname()[1]
        self.connections = 0
        self.finished = threading.Event()  # set when a handler has returned
        self._threads: list[threading.Thread] = []
        self._accepting = threading.Thread(target=self._accept, daemon=True)
        self._accepting.start()

    def url(self, path: str = "/x.png") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self._accepting.join(2)
        for thread in self._threads:
            thread.join(10)

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            with conn, contextlib.suppress(OSError):
                self._handler(conn)
        finally:
            self.finished.set()


def drip(conn: socket.socket, data: bytes, *, every: float, for_at_most: float) -> None:
    """Send `data` one byte at a time, `every` seconds, until the client hangs up."""
    stop = time.monotonic() + for_at_most
    for byte in data:
        if time.monotonic() > stop:
            return
        conn.sendall(bytes([byte]))  # raises once the client has closed its end
        time.sleep(every)


def http_response(body: bytes, content_type: str = "image/png") -> bytes:
    head = (
        f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


def read_request_head(conn: socket.socket) -> bytes:
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = conn.recv(4096)
        if not chunk:
            break
        received += chunk
    return received
