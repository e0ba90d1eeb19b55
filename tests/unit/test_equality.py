"""Relations and leniencies of the host-side equality that tests/test_values.py leaves out:
Perl's scalars, string keys, bool keys, non-finite floats, order-free relations over odd values."""

from __future__ import annotations

import math

import pytest

from codefactory.core.equality import Leniency, Relation, values_equal
from codefactory.core.values import Unsupported, Value

STRICT = Leniency(tuple_is_list=False)
PERL = Leniency(tuple_is_list=True, string_keys=True, scalars=True)
JS = Leniency(tuple_is_list=True, string_keys=True)
CLOSE = Relation("close", rel_tol=1e-6, abs_tol=0.0)


@pytest.mark.parametrize(
    ("expected", "got", "equal"),
    [
        (5, "5", True),  # one scalar type: numbers and numeric strings
        ("5", 5, True),
        (5, "5.0", True),
        (-3, "-3", True),
        (2.5, "2.5", True),
        (5, "05x", False),
        (5, "6", False),
        ("abc", 0, False),
        (True, 1, True),  # true is 1
        (True, "1", True),
        (False, "", True),  # false is "" or 0
        (False, 0, True),
        (False, "0", True),
        (True, 1.0, False),  # but not a float
        (True, 2, False),
        (False, None, False),  # undef is not false: None keeps its meaning
        (1, True, False),  # a bool back where a number was expected is wrong
        (3, "2.9999999", False),  # an int result must still come back exact
        ([1, "2"], ["1", 2], True),  # inside containers too
        ({"a": 1}, {"a": "1"}, True),
    ],
)
def test_perl_scalars_blur_numbers_strings_and_booleans(
    expected: Value, got: Value, equal: bool
) -> None:
    assert values_equal(expected, got, leniency=PERL) is equal


def test_perl_scalar_blurring_is_perl_s_only() -> None:
    assert not values_equal(5, "5", leniency=JS)
    assert not values_equal(True, 1, leniency=JS)


@pytest.mark.parametrize(
    ("expected", "got", "lenient", "strict"),
    [
        ({1: "x", 2: "y"}, {"1": "x", "2": "y"}, True, False),  # object keys are strings
        ({1: "x"}, {"2": "x"}, False, False),
        ({1: "x", "1": "y"}, {"1": "y"}, False, False),  # sizes differ
        ({"a": 1}, {"a": 1}, True, True),
    ],
)
def test_string_keys_leniency(expected: Value, got: Value, lenient: bool, strict: bool) -> None:
    assert values_equal(expected, got, leniency=JS) is lenient
    assert values_equal(expected, got, leniency=STRICT) is strict


def test_bool_keys_are_kept_apart_from_int_keys() -> None:
    # Python says {True: 1} == {1: 1}; a translation cannot tell which it meant, so neither do we.
    assert not values_equal({True: "a"}, {1: "a"}, leniency=STRICT)
    assert not values_equal({1: "a"}, {True: "a"}, leniency=STRICT)
    assert values_equal({True: "a", 2: "b"}, {2: "b", True: "a"}, leniency=STRICT)


def test_bools_are_not_numbers_and_none_is_only_none() -> None:
    for expected, got in [(1, True), (0, False), (0.0, False), (None, 0), (None, ""), ([], None)]:
        assert not values_equal(expected, got, leniency=STRICT)
        assert not values_equal(got, expected, leniency=STRICT)
    assert values_equal(None, None, leniency=STRICT)


def test_nested_tuples_and_lists_follow_the_leniency_at_every_depth() -> None:
    expected = [(1, [2, (3,)])]
    got = [[1, [2, [3]]]]
    assert values_equal(expected, got, leniency=Leniency(tuple_is_list=True))
    assert not values_equal(expected, got, leniency=STRICT)
    assert not values_equal([(1, 2)], [[1, 2, 3]], leniency=Leniency(tuple_is_list=True))


def test_an_unsupported_value_anywhere_is_never_equal() -> None:
    assert not values_equal([1, Unsupported("generator")], [1, Unsupported("generator")])
    assert not values_equal({"k": Unsupported("x")}, {"k": Unsupported("x")})


@pytest.mark.parametrize(
    ("expected", "got", "relation", "equal"),
    [
        (math.inf, math.inf, CLOSE, True),
        (-math.inf, -math.inf, Relation(), True),
        (math.inf, -math.inf, CLOSE, False),
        (math.inf, 1e308, CLOSE, False),  # no tolerance reaches infinity
        (1e308, math.inf, CLOSE, False),
        (math.nan, math.nan, CLOSE, False),  # as in Python: nan == nan is False
        (math.nan, math.nan, Relation(), False),
        (1.0, 1.0000005, CLOSE, True),
        (1.0, 1.000002, CLOSE, False),
        (3, 3.0000001, Relation("close", rel_tol=1e-6), True),  # close admits a float for an int
        (3, 3.0000001, Relation(), False),  # eq does not
        (0.0, -0.0, Relation(rel_tol=0.0, abs_tol=0.0), True),
        (0.0, 1e-12, Relation(rel_tol=0.0, abs_tol=0.0), False),
        (0.0, 1e-12, Relation(), True),  # the default absolute tolerance near zero
    ],
)
def test_numbers_under_each_tolerance(
    expected: Value, got: Value, relation: Relation, equal: bool
) -> None:
    assert values_equal(expected, got, relation, STRICT) is equal


@pytest.mark.parametrize(
    ("expected", "got", "relation", "equal"),
    [
        ([1, 2.0], [2, 1.0], Relation("sorted"), True),  # 1 and 1.0 sort together
        ([1, 2], [2, 1, 1], Relation("sorted"), False),  # sorted keeps multiplicity
        ({1, 2}, [2, 1, 1], Relation("set"), True),
        ({1, 2}, [2, 3], Relation("set"), False),
        ({"b": 1, "a": 2}, ["a", "b"], Relation("set"), True),  # a dict's keys
        ("cab", "abc", Relation("sorted"), True),  # a string's characters
        ([1, 2], 12, Relation("sorted"), False),  # nothing to sort
        (None, [], Relation("set"), False),
        ([[2, 1], [1]], [[1], [2, 1]], Relation("sorted"), True),  # the items, not inside them
        ([[2, 1], [1]], [[1], [1, 2]], Relation("sorted"), False),
        ([(1, "a"), (0, "b")], [[0, "b"], [1, "a"]], Relation("sorted"), True),
        ([True, 1], [1, True], Relation("sorted"), True),
        ([True], [1], Relation("set"), False),  # a bool is still not an int
    ],
)
def test_order_free_relations(expected: Value, got: Value, relation: Relation, equal: bool) -> None:
    assert values_equal(expected, got, relation, Leniency(tuple_is_list=True)) is equal
