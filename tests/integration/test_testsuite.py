"""Augmented, adequacy-scored, deterministic test suites."""

from __future__ import annotations

import pytest

from codefactory.core.languages import Language
from codefactory.core.schema import Status
from codefactory.judge.verifier import Verifier
from codefactory.sources.benchmark_row import source_from_row
from codefactory.suite.build import TestOptions, build_tests


def _source(code: str, tests: list[str]) -> object:
    return source_from_row({"task_id": "t", "code": code, "test_list": tests}, "t")


MBPP_72 = {  # MBPP 72, with its three original asserts: all inputs positive
    "code": "\r\n".join(
        ["def dif_Square(n): ", "    if (n % 4 != 2): ", "        return True", "    return False"]
    ),
    "tests": [
        "assert dif_Square(5) == True",
        "assert dif_Square(10) == False",
        "assert dif_Square(15) == True",
    ],
}
WRONG_72 = "function dif_Square($n) { return $n % 4 != 2; }"


def test_augmented_input_rejects_what_the_original_asserts_let_through(
    verifier: Verifier, php: Language
) -> None:
    source = _source(MBPP_72["code"], MBPP_72["tests"])
    plain = build_tests(verifier, source, php, TestOptions(augment=False))  # type: ignore[arg-type]
    assert verifier.verify(php, WRONG_72, "dif_Square", plain.cases).status is Status.PASSED
    strong = build_tests(verifier, source, php)  # type: ignore[arg-type]
    assert strong.visible == 3 and len(strong.cases) > 3
    verdict = verifier.verify(php, WRONG_72, "dif_Square", strong.cases)
    assert verdict.status is Status.WRONG_ANSWER  # e.g. dif_Square(-10): PHP -2, Python 2
    failing = next(c for c in strong.cases if c.id == (verdict.failure or {})["case"])
    assert failing.hidden


def test_prefix_check_written_as_substring_is_caught(verifier: Verifier, php: Language) -> None:
    source = _source(
        "def starts(s, p):\n    return s.startswith(p)",
        ["assert starts('hello', 'he') == True", "assert starts('hello', 'lo') == False"],
    )
    wrong = "function starts($s, $p) { return strpos($s, $p) !== false && $p !== 'lo'; }"
    plain = build_tests(verifier, source, php, TestOptions(augment=False))  # type: ignore[arg-type]
    assert verifier.verify(php, wrong, "starts", plain.cases).status is Status.PASSED
    strong = build_tests(verifier, source, php)  # type: ignore[arg-type]
    assert verifier.verify(php, wrong, "starts", strong.cases).status is Status.WRONG_ANSWER
    right = "function starts($s, $p) { return str_starts_with($s, $p); }"
    assert verifier.verify(php, right, "starts", strong.cases).status is Status.PASSED


def test_adequacy_of_hand_checked_functions(verifier: Verifier, php: Language) -> None:
    # add: one statement, one mutant site (+ -> -); add(0, 0) alone cannot kill it.
    add = build_tests(
        verifier,
        _source(
            "def add(a, b):\n    return a + b",  # type: ignore[arg-type]
            ["assert add(0, 0) == 0"],
        ),
        php,
        TestOptions(augment=False),
    )
    assert add.adequacy.coverage == 1.0
    assert add.adequacy.mutation_score == 0.0 and add.adequacy.mutants == 1
    # The branch for x > 100 is never taken by the original calls: 3 of 4 lines.
    big = _source(
        "def big(x):\n    if x > 100:\n        return 1\n    return 0",
        ["assert big(1) == 0", "assert big(2) == 0"],
    )
    before = build_tests(verifier, big, php, TestOptions(augment=False))  # type: ignore[arg-type]
    assert before.adequacy.coverage == 0.75 and before.adequacy.branch_coverage == 0.5
    after = build_tests(verifier, big, php)  # type: ignore[arg-type]
    assert after.adequacy.coverage == 1.0 and after.adequacy.branch_coverage == 1.0
    assert after.adequacy.coverage_source_only == 0.75
    assert (after.adequacy.mutation_score or 0) > (after.adequacy.mutation_score_source_only or 0)


@pytest.mark.parametrize(
    ("code", "call"),
    [
        ("import random\ndef f(n):\n    return random.random() * n", "f(3)"),
        ("import time\ndef f(n):\n    return time.time_ns() + n", "f(1)"),
        ("def f(x):\n    return id(x) % 100000", "f([1])"),
        (
            # set order that leaks into a string (a bare list(set(...)) compares as a multiset)
            "def f(words):\n    return ''.join(set(words))",
            "f(['alpha', 'beta', 'gamma', 'delta', 'eps', 'zeta', 'eta', 'theta'])",
        ),
    ],
)
def test_nondeterminism_is_detected(
    verifier: Verifier, php: Language, code: str, call: str
) -> None:
    prepared = build_tests(verifier, _source(code, [f"assert {call}"]), php)  # type: ignore[arg-type]
    assert prepared.error is not None and "nondeterministic" in prepared.error


def test_floors_drop_weak_suites(verifier: Verifier, php: Language) -> None:
    source = _source("def add(a, b):\n    return a + b", ["assert add(0, 0) == 0"])
    weak = build_tests(
        verifier,
        source,
        php,  # type: ignore[arg-type]
        TestOptions(augment=False, min_mutation_score=0.9),
    )
    assert weak.error is not None and "mutation score 0.0 below" in weak.error
    strong = build_tests(
        verifier,
        source,
        php,  # type: ignore[arg-type]
        TestOptions(min_mutation_score=0.9, min_coverage=0.9),
    )
    assert strong.error is None


def test_a_source_without_mutants_is_not_scored_0_nor_let_past_a_floor(
    verifier: Verifier, php: Language
) -> None:
    """stringcase's `lowercase`: nothing to mutate, so the score is null with `mutants_made` 0,
    and under --min-mutation-score the function is dropped for that, not for a score of 0."""
    from codefactory.pipeline.rows import suite_fields

    source = _source("def low(s):\n    return str(s).lower()", ["assert low('A') == 'a'"])
    plain = build_tests(verifier, source, php)  # type: ignore[arg-type]
    fields = suite_fields(plain)
    assert plain.error is None and fields["mutation_score"] is None
    assert (fields["mutants_made"], fields["mutants_run"], fields["adequacy_unmeasured"]) == (
        0,
        0,
        None,
    )
    floored = build_tests(verifier, source, php, TestOptions(min_mutation_score=0.5))  # type: ignore[arg-type]
    assert floored.error == "no mutants of the source: --min-mutation-score cannot be checked"
