"""Host-side comparison with Python's `==` as the reference (docs/architecture.md §4).

Done once, in Python, for every language: the sandbox only reports values. Language quirks that
make two Python-distinct values indistinguishable in the target (PHP has one array type) come in
as `Leniency` flags from the language's toml, never as special cases here.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Literal

from codefactory.core.values import Unsupported, Value, encode

REL_TOL = 1e-9
ABS_TOL = 1e-9

RelationKind = Literal["eq", "sorted", "set", "close"]


@dataclass(frozen=True)
class Relation:
    """How the source's own test compares the result: `f(x) == y`, `sorted(f(x)) == y`, ..."""

    kind: RelationKind = "eq"
    rel_tol: float = REL_TOL
    abs_tol: float = ABS_TOL

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "rel_tol": self.rel_tol, "abs_tol": self.abs_tol}

    @staticmethod
    def from_json(data: dict[str, object]) -> Relation:
        return Relation(
            kind=data["kind"],  # type: ignore[arg-type]
            rel_tol=float(data["rel_tol"]),  # type: ignore[arg-type]
            abs_tol=float(data["abs_tol"]),  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class Leniency:
    """Distinctions the target language cannot make (from `languages/<id>.toml`)."""

    tuple_is_list: bool = True  # most targets have no tuple: (1, 2) may come back as [1, 2]
    list_is_int_dict: bool = False  # PHP: {0: a, 1: b} and [a, b] are the same array
    string_keys: bool = False  # JavaScript objects, Perl hashes: {1: x} comes back as {"1": x}
    scalars: bool = False  # Perl: 5 and "5" are one scalar; true is 1, false is "" or 0
    vectors: bool = False  # R: a scalar is a length-one vector, and c() / list() are NULL


def values_equal(
    expected: Value, got: Value, relation: Relation = Relation(), leniency: Leniency = Leniency()
) -> bool:
    if leniency.vectors:
        expected, got = _devectorize(expected), _devectorize(got)
    if relation.kind in ("sorted", "set"):
        if leniency.vectors:  # a one-element or empty result came back as a scalar or NULL
            expected, got = _revectorize(expected, got), _revectorize(got, expected)
        exp_items, got_items = _as_items(expected), _as_items(got)
        if exp_items is None or got_items is None:
            return False
        exp_items, got_items = sorted(exp_items, key=_order_key), sorted(got_items, key=_order_key)
        if relation.kind == "set":
            exp_items, got_items = _dedupe(exp_items), _dedupe(got_items)
        return _equal(exp_items, got_items, relation, leniency)
    return _equal(expected, got, relation, leniency)


def _equal(exp: Value, got: Value, rel: Relation, len_: Leniency) -> bool:
    if isinstance(exp, Unsupported) or isinstance(got, Unsupported):
        return False
    if len_.vectors and isinstance(got, dict) and not isinstance(exp, dict):
        # R: names are an attribute; sapply() over strings names its result, values unchanged
        got = _devectorize(list(got.values()))
    if len_.scalars and _scalar_like(exp) and _scalar_like(got) and type(exp) is not type(got):
        return _scalars_equal(exp, got, rel)
    if isinstance(exp, bool) or isinstance(got, bool):
        return isinstance(exp, bool) and isinstance(got, bool) and exp == got
    if exp is None or got is None:
        return exp is None and got is None
    if isinstance(exp, int | float) and isinstance(got, int | float):
        return _numbers_equal(exp, got, rel)
    if isinstance(exp, str) or isinstance(got, str):
        return isinstance(exp, str) and isinstance(got, str) and exp == got
    if isinstance(exp, list | tuple) and isinstance(got, list | tuple):
        if type(exp) is not type(got) and not len_.tuple_is_list:
            return False
        return len(exp) == len(got) and all(
            _equal(e, g, rel, len_) for e, g in zip(exp, got, strict=True)
        )
    if len_.list_is_int_dict:
        if isinstance(exp, dict) and isinstance(got, list):
            got = dict(enumerate(got))
        elif isinstance(exp, list) and isinstance(got, dict) and not exp and not got:
            return True
    if isinstance(exp, dict) and isinstance(got, dict):
        if len(exp) != len(got):
            return False
        if len_.string_keys and all(isinstance(k, str) for k in got):
            exp = {
                (str(k) if isinstance(k, int) and not isinstance(k, bool) else k): v
                for k, v in exp.items()
            }
        exp_keys = {_key(k): k for k in exp}
        got_keys = {_key(k): k for k in got}
        if exp_keys.keys() != got_keys.keys():
            return False
        return all(_equal(exp[exp_keys[k]], got[got_keys[k]], rel, len_) for k in exp_keys)
    return False


def _devectorize(value: Value) -> Value:
    """R's view of a value: [x] is x for a scalar x, and an empty container is NULL."""
    if isinstance(value, list | tuple):
        if not value:
            return None
        items = [_devectorize(v) for v in value]
        if len(items) == 1 and _scalar_like(items[0]):
            return items[0]
        return items
    if isinstance(value, dict):
        return {k: _devectorize(v) for k, v in value.items()} if value else None
    return value


def _revectorize(value: Value, other: Value) -> Value:
    """Back to a list for an order-free comparison, unless both sides are strings (chars)."""
    if value is None:
        return []
    if _scalar_like(value) and not (isinstance(value, str) and isinstance(other, str)):
        return [value]
    return value


def _scalar_like(value: Value) -> bool:
    return isinstance(value, bool | int | float | str)


def _scalars_equal(exp: Value, got: Value, rel: Relation) -> bool:
    """Perl's view: one scalar type. Booleans are 1 and ""/0; numbers and numeric strings
    compare as numbers."""
    if isinstance(exp, bool):
        truthy = {True: (1, "1"), False: (0, "", "0")}[exp]
        return not isinstance(got, float) and got in truthy
    if isinstance(got, bool):
        return False
    if isinstance(exp, int | float) and isinstance(got, str):
        try:
            number: int | float = int(got) if got.lstrip("-").isdigit() else float(got)
        except ValueError:
            return False
        return _numbers_equal(exp, number, rel)
    if isinstance(exp, str) and isinstance(got, int | float):
        return _scalars_equal(got, exp, rel)
    if isinstance(exp, int | float) and isinstance(got, int | float):
        return _numbers_equal(exp, got, rel)
    return False


def _numbers_equal(exp: int | float, got: int | float, rel: Relation) -> bool:
    if isinstance(exp, int) and isinstance(got, int):
        return exp == got
    if isinstance(exp, int) and rel.kind != "close":
        # An int result must come back exact (3.0 is fine, 2.9999999 is not).
        return exp == got
    if math.isinf(exp) or math.isinf(got):
        return exp == got
    return math.isclose(exp, got, rel_tol=rel.rel_tol, abs_tol=rel.abs_tol)


def _key(key: Value) -> tuple[str, Value]:
    # Dict keys compare as in Python, except that bool keys are kept apart from ints.
    return ("bool", key) if isinstance(key, bool) else ("v", key)


def _as_items(value: Value) -> list[Value] | None:
    if isinstance(value, list | tuple | set | frozenset):
        return list(value)
    if isinstance(value, str):
        return list(value)
    if isinstance(value, dict):
        return list(value.keys())
    return None


def _order_key(value: Value) -> str:
    return json.dumps(_canonical(value), sort_keys=True)


def _canonical(value: Value) -> object:
    # Numbers by value so that 1 and 1.0 sort together; containers ignore tuple/list.
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return encode(value)
    if isinstance(value, int | float):
        return {"num": float(value)}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return encode(value)


def _dedupe(items: list[Value]) -> list[Value]:
    out: list[Value] = []
    seen: set[str] = set()
    for item in items:
        key = _order_key(item)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out
