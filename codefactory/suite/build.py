"""A function's test suite for one target: the source's own calls, augmented inputs, the
determinism check, the target's representability filter and the adequacy scores."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

from codefactory.core.cache import make_key
from codefactory.core.equality import Leniency, Relation, values_equal
from codefactory.core.languages import Language, get_language
from codefactory.core.schema import CallSpec, Source, TestCase, tests_hash
from codefactory.core.values import dumps
from codefactory.judge.fingerprint import judge_fingerprint
from codefactory.judge.protocol import new_nonce, parse_output
from codefactory.judge.verifier import Verifier
from codefactory.renderers.python import adequacy_driver
from codefactory.sources.assert_calls import return_relation
from codefactory.suite.augment import args_source, augment_inputs
from codefactory.suite.mutation import mutants
from codefactory.suite.oracle import OracleResult, cases_for

# A function is only verified on a suite that holds at least this share of the source's own
# cases: were most of them unrepresentable in the target, the survivors could be exactly the
# cases a wrong translation (a sentinel instead of None) gets right.
DEFAULT_MIN_SOURCE_TESTS = 0.5
_EXACT = Leniency(tuple_is_list=False)  # Python against Python


@dataclass(frozen=True)
class TestOptions:
    __test__ = False

    augment: bool = True
    max_cases: int = 20
    mutants: int = 30
    min_coverage: float | None = None  # line coverage, 0..1
    min_mutation_score: float | None = None
    min_source_tests: float = DEFAULT_MIN_SOURCE_TESTS  # share of the source's cases kept

    def key(self) -> list[object]:
        return [self.augment, self.max_cases, self.mutants]


@dataclass(frozen=True)
class Adequacy:
    coverage: float | None = None  # line coverage of the source by all cases
    branch_coverage: float | None = None
    mutation_score: float | None = None  # killed / mutants run; survivors count as live
    coverage_source_only: float | None = None
    mutation_score_source_only: float | None = None
    mutants: int = 0
    unmeasured: str | None = None  # why the scores are missing

    def to_json(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Prepared:
    """A source with its tests for one target, or the reason it has none."""

    source: Source | None
    cases: tuple[TestCase, ...]
    dropped: dict[str, int]
    error: str | None
    adequacy: Adequacy = field(default_factory=Adequacy)
    source_given: int = 0  # the source's own test calls
    infra_error: str | None = None  # our sandbox failed: retry later, blame nobody

    @property
    def visible(self) -> int:
        return sum(1 for c in self.cases if not c.hidden)


def _ours(source: Source, stage: str, infra_error: str) -> Prepared:
    why = f"sandbox_error in the {stage}: {infra_error}"  # ours, not the source's
    return Prepared(source, (), {}, why, source_given=len(source.calls), infra_error=why)


def build_tests(
    verifier: Verifier, source: Source, lang: Language, options: TestOptions = TestOptions()
) -> Prepared:
    python = get_language("python")
    source = with_return_relation(source)
    given = len(source.calls)
    first = verifier.oracle(source, python)
    if first.infra_error:
        return _ours(source, "oracle", first.infra_error)
    if first.error:
        return Prepared(source, (), dict(first.dropped), first.error, source_given=given)
    suite = source
    if options.augment:
        extra = augment_inputs([c.inputs for c in first.cases], options.max_cases * 2)
        relation = _common_relation(source)
        suite = replace(
            source,
            calls=source.calls + tuple(CallSpec(args_source(args), relation) for args in extra),
        )
    run_a = verifier.oracle(suite, python, run=1) if options.augment else first
    if run_a.infra_error:
        return _ours(source, "oracle's augmented run", run_a.infra_error)
    run_b = verifier.oracle(suite, python, run=2)
    if run_b.infra_error:
        return _ours(source, "oracle's determinism run", run_b.infra_error)
    dropped = dict(run_a.dropped)
    cases, problem = _deterministic(run_a, run_b, given, dropped)
    if problem:
        return Prepared(source, (), dropped, problem, source_given=given)
    cases = _choose(cases, given, options.max_cases, dropped)
    cases, unsupported = cases_for(lang, cases)
    for reason, n in unsupported.items():
        dropped[reason] = dropped.get(reason, 0) + n
    kept = sum(1 for c in cases if not c.hidden)
    if not kept or kept < options.min_source_tests * given:
        reasons = "; ".join(f"{k}: {v}" for k, v in unsupported.items()) or "none left"
        why = (
            f"no test case representable ({reasons})"
            if not kept
            else f"{lang.id} keeps {kept} of the source's {given} test cases, below "
            f"--min-source-tests {options.min_source_tests} ({reasons})"
        )
        return Prepared(source, (), dropped, why, source_given=given)
    adequacy, infra = measure_adequacy(verifier, source, cases, options.mutants)
    if infra:
        return _ours(source, "adequacy run", infra)
    floor_error = _below_floor(adequacy, options)
    return Prepared(source, cases, dropped, floor_error, adequacy, source_given=given)


def with_return_relation(source: Source) -> Source:
    """The source with the relation its return expressions imply (`list(set(xs))` compares as
    a multiset) on every call whose assert stated plain equality."""
    implied = return_relation(source.code, source.entry_point)
    if implied is None or all(c.relation != Relation() for c in source.calls):
        return source
    calls = tuple(
        replace(c, relation=implied) if c.relation == Relation() else c for c in source.calls
    )
    return replace(source, calls=calls)


def _common_relation(source: Source) -> Relation:
    relations = {c.relation for c in source.calls}
    return relations.pop() if len(relations) == 1 else Relation()


def _deterministic(
    a: OracleResult, b: OracleResult, n_source: int, dropped: dict[str, int]
) -> tuple[tuple[TestCase, ...], str | None]:
    """Two runs in two processes (other hash seeds, other times) must agree."""
    if a.error or b.error:
        return (), a.error or b.error
    other = {c.id: c for c in b.cases}
    kept = []
    for case in a.cases:
        twin = other.get(case.id)
        same = twin is not None and (
            dumps(twin.expected) == dumps(case.expected)
            # a set's iteration order changes with the hash seed; the relation ignores it
            or (
                case.relation.kind in ("sorted", "set")
                and values_equal(case.expected, twin.expected, case.relation, _EXACT)
            )
        )
        if same:
            kept.append(replace(case, hidden=case.id >= n_source))
        elif case.id < n_source:
            return (), "nondeterministic: two runs of the Python gave different results"
        else:
            dropped["augmented input nondeterministic"] = (
                dropped.get("augmented input nondeterministic", 0) + 1
            )
    return tuple(kept), None


def _choose(
    cases: tuple[TestCase, ...], n_source: int, cap: int, dropped: dict[str, int]
) -> tuple[TestCase, ...]:
    """All of the source's cases; augmented ones up to the cap, new outputs first."""
    own = [c for c in cases if not c.hidden]
    extra = [c for c in cases if c.hidden]
    room = max(cap - len(own), 0)
    seen = {dumps(c.expected) for c in own}
    fresh: list[TestCase] = []
    repeats: list[TestCase] = []
    for case in extra:
        key = dumps(case.expected)
        (repeats if key in seen else fresh).append(case)
        seen.add(key)
    chosen = (fresh + repeats)[:room]
    if len(extra) > len(chosen):
        dropped["augmented beyond the cap"] = len(extra) - len(chosen)
    ids = {c.id for c in chosen}
    return tuple(own) + tuple(c for c in extra if c.id in ids)


