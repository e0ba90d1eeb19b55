"""The host's side of the tests run (suite/combined.py) against a fake sandbox that answers as
the driver would: one container per function, its choices checked, the old way as the fallback,
the cache. No Docker; the "source" is a Python function of the test's, never the source text."""

from __future__ import annotations

import ast
import base64
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from codefactory.core.cache import Cache
from codefactory.core.languages import Language, get_language
from codefactory.core.schema import RunResult, Source, TestCase
from codefactory.core.values import encode
from codefactory.sources.benchmark_row import source_from_row
from codefactory.suite.augment import args_source, augment_inputs
from codefactory.suite.build import Prepared, TestOptions, build_tests
from codefactory.suite.oracle import OracleResult

REPORT = {
    "before": {"num_statements": 2, "covered_lines": 1, "num_branches": 0},
    "after": {"num_statements": 2, "covered_lines": 2, "num_branches": 0},
    "kills": [[False, True], [True, True]],
}
DOWN = "APIError: 500 Server Error"


def _lines(prefix: str, records: list[dict[str, Any]]) -> bytes:
    body = "".join(f"\n{prefix} {json.dumps(r)}\n" for r in records)
    return (body + f"\n{prefix} DONE {len(records)}\n").encode()


class FakeVerifier:
    """The verifier's surface build_tests uses, with a sandbox that computes `fn` on the host
    where the driver would run the source; `runs` lists what started a container."""

    def __init__(self, fn: Callable[..., Any], cache: Cache | None = None) -> None:
        self.fn = fn
        self.cache = cache
        self.runs: list[str] = []
        self.b_fn: Callable[..., Any] | None = None  # run b's function, where it differs
        self.wrong_calls = False  # the driver reports augmented calls the host did not make
        self.whole = True  # False: the report stops before DONE
        self.adequacy_dies = False
        self.infra_error: str | None = None

    def image_id(self, lang: Language) -> str:
        return "sha256:test"

    def oracle(self, source: Source, python: Language, run: int = 0) -> OracleResult:
        self.runs.append(f"oracle {run}")
        cases = []
        for i, call in enumerate(source.calls):
            args = ast.literal_eval(call.args_source)
            cases.append(TestCase(i, args, self.fn(*args), call.relation))
        return OracleResult(tuple(cases))

    def run_program(self, lang: Language, program: Any, nonce: str | None = None) -> RunResult:
        if isinstance(program, dict):
            self.runs.append("tests run")
            if self.infra_error:
                return RunResult(None, b"", b"", 0.0, infra_error=self.infra_error)
            assert nonce is not None
            return RunResult(0, self._tests_run(program, nonce), b"", 0.1)
        self.runs.append("adequacy")
        prefix = re.search(r"@@cf [0-9a-f]+", program)
        assert prefix
        return RunResult(0, self._adequacy(prefix.group(0)), b"", 0.1)

    def _oracle(self, prefix: str, calls: list[list[Any]], fn: Callable[..., Any]) -> bytes:
        records = []
        for case_id, source in calls:
            args = ast.literal_eval(source)
            value = encode(fn(*args))
            records.append(
                {"id": case_id, "ok": True, "inputs": encode(list(args)), "value": value}
            )
        return _lines(prefix, records)

    def _adequacy(self, prefix: str) -> bytes:
        if self.adequacy_dies:
            return b""
        return _lines(prefix, [{"id": 0, "ok": True, "report": REPORT}])

    def _tests_run(self, files: dict[str, str], nonce: str) -> bytes:
        spec = json.loads(files["spec.json"])
        oracle = spec["oracle_prefix"]
        match = re.search(r"@@cf [0-9a-f]+", files["cf_adequacy.py"])
        assert match
        calls = spec["calls"]

        def child(run_id: int, stdout: bytes, **extra: Any) -> dict[str, Any]:
            body = {"id": run_id, "ok": True, "stdout": base64.b64encode(stdout).decode()}
            return {**body, "exit_code": 0, "timed_out": False, "truncated": False, **extra}

        records = [child(0, self._oracle(oracle, calls, self.fn))]
        suite = calls
        if spec["augment"]:
            inputs = [ast.literal_eval(c[1]) for c in calls]
            extra = augment_inputs(inputs, spec["max_extra"])
            suite = calls + [[len(calls) + i, args_source(x)] for i, x in enumerate(extra)]
            shown = suite[:-1] if self.wrong_calls else suite
            records.append(child(1, self._oracle(oracle, suite, self.fn), calls=shown))
        records.append(child(2, self._oracle(oracle, suite, self.b_fn or self.fn)))
        ids = [c[0] for c in suite][: spec["max_cases"]]
        records.append(child(3, self._adequacy(match.group(0)), ids=ids))
        prefix = f"@@cf {nonce}"
        out = b"".join(f"\n{prefix} {json.dumps(r)}\n".encode() for r in records)
        return out + (f"\n{prefix} DONE {len(records)}\n".encode() if self.whole else b"")


