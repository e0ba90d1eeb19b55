"""Our sandbox failing in any oracle or adequacy run is ours, never a property of the source."""

from __future__ import annotations

from typing import Any

import pytest

from codefactory.core.languages import Language, get_language
from codefactory.core.schema import RunResult, Source, TestCase
from codefactory.sources.benchmark_row import source_from_row
from codefactory.suite.build import TestOptions, build_tests
from codefactory.suite.oracle import OracleResult

SOURCE = source_from_row(
    {"code": "def inc(n):\n    return n + 1\n", "test_list": ["assert inc(1) == 2"]}, "t"
)
CASES = (TestCase(0, (1,), 2),)
DOWN = "APIError: 500 Server Error"


class FailingVerifier:
    """The verifier's surface build_tests uses; its sandbox fails in one chosen run."""

    cache = None

    def __init__(self, failing_run: int | None, adequacy_fails: bool = False) -> None:
        self.failing_run = failing_run
        self.adequacy_fails = adequacy_fails

    def image_id(self, lang: Language) -> str:
        return "sha256:test"

    def oracle(self, source: Source, python: Language, run: int = 0) -> OracleResult:
        if run == self.failing_run:
            return OracleResult((), infra_error=DOWN)
        extra = tuple(TestCase(i, (i,), i + 1, hidden=False) for i in range(1, len(source.calls)))
        return OracleResult(CASES + extra)

    def run_program(self, lang: Language, program: Any, nonce: str | None = None) -> RunResult:
        if self.adequacy_fails or isinstance(program, dict):  # the tests run fails as a whole
            return RunResult(None, b"", b"", 0.0, infra_error=DOWN)
        return RunResult(0, b"", b"", 0.1)


@pytest.mark.parametrize(
    ("verifier", "stage"),
    [
        (FailingVerifier(0), "oracle"),
        (FailingVerifier(1), "oracle's augmented run"),
        (FailingVerifier(2), "oracle's determinism run"),
        (FailingVerifier(None, adequacy_fails=True), "adequacy run"),
    ],
)
def test_a_sandbox_failure_is_reported_as_ours(verifier: FailingVerifier, stage: str) -> None:
    # one container per run (the old way, and the fallback of the tests run)
    options = TestOptions(min_coverage=0.5, combined=False)  # was: "coverage None below ..."
    prepared = build_tests(verifier, SOURCE, get_language("php"), options)  # type: ignore[arg-type]
    assert prepared.infra_error == f"sandbox_error in the {stage}: {DOWN}"
    assert not prepared.cases


def test_a_sandbox_failure_of_the_tests_run_is_ours() -> None:
    verifier = FailingVerifier(None)
    prepared = build_tests(verifier, SOURCE, get_language("php"), TestOptions(min_coverage=0.5))  # type: ignore[arg-type]
    assert prepared.infra_error == f"sandbox_error in the tests run: {DOWN}"
    assert not prepared.cases and prepared.error == prepared.infra_error


def test_an_adequacy_run_that_died_does_not_pass_for_low_coverage() -> None:
    verifier = FailingVerifier(None)  # the run "succeeds" with no record: it died on its own
    options = TestOptions(min_coverage=0.5, combined=False)
    prepared = build_tests(verifier, SOURCE, get_language("php"), options)  # type: ignore[arg-type]
    assert prepared.infra_error is None
    assert prepared.error and prepared.error.startswith("adequacy not measured (adequacy run")
