"""A large `.py` file split into its top-level statements with bounded memory; a function is
cut out with the imports, constants and functions it needs."""

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
_HEADER = (ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign)


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
