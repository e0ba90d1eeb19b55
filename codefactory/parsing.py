"""The syntax gate: tree-sitter, before any container is touched.

tree-sitter 0.26 has no parse timeout, and grammars have hung and ballooned on odd input, so
untrusted text is parsed in a worker process with a memory cap and a deadline.
"""

from __future__ import annotations

import importlib
import multiprocessing
import resource
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import cache
from typing import Any

from codefactory.languages import Language

PARSE_TIMEOUT_S = 10.0
WORKER_MEMORY_BYTES = 1 << 30


@dataclass(frozen=True)
class SyntaxResult:
    ok: bool
    reason: str | None = None


@cache
def load_grammar(ref: str) -> Any:
    import tree_sitter

    module_name, _, func = ref.partition(":")
    return tree_sitter.Language(getattr(importlib.import_module(module_name), func)())


def check_in_process(
    grammar_ref: str, function_query: str, forbidden: dict[str, str], code: str, entry_point: str
) -> SyntaxResult:
    """Parse `code` here and now. Only for trusted text or inside the worker."""
    import tree_sitter

    language = load_grammar(grammar_ref)
    tree = tree_sitter.Parser(language).parse(code.encode("utf-8", "surrogatepass"))
    problem = _first_problem(tree.root_node, forbidden)
    if problem:
        return SyntaxResult(False, problem)
    captures = tree_sitter.QueryCursor(tree_sitter.Query(language, function_query)).captures(
        tree.root_node
    )
    names = {(node.text or b"").decode("utf-8", "replace") for node in captures.get("name", [])}
    if entry_point not in names:
        found = ", ".join(sorted(names)) or "none"
        return SyntaxResult(False, f"no function named {entry_point} (defined: {found})")
    return SyntaxResult(True)


def _first_problem(root: Any, forbidden: dict[str, str]) -> str | None:
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type in forbidden:
            return forbidden[node.type]
        if node.is_missing:
            return f"missing {node.type} at line {node.start_point[0] + 1}"
        if node.type == "ERROR":
            return f"syntax error at line {node.start_point[0] + 1}"
        if forbidden or node.has_error:
            stack.extend(node.children)
    return None


def _limit_worker() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY_BYTES, WORKER_MEMORY_BYTES))


class SyntaxGate:
    """Parses in one long-lived worker; a parse that hangs or blows up costs that worker only."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None

    def check(self, lang: Language, code: str, entry_point: str) -> SyntaxResult:
        if not code.strip():
            return SyntaxResult(False, "no code")
        args = (lang.grammar_ref, lang.function_query, lang.forbidden_nodes, code, entry_point)
        with self._lock:
            pool = self._pool or self._start()
            future = pool.submit(check_in_process, *args)
            try:
                return future.result(timeout=PARSE_TIMEOUT_S)
            except FutureTimeout:
                self._kill()
                return SyntaxResult(False, f"parser gave up after {PARSE_TIMEOUT_S:.0f} s")
            except (BrokenProcessPool, MemoryError):
                self._kill()
                return SyntaxResult(False, "parser ran out of memory")

    def _start(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("forkserver")
        self._pool = ProcessPoolExecutor(1, mp_context=context, initializer=_limit_worker)
        return self._pool

    def _kill(self) -> None:
        if self._pool is None:
            return
        for process in list(getattr(self._pool, "_processes", {}).values()):
            process.kill()
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
