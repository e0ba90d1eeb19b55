"""Benchmark sets to decontaminate against, read from their own files at run time.

Nothing of them ships with codefactory: HumanEval (MIT), MBPP (CC BY 4.0) and MultiPL-E's
translations (evaluation only) are read from a folder the user names, held in memory as hashed
n-grams, and never written anywhere (docs/datasets.md, "Decontamination").

Known file names in the folder: `humaneval.jsonl`, `mbpp.jsonl`, and MultiPL-E's translations
as `multipl_e_<benchmark>_<language>.jsonl` (e.g. `multipl_e_humaneval_php.jsonl`).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from codefactory.core.errors import InputError
from codefactory.core.paths import PROJECT_ROOT

ENV = "CODEFACTORY_BENCHMARKS"
_MULTIPL_E = re.compile(r"multipl_e_([a-z0-9]+)_([a-z0-9]+)\.jsonl")
# MultiPL-E's short names for the languages codefactory calls otherwise.
_MULTIPL_E_LANGUAGES = {
    "js": "javascript",
    "ts": "typescript",
    "rb": "ruby",
    "pl": "perl",
    "rs": "rust",
}


@dataclass(frozen=True)
class BenchmarkItem:
    benchmark: str  # humaneval, mbpp, multipl-e-humaneval-php
    item: str  # the item's own id: HumanEval/0, 601
    language: str  # the language id of its code: python, php
    texts: tuple[str, ...]  # what a leak would copy: solution, prompt, tests

    @property
    def label(self) -> str:
        return f"{self.benchmark}:{self.item}"


def default_dir() -> Path | None:
    """$CODEFACTORY_BENCHMARKS, else a checkout's `../shared/data` when it holds a known file."""
    if value := os.environ.get(ENV):
        return Path(value)
    shared = PROJECT_ROOT.parent / "shared" / "data"
    return shared if shared.is_dir() and any(_known(p) for p in shared.iterdir()) else None


def load_benchmarks(folder: Path) -> list[BenchmarkItem]:
    if not folder.is_dir():
        raise InputError(
            f"no benchmark folder {folder}: pass --benchmarks DIR with humaneval.jsonl"
        )
    items = [item for path in sorted(folder.iterdir()) for item in _read(path)]
    if not items:
        raise InputError(
            f"no benchmark file in {folder}: expected humaneval.jsonl, mbpp.jsonl or "
            "multipl_e_<benchmark>_<language>.jsonl"
        )
    return items


def _known(path: Path) -> bool:
    return path.name in ("humaneval.jsonl", "mbpp.jsonl") or bool(_MULTIPL_E.fullmatch(path.name))


def _rows(path: Path) -> Iterator[dict[str, object]]:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield json.loads(line)
        except json.JSONDecodeError:
            raise InputError(f"{path}:{number} is not JSON: fix or remove that file") from None


def _read(path: Path) -> Iterator[BenchmarkItem]:
    if path.name == "humaneval.jsonl":
        for row in _rows(path):
            prompt, solution = str(row["prompt"]), str(row["canonical_solution"])
            yield BenchmarkItem(
                "humaneval", str(row["task_id"]), "python", (prompt + solution, str(row["test"]))
            )
    elif path.name == "mbpp.jsonl":
        for row in _rows(path):
            tests = "\n".join(str(t) for t in row.get("test_list") or [])  # type: ignore[attr-defined]
            yield BenchmarkItem("mbpp", str(row["task_id"]), "python", (str(row["code"]), tests))
    elif match := _MULTIPL_E.fullmatch(path.name):
        benchmark, short = match.groups()
        language = _MULTIPL_E_LANGUAGES.get(short, short)
        for row in _rows(path):
            texts = (str(row.get("prompt", "")), str(row.get("tests", "")))
            yield BenchmarkItem(
                f"multipl-e-{benchmark}-{short}", str(row["task_id"]), language, texts
            )
