"""A scripted backend for tests: replies chosen by a function, or by a JSON file of
{"substring of the prompt": ["reply for round 0", "reply for round 1", ...]} with an optional
"__delay_s" (seconds per request, to stand in for a slow model) and "__loads_log" (a file that
gets one line per backend built: how often a real model would have been loaded)."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from codefactory.generation.backends.base import GenRequest, GenResult

Script = Callable[[GenRequest], str]


class FakeBackend:
    name = "fake"
    batch_size = 4

    def __init__(self, model: str = "fake", script: Script | None = None, **_: Any) -> None:
        self.model = model
        self.calls: list[GenRequest] = []
        self._lock = threading.Lock()
        self.script = script or _from_file(Path(model))
        table = _table(Path(model)) if not script else {}
        self.delay_s = float(table.get("__delay_s", 0.0))
        if log := table.get("__loads_log"):
            with open(log, "a") as f:
                f.write(f"{os.getpid()}\n")

    def generate(self, requests: Sequence[GenRequest]) -> list[GenResult]:
        with self._lock:
            self.calls.extend(requests)
        time.sleep(self.delay_s * len(requests))
        return [
            GenResult(self.script(r), prompt_tokens=10, completion_tokens=20, seconds=0.001)
            for r in requests
        ]

    def close(self) -> None:
        pass


def _table(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text()) if path.is_file() else {}
    return data


def _from_file(path: Path) -> Script:
    table = {k: v for k, v in _table(path).items() if isinstance(v, list)}

    def script(request: GenRequest) -> str:
        prompt = "\n".join(content for role, content in request.messages if role == "user")
        round_ = sum(1 for role, _ in request.messages if role == "assistant")
        for key, replies in table.items():
            if key in prompt:
                return str(replies[min(round_, len(replies) - 1)])
        return "no idea"

    return script
