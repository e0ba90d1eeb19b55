"""A results store that every machine of a cluster reaches (docs/architecture.md §8): one small
JSON file per key under a directory on shared storage, or under an fsspec URL (object stores).

The same keys as the SQLite file; a file appears whole or not at all (written aside, then
renamed; an object store's put is whole), so a worker killed mid-write leaves nothing that reads
as a result, and any node can read what another paid for.
"""

from __future__ import annotations

import json
import os
import secrets
from typing import Any

import fsspec  # type: ignore[import-untyped]


class DirectoryStore:
    def __init__(self, location: str) -> None:
        self.location = location
        self.fs, root = fsspec.core.url_to_fs(location)
        self.root = root.rstrip("/")
        self.local = "file" in _protocols(self.fs)
        self.fs.makedirs(self.root, exist_ok=True)

    def _path(self, kind: str, key: str) -> str:
        return f"{self.root}/{kind}/{key[:2]}/{key}.json"

    def get(self, kind: str, key: str) -> Any | None:
        try:
            data = self.fs.cat_file(self._path(kind, key))
        except FileNotFoundError:
            return None
        try:
            return json.loads(data)
        except ValueError:  # not whole (a foreign writer's): as if absent, written again
            return None

    def put(self, kind: str, key: str, value: Any) -> None:
        path = self._path(kind, key)
        data = json.dumps(value).encode()
        folder = path.rsplit("/", 1)[0]
        self.fs.makedirs(folder, exist_ok=True)
        if not self.local:
            self.fs.pipe_file(path, data)
            return
        aside = f"{path}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        with open(aside, "wb") as f:
            f.write(data)
        os.replace(aside, path)

    def count(self, kind: str) -> int:
        return len(self.fs.glob(f"{self.root}/{kind}/*/*.json"))

    def close(self) -> None:
        pass


def _protocols(fs: Any) -> tuple[str, ...]:
    protocol = fs.protocol
    return (protocol,) if isinstance(protocol, str) else tuple(protocol)
