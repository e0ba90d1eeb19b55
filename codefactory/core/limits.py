"""Bounds on what the host reads, so that bad input at scale costs a reason, never a crash.

Every input a run reads passes one of these limits before anything expensive happens to it; a
row that breaks one is dropped with a reason that names the limit. The defaults sit far above
real data: MBPP's longest JSONL line is 5.8 KB and its deepest AST 18 levels (HumanEval: 3.4 KB,
20 levels). Python's `ast` builds ~250 bytes of tree per byte of source (5 MB of source took
1 GB), and it raises MemoryError or RecursionError, not SyntaxError, on deep nesting (`-` 10^5
times, `x[0]` 3,000 times); `ast.unparse` and the recursive tools after it already fail at ~500
levels.
"""

from __future__ import annotations

import ast

from codefactory.core.python_ast import parse

MAX_LINE_BYTES = 8 << 20  # one JSONL row, read in chunks beyond this and never parsed
MAX_SOURCE_BYTES = 1 << 20  # one function's Python: code + tests + setup, before `ast` sees it
MAX_CANDIDATE_BYTES = 1 << 20  # one given translation (`codefactory verify`)
MAX_PY_FILE_BYTES = 16 << 20  # one .py file; read in top-level pieces, never as one tree
MAX_FUNCTIONS_PER_FILE = 1000  # functions taken from one .py file; the rest are reported
MAX_AST_DEPTH = 100  # nesting of any Python the host parses; ast.unparse is safe far beyond


def size(n: int) -> str:
    """Bytes for humans: 8 MiB, 1.5 KiB, 12 B."""
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift:
            value = n / (1 << shift)
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{n} B"


def too_deep(what: str) -> str:
    return f"Python nested over MAX_AST_DEPTH ({MAX_AST_DEPTH} levels): in {what}"


def ast_depth(tree: ast.AST, stop: int = MAX_AST_DEPTH) -> int:
    """The tree's depth, counted without recursion; stops counting past `stop`."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > deepest:
            deepest = depth
            if deepest > stop:
                break
        for name in node._fields:  # ast.iter_child_nodes, without its generator overhead
            value = getattr(node, name, None)
            if isinstance(value, ast.AST):
                stack.append((value, depth + 1))
            elif isinstance(value, list):
                stack.extend((item, depth + 1) for item in value if isinstance(item, ast.AST))
    return deepest


def parse_python(text: str, what: str, mode: str = "exec", check_depth: bool = True) -> ast.AST:
    """`ast.parse` that raises only SyntaxError (Python's message) or ValueError (the limit).
    With `check_depth`, it returns only trees that the recursive tools (`unparse`, mutants,
    types) can walk; without, the caller checks the parts it keeps."""
    try:
        tree = parse(text, mode=mode)
    except (MemoryError, RecursionError):  # CPython's parser on deep nesting
        raise ValueError(too_deep(what)) from None
    if check_depth and ast_depth(tree) > MAX_AST_DEPTH:
        raise ValueError(too_deep(what))
    return tree
