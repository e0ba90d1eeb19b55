"""Simple AST mutants of the Python source, for the mutation score of a test suite.

Made on the host by parsing and unparsing (nothing is executed here); run in the sandbox.
Operators: arithmetic and comparison swaps, `//` <-> `/`, off-by-one int constants, emptied
string constants (never a docstring), negated `if`/`while` conditions, dropped statements (never
a bare constant such as a docstring). No-op and duplicate mutants are removed.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Iterator

from codefactory.core.python_ast import parse_module

_BINOP_SWAPS: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Add,
    ast.FloorDiv: ast.Div,
    ast.Div: ast.FloorDiv,
    ast.Mod: ast.FloorDiv,
    ast.Pow: ast.Mult,
}
_CMP_SWAPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}
_DROPPABLE = (ast.Assign, ast.AugAssign, ast.Expr, ast.Break, ast.Continue)


def _inert_strings(tree: ast.AST) -> set[int]:
    """Strings a mutant must not touch: docstrings (changing one changes no output) and the
    literal parts of f-strings."""
    inert: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            inert |= {id(part) for part in ast.walk(node) if isinstance(part, ast.Constant)}
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and _is_inert(body[0]):
            inert.add(id(body[0].value))
    return inert


def _is_inert(statement: ast.AST) -> bool:
    """A statement that is a bare constant (a docstring, `...`): dropping it changes nothing."""
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)


def _sites(tree: ast.AST) -> Iterator[tuple[ast.AST, str]]:
    inert = _inert_strings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp | ast.AugAssign) and type(node.op) in _BINOP_SWAPS:
            yield node, "binop"
        elif isinstance(node, ast.Compare) and type(node.ops[0]) in _CMP_SWAPS:
            yield node, "cmp"
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, int)
            and not isinstance(node.value, bool)
        ):
            yield node, "const"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in inert:
                yield node, "str"
        elif isinstance(node, ast.If | ast.While):
            yield node, "negate"
        if isinstance(node, ast.FunctionDef | ast.For | ast.While | ast.If | ast.With):
            body = node.body
            if len(body) > 1:
                for statement in body:
                    if isinstance(statement, _DROPPABLE) and not _is_inert(statement):
                        yield statement, "drop"


def _apply(node: ast.AST, kind: str) -> None:
    if kind == "binop":
        node.op = _BINOP_SWAPS[type(node.op)]()  # type: ignore[attr-defined]
    elif kind == "cmp":
        node.ops[0] = _CMP_SWAPS[type(node.ops[0])]()  # type: ignore[attr-defined]
    elif kind == "const":
        node.value = node.value + 1  # type: ignore[attr-defined]
    elif kind == "str":  # "" for a non-empty string, "x" for the empty one
        node.value = "" if node.value else "x"  # type: ignore[attr-defined]
    elif kind == "negate":
        node.test = ast.UnaryOp(ast.Not(), node.test)  # type: ignore[attr-defined]


def mutants(code: str, limit: int = 30) -> list[str]:
    """Up to `limit` distinct mutants of `code`, spread evenly over the mutation sites inside
    functions; module-level sites (constants, tables) only fill what is left, so a module's
    tables cannot crowd out the function under test."""
    if limit <= 0:
        return []
    try:
        tree = parse_module(code)
    except SyntaxError:
        return []
    original = ast.unparse(tree)
    inside = _inside_functions(tree)
    in_function = [id(node) in inside for node, _ in _sites(tree)]
    by_place: dict[bool, list[str]] = {True: [], False: []}
    seen = {original}
    for index, place in enumerate(in_function):
        clone = copy.deepcopy(tree)
        node, kind = list(_sites(clone))[index]
        if kind == "drop":
            _drop(clone, node)
        else:
            _apply(node, kind)
        text = ast.unparse(clone)
        if text not in seen:
            seen.add(text)
            by_place[place].append(text)
    chosen = _spread(by_place[True], limit)
    return chosen + _spread(by_place[False], limit - len(chosen))


def _inside_functions(tree: ast.AST) -> set[int]:
    """The nodes of function bodies (not their decorators or defaults, run at import)."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for statement in node.body:
                inside |= {id(n) for n in ast.walk(statement)}
    return inside


def _spread(items: list[str], limit: int) -> list[str]:
    """At most `limit` of `items`, evenly spaced."""
    if limit <= 0:
        return []
    if len(items) <= limit:
        return items
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def _drop(tree: ast.AST, target: ast.AST) -> None:
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and target in body:
            body[body.index(target)] = ast.Pass()
            return
