"""Content-addressed results (docs/architecture.md §8) in one SQLite file: a rerun never pays twice.

Keys are hashes of everything that determines the result; values are JSON. Writes commit at
once (WAL), so a `kill -9` loses at most the result in flight.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

from codefactory.core.paths import default_cache_path
from codefactory.core.schema import sha256


def make_key(*parts: object) -> str:
    return sha256(json.dumps(parts, sort_keys=True, default=str))


BUSY_TIMEOUT_S = 120.0


class Cache:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_cache_path()
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
