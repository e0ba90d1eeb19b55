"""The calls a test's asserts make to the function under test, with the relation each states.

Argument expressions are kept as source text (ast, never exec) and evaluated inside the Python
sandbox by the oracle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from codefactory.core.equality import Relation
from codefactory.core.python_ast import parse_module
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


# Set operators and methods whose result is a set when their left side is one.
_SET_OPERATORS = (ast.BitAnd, ast.BitOr, ast.Sub, ast.BitXor)
_SET_METHODS = frozenset({"union", "intersection", "difference", "symmetric_difference", "copy"})


def return_relation(code: str, entry_point: str) -> Relation | None:
    """The relation the entry point's own return expressions imply, or None for plain equality.

    A result that is `list(set(...))`, `tuple(set(...))`, `list({...})` at every `return` lists
    the set's items in CPython's iteration order, which no translation can reproduce: it compares
    as a multiset (kind "sorted": the same items, each as often; the items are distinct anyway).
    Returns inside nested functions and classes are not the entry point's."""
    function = entry_function(code, entry_point)
    if function is None:
        return None
    returns = list(_own_returns(function.body))
    if returns and all(_lists_a_set(r.value) for r in returns):
        return Relation(kind="sorted")
    return None


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _own_returns(body: list[ast.stmt]) -> Iterator[ast.Return]:
    for statement in body:
        yield from _walk_own(statement)


def _walk_own(node: ast.AST) -> Iterator[ast.Return]:
    if isinstance(node, _SCOPES):
        return
    if isinstance(node, ast.Return):
        yield node
    for child in ast.iter_child_nodes(node):
        yield from _walk_own(child)


def _lists_a_set(node: ast.expr | None) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("list", "tuple")
        and len(node.args) == 1
        and not node.keywords
        and _is_set(node.args[0])
    )


def _is_set(node: ast.expr) -> bool:
    if isinstance(node, ast.Set | ast.SetComp):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id in ("set", "frozenset") and not node.keywords
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr in _SET_METHODS and _is_set(node.func.value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, _SET_OPERATORS):
        return _is_set(node.left) or _is_set(node.right)
    return False


def entry_function(code: str, entry_point: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The top-level definition of `entry_point` in trusted source code, if it parses."""
    try:
        module = parse_module(code)
    except SyntaxError:
        return None
    return next(
        (
            node
            for node in module.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == entry_point
        ),
        None,
    )
