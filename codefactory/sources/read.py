"""Read Python sources and the calls their tests make.

The host only *parses* Python here (ast, never exec): argument expressions are kept as source
text and evaluated inside the Python sandbox by the oracle.
"""

from __future__ import annotations

import ast
import bisect
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from codefactory.core.equality import Relation
from codefactory.core.limits import (
    MAX_AST_DEPTH,
    MAX_FUNCTIONS_PER_FILE,
    MAX_LINE_BYTES,
    MAX_PY_FILE_BYTES,
    MAX_SOURCE_BYTES,
    ast_depth,
    parse_python,
    size,
    too_deep,
)
from codefactory.core.schema import CallSpec, Source

SNIFF_BYTES = 8192  # a NUL byte in the first 8 KiB: a binary file, not text


@dataclass(frozen=True)
class SourceRow:
    """One input row: a Source, or the reason it could not become one."""

    task_id: str
    source: Source | None
    error: str | None = None
    raw: dict[str, object] | None = None  # the row as read (verify needs its `candidate`)


def read_jsonl(path: Path) -> Iterator[SourceRow]:
    """MBPP-form or HumanEval-form JSONL. A bad line is a row with an error, never a crash; a
    line over MAX_LINE_BYTES is skipped in chunks, never held whole."""
    with path.open("rb") as handle:
        if b"\0" in handle.read(SNIFF_BYTES):
            why = f"binary file, not JSONL: {path.name} has a NUL byte in its first 8 KiB"
            yield SourceRow(path.stem, None, why)
            return
        handle.seek(0)
        number = 0
        while raw_line := handle.readline(MAX_LINE_BYTES + 1):
            number += 1
            fallback_id = f"{path.stem}:{number}"
            if len(raw_line) > MAX_LINE_BYTES and not raw_line.endswith(b"\n"):
                total = len(raw_line) + _skip_line(handle)
                why = f"JSONL line over MAX_LINE_BYTES ({size(MAX_LINE_BYTES)}): line {number}"
                yield SourceRow(fallback_id, None, f"{why} has {total} bytes")
                continue
            if not raw_line.strip():
                continue
            try:
                row = json.loads(raw_line.decode("utf-8"))
                if not isinstance(row, dict):
                    raise ValueError("not a JSON object")
            except (ValueError, UnicodeDecodeError) as exc:
                yield SourceRow(fallback_id, None, f"malformed JSONL line {number}: {exc}")
                continue
            except RecursionError:  # json's C decoder on [[[[...]]]]
                yield SourceRow(
                    fallback_id, None, f"malformed JSONL line {number}: nested too deeply"
                )
                continue
            task_id = str(row.get("task_id", fallback_id))
            try:
                source = source_from_row(row, task_id, str(path))
            except ValueError as exc:
                yield SourceRow(task_id, None, str(exc), row)
                continue
            yield SourceRow(task_id, source, None, row)


