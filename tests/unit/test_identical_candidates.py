"""Identical candidates judged at the same time share one sandbox run (issue 14, item 4): the
verifier's in-flight verdicts, against a fake sandbox (no Docker)."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from codefactory.core.languages import get_language
from codefactory.core.schema import RunResult, Status, TestCase
from codefactory.core.values import encode
from codefactory.judge.syntax_gate import SyntaxResult
from codefactory.judge.verifier import Verifier

PHP = get_language("php")
CASES = (TestCase(0, (1,), 2),)


class SlowSandbox:
    """Answers every run with the right value for case 0, slowly, so runs overlap."""

    def __init__(self) -> None:
        self.runs = 0
        self._lock = threading.Lock()

    def image_id(self, image: str) -> str:
        return "sha256:test"

    def run(self, image: str, argv: Any, files: Any, limits: Any, stdin: bytes) -> RunResult:
        with self._lock:
            self.runs += 1
        time.sleep(0.3)
        prefix = f"@@cf {stdin.decode().strip()}"
        record = json.dumps({"id": 0, "ok": True, "value": encode(2)})
        return RunResult(0, f"{prefix} {record}\n{prefix} DONE 1\n".encode(), b"", 0.3)


def test_concurrent_identical_candidates_share_one_run() -> None:
    sandbox = SlowSandbox()
    verifier = Verifier(sandbox)  # type: ignore[arg-type]
    same = SyntaxResult(True, code="function inc($n) { return $n + 1; }", entry="inc")
    other = SyntaxResult(True, code="function inc($n) { return 1 + $n; }", entry="inc")
    with ThreadPoolExecutor(6) as pool:
        verdicts = list(pool.map(lambda s: verifier.execute(PHP, s, CASES), [same] * 5 + [other]))
    assert all(v.status is Status.PASSED for v in verdicts)
    assert sandbox.runs == 2  # one per distinct program
    assert verifier.containers["php"] == 2
