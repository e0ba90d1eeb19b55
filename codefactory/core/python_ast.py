"""`ast.parse` behind one lock. CPython 3.11 keeps the C-to-Python AST converter's recursion
depth in interpreter-wide state, so two threads parsing at once (the pipeline's pools do) can
fail with "SystemError: AST constructor recursion depth mismatch" (python/cpython#106905; seen
here on 3.11.7 in benchmarks/bench_containers.py). Parsing is fast; the lock costs nothing
measurable next to a sandbox run."""

from __future__ import annotations

import ast
import threading

_LOCK = threading.Lock()


def parse(text: str, mode: str = "exec") -> ast.AST:
    with _LOCK:
        return ast.parse(text, mode=mode)


def parse_module(text: str) -> ast.Module:
    tree = parse(text)
    assert isinstance(tree, ast.Module)
    return tree
