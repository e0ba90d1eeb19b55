"""New inputs from the source's own: same types, one argument changed, spread, deterministic; and
the Python literals the oracle evaluates them from (no Docker)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codefactory.core.values import Value, dumps
from codefactory.suite.augment import ASTRAL, args_source, augment_inputs, python_literal, variants


def _same_shape(a: Value, b: Value) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool)
    return type(a) is type(b)


def test_variants_keep_the_type_of_the_value() -> None:
    for value in [7, -2.5, "héllo", [1, 2, 3], ("a", "b"), {"k": 1, "j": 2}, [[1], [2]]]:
        found = list(variants(value))
        assert found, value
        assert all(_same_shape(value, v) for v in found), value
    assert all(type(x) is int for x in variants(7))  # never a bool for an int


def test_bools_and_none_have_no_variants() -> None:
    assert list(variants(True)) == [] and list(variants(None)) == []


def test_the_most_telling_strings_come_first() -> None:
    # The cap on new cases keeps the front: the empty string and astral characters survive it.
    assert list(variants("abc"))[:3] == ["", "a", ASTRAL]


def test_a_list_of_ints_gets_its_edge_cases() -> None:
    found = list(variants([3, 1]))
    for expected in ([], [3], [3, 1, 3], [1, 3], [-3, -1], [3, 1, 0, -7]):
        assert expected in found, expected


def test_one_argument_changes_at_a_time() -> None:
    existing = [(1, "ab", [2, 3]), (5, "", [])]
    for new in augment_inputs(existing, 100):
        assert len(new) == 3
        assert any(sum(a != b for a, b in zip(new, old, strict=True)) == 1 for old in existing)


def test_no_new_input_repeats_an_old_one_or_another_new_one() -> None:
    existing = [(1, 2), (2, 1), (0, 1)]  # variants of one are the others: they must not return
    out = augment_inputs(existing, 200)
    keys = [dumps(list(args)) for args in out]
    assert len(set(keys)) == len(keys)
    assert not {dumps(list(args)) for args in existing} & set(keys)


def test_the_limit_is_kept_and_the_output_is_deterministic() -> None:
    existing = [(4, "xy"), (9, "hello")]
    assert augment_inputs(existing, 0) == []
    assert len(augment_inputs(existing, 5)) == 5
    assert augment_inputs(existing, 30) == augment_inputs(existing, 30)
    assert augment_inputs(existing, 5) == augment_inputs(existing, 30)[:5]


def test_new_inputs_are_spread_over_inputs_and_positions() -> None:
    existing = [(4, "xy"), (9, "hello")]
    first = augment_inputs(existing, 4)  # one from each (input, position) pool, in order
    assert first[0][1] == "xy" and first[0][0] != 4  # input 0, position 0 changed
    assert first[1][0] == 4 and first[1][1] != "xy"  # input 0, position 1
    assert first[2][1] == "hello" and first[2][0] != 9  # input 1, position 0
    assert first[3][0] == 9 and first[3][1] != "hello"  # input 1, position 1


@pytest.mark.parametrize("value", [math.inf, 1e308])  # -inf; 1e308 * 3.5 overflows to inf
def test_non_finite_floats_are_never_proposed(value: float) -> None:
    out = augment_inputs([(value,)], 100)
    assert out and all(isinstance(x, float) and math.isfinite(x) for (x,) in out)


def test_no_arguments_no_new_inputs() -> None:
    assert augment_inputs([()], 10) == [] and augment_inputs([], 10) == []


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text() | st.binary(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=4).map(tuple)
        | st.dictionaries(st.integers() | st.text(max_size=4), inner, max_size=4)
        | st.sets(st.integers() | st.text(max_size=4), max_size=4)
    ),
    max_leaves=12,
)


def _same(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down (a float by its repr: nan, -0.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return repr(a) == repr(b)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=False))
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    return a == b


@given(values)
def test_python_literal_evaluates_back_to_the_value(value: Value) -> None:
    assert _same(eval(python_literal(value)), value)


@given(st.lists(values, max_size=4))
def test_args_source_is_a_tuple_of_the_arguments(args: list[Value]) -> None:
    assert _same(eval(args_source(args)), tuple(args))


def test_the_literal_edge_cases() -> None:
    assert python_literal((1,)) == "(1, )" and eval(python_literal(())) == ()
    assert python_literal(set()) == "set()"
    assert (
        python_literal(math.inf) == "float('inf')" and python_literal(-math.inf) == "float('-inf')"
    )
    assert math.isnan(eval(python_literal(math.nan)))
    assert math.copysign(1, eval(python_literal(-0.0))) == -1
