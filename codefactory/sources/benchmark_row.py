"""One MBPP- or HumanEval-form row (a dict) as a Source: its code, entry point and test calls.

The host only *parses* Python here (ast, never exec).
"""

from __future__ import annotations

import ast

from codefactory.core.limits import MAX_SOURCE_BYTES, parse_python, size
from codefactory.core.schema import Source
from codefactory.sources.assert_calls import calls_in_tests

_PYTHON_FIELDS = ("code", "test_setup_code", "prompt", "canonical_solution", "test")


def source_from_row(row: dict[str, object], task_id: str, origin: str = "") -> Source:
    python = sum(len(_text(row, key).encode("utf-8", "surrogatepass")) for key in _PYTHON_FIELDS)
    tests = row.get("test_list")
    if isinstance(tests, list):
        python += sum(len(str(t).encode("utf-8", "surrogatepass")) for t in tests)
    if python > MAX_SOURCE_BYTES:  # before `ast`, which takes ~250 bytes per byte
        raise ValueError(
            f"source over MAX_SOURCE_BYTES ({size(MAX_SOURCE_BYTES)}): its code, tests and "
            f"setup have {python} bytes"
        )
    if "canonical_solution" in row or "entry_point" in row:
        return _humaneval(row, task_id, origin)
    return _mbpp(row, task_id, origin)


def _text(row: dict[str, object], key: str) -> str:
    value = row.get(key)
    return value if isinstance(value, str) else ""


def _mbpp(row: dict[str, object], task_id: str, origin: str) -> Source:
    code = _text(row, "code")
    if not code.strip():
        raise ValueError("row has no code")
    module = _parse_python(code, "code")
    tests = row.get("test_list") or []
    if not isinstance(tests, list):
        raise ValueError("test_list is not a list")
    defined = [n.name for n in module.body if isinstance(n, ast.FunctionDef)]
    if not defined:
        raise ValueError("code defines no top-level function")
    test_source = "\n".join(str(t) for t in tests)
    test_module = _parse_python(test_source, "test_list")
    called = _called_names(test_module)
    entry = next((name for name in called if name in defined), None)
    if entry is None:
        entry = defined[-1]
    calls = tuple(calls_in_tests(test_module, entry))
    setup = _text(row, "test_setup_code")
    if setup.strip():
        _parse_python(setup, "test_setup_code")  # the host walks it too (select, mutants)
    return Source(task_id, code, entry, calls, setup, origin)


def _humaneval(row: dict[str, object], task_id: str, origin: str) -> Source:
    code = _text(row, "prompt") + _text(row, "canonical_solution")
    entry = _text(row, "entry_point")
    if not code.strip():
        raise ValueError("row has no code")
    if not entry:
        raise ValueError("row has no entry_point")
    _parse_python(code, "prompt + canonical_solution")
    test_module = _parse_python(_text(row, "test"), "test")
    calls = tuple(calls_in_tests(test_module, "candidate"))
    return Source(task_id, code, entry, calls, "", origin)


def _parse_python(code: str, what: str) -> ast.Module:
    try:
        tree = parse_python(code, what)
    except SyntaxError as exc:
        raise ValueError(f"Python in {what} does not parse: {exc}") from None
    assert isinstance(tree, ast.Module)
    return tree


def _called_names(module: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(module):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            names.append(node.func.id)
    return names
