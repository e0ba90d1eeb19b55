"""Expected values come from running the Python source, in the Python sandbox
(docs/architecture.md §1)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from codefactory.core.equality import Relation
from codefactory.core.languages import Language, get_language
from codefactory.core.schema import RunResult, Source, TestCase
from codefactory.core.values import DecodeError, decode, dumps, loads
from codefactory.judge.protocol import new_nonce, parse_output
from codefactory.renderers.base import TypedRenderer
from codefactory.renderers.python import PythonRenderer

Runner = Callable[[Language, str], RunResult]  # (language, program) -> one sandbox run


@dataclass(frozen=True)
class OracleResult:
    cases: tuple[TestCase, ...]
    dropped: dict[str, int] = field(default_factory=dict)  # reason -> number of calls
    error: str | None = None  # the whole function is unusable (source failed to load, ...)
    infra_error: str | None = None  # our sandbox failed; retry later, blame nobody


def run_oracle(source: Source, run: Runner) -> OracleResult:
    if not source.calls:
        return OracleResult((), error="no test calls found")
    python = get_language("python")
    renderer = python.renderer
    assert isinstance(renderer, PythonRenderer)
    nonce = new_nonce()
    calls = [(i, spec.args_source) for i, spec in enumerate(source.calls)]
    program = renderer.oracle_driver(
        source.code, source.setup_code, source.entry_point, calls, nonce
    )
    return read_oracle(source, run(python, program), nonce)


def read_oracle(source: Source, result: RunResult, nonce: str) -> OracleResult:
    """The cases of one oracle run over `source.calls`, from what the sandbox saw of it."""
    if result.infra_error:
        return OracleResult((), infra_error=result.infra_error)
    if result.output_truncated:
        return OracleResult((), error="Python output over the cap")
    parsed = parse_output(result.stdout, nonce)
    load_error = parsed.records.get(-1)
    if load_error:
        return OracleResult((), error=str(load_error.get("error")))
    cases: list[TestCase] = []
    dropped: dict[str, int] = {}

    def drop(reason: str) -> None:
        dropped[reason] = dropped.get(reason, 0) + 1

    for case_id, spec in enumerate(source.calls):
        record = parsed.records.get(case_id)
        if record is None:
            drop("python timed out" if result.timed_out else "python run died")
            continue
        if not record["ok"]:
            drop("python timed out" if record.get("timeout") else "python raised")
            continue
        try:
            inputs = decode(record["inputs"])
            expected = decode(record["value"])
        except (DecodeError, KeyError):
            drop("malformed oracle record")
            continue
        cases.append(TestCase(case_id, tuple(inputs), expected, spec.relation))
    if not cases:
        reasons = ", ".join(sorted(dropped)) or "no case"
        return OracleResult((), dropped, error=f"no usable test case ({reasons})")
    return OracleResult(tuple(cases), dropped)


def cases_for(
    lang: Language, cases: tuple[TestCase, ...]
) -> tuple[tuple[TestCase, ...], dict[str, int]]:
    """Keep the cases whose inputs and expected value `lang` can represent faithfully. Typed
    targets judge each value against the types unified over all cases."""
    kept: list[TestCase] = []
    dropped: dict[str, int] = {}
    renderer = lang.renderer
    typed = renderer.case_problems(cases) if isinstance(renderer, TypedRenderer) else {}
    for case in cases:
        # Each argument on its own: f([1, 2], 3) takes a list and an int, not a mixed list.
        values = (*case.inputs, case.expected)
        reason = (
            typed.get(case.id)
            if isinstance(renderer, TypedRenderer)
            else next((r for r in map(renderer.unsupported_reason, values) if r), None)
        )
        if reason:
            key = f"unsupported in {lang.id}: {reason}"
            dropped[key] = dropped.get(key, 0) + 1
        else:
            kept.append(case)
    return tuple(kept), dropped


def oracle_to_json(result: OracleResult) -> dict[str, object]:
    return {
        "cases": [
            [c.id, dumps(list(c.inputs)), dumps(c.expected), c.relation.to_json()]
            for c in result.cases
        ],
        "dropped": result.dropped,
        "error": result.error,
    }


def oracle_from_json(data: dict[str, Any]) -> OracleResult:
    cases = tuple(
        TestCase(int(cid), tuple(loads(inputs)), loads(expected), Relation.from_json(rel))
        for cid, inputs, expected, rel in data["cases"]
    )
    return OracleResult(cases, dict(data["dropped"]), data["error"])
