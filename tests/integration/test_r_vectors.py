"""Idiomatic R against Python's expected values: what the `vectors` leniency lets through, and
what it must not."""

from __future__ import annotations

import pytest

from codefactory.core.languages import get_language
from codefactory.core.schema import Status, TestCase
from codefactory.judge.verifier import Verifier

# Python: def big(xs): return [x for x in xs if x > 2]
BIG_CASES = (
    TestCase(0, ([1, 5],), [5]),  # c(5) is 5
    TestCase(1, ([1, 2],), []),  # numeric(0)
    TestCase(2, ([3, 4, 1],), [3, 4]),
)
# Python: def counts(s): return {ch: s.count(ch) for ch in s}
COUNT_CASES = (TestCase(0, ("aba",), {"a": 2, "b": 1}), TestCase(1, ("",), {}))


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("big <- function(xs) xs[xs > 2]", Status.PASSED),
        ("big <- function(xs) as.list(xs[xs > 2])", Status.PASSED),  # a list() of the same
        ("big <- function(xs) xs[xs >= 2]", Status.WRONG_ANSWER),
        ("big <- function(xs) rep(xs[xs > 2], 2)", Status.WRONG_ANSWER),  # c(5, 5) is not [5]
        # the candidate shadows c() and list(): the cases are built with base:: anyway
        (
            "c <- function(...) stop('shadowed')\nlist <- c\nbig <- function(xs) xs[xs > 2]",
            Status.PASSED,
        ),
    ],
)
def test_filtering_into_a_vector(verifier: Verifier, code: str, status: Status) -> None:
    verdict = verifier.verify(get_language("r"), code, "big", BIG_CASES)
    assert verdict.status is status, verdict.failure


def test_names_sapply_adds_do_not_make_a_list_a_dict(verifier: Verifier) -> None:
    code = "strip_digits <- function(xs) sapply(xs, function(x) gsub('[0-9]', '', x))"
    cases = (TestCase(0, (["4ab", "c5"],), ["ab", "c"]),)
    verdict = verifier.verify(get_language("r"), code, "strip_digits", cases)
    assert verdict.passed, verdict.failure


def test_a_table_is_a_dict(verifier: Verifier) -> None:
    code = "counts <- function(s) {\n  as.list(table(strsplit(s, '')[[1]]))\n}"
    verdict = verifier.verify(get_language("r"), code, "counts", COUNT_CASES)
    assert verdict.passed, verdict.failure


def test_shadowed_base_names_and_sink_do_not_break_a_right_function(verifier: Verifier) -> None:
    code = (
        "cat <- function(...) stop('shadowed')\n`[[` <- function(...) stop('shadowed')\n"
        "paste0 <- cat\nbig <- function(xs) {\n  sink(tempfile())\n  print(xs)\n  sink()\n"
        "  xs[xs > 2]\n}"
    )
    verdict = verifier.verify(get_language("r"), code, "big", BIG_CASES)
    assert verdict.passed, verdict.failure


def test_the_values_own_s3_methods_do_not_change_the_record(verifier: Verifier) -> None:
    # [[, format and as.character of the value's class claim the right answer; the value is 0.
    code = (
        "`[[.cf` <- function(x, i) 5\nformat.cf <- function(x, ...) '5'\n"
        "as.character.cf <- function(x, ...) '5'\n"
        "big <- function(xs) structure(0, class = 'cf')"
    )
    verdict = verifier.verify(get_language("r"), code, "big", BIG_CASES[:1])
    assert verdict.status is Status.WRONG_ANSWER, verdict.failure
