"""Types for typed targets, derived from the runtime values the oracle recorded.

A Python function's parameter and return types are inferred by unifying the types of every
test's values (int and float widen to float, a None makes an optional, an empty list takes its
element type from the others). What cannot be typed (mixed lists, unions) says why.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass

from codefactory.core.python_ast import parse_module
from codefactory.core.schema import Source, TestCase
from codefactory.core.values import Value


@dataclass(frozen=True)
class Type:
    kind: str  # int float bool str none never list tuple dict optional
    args: tuple[Type, ...] = ()

    def __str__(self) -> str:
        return self.kind + (f"[{', '.join(map(str, self.args))}]" if self.args else "")


NEVER = Type("never")  # the element type of an empty container


class Untypable(ValueError):
    pass


def type_of(value: Value) -> Type:
    if value is None:
        return Type("none")
    if isinstance(value, bool):
        return Type("bool")
    if isinstance(value, int):
        return Type("int")
    if isinstance(value, float):
        return Type("float")
    if isinstance(value, str):
        return Type("str")
    if isinstance(value, list):
        return Type("list", (unify_all([type_of(v) for v in value]),))
    if isinstance(value, tuple):
        return Type("tuple", tuple(type_of(v) for v in value))
    if isinstance(value, dict):
        return Type(
            "dict",
            (
                unify_all([type_of(k) for k in value]),
                unify_all([type_of(v) for v in value.values()]),
            ),
        )
    raise Untypable(f"no type for {type(value).__name__}")


def unify_all(types: Sequence[Type]) -> Type:
    result = NEVER
    for t in types:
        result = unify(result, t)
    return result


def unify(a: Type, b: Type) -> Type:
    if a == b:
        return a
    if a == NEVER:
        return b
    if b == NEVER:
        return a
    if a.kind == "none" or b.kind == "none":
        other = b if a.kind == "none" else a
        return other if other.kind == "optional" else Type("optional", (other,))
    if a.kind == "optional" or b.kind == "optional":
        inner_a = a.args[0] if a.kind == "optional" else a
        inner_b = b.args[0] if b.kind == "optional" else b
        return Type("optional", (unify(inner_a, inner_b),))
    if {a.kind, b.kind} == {"int", "float"}:
        return Type("float")
    if a.kind == b.kind and a.kind in ("list", "dict"):
        return Type(a.kind, tuple(unify(x, y) for x, y in zip(a.args, b.args, strict=True)))
    if a.kind == b.kind == "tuple" and len(a.args) == len(b.args):
        return Type("tuple", tuple(unify(x, y) for x, y in zip(a.args, b.args, strict=True)))
    if {a.kind, b.kind} <= {"list", "tuple"}:
        # A tuple whose length varies (augmentation adds shorter and longer ones) or that
        # stands where a list does is used as a sequence: a list of its unified elements.
        return Type("list", (unify(element_type(a), element_type(b)),))
    raise Untypable(f"mixed types {a} and {b}")


def element_type(t: Type) -> Type:
    """The one type of a list's or a homogeneous tuple's elements."""
    return t.args[0] if t.kind == "list" else unify_all(t.args)


@dataclass(frozen=True)
class Signature:
    names: tuple[str, ...]
    params: tuple[Type, ...]
    returns: Type


def infer_signature(source: Source, cases: Sequence[TestCase]) -> Signature:
    """Parameter names from the Python, types from the values of every case."""
    tree = parse_module(source.code)
    function = next(
        (
            n
            for n in ast.walk(tree)
            if isinstance(n, ast.FunctionDef) and n.name == source.entry_point
        ),
        None,
    )
    if function is None:
        raise Untypable("entry point not found")
    names = tuple(a.arg for a in function.args.args)
    arities = {len(c.inputs) for c in cases}
    if arities != {len(names)}:
        raise Untypable("calls with default or variable arguments")
    params = tuple(unify_all([type_of(c.inputs[i]) for c in cases]) for i in range(len(names)))
    returns = unify_all([type_of(c.expected) for c in cases])
    return Signature(names, params, returns)


@dataclass(frozen=True)
class CaseTypes:
    """Parameter and return types unified over a function's cases, and the cases whose values
    no single type shared with the others can hold (case id -> why)."""

    params: tuple[Type, ...]
    returns: Type
    dropped: dict[int, str]


def unify_cases(cases: Sequence[TestCase]) -> CaseTypes | None:
    """Types across all cases, in order (the source's own cases come first, so they set the
    type): None with ints makes an optional int, never a dropped case. A case that would make a
    type mixed is left out instead. None when the arities differ (default arguments)."""
    arities = {len(c.inputs) for c in cases}
    if len(arities) != 1:
        return None
    params = [NEVER] * arities.pop()
    returns = NEVER
    dropped: dict[int, str] = {}
    for case in cases:
        try:
            new_params = [unify(p, type_of(v)) for p, v in zip(params, case.inputs, strict=True)]
            new_returns = unify(returns, type_of(case.expected))
        except Untypable as exc:
            dropped[case.id] = f"types differ across cases: {exc}"
            continue
        params, returns = new_params, new_returns
    return CaseTypes(tuple(params), returns, dropped)


def parameter_types(cases: Sequence[tuple[int, Sequence[Value]]]) -> list[Type] | None:
    """One type per parameter, unified over every case; None when they cannot be unified (only
    a generic function could take them all, as the conformance identity does)."""
    arities = {len(args) for _, args in cases}
    if len(arities) != 1:
        return None
    try:
        return [unify_all([type_of(args[i]) for _, args in cases]) for i in range(arities.pop())]
    except Untypable:
        return None


INT64 = (-(2**63), 2**63 - 1)


def int64_problem(value: Value) -> str | None:
    """An int anywhere in `value` that a 64-bit target integer cannot hold."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return None if INT64[0] <= value <= INT64[1] else "int beyond 64 bits"
    if isinstance(value, list | tuple):
        return next((r for r in map(int64_problem, value) if r), None)
    if isinstance(value, dict):
        return next((r for kv in value.items() for r in map(int64_problem, kv) if r), None)
    return None
