"""Is a function translatable? Static checks on the Python source, each drop with a reason.

Runtime checks (calls that raise or time out, values a target cannot hold) happen in the oracle.
"""

from __future__ import annotations

import ast

from codefactory.core.limits import parse_python
from codefactory.core.schema import Source

_MODULE_REASONS = {
    "random": "uses randomness",
    "secrets": "uses randomness",
    "uuid": "uses randomness",
    "time": "uses time",
    "datetime": "uses time",
    "os": "does I/O",
    "subprocess": "does I/O",
    "socket": "does I/O",
    "shutil": "does I/O",
    "pathlib": "does I/O",
    "io": "does I/O",
    "urllib": "does I/O",
    "requests": "does I/O",
    "threading": "uses threads",
    "multiprocessing": "uses threads",
    "asyncio": "uses threads",
    # A command line's parser, not a function of its arguments (roman's `parse_args`).
    "argparse": "is a command-line program",
    "optparse": "is a command-line program",
    "getopt": "is a command-line program",
    "click": "is a command-line program",
    "typer": "is a command-line program",
}
_CALL_REASONS = {
    "open": "does I/O",
    "input": "does I/O",
    "print": "does I/O",  # what it prints is no return value: no test would see it
    "exit": "does I/O",
    "quit": "does I/O",
    "eval": "runs dynamic code",
    "exec": "runs dynamic code",
    "__import__": "runs dynamic code",
    "id": "depends on id()",
    "hash": "depends on hashing",
}
# The process's own streams, arguments and exit: a command-line entry point (`main`).
_SYS_IO = {"argv", "stdin", "stdout", "stderr", "exit", "__stdout__", "__stdin__"}


def rejection_reason(source: Source) -> str | None:
    try:
        tree = parse_python(source.code + "\n" + source.setup_code, "the source")
    except SyntaxError as exc:
        return f"Python does not parse: {exc.msg}"
    except ValueError as exc:  # nested past MAX_AST_DEPTH
        return str(exc)
    for node in ast.walk(tree):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules = [node.module]
        for module in modules:
            reason = _MODULE_REASONS.get(module.split(".")[0])
            if reason:
                return f"{reason} (imports {module})"
        if isinstance(node, ast.ImportFrom) and node.module == "sys":
            io = [a.name for a in node.names if a.name in _SYS_IO]
            if io:
                return f"does I/O (imports sys.{io[0]})"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            reason = _CALL_REASONS.get(node.func.id)
            if reason:
                return f"{reason} (calls {node.func.id})"
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "sys"
            and node.attr in _SYS_IO
        ):
            return f"does I/O (uses sys.{node.attr})"
    return None
