"""A function's Python runs in one container (issue 14, item 4): the oracle, the augmented run,
the determinism run and the adequacy run, each a child process of the tests run's driver
(renderers/harness/python/suite_run.py) with its own hash seed, deadline and output cap, where
they used to be four containers.

The host decides as before, from each child's output read as one sandbox run of its own; the
driver's own choices (the augmented calls, the cases it measured adequacy on) are used only
where they equal the host's. Our sandbox failing is `infra_error`; a run that did not finish its
report (the container ran out of time or memory as a whole) gives None, and the caller goes the
old way, one container per run, so every drop reason stays what it was.
"""

from __future__ import annotations

import base64
import hashlib
import inspect
import json
import secrets
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from codefactory.core import values
from codefactory.core.cache import make_key
from codefactory.core.equality import Relation
from codefactory.core.languages import Language, get_language
from codefactory.core.schema import CallSpec, RunResult, Source
from codefactory.judge.fingerprint import judge_fingerprint, modules_digest
from codefactory.judge.protocol import MARKER, new_nonce, parse_output
from codefactory.judge.verifier import Verifier
from codefactory.renderers.base import template
from codefactory.renderers.python import PythonRenderer, adequacy_child
from codefactory.suite import augment
from codefactory.suite.adequacy import Adequacy, read_adequacy
from codefactory.suite.augment import args_source, augment_inputs
from codefactory.suite.mutation import mutants
from codefactory.suite.oracle import OracleResult, oracle_from_json, oracle_to_json, read_oracle

RUNS = 4  # first, a, b, adequacy: the most children one tests run starts
CLOCK_SHIFT_S = 90061.5  # run b's clock: a day, an hour, a minute and 1.5 s ahead
OUTER_MEMORY_MB = 32  # the driver's own share, so each child keeps the memory a container had
# The modules whose code shapes a cached tests run, beside the Python's fingerprint: the key
# changes when any of them does.
_MODULES = (
    "codefactory.suite.combined",
    "codefactory.suite.augment",
    "codefactory.suite.oracle",
    "codefactory.suite.adequacy",
    "codefactory.suite.mutation",
)


