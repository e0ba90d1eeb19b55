"""`decide` on hand-built run results: the host's verdict from what the sandbox saw (no Docker).

The language is PHP with its leniency and error patterns pinned here, so the tests say what
`decide` does with them rather than what languages/php.toml holds today.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest

from codefactory.core.equality import Leniency, Relation
from codefactory.core.languages import Language, get_language
from codefactory.core.schema import RunResult, Status, TestCase
from codefactory.core.values import Value, encode
from codefactory.judge.decide import decide

NONCE = "5eed0123456789abcdef0123"
LANG: Language = dataclasses.replace(
    get_language("php"),
    leniency=Leniency(tuple_is_list=True),
    error_patterns={
        "compile_error": ("PHP Parse error:",),
        "memory_exceeded": ("Allowed memory size of",),
    },
)
CASES = (
    TestCase(0, (1, 2), 3),
    TestCase(1, (-5, 2), -3),
    TestCase(2, (10**6, 7), 10**6 + 7),
)
ANSWERS: tuple[Value, ...] = (3, -3, 10**6 + 7)


def record(case_id: int, value: Value, nonce: str = NONCE) -> str:
    body = {"id": case_id, "ok": True, "value": encode(value)}
    return f"@@cf {nonce} {json.dumps(body)}"


def error_record(case_id: int, error: str) -> str:
    return f"@@cf {NONCE} " + json.dumps({"id": case_id, "ok": False, "error": error})


def done(count: int = len(CASES), nonce: str = NONCE) -> str:
    return f"@@cf {nonce} DONE {count}"


def good_lines() -> list[str]:
    return [record(i, v) for i, v in enumerate(ANSWERS)] + [done()]


def run(lines: list[str], exit_code: int | None = 0, stderr: str = "", **flags: Any) -> RunResult:
    stdout = "".join(line + "\n" for line in lines).encode()
    return RunResult(exit_code, stdout, stderr.encode(), 0.123456, **flags)


def test_every_record_right_then_done_and_exit_0_passes() -> None:
    verdict = decide(run(good_lines()), CASES, NONCE, LANG)
    assert verdict.status is Status.PASSED
    assert (verdict.tests_passed, verdict.tests_total) == (3, 3)
    assert verdict.failure is None and verdict.execution_s == 0.1235


def test_the_program_s_own_prints_between_records_are_ignored() -> None:
    lines = good_lines()
    lines[1:1] = ["debug: 42", "@@cf", "", "  " + record(1, 99)]  # indented: not a record
    assert decide(run(lines), CASES, NONCE, LANG).status is Status.PASSED


def test_a_wrong_value_is_wrong_answer_naming_the_case() -> None:
    lines = good_lines()
    lines[1] = record(1, 3)
    verdict = decide(run(lines), CASES, NONCE, LANG)
    assert verdict.status is Status.WRONG_ANSWER and verdict.tests_passed == 1
    assert verdict.failure is not None
    assert verdict.failure["case"] == 1 and verdict.failure["got"] == "3"
    assert verdict.failure["expected"] == "-3" and verdict.failure["relation"] == "eq"


def test_the_first_failing_case_is_the_one_reported() -> None:
    lines = [record(0, 3), record(1, 0), record(2, 0), done()]
    verdict = decide(run(lines), CASES, NONCE, LANG)
    assert verdict.failure is not None and verdict.failure["case"] == 1


def test_a_missing_record_is_a_runtime_error_with_the_exit_code() -> None:
    lines = [record(0, 3), record(2, 10**6 + 7)]
    verdict = decide(run(lines, exit_code=255, stderr="Fatal error"), CASES, NONCE, LANG)
    assert verdict.status is Status.RUNTIME_ERROR and verdict.tests_passed == 1
    assert verdict.failure is not None and verdict.failure["case"] == 1
    assert "exited with code 255 before case 1" in str(verdict.failure["error"])
    assert verdict.failure["stderr"] == "Fatal error"


def test_no_output_at_all_is_a_runtime_error_not_a_pass() -> None:
    verdict = decide(run([]), CASES, NONCE, LANG)
    assert verdict.status is Status.RUNTIME_ERROR and verdict.tests_passed == 0


@pytest.mark.parametrize(
    "forge",
    [
        lambda i, v: record(i, v, nonce="0" * 24),  # a guessed nonce
        lambda i, v: record(i, v, nonce=""),  # no nonce
        lambda i, v: record(i, v).replace("@@cf ", "@@cf  ", 1),  # not the exact prefix
        lambda i, v: record(i, v, nonce=NONCE[:-1]),  # a prefix of the nonce
        lambda i, v: record(i, v, nonce=NONCE.upper()),
    ],
)
def test_records_without_the_run_s_nonce_count_for_nothing(
    forge: Callable[[int, Value], str],
) -> None:
    forged = [forge(i, v) for i, v in enumerate(ANSWERS)]
    lines = [*forged, done(nonce="0" * 24)]
    verdict = decide(run(lines), CASES, NONCE, LANG)
    assert verdict.status is Status.RUNTIME_ERROR and verdict.tests_passed == 0


def test_forged_right_answers_do_not_hide_the_real_wrong_ones() -> None:
    forged = [record(i, v, nonce="f" * 24) for i, v in enumerate(ANSWERS)]
    real = [record(i, 0) for i in range(3)]
    verdict = decide(run([*forged, *real, done()]), CASES, NONCE, LANG)
    assert verdict.status is Status.WRONG_ANSWER and verdict.tests_passed == 0


def test_a_second_record_for_a_case_is_a_runtime_error_even_if_both_are_right() -> None:
    lines = good_lines()
    lines.insert(1, record(0, 3))
    verdict = decide(run(lines), CASES, NONCE, LANG)
    assert verdict.status is Status.RUNTIME_ERROR
    assert verdict.failure == {"error": "duplicate record for case 0"}


def test_a_record_for_a_case_that_was_not_asked_is_a_runtime_error() -> None:
    lines = good_lines()
    lines.insert(3, record(7, 0))
    verdict = decide(run(lines), CASES, NONCE, LANG)
    assert verdict.status is Status.RUNTIME_ERROR and verdict.tests_passed == 3
    assert verdict.failure == {"error": "records for unknown cases [7]"}


@pytest.mark.parametrize("closing", [[], [done(2)], [done(4)], [f"@@cf {NONCE} DONE x"]])
def test_every_case_right_but_no_done_with_the_right_count(closing: list[str]) -> None:
    lines = [record(i, v) for i, v in enumerate(ANSWERS)] + closing
    verdict = decide(run(lines), CASES, NONCE, LANG)
    assert verdict.status is Status.RUNTIME_ERROR


def test_output_after_done_is_a_runtime_error() -> None:
    verdict = decide(run([*good_lines(), "", "late"]), CASES, NONCE, LANG)
    assert verdict.status is Status.RUNTIME_ERROR
    assert verdict.failure == {"error": "output after the DONE record"}


@pytest.mark.parametrize("code", [1, 125, 126, 127, 137, None])
def test_a_complete_run_with_a_nonzero_exit_is_the_candidate_s_runtime_error(
    code: int | None,
) -> None:
    # 125-127 are docker run's own codes, but through the SDK an exit code is the program's:
    # a candidate can exit(127) after its records; that is never a sandbox_error (ours).
    verdict = decide(run(good_lines(), exit_code=code), CASES, NONCE, LANG)
    assert verdict.status is Status.RUNTIME_ERROR and verdict.tests_passed == 3
    assert verdict.failure is not None and verdict.failure["error"] == f"exit code {code}"


@pytest.mark.parametrize("code", [125, 126, 127])
def test_exit_125_to_127_with_no_record_is_a_runtime_error(code: int) -> None:
    verdict = decide(run([], exit_code=code, stderr="sh: 1: x: not found"), CASES, NONCE, LANG)
    assert verdict.status is Status.RUNTIME_ERROR


def test_an_infrastructure_error_is_ours_whatever_the_output() -> None:
    broken = run(good_lines(), infra_error="daemon went away", timed_out=True, oom=True)
    verdict = decide(broken, CASES, NONCE, LANG)
    assert verdict.status is Status.SANDBOX_ERROR
    assert verdict.failure == {"error": "daemon went away"} and verdict.tests_passed == 0


def test_truncated_output_is_output_exceeded_even_with_every_record() -> None:
    verdict = decide(run(good_lines(), output_truncated=True), CASES, NONCE, LANG)
    assert verdict.status is Status.OUTPUT_EXCEEDED and verdict.tests_passed == 0


def test_a_timeout_is_a_timeout_even_with_every_record_printed() -> None:
    verdict = decide(run(good_lines(), exit_code=None, timed_out=True), CASES, NONCE, LANG)
    assert verdict.status is Status.TIMEOUT


def test_the_oom_flag_is_memory_exceeded() -> None:
    verdict = decide(run([record(0, 3)], exit_code=137, oom=True), CASES, NONCE, LANG)
    assert verdict.status is Status.MEMORY_EXCEEDED


def test_a_memory_message_on_stderr_counts_only_when_the_run_failed() -> None:
    message = "PHP Fatal error:  Allowed memory size of 134217728 bytes exhausted"
    failed = decide(run([record(0, 3)], exit_code=255, stderr=message), CASES, NONCE, LANG)
    assert failed.status is Status.MEMORY_EXCEEDED
    assert failed.failure is not None and "Allowed memory" in str(failed.failure["error"])
    printed = decide(run(good_lines(), stderr=message), CASES, NONCE, LANG)
    assert printed.status is Status.PASSED


def test_a_compile_message_counts_only_for_a_failed_run_with_no_record() -> None:
    message = "PHP Parse error:  syntax error, unexpected '}'"
    compile_error = decide(run([], exit_code=255, stderr=message), CASES, NONCE, LANG)
    assert compile_error.status is Status.COMPILE_ERROR
    after_records = decide(run([record(0, 3)], exit_code=255, stderr=message), CASES, NONCE, LANG)
    assert after_records.status is Status.RUNTIME_ERROR and after_records.tests_passed == 1
    assert decide(run(good_lines(), stderr=message), CASES, NONCE, LANG).status is Status.PASSED


def test_a_case_that_raised_is_a_runtime_error_with_its_message() -> None:
    lines = [record(0, 3), error_record(1, "DivisionByZeroError: Division by zero"), done()]
    verdict = decide(run(lines), CASES, NONCE, LANG)
    assert verdict.status is Status.RUNTIME_ERROR and verdict.tests_passed == 1
    assert verdict.failure is not None and verdict.failure["case"] == 1
    assert verdict.failure["error"] == "DivisionByZeroError: Division by zero"


def test_a_caught_out_of_memory_error_in_a_record_is_memory_exceeded() -> None:
    lines = [error_record(0, "Allowed memory size of 1 bytes exhausted"), done()]
    assert decide(run(lines), CASES, NONCE, LANG).status is Status.MEMORY_EXCEEDED


def test_a_record_whose_value_is_not_a_tagged_value_is_a_runtime_error() -> None:
    lines = good_lines()
    lines[0] = f"@@cf {NONCE} " + json.dumps({"id": 0, "ok": True, "value": {"int": "three"}})
    verdict = decide(run(lines), CASES, NONCE, LANG)
    assert verdict.status is Status.RUNTIME_ERROR
    assert verdict.failure is not None and str(verdict.failure["error"]).startswith("bad record")


def test_the_case_s_relation_and_the_language_s_leniency_decide_equality() -> None:
    cases = (
        TestCase(0, ([3, 1, 2],), [1, 2, 3], Relation("sorted")),
        TestCase(1, ((1, 2),), (1, 2)),
    )
    lines = [record(0, [3, 2, 1]), record(1, [1, 2]), done(2)]
    assert decide(run(lines), cases, NONCE, LANG).status is Status.PASSED
    strict = dataclasses.replace(LANG, leniency=Leniency(tuple_is_list=False))
    verdict = decide(run(lines), cases, NONCE, strict)
    assert verdict.status is Status.WRONG_ANSWER and verdict.tests_passed == 1
