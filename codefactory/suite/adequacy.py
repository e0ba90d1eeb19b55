"""How strong a function's suite is: line/branch coverage of the source (coverage.py) and the
mutation score, both measured in the Python sandbox."""

from __future__ import annotations

from dataclasses import dataclass

from codefactory.core.cache import make_key
from codefactory.core.languages import get_language
from codefactory.core.schema import RunResult, Source, TestCase, tests_hash
from codefactory.judge.fingerprint import judge_fingerprint, modules_digest
from codefactory.judge.protocol import new_nonce, parse_output
from codefactory.judge.verifier import Verifier
from codefactory.renderers.python import adequacy_driver
from codefactory.suite.augment import args_source
from codefactory.suite.mutation import mutants

# The modules whose code shapes a cached adequacy (its fields, its mutants).
ADEQUACY_MODULES = ("codefactory.suite.adequacy", "codefactory.suite.mutation")


@dataclass(frozen=True)
class Adequacy:
    coverage: float | None = None  # line coverage of the source by all cases
    branch_coverage: float | None = None
    mutation_score: float | None = None  # killed / mutants run; survivors count as live
    coverage_source_only: float | None = None
    mutation_score_source_only: float | None = None
    mutants: int = 0  # mutants run (the score's denominator)
    unmeasured: str | None = None  # why the scores are missing
    mutants_made: int = 0  # of the source; more than run when the run's time budget ran out

    def to_json(self) -> dict[str, object]:
        return dict(self.__dict__)


def adequacy_key(verifier: Verifier, source: Source, cases: tuple[TestCase, ...], n: int) -> str:
    python = get_language("python")
    return make_key(
        "adequacy",
        source.key,
        tests_hash(cases),
        n,
        verifier.image_id(python),
        judge_fingerprint(python),
        modules_digest(ADEQUACY_MODULES),
    )


def ordered(cases: tuple[TestCase, ...]) -> list[TestCase]:
    """The source's own cases first: coverage is cumulative, "before" is theirs alone."""
    return [c for c in cases if not c.hidden] + [c for c in cases if c.hidden]


def measure_adequacy(
    verifier: Verifier, source: Source, cases: tuple[TestCase, ...], n_mutants: int
) -> tuple[Adequacy, str | None]:
    """The scores of `cases`, from the cache or a run of their own; and our sandbox's failure,
    if it had one (then nothing is measured, nor cached)."""
    key = adequacy_key(verifier, source, cases, n_mutants)
    if verifier.cache and (hit := verifier.cache.get("adequacy", key)) is not None:
        return Adequacy(**hit), None
    order = ordered(cases)
    nonce = new_nonce()
    program = adequacy_driver(
        source.code,
        source.setup_code,
        source.entry_point,
        [args_source(c.inputs) for c in order],
        sum(1 for c in cases if not c.hidden),
        mutants(source.code, n_mutants),
        nonce,
    )
    run = verifier.run_program(get_language("python"), program)
    if run.infra_error:
        return Adequacy(), run.infra_error
    adequacy = read_adequacy(run, nonce)
    if verifier.cache and adequacy.unmeasured is None:
        verifier.cache.put("adequacy", key, adequacy.to_json())
    return adequacy, None


def read_adequacy(run: RunResult, nonce: str) -> Adequacy:
    """The scores from what the sandbox saw of one adequacy run."""
    record = parse_output(run.stdout, nonce).records.get(0)
    if not record:  # the measuring run itself died (timed out over many mutants, ...)
        why = "timed out" if run.timed_out else f"exit code {run.exit_code}"
        return Adequacy(unmeasured=f"adequacy run {why}")
    return _scores(record["report"])


def _scores(report: dict[str, object]) -> Adequacy:
    def line(totals: object) -> float | None:
        if not isinstance(totals, dict) or not totals.get("num_statements"):
            return None
        return round(float(totals["covered_lines"]) / float(totals["num_statements"]), 4)

    def branch(totals: object) -> float | None:
        if not isinstance(totals, dict) or not totals.get("num_branches"):
            return None
        return round(float(totals["covered_branches"]) / float(totals["num_branches"]), 4)

    kills = report.get("kills") or []
    assert isinstance(kills, list)
    run = len(kills)
    return Adequacy(
        coverage=line(report.get("after")),
        branch_coverage=branch(report.get("after")),
        coverage_source_only=line(report.get("before")),
        mutation_score=round(sum(1 for k in kills if k[1]) / run, 4) if run else None,
        mutation_score_source_only=round(sum(1 for k in kills if k[0]) / run, 4) if run else None,
        mutants=run,
        mutants_made=int(report.get("mutants") or 0),  # type: ignore[call-overload]
    )
