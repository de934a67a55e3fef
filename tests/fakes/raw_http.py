"""POSTs over a plain socket, for what urllib cannot show: whether a server answers a large body
before it has been sent (so without reading it), and bodies sent in chunks, with no
Content-Length. Also the resident memory of a process, as Linux reports it."""

from __future__ import annotations

import select
import socket
from pathlib import Path
from urllib.parse import urlsplit

PIECE = 64 * 1024


def post_large(url: str, size: int, chunked: bool = False, wait: float = 10,
               content_type: str = "application/json") -> tuple[int, bool]:
    """POST `size` bytes to `url`: (HTTP status, whether the answer came before any of the
    body was sent). With Content-Length (`chunked` False) the headers go first and the answer
    is awaited up to `wait` seconds before the body is sent; in chunks, pieces are sent until
    the server answers. The body is sent in full unless the server closes the connection.
    Status 0: the server closed it without answering."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    length = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}"
    head = (f"POST {parts.path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: "
            f"{content_type}\r\n{length}\r\n\r\n").encode()
    with socket.create_connection((host, port), timeout=30) as sock:
        sock.sendall(head)
        early = not chunked and _readable(sock, wait)
        sent, piece = 0, b"x" * PIECE
        try:
            while sent < size and (early or not _readable(sock, 0)):
                part = piece[:size - sent]
                sock.sendall(f"{len(part):x}\r\n".encode() + part + b"\r\n" if chunked else part)
                sent += len(part)
            if chunked and sent == size:
                sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed: the answer is still there to read
        return _status(sock), early


def _readable(sock: socket.socket, wait: float) -> bool:
    return bool(select.select([sock], [], [], wait)[0])


def _status(sock: socket.socket) -> int:
    """The status of the answer on `sock` (0 if the connection ends without one)."""
    seen = b""
    try:
        while b"\r\n" not in seen:
            data = sock.recv(4096)
            if not data:
                return 0
            seen += data
    except (ConnectionResetError, TimeoutError):
        return 0
    return int(seen.split(b" ", 2)[1])


def rss_bytes(pid: int) -> int:
    """The resident memory of process `pid` (VmRSS in /proc/PID/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise ValueError(f"no VmRSS for process {pid}")
