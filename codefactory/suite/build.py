"""A function's test suite for one target: the source's own calls, augmented inputs, the
determinism check, the target's representability filter and the adequacy scores."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

from codefactory.core.equality import Leniency, Relation, values_equal
from codefactory.core.languages import Language, get_language
from codefactory.core.schema import Source, TestCase
from codefactory.core.values import dumps
from codefactory.judge.verifier import Verifier
from codefactory.sources.assert_calls import return_relation
from codefactory.suite.adequacy import Adequacy, adequacy_key, measure_adequacy, ordered
from codefactory.suite.combined import suite_of, tests_run
from codefactory.suite.oracle import OracleResult, cases_for

__all__ = ["Adequacy", "Prepared", "TestOptions", "build_tests", "measure_adequacy"]

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
    # All Python runs of a function in one container (suite/combined.py); off: one container
    # per run, the old way (kept for the benchmark and as the fallback). Same results.
    combined: bool = True

    def key(self) -> list[object]:
        return [self.augment, self.max_cases, self.mutants]


@dataclass(frozen=True)
class Prepared:
    """A source with its tests for one target, or the reason it has none."""

    source: Source | None
    cases: tuple[TestCase, ...]
    dropped: dict[str, int]
    error: str | None
    adequacy: Adequacy = field(default_factory=lambda: Adequacy(unmeasured="no test suite"))
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
    source = with_return_relation(source)
    if not options.combined:
        return _build_separately(verifier, source, lang, options)
    runs = tests_run(verifier, source, options.augment, options.max_cases, options.mutants)
    if runs is None:  # the run did not finish its report: one container per run, as before
        return _build_separately(verifier, source, lang, options)
    if runs.infra_error:
        return _ours(source, "tests run", runs.infra_error)
    given = len(source.calls)
    if runs.first.error or runs.run_a is None or runs.run_b is None:
        first = runs.first
        return Prepared(source, (), dict(first.dropped), first.error, source_given=given)
    measured = (runs.adequacy_ids, runs.adequacy) if runs.adequacy is not None else None
    return _from_runs(verifier, source, lang, options, runs.run_a, runs.run_b, measured)


def _build_separately(
    verifier: Verifier, source: Source, lang: Language, options: TestOptions
) -> Prepared:
    """One container per run: the oracle, the augmented run, the determinism run, adequacy."""
    python = get_language("python")
    given = len(source.calls)
    first = verifier.oracle(source, python)
    if first.infra_error:
        return _ours(source, "oracle", first.infra_error)
    if first.error:
        return Prepared(source, (), dict(first.dropped), first.error, source_given=given)
    suite = suite_of(source, first, options.augment, options.max_cases)
    run_a = verifier.oracle(suite, python, run=1) if options.augment else first
    if run_a.infra_error:
        return _ours(source, "oracle's augmented run", run_a.infra_error)
    run_b = verifier.oracle(suite, python, run=2)
    if run_b.infra_error:
        return _ours(source, "oracle's determinism run", run_b.infra_error)
    return _from_runs(verifier, source, lang, options, run_a, run_b, None)


def _from_runs(
    verifier: Verifier,
    source: Source,
    lang: Language,
    options: TestOptions,
    run_a: OracleResult,
    run_b: OracleResult,
    measured: tuple[tuple[int, ...] | None, Adequacy] | None,
) -> Prepared:
    """The suite from the two runs: determinism, the cap, the target's filter, adequacy (as
    `measured`, when it was measured on exactly the kept cases, else from a run of its own)."""
    given = len(source.calls)
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
    if measured is not None and measured[0] == tuple(c.id for c in ordered(cases)):
        adequacy = measured[1]
        if verifier.cache and adequacy.unmeasured is None:  # as a run of its own would be
            key = adequacy_key(verifier, source, cases, options.mutants)
            verifier.cache.put("adequacy", key, adequacy.to_json())
    else:
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


def _below_floor(adequacy: Adequacy, options: TestOptions) -> str | None:
    """Why the suite misses a floor; a score that could not be taken misses it too (null is
    not 0, and not a pass either)."""
    floors = options.min_coverage is not None or options.min_mutation_score is not None
    if floors and adequacy.unmeasured:
        return f"adequacy not measured ({adequacy.unmeasured}): the floors cannot be checked"
    coverage, score = adequacy.coverage, adequacy.mutation_score
    if options.min_coverage is not None:
        if coverage is None:
            return "coverage not measured: --min-coverage cannot be checked"
        if coverage < options.min_coverage:
            return f"coverage {coverage} below --min-coverage {options.min_coverage}"
    if options.min_mutation_score is not None:
        if score is None and not adequacy.mutants_made:
            return "no mutants of the source: --min-mutation-score cannot be checked"
        if score is None:
            return (
                f"mutation score not measured ({adequacy.mutants_made} mutants made, none ran in "
                "the time budget): --min-mutation-score cannot be checked"
            )
        if score < options.min_mutation_score:
            return f"mutation score {score} below --min-mutation-score {options.min_mutation_score}"
    return None


def tests_json(cases: tuple[TestCase, ...]) -> str:
    return json.dumps([c.to_json() for c in cases], ensure_ascii=False)