@dataclass(frozen=True)
class TestsRun:
    """What the runs gave: each oracle run as `run_oracle` would have read it, and adequacy
    measured on the cases `adequacy_ids` (None where it was not run or not measured)."""

    __test__ = False

    first: OracleResult
    run_a: OracleResult | None = None  # None: not reached (the first run was unusable)
    run_b: OracleResult | None = None
    adequacy_ids: tuple[int, ...] | None = None
    adequacy: Adequacy | None = None
    infra_error: str | None = None

    def to_json(self) -> dict[str, object]:
        def oracle(r: OracleResult | None) -> object:
            return oracle_to_json(r) if r is not None else None

        # An adequacy run that died is not kept (as alone): the next run measures it again.
        kept = self.adequacy is not None and self.adequacy.unmeasured is None
        return {
            "first": oracle(self.first),
            "run_a": oracle(self.run_a),
            "run_b": oracle(self.run_b),
            "adequacy_ids": list(self.adequacy_ids) if kept and self.adequacy_ids else None,
            "adequacy": self.adequacy.to_json() if kept and self.adequacy else None,
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> TestsRun:
        def oracle(d: Any) -> OracleResult | None:
            return oracle_from_json(d) if d is not None else None

        first = oracle(data["first"])
        assert first is not None
        ids = data["adequacy_ids"]
        return TestsRun(
            first,
            oracle(data["run_a"]),
            oracle(data["run_b"]),
            tuple(ids) if ids is not None else None,
            Adequacy(**data["adequacy"]) if data["adequacy"] is not None else None,
        )


def suite_of(source: Source, first: OracleResult, augmented: bool, max_cases: int) -> Source:
    """The source with the augmented calls made from the first run's inputs (on the host, from
    values only: nothing runs here)."""
    if not augmented:
        return source
    extra = augment_inputs([c.inputs for c in first.cases], max_cases * 2)
    relations = {c.relation for c in source.calls}
    relation = relations.pop() if len(relations) == 1 else Relation()
    calls = tuple(CallSpec(args_source(args), relation) for args in extra)
    return replace(source, calls=source.calls + calls)


def tests_run(
    verifier: Verifier, source: Source, augmented: bool, max_cases: int, n_mutants: int
) -> TestsRun | None:
    """All of the function's Python runs, from the cache or one container."""
    if not source.calls:
        return TestsRun(OracleResult((), error="no test calls found"))
    python = get_language("python")
    key = make_key(
        "tests-run",
        source.key,
        augmented,
        max_cases,
        n_mutants,
        verifier.image_id(python),
        judge_fingerprint(python),
        _code_digest(),
    )
    if verifier.cache and (hit := verifier.cache.get("tests_run", key)) is not None:
        return TestsRun.from_json(hit)
    nonces = {"oracle": new_nonce(), "adequacy": new_nonce()}
    files = _files(source, augmented, max_cases, n_mutants, nonces, python)
    nonce = new_nonce()
    run = verifier.run_program(combined_language(python), files, nonce)
    if run.infra_error:
        return TestsRun(OracleResult(()), infra_error=run.infra_error)
    result = read_tests_run(run, nonce, nonces, source, augmented, max_cases)
    if result is not None and verifier.cache:
        verifier.cache.put("tests_run", key, result.to_json())
    return result


def combined_language(python: Language) -> Language:
    """Python with the limits of the whole tests run: each child keeps one run's own."""
    limits = python.limits
    whole = replace(
        limits,
        wall_s=RUNS * limits.wall_s + 10.0,
        memory_mb=limits.memory_mb + OUTER_MEMORY_MB,
        output_bytes=2 * RUNS * limits.output_bytes,  # base64 of each child's capped output
    )
    return replace(python, limits=whole)


def _files(
    source: Source,
    augmented: bool,
    max_cases: int,
    n_mutants: int,
    nonces: dict[str, str],
    python: Language,
) -> dict[str, str]:
    renderer = python.renderer
    assert isinstance(renderer, PythonRenderer)
    seeds: list[int] = []
    while len(seeds) < RUNS:  # distinct and non-zero (0 turns hash randomisation off)
        if (seed := secrets.randbelow(2**32 - 1) + 1) not in seeds:
            seeds.append(seed)
    spec = {
        "calls": [[i, c.args_source] for i, c in enumerate(source.calls)],
        "augment": augmented,
        "max_extra": max_cases * 2,
        "max_cases": max_cases,
        "seeds": seeds,
        "clock_shift_s": CLOCK_SHIFT_S,
        "wall_s": python.limits.wall_s,
        "output_bytes": python.limits.output_bytes,
        "oracle_prefix": f"{MARKER} {nonces['oracle']}",
    }
    code, setup, entry = source.code, source.setup_code, source.entry_point
    return {
        python.program_file: template(PythonRenderer.__module__, "suite_run.py"),
        "spec.json": json.dumps(spec),
        "cf_values.py": inspect.getsource(values),
        "cf_augment.py": inspect.getsource(augment),
        "cf_oracle.py": renderer.oracle_child(code, setup, entry, nonces["oracle"]),
        "cf_adequacy.py": adequacy_child(
            code, setup, entry, mutants(code, n_mutants), nonces["adequacy"]
        ),
    }


def read_tests_run(
    run: RunResult,
    nonce: str,
    nonces: dict[str, str],
    source: Source,
    augmented: bool,
    max_cases: int,
) -> TestsRun | None:
    """The runs from the driver's records; None unless its report is whole and its choices
    are the host's."""
    parsed = parse_output(run.stdout, nonce)
    records = parsed.records
    if run.timed_out or run.output_truncated or parsed.problems or 0 not in records:
        return None
    if parsed.done_count != len(records):
        return None
    first = read_oracle(source, _child(records[0]), nonces["oracle"])
    if first.error:
        return TestsRun(first) if set(records) == {0} else None
    suite = suite_of(source, first, augmented, max_cases)
    run_a = first
    if augmented:
        calls = [[i, c.args_source] for i, c in enumerate(suite.calls)]
        if 1 not in records or records[1].get("calls") != calls:
            return None
        run_a = read_oracle(suite, _child(records[1]), nonces["oracle"])
    if 2 not in records:
        return None
    run_b = read_oracle(suite, _child(records[2]), nonces["oracle"])
    ids: tuple[int, ...] | None = None
    adequacy: Adequacy | None = None
    if (measured := records.get(3)) is not None:
        ids = tuple(int(i) for i in measured.get("ids", []))
        adequacy = read_adequacy(_child(measured), nonces["adequacy"])
    return TestsRun(first, run_a, run_b, ids, adequacy)


def _child(record: dict[str, Any]) -> RunResult:
    """One child's run, as a container run of it would have been seen."""
    stdout = base64.b64decode(str(record.get("stdout", "")))
    code = record.get("exit_code")
    return RunResult(
        exit_code=code if isinstance(code, int) else None,
        stdout=stdout,
        stderr=b"",
        duration_s=0.0,
        timed_out=record.get("timed_out") is True,
        output_truncated=record.get("truncated") is True,
    )


@cache
def _code_digest() -> str:
    driver = template(PythonRenderer.__module__, "suite_run.py")
    return hashlib.sha256((driver + modules_digest(_MODULES)).encode()).hexdigest()
