"""A large `.py` file split into its top-level statements with bounded memory; a function is
cut out with the imports, constants and functions it needs, and nothing else."""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Iterator
from functools import lru_cache

from codefactory.core.limits import (
    MAX_AST_DEPTH,
    MAX_SOURCE_BYTES,
    ast_depth,
    parse_python,
    size,
    too_deep,
)

# A line that opens a top-level statement: not indented, not a comment, not a closing bracket,
# not the `else`/`except` clause of the statement before it.
_NOT_A_START = re.compile(rb"[ \t\f\r\n#)\]}]|(?:else|elif|except|finally)\b")
_HEADER = (ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Expr)


class PythonModule:
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
        # Imports and assignments, by the names they bind or change (`TABLE[k] = v`,
        # `TABLE += ..`, `TABLE.update(..)`): a source takes those its functions use. A
        # module's unused tables would cost prompt tokens and draw the mutants
        # (suite/mutation.py) away from the function.
        self.binders: dict[str, list[int]] = {}
        # What every source takes: `from __future__ import ..` (it changes how the rest is
        # compiled), `from m import *` (it may bind anything) and assignments to no module
        # name (`getcontext().prec = 50`).
        self.always: list[int] = []
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
                    names = _bound_names(node)
                    if names is None:
                        self.always.append(number)
                    for bound in names or ():
                        self.binders.setdefault(bound, []).append(number)

    def function_names(self) -> list[str]:
        return [n for n in self.functions if not n.startswith(("_", "test"))]

    def with_context(self, name: str) -> str:
        """The function with the functions it calls and the imports and assignments they use
        (transitively: `B = A * 2` brings `A`), in file order."""
        chosen: set[int] = set(self.always)
        seen: set[str] = set()
        queue = [name, *(n for i in self.always for n in _used_names(self._node(i)))]
        while queue:
            current = queue.pop()
            if current in seen:
                continue
            seen.add(current)
            definitions = self.functions.get(current, [])
            chosen.update(definitions)
            readers = list(definitions)  # every one: `@overload` stubs need their decorator
            for statement in self.binders.get(current, []):
                if statement not in chosen:
                    chosen.add(statement)
                    readers.append(statement)
            for statement in readers:
                queue.extend(_used_names(self._node(statement)))
        code = "\n\n".join(self._text(i) for i in sorted(chosen)) + "\n"
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


def _used_names(node: ast.AST) -> Iterator[str]:
    return (n.id for n in ast.walk(node) if isinstance(n, ast.Name))


def _bound_names(node: ast.stmt) -> list[str] | None:
    """The module names an import, assignment or method call binds or changes; None for what
    every source must take (see PythonModule.always); [] for a statement no source needs (a
    docstring, a bare call)."""
    if isinstance(node, ast.Import):
        return [a.asname or a.name.split(".")[0] for a in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.module == "__future__" or any(a.name == "*" for a in node.names):
            return None
        return [a.asname or a.name for a in node.names]
    if isinstance(node, ast.Expr):  # `TABLE.update(..)` changes TABLE
        call = node.value
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
            return []
        root = _root(call.func)
        return [root.id] if isinstance(root, ast.Name) else []
    targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
    names: list[str] = []
    for target in targets:
        if isinstance(target, ast.Tuple | ast.List | ast.Starred):
            names.extend(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
            continue
        root = _root(target)
        if not isinstance(root, ast.Name):  # `getcontext().prec = 50`
            return None
        names.append(root.id)
    return names


def _root(node: ast.AST | None) -> ast.AST | None:
    """`T` of `T.x[k].y`."""
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return node