def _skip_line(handle: BinaryIO) -> int:
    """Reads past the rest of an over-long line, 1 MiB at a time; returns the bytes skipped."""
    skipped = 0
    while chunk := handle.readline(1 << 20):
        skipped += len(chunk)
        if chunk.endswith(b"\n"):
            break
    return skipped


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
    comes with the module's imports and constants and the other functions it calls. A file
    gives at most MAX_FUNCTIONS_PER_FILE sources; the functions past it come back as rows that
    say so."""
    files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
    for file in files:
        label = str(file.relative_to(path)) if path.is_dir() else file.name
        if file.is_dir():  # a folder named x.py: rglob lists its files on their own
            continue
        yield from _python_file(file, label)


def _python_file(file: Path, label: str) -> Iterator[SourceRow]:
    try:
        if not file.is_file():  # a FIFO would block the read forever
            yield SourceRow(label, None, f"{label} is not a regular file")
            return
        length = file.stat().st_size
        if length > MAX_PY_FILE_BYTES:
            why = f"file over MAX_PY_FILE_BYTES ({size(MAX_PY_FILE_BYTES)}): {label} has"
            yield SourceRow(label, None, f"{why} {length} bytes")
            return
        data = file.read_bytes()
    except OSError as exc:
        yield SourceRow(label, None, f"{label} cannot be read: {exc.strerror or exc}")
        return
    if b"\0" in data:
        yield SourceRow(label, None, f"{label} is a binary file (NUL bytes), not Python")
        return
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        yield SourceRow(label, None, f"{label} is not UTF-8")
        return
    try:
        module = _Module(data, label)
    except ValueError as exc:
        yield SourceRow(label, None, str(exc))
        return
    names = module.function_names()
    for number, name in enumerate(names):
        task_id = f"{label}::{name}"
        if number >= MAX_FUNCTIONS_PER_FILE:
            why = f"over MAX_FUNCTIONS_PER_FILE ({MAX_FUNCTIONS_PER_FILE}): {label} defines"
            yield SourceRow(task_id, None, f"{why} {len(names)} functions")
            continue
        try:
            code = module.with_context(name)
        except ValueError as exc:
            yield SourceRow(task_id, None, str(exc))
            continue
        yield SourceRow(task_id, Source(task_id, code, name, (), "", str(file)))


# A line that opens a top-level statement: not indented, not a comment, not a closing bracket,
# not the `else`/`except` clause of the statement before it.
_NOT_A_START = re.compile(rb"[ \t\f\r\n#)\]}]|(?:else|elif|except|finally)\b")
_HEADER = (ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign)


class _Module:
    """A .py file read as pieces of top-level statements, each parsed on its own: `ast` on a
    whole 5 MB file took 1 GB, on its pieces 24 MB. Pieces start at unindented lines; one
    that does not parse (the line was inside a string or brackets) grows until it does, so
    the pieces are exactly the file's statements. Trees are not kept: a piece is parsed
    again when a source needs one of its statements."""

    def __init__(self, data: bytes, label: str) -> None:
        self.label = label
        self.pieces: list[str] = []
        self.first_lines: list[int] = []  # the file's line number where each piece starts
        self.statements: list[tuple[int, int]] = []  # (piece, index in its body)
        self.functions: dict[str, list[int]] = {}  # name -> statements defining it
        self.header: list[int] = []  # imports and assignments: every source gets them
        self._texts: dict[int, str] = {}
        self._parsed = lru_cache(maxsize=64)(self._parse_piece)
        for line, text, tree in self._split(data):
            self.pieces.append(text)
            self.first_lines.append(line)
            for index, node in enumerate(tree.body):
                number = len(self.statements)
                self.statements.append((len(self.pieces) - 1, index))
                if isinstance(node, ast.FunctionDef):
                    self.functions.setdefault(node.name, []).append(number)
                elif isinstance(node, _HEADER):
                    self.header.append(number)
        self._header_bytes = sum(len(self._text(i).encode()) for i in self.header)

    def function_names(self) -> list[str]:
        return [n for n in self.functions if not n.startswith(("_", "test"))]

    def with_context(self, name: str) -> str:
        """The function, the module's header and the functions it calls, in file order."""
        if self._header_bytes > MAX_SOURCE_BYTES:
            raise ValueError(
                self._too_big("the module's imports and constants", self._header_bytes)
            )
        needed: set[str] = set()
        queue = [name]
        while queue:
            current = queue.pop()
            if current in needed or current not in self.functions:
                continue
            needed.add(current)
            last = self._node(self.functions[current][-1])
            queue.extend(n.id for n in ast.walk(last) if isinstance(n, ast.Name))
        ordered = sorted(self.header + [i for n in needed for i in self.functions[n]])
        code = "\n\n".join(self._text(i) for i in ordered) + "\n"
        if len(code.encode()) > MAX_SOURCE_BYTES:
            raise ValueError(self._too_big("the function with its context", len(code.encode())))
        return code

    def _too_big(self, what: str, n: int) -> str:
        return f"source over MAX_SOURCE_BYTES ({size(MAX_SOURCE_BYTES)}): {what}, {n} bytes"

    def _split(self, data: bytes) -> Iterator[tuple[int, str, ast.Module]]:
        bounds = [0]
        offset = 0
        for raw in data.splitlines(keepends=True):
            if offset and not _NOT_A_START.match(raw):
                bounds.append(offset)
            offset += len(raw)
        bounds.append(len(data))
        starts = len(bounds) - 1
        i, line = 0, 1
        while i < starts:
            # Past MAX_SOURCE_BYTES a piece is neither parsed nor grown: `ast` memory is bounded.
            reach = bisect.bisect_right(bounds, bounds[i] + MAX_SOURCE_BYTES) - 1
            span, tried, error = 1, i, None
            while True:
                j = min(i + span, starts, reach)
                if j <= tried:
                    raise ValueError(self._unreadable(line, error))
                text = data[bounds[i] : bounds[j]].decode("utf-8")
                try:  # depth is checked on the statements a source takes (_text)
                    tree = parse_python(text, self.label, check_depth=False)
                    break
                except ValueError:  # too deep for CPython's parser
                    raise ValueError(too_deep(f"{self.label} line {line}")) from None
                except SyntaxError as exc:
                    tried, error = j, exc
                    if j == starts:
                        raise ValueError(self._unreadable(line, error)) from None
                    span *= 2  # doubling: a long statement costs log(lines) parses
            assert isinstance(tree, ast.Module)
            yield line, text, tree
            line += text.count("\n")
            i = j

    def _unreadable(self, line: int, error: SyntaxError | None) -> str:
        if error is None:
            return (
                f"source over MAX_SOURCE_BYTES ({size(MAX_SOURCE_BYTES)}): {self.label} has a "
                f"top-level statement that big at line {line}"
            )
        where = line + (error.lineno or 1) - 1
        return f"Python in {self.label} does not parse: {error.msg} (line {where})"

    def _parse_piece(self, piece: int) -> ast.Module:
        tree = parse_python(self.pieces[piece], self.label, check_depth=False)
        assert isinstance(tree, ast.Module)
        return tree

    def _node(self, statement: int) -> ast.stmt:
        piece, index = self.statements[statement]
        return self._parsed(piece).body[index]

    def _text(self, statement: int) -> str:
        if statement not in self._texts:
            node = self._node(statement)
            if ast_depth(node) > MAX_AST_DEPTH:  # before the recursive unparse
                line = self.first_lines[self.statements[statement][0]] + node.lineno - 1
                raise ValueError(too_deep(f"{self.label} line {line}"))
            self._texts[statement] = ast.unparse(node)
        return self._texts[statement]


# -- any input --------------------------------------------------------------------------------

SAMPLE = Path(__file__).parent.parent / "data" / "mbpp_sample.jsonl"


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