def _source(*calls: str) -> Source:
    tests = [f"assert f{c} == 0" for c in calls]
    return source_from_row({"code": "def f(n):\n    return n\n", "test_list": tests}, "t")


PHP = get_language("php")
PLAIN = TestOptions(augment=False)


def _build(verifier: FakeVerifier, options: TestOptions = PLAIN, *calls: str) -> Prepared:
    return build_tests(verifier, _source(*(calls or ("(1)", "(2)"))), PHP, options)  # type: ignore[arg-type]


def test_one_container_for_all_runs() -> None:
    verifier = FakeVerifier(lambda n: n + 1)
    prepared = _build(verifier)
    assert verifier.runs == ["tests run"]
    assert [c.expected for c in prepared.cases] == [2, 3] and prepared.error is None
    assert prepared.adequacy.coverage == 1.0 and prepared.adequacy.mutation_score == 1.0


def test_with_augmentation_one_container_too() -> None:
    verifier = FakeVerifier(lambda n: n * 2)
    prepared = _build(verifier, TestOptions())
    assert verifier.runs == ["tests run"]
    assert prepared.visible == 2 and len(prepared.cases) > 2 and prepared.error is None


def test_adequacy_measured_again_when_the_target_keeps_fewer_cases() -> None:
    verifier = FakeVerifier(lambda n: 2**70 if n == 3 else n)  # PHP cannot hold 2**70
    prepared = _build(verifier, PLAIN, "(1)", "(2)", "(3)")
    assert verifier.runs == ["tests run", "adequacy"]
    assert [c.id for c in prepared.cases] == [0, 1]
    assert any(k.startswith("unsupported in php") for k in prepared.dropped)


def test_a_report_cut_short_goes_the_old_way() -> None:
    verifier = FakeVerifier(lambda n: n)
    verifier.whole = False
    prepared = _build(verifier)
    assert verifier.runs == ["tests run", "oracle 0", "oracle 2", "adequacy"]
    assert len(prepared.cases) == 2 and prepared.error is None


def test_augmented_calls_other_than_the_hosts_go_the_old_way() -> None:
    verifier = FakeVerifier(lambda n: n)
    verifier.wrong_calls = True
    _build(verifier, TestOptions())
    assert verifier.runs[:4] == ["tests run", "oracle 0", "oracle 1", "oracle 2"]


def test_runs_that_disagree_are_nondeterministic() -> None:
    verifier = FakeVerifier(lambda n: n)
    verifier.b_fn = lambda n: n + 1
    prepared = _build(verifier)
    assert prepared.error and prepared.error.startswith("nondeterministic")
    assert verifier.runs == ["tests run"]


def test_a_sandbox_failure_is_ours_and_not_cached(tmp_path: Path) -> None:
    verifier = FakeVerifier(lambda n: n, Cache(tmp_path / "c.sqlite"))
    verifier.infra_error = DOWN
    prepared = _build(verifier)
    assert prepared.infra_error == f"sandbox_error in the tests run: {DOWN}"
    verifier.infra_error = None
    assert _build(verifier).error is None
    assert verifier.runs == ["tests run", "tests run"]


def test_a_cached_tests_run_starts_nothing(tmp_path: Path) -> None:
    verifier = FakeVerifier(lambda n: n, Cache(tmp_path / "c.sqlite"))
    first = _build(verifier, TestOptions())
    again = _build(verifier, TestOptions())
    assert verifier.runs == ["tests run"]
    assert (again.cases, again.adequacy, again.dropped) == (
        first.cases,
        first.adequacy,
        first.dropped,
    )


def test_an_adequacy_run_that_died_is_measured_again_next_time(tmp_path: Path) -> None:
    verifier = FakeVerifier(lambda n: n, Cache(tmp_path / "c.sqlite"))
    verifier.adequacy_dies = True
    prepared = _build(verifier)
    assert prepared.adequacy.unmeasured == "adequacy run exit code 0"
    verifier.adequacy_dies = False
    assert _build(verifier).adequacy.coverage == 1.0
    assert verifier.runs == ["tests run", "adequacy"]
