"""The calls a test's asserts make to the function under test, with the relation each states.

Argument expressions are kept as source text (ast, never exec) and evaluated inside the Python
sandbox by the oracle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from codefactory.core.equality import Relation
from codefactory.core.schema import CallSpec


def calls_in_tests(module: ast.Module, callee: str) -> Iterator[CallSpec]:
    """Every call to `callee` inside an assert, with the relation that assert states."""
    seen: set[str] = set()
    for node in ast.walk(module):
        if not isinstance(node, ast.Assert):
            continue
        for call, relation in _calls_with_relation(node.test, callee):
            if call.keywords or any(isinstance(a, ast.Starred) for a in call.args):
                continue
            args = "(" + "".join(ast.unparse(a) + ", " for a in call.args) + ")"
            if args not in seen:
                seen.add(args)
                yield CallSpec(args, relation)


def _calls_with_relation(test: ast.expr, callee: str) -> Iterator[tuple[ast.Call, Relation]]:
    relation = _relation(test, callee)
    for node in ast.walk(test):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == callee
        ):
            yield node, relation


def _relation(test: ast.expr, callee: str) -> Relation:
    """Recognise `sorted(f(x)) == y`, `set(f(x)) == y`, `math.isclose(f(x), y)`,
    `abs(f(x) - y) < eps`; anything else compares with plain equality."""
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        left, right = test.left, test.comparators[0]
        for side in (left, right):
            wrapper = _wrapper_of_call(side, callee)
            if wrapper in ("sorted", "set") and isinstance(test.ops[0], ast.Eq):
                return Relation(kind=wrapper)  # type: ignore[arg-type]
        if isinstance(test.ops[0], ast.Lt | ast.LtE) and _wrapper_of_call(left, callee) == "abs":
            eps = _number(right)
            if eps is not None:
                return Relation(kind="close", rel_tol=0.0, abs_tol=eps)
    if isinstance(test, ast.Call) and _dotted(test.func) in ("math.isclose", "isclose"):
        rel = next((_number(k.value) for k in test.keywords if k.arg == "rel_tol"), None)
        abs_ = next((_number(k.value) for k in test.keywords if k.arg == "abs_tol"), None)
        return Relation(
            kind="close",
            rel_tol=rel if rel is not None else 1e-9,
            abs_tol=abs_ if abs_ is not None else 0.0,
        )
    return Relation()


def _wrapper_of_call(node: ast.expr, callee: str) -> str | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
        inner = node.args[0]
        if isinstance(inner, ast.BinOp) and node.func.id == "abs":
            inner = inner.left
        if (
            isinstance(inner, ast.Call)
            and isinstance(inner.func, ast.Name)
            and inner.func.id == callee
        ):
            return node.func.id
    return None


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return _dotted(node.value) + "." + node.attr
    return ""


def _number(node: ast.expr) -> float | None:
    try:
        value = ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError):
        return None
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
