"""Visible examples in the translate prompt: the source's own test calls with their expected
values, never the hidden augmented cases. No Docker."""

from __future__ import annotations

from codefactory.core.equality import Relation
from codefactory.core.languages import get_language
from codefactory.core.schema import Source, TestCase
from codefactory.generation.prompts import MAX_EXAMPLES, examples_note, translate_messages
from codefactory.pipeline.stages.generate import Prompt
from codefactory.pipeline.work import Function
from codefactory.sources.source_row import SourceRow
from codefactory.suite.build import Prepared

SOURCE = Source("t", "def f(xs, k):\n    return xs[:k]\n", "f", ())
OWN = (
    TestCase(0, ([1, 2, 3], 2), [1, 2]),
    TestCase(1, (["a'b"], 1), ["a'b"], Relation(kind="sorted")),
)
HIDDEN = (TestCase(2, ([9, 8, 7], 1), [9], hidden=True),)


def test_only_visible_cases_are_shown_as_python_calls() -> None:
    note = examples_note("f", HIDDEN + OWN)
    assert note == (
        "Examples it must reproduce:\n```python\n"
        "f([1, 2, 3], 2) == [1, 2]\n"
        'f(["a\'b"], 1) == ["a\'b"]  # in any order\n```'
    )
    assert "9" not in note


def test_no_visible_case_no_note() -> None:
    assert examples_note("f", HIDDEN) is None
    assert examples_note("f", ()) is None


def test_at_most_a_few_examples_and_long_values_cut() -> None:
    many = tuple(TestCase(i, (list(range(200)), i), i) for i in range(10))
    note = examples_note("f", many)
    assert note is not None
    lines = note.splitlines()[2:-1]
    assert len(lines) == MAX_EXAMPLES
    assert all(len(line) < 300 and "..." in line for line in lines)


def test_the_prompt_without_examples_is_the_plain_one() -> None:
    php = get_language("php")
    assert translate_messages(SOURCE, php, None, HIDDEN) == translate_messages(SOURCE, php)
    with_examples = translate_messages(SOURCE, php, None, OWN)
    assert with_examples[0] == translate_messages(SOURCE, php)[0]  # system unchanged
    assert with_examples[1][1].endswith(
        'f([1, 2, 3], 2) == [1, 2]\nf(["a\'b"], 1) == ["a\'b"]  # in any order\n```'
    )


def test_examples_come_before_a_typed_targets_signature() -> None:
    user = translate_messages(
        SOURCE, get_language("rust"), "fn f(xs: Vec<i64>, k: i64) -> Vec<i64>", OWN
    )[1][1]
    assert user.index("Examples it must reproduce") < user.index("Use this signature")


def _function() -> Function:
    prepared = Prepared(SOURCE, OWN + HIDDEN, {}, None, source_given=2)
    return Function(0, SourceRow("t", SOURCE), SOURCE, prepared)


def test_the_prompt_stage_shows_examples_only_when_asked() -> None:
    php = get_language("php")
    shown = Prompt(php, 1, 0, 0.7, examples=True).process(_function())[0].messages
    plain = Prompt(php, 1, 0, 0.7, examples=False).process(_function())[0].messages
    assert "f([1, 2, 3], 2) == [1, 2]" in shown[1][1]
    assert "[9, 8, 7]" not in shown[1][1]
    assert plain == translate_messages(SOURCE, php)
