"""The syntax gate: tree-sitter, before any container is touched.

tree-sitter 0.26 has no parse timeout, and grammars have hung and ballooned on odd input, so
untrusted text is parsed in a worker process with a memory cap and a deadline.
"""

from __future__ import annotations

import importlib
import multiprocessing
import resource
import threading
import warnings
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import cache
from typing import Any

from codefactory.core.languages import GrammarRules, Language
from codefactory.judge.entry_names import ReservedNames, accepted_names, entry_names, reserved_names

__all__ = ["SyntaxGate", "SyntaxResult", "check_in_process", "entry_names", "load_grammar"]

PARSE_TIMEOUT_S = 10.0
WORKER_MEMORY_BYTES = 1 << 30


@dataclass(frozen=True)
class SyntaxResult:
    ok: bool
    reason: str | None = None
    code: str = ""  # the candidate without the example usage the model appended
    entry: str = ""  # the entry point's name in the candidate (sortMatrix for sort_matrix)


@cache
def load_grammar(ref: str) -> Any:
    import tree_sitter

    module_name, _, func = ref.partition(":")
    with warnings.catch_warnings():  # older grammar wheels hand over an int pointer
        warnings.simplefilter("ignore", DeprecationWarning)
        return tree_sitter.Language(getattr(importlib.import_module(module_name), func)())


NO_RESERVED_NAMES = ReservedNames()


def check_in_process(
    rules: GrammarRules, code: str, entry_point: str, reserved: ReservedNames = NO_RESERVED_NAMES
) -> SyntaxResult:
    """Parse `code` here and now. Only for trusted text or inside the worker."""
    import tree_sitter

    language = load_grammar(rules.language)
    source = code.encode("utf-8", "surrogatepass")
    parser = tree_sitter.Parser(language)
    tree = parser.parse(source)
    problem = _first_problem(tree.root_node, rules.forbidden_nodes)
    if problem:
        return SyntaxResult(False, problem)
    query = tree_sitter.Query(language, rules.function_query)
    declared = tree_sitter.QueryCursor(query).captures(tree.root_node).get("name", [])
    names = {_text(node) for node in declared}
    accepted = accepted_names(entry_point, reserved)  # the name the prompt asked for first
    entry = next((name for name in accepted if name in names), None)
    if entry is None:
        found = ", ".join(sorted(names)) or "none"
        return SyntaxResult(False, f"no function named {accepted[0]} (defined: {found})")
    if entry in reserved:  # the target cannot declare it (PHP's intdiv): the safe name instead
        new = reserved.safe(entry)
        while new in names:
            new = reserved.safe(new + "_")
        source = _renamed(source, declared, entry, new)
        tree = parser.parse(source)
        names = (names - {entry}) | {new}
        entry = new
    code = _without_examples(tree.root_node, source, rules, names)
    return SyntaxResult(True, code=code, entry=entry)


def _text(node: Any) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def _renamed(source: bytes, declared: list[Any], old: str, new: str) -> bytes:
    """`source` with the declarations of `old` named `new`. Calls keep their name: in the target
    they reach the builtin (PHP's `count($xs)` inside a `function count`, Perl's `length`), which
    is what the model meant more often than a recursion it was asked to spell `new`."""
    spans = sorted({(node.start_byte, node.end_byte) for node in declared if _text(node) == old})
    for start, end in reversed(spans):
        source = source[:start] + new.encode() + source[end:]
    return source


def _without_examples(root: Any, source: bytes, rules: GrammarRules, defined: set[str]) -> str:
    drop = []
    for node in root.children:
        if node.type in rules.drop_always or (
            node.type in rules.example_statements and _calls_any(node, rules, defined)
        ):
            drop.append((node.start_byte, node.end_byte))
    for start, end in reversed(drop):
        source = source[:start] + source[end:]
    return source.decode("utf-8", "surrogatepass").strip() + "\n"


def _calls_any(node: Any, rules: GrammarRules, names: set[str]) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == rules.call_node:
            function = current.child_by_field_name(rules.call_name_field)
            if function is not None and (function.text or b"").decode() in names:
                return True
        stack.extend(current.children)
    return False


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
        with self._lock:
            # A worker that died may have died of something else (killed, never started): only
            # a second death on the same text, in a fresh worker, is the candidate's doing.
            for _ in range(2):
                pool = self._pool or self._start()
                try:
                    reserved = reserved_names(lang)
                    future = pool.submit(
                        check_in_process, lang.grammar, code, entry_point, reserved
                    )
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