def measure_adequacy(
    verifier: Verifier, source: Source, cases: tuple[TestCase, ...], n_mutants: int
) -> tuple[Adequacy, str | None]:
    """Line/branch coverage (coverage.py) and mutation score, both in the Python sandbox; and
    our sandbox's failure, if it had one (then nothing is measured, nor cached)."""
    python = get_language("python")
    key = make_key(
        "adequacy",
        source.key,
        tests_hash(cases),
        n_mutants,
        verifier.image_id(python),
        judge_fingerprint(python),
    )
    if verifier.cache and (hit := verifier.cache.get("adequacy", key)) is not None:
        return Adequacy(**hit), None
    own = [c for c in cases if not c.hidden]
    ordered = own + [c for c in cases if c.hidden]
    calls = [args_source(c.inputs) for c in ordered]
    mutant_sources = mutants(source.code, n_mutants)
    nonce = new_nonce()
    program = adequacy_driver(
        source.code, source.setup_code, source.entry_point, calls, len(own), mutant_sources, nonce
    )
    run = verifier.run_program(python, program)
    if run.infra_error:
        return Adequacy(), run.infra_error
    record = parse_output(run.stdout, nonce).records.get(0)
    if not record:  # the measuring run itself died (timed out over many mutants, ...)
        why = "timed out" if run.timed_out else f"exit code {run.exit_code}"
        return Adequacy(unmeasured=f"adequacy run {why}"), None
    report = record["report"]
    adequacy = _scores(report)
    if verifier.cache:
        verifier.cache.put("adequacy", key, adequacy.to_json())
    return adequacy, None


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
    )


def _below_floor(adequacy: Adequacy, options: TestOptions) -> str | None:
    floors = options.min_coverage is not None or options.min_mutation_score is not None
    if floors and adequacy.unmeasured:
        return f"adequacy not measured ({adequacy.unmeasured}): the floors cannot be checked"
    if options.min_coverage is not None and (adequacy.coverage or 0.0) < options.min_coverage:
        return f"coverage {adequacy.coverage} below --min-coverage {options.min_coverage}"
    score = adequacy.mutation_score
    if options.min_mutation_score is not None and (score or 0.0) < options.min_mutation_score:
        return f"mutation score {score} below --min-mutation-score {options.min_mutation_score}"
    return None


def tests_json(cases: tuple[TestCase, ...]) -> str:
    return json.dumps([c.to_json() for c in cases], ensure_ascii=False)
