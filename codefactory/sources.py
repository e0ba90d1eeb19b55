"""Read Python sources and the calls their tests make.

The host only *parses* Python here (ast, never exec): argument expressions are kept as source
text and evaluated inside the Python sandbox by the oracle.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from codefactory.equality import Relation
from codefactory.records import CallSpec, Source


@dataclass(frozen=True)
class SourceRow:
    """One input row: a Source, or the reason it could not become one."""

    task_id: str
    source: Source | None
    error: str | None = None
    raw: dict[str, object] | None = None  # the row as read (verify needs its `candidate`)


def read_jsonl(path: Path) -> Iterator[SourceRow]:
    """MBPP-form or HumanEval-form JSONL. A bad line is a row with an error, never a crash."""
    with path.open("rb") as handle:
        for number, raw_line in enumerate(handle, start=1):
            if not raw_line.strip():
                continue
            fallback_id = f"{path.stem}:{number}"
            try:
                row = json.loads(raw_line.decode("utf-8"))
                if not isinstance(row, dict):
                    raise ValueError("not a JSON object")
            except (ValueError, UnicodeDecodeError) as exc:
                yield SourceRow(fallback_id, None, f"malformed JSONL line {number}: {exc}")
                continue
            task_id = str(row.get("task_id", fallback_id))
            try:
                source = source_from_row(row, task_id, str(path))
            except ValueError as exc:
                yield SourceRow(task_id, None, str(exc), row)
                continue
            yield SourceRow(task_id, source, None, row)


def source_from_row(row: dict[str, object], task_id: str, origin: str = "") -> Source:
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
    return Source(task_id, code, entry, calls, _text(row, "test_setup_code"), origin)


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
        return ast.parse(code)
    except (SyntaxError, ValueError) as exc:
        raise ValueError(f"Python in {what} does not parse: {exc}") from None


def _called_names(module: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(module):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            names.append(node.func.id)
    return names


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


# -- plain Python files ---------------------------------------------------------------------


def read_python_files(path: Path) -> Iterator[SourceRow]:
    """Top-level functions of a `.py` file, or of every `.py` file under a directory. A function
    comes with the module's imports and constants and the other functions it calls."""
    files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
    for file in files:
        label = str(file.relative_to(path)) if path.is_dir() else file.name
        try:
            text = file.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            yield SourceRow(label, None, f"{label} is not UTF-8")
            continue
        try:
            module = ast.parse(text)
        except SyntaxError as exc:
            yield SourceRow(label, None, f"Python in {label} does not parse: {exc.msg}")
            continue
        for name in _function_names(text):
            code = _function_with_context(module, name)
            yield SourceRow(
                f"{label}::{name}", Source(f"{label}::{name}", code, name, (), "", str(file))
            )


def _function_names(text: str) -> list[str]:
    """Top-level function names, found with tree-sitter-python."""
    import tree_sitter

    from codefactory.parsing import load_grammar

    tree = tree_sitter.Parser(load_grammar("tree_sitter_python:language")).parse(text.encode())
    names = []
    for node in tree.root_node.children:
        if node.type == "decorated_definition":
            node = node.child_by_field_name("definition") or node
        if node.type == "function_definition":
            name_node = node.child_by_field_name("name")
            name = (name_node.text or b"").decode() if name_node else ""
            if name and not name.startswith(("_", "test")):
                names.append(name)
    return names


def _function_with_context(module: ast.Module, name: str) -> str:
    functions = {n.name: n for n in module.body if isinstance(n, ast.FunctionDef)}
    header = [
        n
        for n in module.body
        if isinstance(n, ast.Import | ast.ImportFrom | ast.Assign | ast.AnnAssign)
    ]
    needed, queue = [], [name]
    while queue:
        current = queue.pop()
        if current in needed or current not in functions:
            continue
        needed.append(current)
        queue.extend(n.id for n in ast.walk(functions[current]) if isinstance(n, ast.Name))
    ordered = [
        n
        for n in module.body
        if n in header or (isinstance(n, ast.FunctionDef) and n.name in needed)
    ]
    return "\n\n".join(ast.unparse(n) for n in ordered) + "\n"


# -- any input --------------------------------------------------------------------------------

SAMPLE = Path(__file__).parent / "data" / "mbpp_sample.jsonl"


def load_sources(path: Path | None) -> Iterator[SourceRow]:
    """JSONL (MBPP or HumanEval form), `.py` files or a directory of them, a local dataset
    folder (README.md + data/), or, without a path, the sample corpus shipped in the package."""
    if path is None:
        yield from read_jsonl(SAMPLE)
        return
    if not path.exists():
        raise FileNotFoundError(path)
    if path.is_dir() and (path / "data").is_dir():
        yield from read_dataset_folder(path)
    elif path.is_dir() or path.suffix == ".py":
        yield from read_python_files(path)
    else:
        yield from read_jsonl(path)


def read_dataset_folder(path: Path) -> Iterator[SourceRow]:
    import datasets

    loaded = datasets.load_dataset(str(path))
    for split in loaded.values():
        for number, row in enumerate(split):
            task_id = str(row.get("task_id", f"{path.name}:{number}"))
            try:
                yield SourceRow(
                    task_id, source_from_row(dict(row), task_id, str(path)), None, dict(row)
                )
            except ValueError as exc:
                yield SourceRow(task_id, None, str(exc), dict(row))
