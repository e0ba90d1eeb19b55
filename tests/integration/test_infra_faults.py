"""Our own failures are retried, never blamed on the candidate, and never cached."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from codefactory.core.cache import Cache
from codefactory.core.languages import Language, Limits
from codefactory.core.schema import RunResult, Status, TestCase
from codefactory.judge.verifier import Verifier
from codefactory.sandbox.docker_sandbox import DockerSandbox

CASES = (TestCase(0, (2, 3), 5),)
GOOD = "function add($a, $b) { return $a + $b; }"


class FlakySandbox:
    """The real sandbox, except that the first `failures` runs lose the daemon."""

    def __init__(self, real: DockerSandbox, failures: int) -> None:
        self.real, self.failures, self.calls = real, failures, 0
        self.api = real.api

    def run(
        self,
        image: str,
        argv: tuple[str, ...],
        files: Any,
        limits: Limits,
        stdin: bytes | None = None,
    ) -> RunResult:
        self.calls += 1
        if self.calls <= self.failures:
            return RunResult(None, b"", b"", 0.1, infra_error="ConnectionError: daemon restarted")
        return self.real.run(image, argv, files, limits, stdin=stdin)

    def flush(self) -> None:
        self.real.flush()

    def image_id(self, image: str) -> str:
        return self.real.image_id(image)


def test_daemon_loss_is_retried(sandbox: DockerSandbox, php: Language) -> None:
    flaky = FlakySandbox(sandbox, failures=2)
    verdict = Verifier(flaky).verify(php, GOOD, "add", CASES)  # type: ignore[arg-type]
    assert verdict.status is Status.PASSED
    assert flaky.calls == 3


def test_persistent_loss_is_sandbox_error_and_not_cached(
    sandbox: DockerSandbox, php: Language, tmp_path: Path
) -> None:
    cache = Cache(tmp_path / "cache.sqlite")
    flaky = FlakySandbox(sandbox, failures=100)
    verifier = Verifier(flaky, cache)  # type: ignore[arg-type]
    import codefactory.judge.verifier as verifier_module

    verifier_module.DAEMON_WAIT_S, saved = 0.0, verifier_module.DAEMON_WAIT_S
    try:
        verdict = verifier.verify(php, GOOD, "add", CASES)
    finally:
        verifier_module.DAEMON_WAIT_S = saved
    assert verdict.status is Status.SANDBOX_ERROR
    assert cache.count("verdict") == 0
    flaky.failures = 0
    assert verifier.verify(php, GOOD, "add", CASES).status is Status.PASSED
    assert cache.count("verdict") == 1
