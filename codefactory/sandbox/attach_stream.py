"""The container's attach socket, both ways: stdin written in one go, then end of file;
stdout and stderr drained under a cap."""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from typing import Any


class Drain(threading.Thread):
    """Keeps reading the multiplexed attach stream so a flood can never wedge the container;
    keeps the first `cap` bytes and asks for a kill on overflow."""

    def __init__(self, sock: Any, cap: int, on_overflow: Any) -> None:
        super().__init__(daemon=True)
        self.sock = sock
        self.cap = cap
        self.on_overflow = on_overflow
        self.overflowed = False
        self._parts: dict[int, list[bytes]] = {1: [], 2: []}
        self._kept = 0
        self._raw = getattr(sock, "_sock", sock)

    def run(self) -> None:
        try:
            while True:
                header = self._read(8)
                if len(header) < 8:
                    return
                stream, size = struct.unpack(">BxxxL", header)
                remaining = size
                while remaining:
                    chunk = self._read(min(remaining, 65536))
                    if not chunk:
                        return
                    remaining -= len(chunk)
                    self._keep(stream, chunk)
        except OSError:
            return

    def _read(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self._raw.recv(n - len(data))
            if not chunk:
                break
            data += chunk
        return data

    def _keep(self, stream: int, chunk: bytes) -> None:
        room = self.cap - self._kept
        if room <= 0 or len(chunk) > room:
            if not self.overflowed:
                self.overflowed = True
                self.on_overflow()
            chunk = chunk[: max(room, 0)]
        self._kept += len(chunk)
        if chunk:
            self._parts.setdefault(stream, []).append(chunk)

    def stdout(self) -> bytes:
        return b"".join(self._parts.get(1, []))

    def stderr(self) -> bytes:
        return b"".join(self._parts.get(2, []))

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()


def feed(sock: Any, data: bytes) -> None:
    """Send `data` to the program's stdin and shut our write side, so that a read after it gets
    end of file. Small enough (docker_sandbox.STDIN_MAX_BYTES) never to block; a program that
    exited before reading it (the daemon closed its end) is not our failure, so errors here are
    ignored."""
    raw = getattr(sock, "_sock", sock)
    with contextlib.suppress(OSError):
        raw.sendall(data)
    with contextlib.suppress(OSError):
        raw.shutdown(socket.SHUT_WR)
