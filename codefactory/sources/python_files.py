"""Plain `.py` files (or a folder of them): every public top-level function becomes a Source."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from codefactory.core.limits import MAX_FUNCTIONS_PER_FILE, MAX_PY_FILE_BYTES, size
from codefactory.core.schema import Source
from codefactory.sources.python_module import PythonModule
from codefactory.sources.source_row import SourceRow


def read_python_files(path: Path) -> Iterator[SourceRow]:
    """Top-level functions of a `.py` file, or of every `.py` file under a directory. A function
    comes with the other functions it calls and the module's imports and constants they use. A
    file gives at most MAX_FUNCTIONS_PER_FILE sources; the functions past it come back as rows
    that say so."""
    files = python_files_under(path) if path.is_dir() else [(path, path.name)]
    for file, label in files:
        yield from python_file(file, label)


def python_files_under(path: Path) -> list[tuple[Path, str]]:
    """The `.py` files under a folder, in order, each with its label (its path relative to
    the folder: no machine path in a row)."""
    return [
        (file, str(file.relative_to(path)))
        for file in sorted(path.rglob("*.py"))
        if not file.is_dir()  # a folder named x.py: rglob lists its files on their own
    ]


def python_file(file: Path, label: str) -> Iterator[SourceRow]:
    """One file's sources (see `read_python_files`)."""
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
        module = PythonModule(data, label)
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
        # origin relative to the input: no machine path in a dataset row
        yield SourceRow(task_id, Source(task_id, code, name, (), "", label))
