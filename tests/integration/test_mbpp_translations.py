"""Hand-written PHP for a dozen MBPP functions: the right ones verified, the wrong ones not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codefactory.core.languages import Language
from codefactory.generation.extract import extract_code
from codefactory.judge.verifier import Verifier
from codefactory.sources.benchmark_row import source_from_row
from codefactory.suite.build import build_tests

FIXTURES = Path(__file__).parent.parent / "fixtures"

ROWS = [json.loads(line) for line in (FIXTURES / "mbpp_php.jsonl").read_text().splitlines()]


@pytest.mark.parametrize(
    "row", ROWS, ids=[f"{r['task_id']}-{r['expect']}-{i}" for i, r in enumerate(ROWS)]
)
def test_known_translations(verifier: Verifier, php: Language, row: dict[str, object]) -> None:
    source = source_from_row(row, str(row["task_id"]))
    prepared = build_tests(verifier, source, php)
    assert prepared.error is None, prepared.error
    code = extract_code(str(row["candidate"]), php) or ""
    verdict = verifier.verify(php, code, source.entry_point, prepared.cases)
    assert verdict.status.value == row["expect"], (row["why"], verdict.failure)
    if row["expect"] == "passed":
        assert verdict.tests_passed == verdict.tests_total == len(prepared.cases)
