"""Decide a verdict from a run's output. The host decides; the program only reports."""

from __future__ import annotations

from codefactory.core.equality import values_equal
from codefactory.core.languages import Language
from codefactory.core.schema import RunResult, Status, TestCase, Verdict
from codefactory.core.values import DecodeError, decode, show
from codefactory.judge.protocol import parse_output


def decide(run: RunResult, cases: tuple[TestCase, ...], nonce: str, lang: Language) -> Verdict:
    total = len(cases)

    def fail(status: Status, passed: int = 0, **failure: object) -> Verdict:
        return Verdict(status, passed, total, failure or None, round(run.duration_s, 4))

    # Only the sandbox itself (daemon API, create/start failures) reports our failures: through
    # the SDK an exit code is the program's own, and a candidate can exit(127)
    # (docs/architecture.md §5.4).
    if run.infra_error:
        return fail(Status.SANDBOX_ERROR, error=run.infra_error)
    if run.output_truncated:
        return fail(Status.OUTPUT_EXCEEDED, error="output over the cap")
    if run.timed_out:
        return fail(Status.TIMEOUT, error="wall-clock limit reached")
    # Runtimes report their own limits on stderr; only believed when the run failed.
    text = run.stderr.decode("utf-8", "replace")
    crashed = run.exit_code != 0
    if run.oom or (crashed and _matches(text, lang.error_patterns.get("memory_exceeded", ()))):
        return fail(Status.MEMORY_EXCEEDED, error=_excerpt(text))

    parsed = parse_output(run.stdout, nonce)
    compile_patterns = lang.error_patterns.get("compile_error", ())
    if crashed and not parsed.records and _matches(text, compile_patterns):
        return fail(Status.COMPILE_ERROR, error=_excerpt(text))
    if parsed.problems:
        return fail(Status.RUNTIME_ERROR, error=parsed.problems[0])

    passed = 0
    for case in cases:
        record = parsed.records.get(case.id)
        if record is None:
            why = f"exited with code {run.exit_code} before case {case.id} finished"
            return fail(
                Status.RUNTIME_ERROR, passed, **_case(case), error=why, stderr=_excerpt(text)
            )
        if not record["ok"]:
            error = str(record.get("error", "error"))[:1000]
            # A runtime that reports running out of memory as a catchable error (Java, Ruby).
            memory = _matches(error, lang.error_patterns.get("memory_exceeded", ()))
            status = Status.MEMORY_EXCEEDED if memory else Status.RUNTIME_ERROR
            return fail(status, passed, **_case(case), error=error)
        try:
            got = decode(record.get("value"))
        except DecodeError as exc:
            return fail(Status.RUNTIME_ERROR, passed, **_case(case), error=f"bad record: {exc}")
        if not _equal(case, got, lang):
            return fail(Status.WRONG_ANSWER, passed, **_case(case), got=show(got))
        passed += 1
    unknown = set(parsed.records) - {c.id for c in cases}
    if unknown:
        return fail(
            Status.RUNTIME_ERROR, passed, error=f"records for unknown cases {sorted(unknown)}"
        )
    if parsed.done_count != total:
        return fail(Status.RUNTIME_ERROR, passed, error="no DONE record with the right count")
    if run.exit_code != 0:
        return fail(
            Status.RUNTIME_ERROR, passed, error=f"exit code {run.exit_code}", stderr=_excerpt(text)
        )
    return Verdict(Status.PASSED, passed, total, None, round(run.duration_s, 4))


def _equal(case: TestCase, got: object, lang: Language) -> bool:
    return values_equal(case.expected, got, case.relation, lang.leniency)


def _case(case: TestCase) -> dict[str, object]:
    return {
        "case": case.id,
        "input": show(list(case.inputs)),
        "expected": show(case.expected),
        "relation": case.relation.kind,
    }


def _matches(text: str, patterns: tuple[str, ...]) -> bool:
    return any(p in text for p in patterns)


def _excerpt(text: str, limit: int = 1000) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + "..."
