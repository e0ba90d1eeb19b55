"""Losses that were ours, not the model's (issue 13): each a translation that is right and that
the judge used to reject."""

from __future__ import annotations

import pytest

from codefactory.core.languages import get_language
from codefactory.core.schema import Status, TestCase
from codefactory.judge.verifier import Verifier
from codefactory.sources.benchmark_row import source_from_row
from codefactory.suite.build import TestOptions, build_tests

WORDS_CASES = (
    TestCase(0, ("a bc  d",), ["A", "BC", "D"]),
    TestCase(1, ("",), []),
    TestCase(2, ("  x ",), ["X"]),
)
_WORDS_BODY = (
    "class Solution {\n"
    "    public static List<String> upperWords(String s) {\n"
    '        Pattern space = Pattern.compile("\\\\s+");\n'
    "        return space.splitAsStream(s.trim()).filter(w -> !w.isEmpty())\n"
    "            .map(String::toUpperCase).collect(Collectors.toList());\n"
    "    }\n"
    "}"
)


@pytest.mark.parametrize(
    "imports",
    [
        "",  # the prompt says java.util.* is imported: the model often writes no import line
        "import java.util.List;\nimport java.util.regex.Pattern;\n"
        "import java.util.stream.Collectors;\n\n",
        "import java.util.*;\nimport java.util.stream.*;\nimport java.util.regex.*;\n\n",
    ],
    ids=["no-imports", "single-type-imports", "on-demand-imports"],
)
def test_java_collectors_and_pattern_compile(verifier: Verifier, imports: str) -> None:
    verdict = verifier.verify(
        get_language("java"), imports + _WORDS_BODY, "upper_words", WORDS_CASES
    )
    assert verdict.passed, verdict.failure


def test_php_unique_values_pass_a_set_order_result(verifier: Verifier) -> None:
    # Strings: CPython's set order changes with the hash seed, PHP keeps first occurrences.
    source = source_from_row(
        {
            "task_id": "t",
            "code": "def unique(xs):\n    return list(set(xs))",
            "test_list": [
                "assert unique(['pear', 'fig', 'pear', 'kiwi', 'plum']) == "
                "['fig', 'kiwi', 'pear', 'plum']",
                "assert unique(['b', 'a', 'c', 'e', 'd', 'a']) == ['a', 'b', 'c', 'd', 'e']",
                "assert unique(['x', 'y', 'z', 'w', 'v', 'u']) == ['u', 'v', 'w', 'x', 'y', 'z']",
            ],
        },
        "t",
    )
    php = get_language("php")
    prepared = build_tests(verifier, source, php, TestOptions(augment=False, mutants=0))
    assert prepared.error is None, prepared.error
    assert {c.relation.kind for c in prepared.cases} == {"sorted"}
    right = "function unique($xs) { return array_values(array_unique($xs)); }"
    verdict = verifier.verify(php, right, "unique", prepared.cases)
    assert verdict.passed, verdict.failure
    dup = "function unique($xs) { return array_values($xs); }"  # a multiset, not a set
    assert verifier.verify(php, dup, "unique", prepared.cases).status is Status.WRONG_ANSWER


def test_dasherize_mutants_are_killed(verifier: Verifier) -> None:
    # It had one mutant, its docstring dropped: equivalent, never killed, a score of 0.0.
    source = source_from_row(
        {
            "task_id": "t",
            "code": 'def dasherize(word):\n    """Underscores to dashes."""\n'
            "    return word.replace('_', '-')",
            "test_list": ["assert dasherize('puni_puni') == 'puni-puni'"],
        },
        "t",
    )
    prepared = build_tests(verifier, source, get_language("php"), TestOptions(augment=False))
    assert prepared.error is None, prepared.error
    assert prepared.adequacy.mutants == 2 and prepared.adequacy.mutation_score == 1.0
