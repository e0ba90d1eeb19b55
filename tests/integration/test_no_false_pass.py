"""Wrong translations that were verified once, each kept from passing again (issue 9).

- a sentinel for None in a typed target (Rust verified `-> i64` returning -1 where the Python
  returned None: the None cases had been dropped one value at a time);
- a function whose target keeps too few of the source's own cases;
- a candidate that exits 127 to be taken for our infrastructure failing;
- a JavaScript reversal by UTF-16 code units, which no test had a character to catch.
"""

from __future__ import annotations

import pytest

from codefactory.core.languages import get_language
from codefactory.core.schema import Status
from codefactory.judge.verifier import Verifier
from codefactory.sources.benchmark_row import source_from_row
from codefactory.suite.build import TestOptions, build_tests

pytestmark = pytest.mark.docker

FIRST_EVEN = source_from_row(
    {
        "task_id": "first_even",
        "code": "def first_even(xs):\n    for x in xs:\n        if x % 2 == 0:\n"
        "            return x\n    return None\n",
        "test_list": [
            "assert first_even([1, 3, 4]) == 4",
            "assert first_even([1, 3]) == None",
            "assert first_even([]) is None",
            "assert first_even([2, 5]) == 2",
        ],
    },
    "t",
)

# (sentinel translation, optional translation) per typed target
TRANSLATIONS = {
    "rust": (
        "fn first_even(xs: Vec<i64>) -> i64 {\n"
        "    for x in xs { if x % 2 == 0 { return x; } }\n    -1\n}",
        "fn first_even(xs: Vec<i64>) -> Option<i64> {\n"
        "    for x in xs { if x % 2 == 0 { return Some(x); } }\n    None\n}",
    ),
    "cpp": (
        "#include <vector>\nlong long first_even(std::vector<long long> xs) {\n"
        "    for (long long x : xs) if (x % 2 == 0) return x;\n    return -1;\n}",
        "#include <optional>\n#include <vector>\n"
        "std::optional<long long> first_even(std::vector<long long> xs) {\n"
        "    for (long long x : xs) if (x % 2 == 0) return x;\n    return std::nullopt;\n}",
    ),
    "java": (
        "import java.util.*;\nclass Solution {\n"
        "    public static long first_even(List<Long> xs) {\n"
        "        for (long x : xs) if (x % 2 == 0) return x;\n        return -1;\n    }\n}",
        "import java.util.*;\nclass Solution {\n"
        "    public static Long first_even(List<Long> xs) {\n"
        "        for (Long x : xs) if (x % 2 == 0) return x;\n        return null;\n    }\n}",
    ),
    "go": (
        "func first_even(xs []int) int {\n"
        "\tfor _, x := range xs {\n\t\tif x%2 == 0 {\n\t\t\treturn x\n\t\t}\n\t}\n\treturn -1\n}",
        "func first_even(xs []int) *int {\n"
        "\tfor _, x := range xs {\n\t\tif x%2 == 0 {\n\t\t\tv := x\n\t\t\treturn &v\n\t\t}\n\t}\n"
        "\treturn nil\n}",
    ),
    "typescript": (
        "function first_even(xs: number[]): number {\n"
        "  for (const x of xs) { if (x % 2 === 0) return x; }\n  return -1;\n}",
        "function first_even(xs: number[]): number | null {\n"
        "  for (const x of xs) { if (x % 2 === 0) return x; }\n  return null;\n}",
    ),
}


@pytest.mark.parametrize("lang_id", sorted(TRANSLATIONS))
def test_a_sentinel_for_none_is_rejected_and_an_optional_verified(
    verifier: Verifier, lang_id: str
) -> None:
    lang = get_language(lang_id)
    verifier.sandbox.require_image(lang.image)
    prepared = build_tests(verifier, FIRST_EVEN, lang, TestOptions(augment=False, mutants=0))
    assert prepared.error is None, prepared.error
    assert prepared.visible == 4 and prepared.source_given == 4  # the None cases are kept
    sentinel, optional = TRANSLATIONS[lang_id]
    wrong = verifier.verify(lang, sentinel, "first_even", prepared.cases)
    assert wrong.status is Status.WRONG_ANSWER, wrong.failure
    right = verifier.verify(lang, optional, "first_even", prepared.cases)
    assert right.status is Status.PASSED, right.failure


BIG = source_from_row(
    {
        "task_id": "square",
        "code": "def square(n):\n    return n * n\n",
        "test_list": [
            "assert square(3) == 9",
            "assert square(2**40) == 2**80",
            "assert square(2**50) == 2**100",
        ],
    },
    "t",
)


def test_a_function_that_keeps_too_few_of_its_source_cases_is_not_verified(
    verifier: Verifier,
) -> None:
    rust = get_language("rust")
    options = TestOptions(augment=False, mutants=0)
    dropped = build_tests(verifier, BIG, rust, options)
    assert dropped.error and "keeps 1 of the source's 3 test cases" in dropped.error
    assert "int beyond 64 bits: 2" in dropped.error
    lenient = build_tests(verifier, BIG, rust, TestOptions(False, mutants=0, min_source_tests=0))
    assert lenient.error is None and (lenient.visible, lenient.source_given) == (1, 3)


REVERSE = source_from_row(
    {
        "task_id": "rev",
        "code": "def rev(s):\n    return s[::-1]\n",
        "test_list": ["assert rev('abc') == 'cba'", "assert rev('hello') == 'olleh'"],
    },
    "t",
)


def test_no_case_is_never_a_pass(verifier: Verifier) -> None:
    verdict = verifier.verify(get_language("php"), "function rev($s) { return 1; }", "rev", ())
    assert verdict.status is Status.UNSUPPORTED


def test_a_candidate_exiting_127_is_a_runtime_error_not_ours(verifier: Verifier) -> None:
    php = get_language("php")
    prepared = build_tests(verifier, REVERSE, php, TestOptions(augment=False, mutants=0))
    for code in (125, 126, 127):
        verdict = verifier.verify(php, f"function rev($s) {{ exit({code}); }}", "rev",
                                  prepared.cases)  # fmt: skip
        assert verdict.status is Status.RUNTIME_ERROR, (code, verdict.failure)


def test_astral_characters_catch_a_reversal_by_code_units(verifier: Verifier) -> None:
    js = get_language("javascript")
    verifier.sandbox.require_image(js.image)
    plain = build_tests(verifier, REVERSE, js, TestOptions(augment=False, mutants=0))
    units = "function rev(s) { return s.split('').reverse().join(''); }"
    assert verifier.verify(js, units, "rev", plain.cases).status is Status.PASSED
    strong = build_tests(verifier, REVERSE, js, TestOptions(mutants=0))
    assert any("🙂" in str(c.inputs) for c in strong.cases)
    assert verifier.verify(js, units, "rev", strong.cases).status is Status.WRONG_ANSWER
    points = "function rev(s) { return Array.from(s).reverse().join(''); }"
    assert verifier.verify(js, points, "rev", strong.cases).status is Status.PASSED
