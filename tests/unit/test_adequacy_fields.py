"""A null mutation score says why in the row, and a floor never reads it as 0 or as a pass."""

from __future__ import annotations

import pytest

from codefactory.pipeline.reasons import reason_code
from codefactory.pipeline.rows import adequacy_fields
from codefactory.suite.adequacy import Adequacy, _scores
from codefactory.suite.build import Prepared, TestOptions, _below_floor

FLOOR = TestOptions(min_mutation_score=0.5)


def _report(kills: list[list[bool]], made: int) -> dict[str, object]:
    totals = {"num_statements": 2, "covered_lines": 2, "num_branches": 0}
    return {"before": totals, "after": totals, "kills": kills, "mutants": made}


def test_zero_none_made_and_none_run_are_three_different_rows() -> None:
    zero = adequacy_fields(_scores(_report([[False, False]] * 3, made=3)))
    none_made = adequacy_fields(_scores(_report([], made=0)))
    none_run = adequacy_fields(_scores(_report([], made=30)))
    assert (zero["mutation_score"], zero["mutants_run"], zero["mutants_made"]) == (0.0, 3, 3)
    assert (none_made["mutation_score"], none_made["mutants_made"]) == (None, 0)
    assert (none_run["mutation_score"], none_run["mutants_run"], none_run["mutants_made"]) == (
        None,
        0,
        30,
    )
    assert zero["adequacy_unmeasured"] is None and "mutants" not in zero


def test_a_failed_measurement_has_null_counts_and_its_reason() -> None:
    failed = adequacy_fields(Adequacy(unmeasured="adequacy run timed out"))
    assert failed["adequacy_unmeasured"] == "adequacy run timed out"
    assert failed["mutants_run"] is None and failed["mutants_made"] is None
    # A function dropped before its suite was measured says so too, not "no mutants".
    dropped = Prepared(None, (), {}, "no test case representable")  # type: ignore[arg-type]
    assert adequacy_fields(dropped.adequacy)["adequacy_unmeasured"] == "no test suite"


@pytest.mark.parametrize(
    ("adequacy", "code"),
    [
        (_scores(_report([[False, False]] * 3, made=3)), "below_min_mutation_score"),
        (_scores(_report([], made=0)), "no_mutants"),
        (_scores(_report([], made=30)), "adequacy_unmeasured"),
        (Adequacy(unmeasured="adequacy run timed out"), "adequacy_unmeasured"),
    ],
)
def test_a_floor_drops_a_null_score_with_its_own_reason(adequacy: Adequacy, code: str) -> None:
    why = _below_floor(adequacy, FLOOR)
    assert why is not None and reason_code(why) == code


def test_a_floor_passes_a_score_above_it_and_no_floor_passes_anything() -> None:
    assert _below_floor(_scores(_report([[True, True]] * 2, made=2)), FLOOR) is None
    assert _below_floor(_scores(_report([], made=0)), TestOptions()) is None
    no_lines = Adequacy(mutation_score=1.0, mutants=1, mutants_made=1)
    assert reason_code(_below_floor(no_lines, TestOptions(min_coverage=0.5)) or "") == (
        "adequacy_unmeasured"
    )


def test_the_card_counts_unscored_rows_by_why_apart_from_the_quartiles() -> None:
    from codefactory.dataset.card import _unscored_line, suite_quartiles, unscored

    rows = [
        adequacy_fields(_scores(_report([[False, False]], made=1))),  # 0.0: a score
        adequacy_fields(_scores(_report([], made=0))),
        adequacy_fields(_scores(_report([], made=0))),
        adequacy_fields(_scores(_report([], made=30))),
        adequacy_fields(Adequacy(unmeasured="adequacy run timed out")),
    ]
    assert suite_quartiles(rows)["mutation_score"] == [0.0, 0.0, 0.0]
    assert unscored(rows) == {
        "no mutant ran in the time budget": 1,
        "no mutants": 2,
        "not measured": 1,
    }
    assert "no mutants: 2" in _unscored_line(unscored(rows))[-1]
    assert _unscored_line({}) == []
