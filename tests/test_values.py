"""The value model, its wire form and the host-side equality (no Docker)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codefactory.core.equality import Leniency, Relation, values_equal
from codefactory.core.values import DecodeError, Unsupported, decode, dumps, encode, loads

PHP = Leniency(tuple_is_list=True, list_is_int_dict=True)
STRICT = Leniency(tuple_is_list=False, list_is_int_dict=False)

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=5) | st.integers(), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(values)
def test_round_trip_keeps_types(value: object) -> None:
    back = loads(dumps(value))
    assert values_equal(value, back, leniency=STRICT)
    assert repr(back) == repr(value)


def test_tags_tell_types_apart() -> None:
    assert encode(1) == {"int": "1"}
    assert encode(1.0) == {"float": "1.0"}
    assert encode((1,)) == {"tuple": [{"int": "1"}]}
    assert encode({1: None}) == {"dict": [[{"int": "1"}, None]]}
    assert encode(2**100) == {"int": str(2**100)}
    assert loads(dumps(-0.0)) == 0.0 and math.copysign(1, loads(dumps(-0.0))) == -1


def test_decode_rejects_forged_shapes() -> None:
    for bad in ({"int": "x"}, {"what": 1}, {"int": "1", "float": "2"}, 3, 1.5):
        with pytest.raises(DecodeError):
            decode(bad)


@pytest.mark.parametrize(
    ("expected", "got", "equal"),
    [
        ({"a": 1, "b": 2}, {"b": 2, "a": 1}, True),  # order-free dicts (MultiPL-E used ===)
        (1, 1.0, True),
        (1.0, 1, True),
        (3, 2.9999999, False),  # an int result must come back exact
        (0.1 + 0.2, 0.3, True),
        (1e300, 1.0000000000001e300, True),
        (True, 1, False),  # bool is not an int
        (None, False, False),
        ((1, 2), [1, 2], True),
        ("é", "e\u0301", False),  # code points, no normalisation
        ({}, [], True),  # PHP: one empty array
        ({0: "a", 1: "b"}, ["a", "b"], True),
        (["a", "b"], {0: "a", 2: "b"}, False),  # array_filter kept its keys: not a list
        ([1, 2], [2, 1], False),
        (float("inf"), float("inf"), True),
        (Unsupported("generator"), Unsupported("generator"), False),
    ],
)
def test_equality_follows_python(expected: object, got: object, equal: bool) -> None:
    assert values_equal(expected, got, leniency=PHP) is equal


def test_strict_targets_keep_tuple_and_dict_apart() -> None:
    assert not values_equal((1, 2), [1, 2], leniency=STRICT)
    assert not values_equal({}, [], leniency=STRICT)


@pytest.mark.parametrize(
    ("relation", "expected", "got", "equal"),
    [
        (Relation("sorted"), [3, 1, 2], [1, 2, 3], True),
        (Relation("sorted"), [3, 1, 2], [1, 2], False),
        (Relation("set"), [1, 1, 2], [2, 1], True),
        (Relation("set"), [1, 2], [1, 3], False),
        (Relation("close", rel_tol=1e-3, abs_tol=0), 3.14159, 3.1416, True),
        (Relation("close", rel_tol=0, abs_tol=1e-6), 2, 2.0000000001, True),
        (Relation("close", rel_tol=0, abs_tol=1e-6), 2, 2.01, False),
    ],
)
def test_relations_from_the_source_asserts(
    relation: Relation, expected: object, got: object, equal: bool
) -> None:
    assert values_equal(expected, got, relation, PHP) is equal


R = Leniency(tuple_is_list=True, string_keys=True, vectors=True)


@pytest.mark.parametrize(
    ("relation", "expected", "got", "equal"),
    [
        (Relation(), [5], 5, True),  # c(5) is 5
        (Relation(), [[1, 2], [3]], [[1, 2], 3], True),
        (Relation(), [], None, True),  # c() is NULL
        (Relation(), {}, [], True),  # an empty named list is list()
        (Relation(), {"a": [1]}, {"a": 1}, True),
        (Relation(), 3, 3.0, True),  # R numbers are doubles
        (Relation(), [5], 6, False),
        (Relation(), [5, 6], 5, False),
        (Relation(), None, 0, False),
        (Relation(), "abc", ["a", "b", "c"], False),
        (Relation(), ["x", "y"], {"1x": "x", "2y": "y"}, True),  # a named vector is the vector
        (Relation(), [5], {"a": 5}, True),
        (Relation(), ["y", "x"], {"1x": "x", "2y": "y"}, False),
        (Relation(), {"a": 1}, [1], False),  # but a dict must come back with its names
        (Relation("sorted"), [2], 2, True),
        (Relation("sorted"), [], None, True),
        (Relation("sorted"), [3, 1], [1, 3], True),
        (Relation("sorted"), "ba", "ab", True),
        (Relation("set"), [1, 1], 1, True),
    ],
)
def test_r_vectors_blur_scalars_and_empty_containers_only(
    relation: Relation, expected: object, got: object, equal: bool
) -> None:
    assert values_equal(expected, got, relation, R) is equal
