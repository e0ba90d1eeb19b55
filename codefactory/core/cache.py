"""Content-addressed results (docs/architecture.md §8): a rerun never pays twice.

Keys are hashes of everything that determines the result; values are JSON. One machine keeps
them in a SQLite file, whose writes commit at once (WAL), so a `kill -9` loses at most the result
in flight; a cluster keeps them in a store every node reaches (`core/store.py`), chosen by the
location (`core/paths.py`: CODEFACTORY_CACHE).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

from codefactory.core.paths import default_cache_location, is_store_location
from codefactory.core.schema import sha256
from codefactory.core.store import DirectoryStore


def make_key(*parts: object) -> str:
    return sha256(json.dumps(parts, sort_keys=True, default=str))


BUSY_TIMEOUT_S = 120.0


class Cache:
    """Results by (kind, key), in the store that `location` names (default: CODEFACTORY_CACHE)."""

    def __init__(self, location: str | Path | None = None) -> None:
        self.location = str(location) if location is not None else default_cache_location()
        self._store: SqliteStore | DirectoryStore = (
            DirectoryStore(self.location)
            if is_store_location(self.location)
            else SqliteStore(Path(self.location))
        )

    def get(self, kind: str, key: str) -> Any | None:
        return self._store.get(kind, key)

    def put(self, kind: str, key: str, value: Any) -> None:
        self._store.put(kind, key, value)

    def count(self, kind: str) -> int:
        return self._store.count(kind)

    def close(self) -> None:
        self._store.close()


class SqliteStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        # Several processes may share the file (Ray actors, a rerun beside a run): a writer
        # waits for the lock rather than failing after sqlite's default 5 s.
        self._db = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_S, check_same_thread=False, isolation_level=None
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS results ("
            " kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
            " PRIMARY KEY (kind, key))"
        )

    def get(self, kind: str, key: str) -> Any | None:
        with self._lock:
            row = self._db.execute(
                "SELECT value FROM results WHERE kind = ? AND key = ?", (kind, key)
            ).fetchone()
        return None if row is None else json.loads(row[0])

    def put(self, kind: str, key: str, value: Any) -> None:
        text = json.dumps(value)
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO results (kind, key, value) VALUES (?, ?, ?)",
                (kind, key, text),
            )

    def count(self, kind: str) -> int:
        with self._lock:
            return int(
                self._db.execute("SELECT COUNT(*) FROM results WHERE kind = ?", (kind,)).fetchone()[
                    0
                ]
            )

    def close(self) -> None:
        with self._lock:
            self._db.close()
