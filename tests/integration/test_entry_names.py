"""A candidate that names the entry point in its language's convention is still called."""

from __future__ import annotations

import pytest

from codefactory.core.languages import get_language
from codefactory.core.schema import TestCase
from codefactory.judge.verifier import Verifier

CASES = (TestCase(0, ([3, 1, 2],), [1, 2, 3]), TestCase(1, ([],), []))


@pytest.mark.parametrize(
    ("lang", "code"),
    [
        ("javascript", "function sortList(xs) { return [...xs].sort((a, b) => a - b); }"),
        (
            "go",
            'import "sort"\n\nfunc SortList(xs []int) []int {\n'
            "\tout := append([]int{}, xs...)\n\tsort.Ints(out)\n\treturn out\n}",
        ),
    ],
)
def test_camel_and_pascal_case_entry_points(verifier: Verifier, lang: str, code: str) -> None:
    verdict = verifier.verify(get_language(lang), code, "sort_list", CASES)
    assert verdict.passed, verdict.failure
