"""The translate pipeline with a scripted backend and the real sandbox."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from codefactory.core.cache import Cache
from codefactory.core.languages import Language
from codefactory.generation.backends.base import GenRequest
from codefactory.generation.backends.fake import FakeBackend
from codefactory.generation.prompts import INPUTS_MAX_TOKENS
from codefactory.judge.verifier import Verifier
from codefactory.pipeline.compose import Result, Settings, run_translate
from codefactory.pipeline.stages.tests import BuildTests
from codefactory.sources.benchmark_row import source_from_row
from codefactory.sources.python_files import read_python_files
from codefactory.sources.source_row import SourceRow

ROWS = [
    {
        "task_id": "add",
        "code": "def add(a, b):\n    return a + b",
        "test_list": ["assert add(1, 2) == 3", "assert add(-5, 2) == -3"],
    },
    {
        "task_id": "floor_div",
        "code": "def floor_div(a, b):\n    return a // b",
        "test_list": ["assert floor_div(7, 2) == 3", "assert floor_div(-7, 2) == -4"],
    },
    {
        "task_id": "nocode",
        "code": "def twice(a):\n    return 2 * a",
        "test_list": ["assert twice(2) == 4"],
    },
    {
        "task_id": "rand",
        "code": "import random\ndef r():\n    return random.random()",
        "test_list": ["assert r() < 1"],
    },
    {"task_id": "broken", "code": "def x(:\n", "test_list": ["assert x(1)"]},
]
GOOD = {
    "add": "```php\nfunction add($a, $b) { return $a + $b; }\n```",
    "floor_div": "```php\nfunction floor_div($a, $b) { return (int) floor($a / $b); }\n```",
}
WRONG_FDIV = "```php\nfunction floor_div($a, $b) { return intdiv($a, $b); }\n```"


def rows() -> list[SourceRow]:
    out = []
    for row in ROWS:
        try:
            out.append(SourceRow(row["task_id"], source_from_row(row, row["task_id"]), None, row))
        except ValueError as exc:
            out.append(SourceRow(row["task_id"], None, str(exc), row))
    return out


def script(request: GenRequest) -> str:
    prompt = request.messages[1][1]
    repairs = sum(1 for role, _ in request.messages if role == "assistant")
    if "def add" in prompt:
        return GOOD["add"]
    if "def floor_div" in prompt:
        return WRONG_FDIV if repairs == 0 else GOOD["floor_div"]
    return "I would rather not."


def run(
    verifier: Verifier,
    php: Language,
    cache: Cache | None,
    backend: FakeBackend,
    **overrides: object,
) -> Result:
    settings = Settings(php, "fake", "fake", **{"samples": 1, "repair": 2, **overrides})  # type: ignore[arg-type]
    return run_translate(settings, backend, verifier, cache, rows())


def test_funnel_repair_and_rows(verifier: Verifier, php: Language) -> None:
    backend = FakeBackend(script=script)
    outcome = run(verifier, php, None, backend)
    train = {r["task_id"]: r for r in outcome.train}
    assert set(train) == {"add", "floor_div"}
    assert train["add"]["repair_round"] == 0 and train["floor_div"]["repair_round"] == 1
    assert train["floor_div"]["tests_passed"] == 20 and train["floor_div"]["verified"]
    rejected = outcome.rejected
    statuses = sorted((r["task_id"], r["repair_round"], r["status"]) for r in rejected)
    assert statuses == [
        ("floor_div", 0, "wrong_answer"),
        ("nocode", 0, "syntax_error"),
        ("nocode", 1, "syntax_error"),  # the same reply again: no third round asked
    ]
    # The repair request showed the failing case, with Python's expected value.
    repair = next(
        r for r in backend.calls if "def floor_div" in r.messages[1][1] and len(r.messages) == 4
    )
    assert "floor_div(-7, 2) returned -3 but -4 was expected" in repair.messages[-1][1]
    funnel = outcome.funnel.to_json()
    counts = {s["stage"]: s["count"] for s in funnel["stages"]}
    assert counts == {
        "read": 4,
        "selected": 3,
        "inputs": 3,
        "tests": 3,
        "prompts": 3,
        "candidates": 5,
        "parsed": 3,
        "verified": 2,
    }
    drops = {s["stage"]: s["dropped"] for s in funnel["stages"]}
    assert drops["read"] == {"source_does_not_parse": 1}
    assert drops["selected"] == {"uses_randomness": 1}
    assert drops["parsed"] == {"syntax_error": 2}
    assert drops["verified"] == {"wrong_answer": 1}
    assert funnel["totals"]["completion_tokens"] == 20 * 5
    assert funnel["totals"]["repairs_that_repeated_a_failed_candidate"] == 1


def test_keep_first_stops_sampling_keep_all_keeps_distinct(
    verifier: Verifier, php: Language, tmp_path: Path
) -> None:
    def varied(request: GenRequest) -> str:
        if "def add" not in request.messages[1][1]:
            return "no"
        return f"```php\nfunction add($a, $b) {{ return $a + $b; }} // {request.seed % 2}\n```"

    first = run(verifier, php, None, FakeBackend(script=varied), samples=4, repair=0, concurrency=1)
    assert [r["task_id"] for r in first.train] == ["add"]
    cache = Cache(tmp_path / "cache.sqlite")  # a fresh one: earlier tests ran these programs
    fresh = Verifier(verifier.sandbox, cache)
    every = run(fresh, php, cache, FakeBackend(script=varied), samples=4, repair=0, keep="all")
    kept = [r for r in every.train if r["task_id"] == "add"]
    assert len(kept) == 2  # four samples, two distinct programs
    assert [r["sample_index"] for r in kept] == [0, 1]
    # ... each run once: a duplicate judged meanwhile waits for the first, a later one is cached
    assert every.funnel.to_json()["totals"]["containers_target"] == 2
    fresh.close()


class Crash(BaseException):
    """Stands in for a kill: not an error a stage may absorb (as Ctrl-C is not)."""


def test_resume_never_pays_twice(verifier: Verifier, php: Language, tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache.sqlite")
    verifier = Verifier(verifier.sandbox, cache)
    calls = {"n": 0}

    def crashing(request: GenRequest) -> str:
        calls["n"] += 1
        if calls["n"] > 2:
            raise Crash("killed mid-run")
        return script(request)

    with pytest.raises(Crash):
        run(verifier, php, cache, FakeBackend(script=crashing), concurrency=1)
    paid_before = cache.count("generation")
    assert paid_before == 2

    counting = FakeBackend(script=script)
    outcome = run(verifier, php, cache, counting)
    assert len(counting.calls) == 5 - paid_before  # only what the crash did not finish
    assert {r["task_id"] for r in outcome.train} == {"add", "floor_div"}

    again = FakeBackend(script=script)
    verdicts_before = cache.count("verdict")
    rerun = run(verifier, php, cache, again)
    assert verdicts_before > 0
    assert again.calls == [] and cache.count("verdict") == verdicts_before
    for before, after in zip(outcome.train, rerun.train, strict=True):
        assert {k: v for k, v in before.items() if before[k] != after[k]} == {}


def test_python_files_get_inputs_from_the_model(
    verifier: Verifier, php: Language, tmp_path: Path
) -> None:
    (tmp_path / "lib.py").write_text("def clamp(x, lo, hi):\n    return max(lo, min(x, hi))\n")

    def both(request: GenRequest) -> str:
        if "test inputs" in request.messages[0][1]:
            return "```python\nclamp(5, 0, 3)\nclamp(-1, 0, 3)\nclamp(2, 0, 3)\n```"
        return "```php\nfunction clamp($x, $lo, $hi) { return max($lo, min($x, $hi)); }\n```"

    settings = Settings(php, "fake", "fake", samples=1, repair=0)
    outcome = run_translate(
        settings, FakeBackend(script=both), verifier, None, list(read_python_files(tmp_path))
    )
    assert [r["task_id"] for r in outcome.train] == ["lib.py::clamp"]
    assert outcome.train[0]["tests_from_source"] == 3  # the proposed calls; the rest augmented


def test_the_input_request_is_short_and_counts_against_the_budget(
    verifier: Verifier, php: Language, tmp_path: Path
) -> None:
    """Proposing inputs cost more than translating (bench_packages.py) and --budget-tokens did
    not see it. The fake charges 30 tokens a request: proposal 30 + first try 30 reach the
    budget of 50, so no repair starts (without the proposal counted, one would)."""
    (tmp_path / "lib.py").write_text("def clamp(x, lo, hi):\n    return max(lo, min(x, hi))\n")

    def wrong(request: GenRequest) -> str:
        if "test inputs" in request.messages[0][1]:
            return "```python\nclamp(5, 0, 3)\nclamp(-1, 0, 3)\n```"
        return "```php\nfunction clamp($x, $lo, $hi) { return $x; }\n```"

    backend = FakeBackend(script=wrong)
    settings = Settings(php, "fake", "fake", samples=1, repair=2, budget_tokens=50)
    outcome = run_translate(settings, backend, verifier, None, list(read_python_files(tmp_path)))
    assert outcome.train == [] and len(backend.calls) == 2
    assert backend.calls[0].max_tokens == INPUTS_MAX_TOKENS < backend.calls[1].max_tokens
    assert outcome.funnel.to_json()["totals"]["follow_ups_over_the_token_budget"] == 1


def test_a_bug_in_one_row_costs_that_row_and_is_counted(
    verifier: Verifier, php: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An exception in a stage thread used to vanish with its row: neither output nor funnel."""
    real = BuildTests.process

    def broken_for_add(self: BuildTests, record: object) -> object:
        source = getattr(record, "source", None)
        if getattr(source, "entry_point", "") == "add":
            raise RuntimeError("boom")
        return real(self, record)  # type: ignore[arg-type]

    monkeypatch.setattr(BuildTests, "process", broken_for_add)
    outcome = run(verifier, php, None, FakeBackend(script=script))
    assert {r["task_id"] for r in outcome.train} == {"floor_div"}
    tests_line = next(s for s in outcome.funnel.to_json()["stages"] if s["stage"] == "tests")
    assert tests_line["dropped"] == {"internal_error": 1}


def _wrong_until_seed(good_seed: int) -> Callable[[GenRequest], str]:
    """add is translated right only by sample `good_seed`'s first try (seed = sample index)."""

    def reply(request: GenRequest) -> str:
        if "def add" not in request.messages[1][1]:
            return "no"
        repaired = any(role == "assistant" for role, _ in request.messages)
        op = "+" if request.seed == good_seed and not repaired else "-"
        return f"```php\nfunction add($a, $b) {{ return $a {op} $b; }}\n```"

    return reply


def test_search_runs_sample_after_sample_and_stops_at_the_first_pass(
    verifier: Verifier, php: Language
) -> None:
    backend = FakeBackend(script=_wrong_until_seed(2))
    outcome = run(verifier, php, None, backend, samples=4, repair=1)
    calls = [
        (r.seed, sum(1 for role, _ in r.messages if role == "assistant"))
        for r in backend.calls
        if "def add" in r.messages[1][1]
    ]
    # Sample k+1 only once sample k and its repair failed; nothing after the pass (no sample 3).
    assert calls == [(0, 0), (0, 1), (1, 0), (1, 1), (2, 0)]
    temperatures = {r.seed: r.temperature for r in backend.calls if "def add" in r.messages[1][1]}
    assert temperatures == {0: 0.0, 1: 0.8, 2: 0.8}
    (row,) = [r for r in outcome.train if r["task_id"] == "add"]
    assert (row["sample_index"], row["repair_round"]) == (2, 0)
    assert outcome.funnel.to_json()["totals"]["samples_skipped_after_a_pass"] == 1  # sample 3


def test_token_budget_stops_the_search(verifier: Verifier, php: Language) -> None:
    backend = FakeBackend(script=_wrong_until_seed(2))
    # The fake reply costs 30 tokens (10 prompt, 20 completion): two attempts spend 60.
    outcome = run(verifier, php, None, backend, samples=4, repair=1, budget_tokens=60)
    calls = [r.seed for r in backend.calls if "def add" in r.messages[1][1]]
    assert calls == [0, 0]  # sample 0 and its repair; sample 1 would pass the cap
    assert not [r for r in outcome.train if r["task_id"] == "add"]
    assert outcome.funnel.to_json()["totals"]["follow_ups_over_the_token_budget"] >= 1


def test_a_budget_needs_keep_first(php: Language) -> None:
    with pytest.raises(ValueError, match="--keep first"):
        Settings(php, "fake", "fake", keep="all", budget_tokens=100)


def test_a_repair_that_repeats_a_failed_candidate_ends_that_samples_repairs(
    verifier: Verifier, php: Language
) -> None:
    """A greedy model shown its failure often gives the same code back (all 9 repairs in
    bench_packages.py): asking again would pay for the same failure. The search moves on."""

    def stubborn(request: GenRequest) -> str:
        if "def floor_div" not in request.messages[1][1]:
            return GOOD["add"] if "def add" in request.messages[1][1] else "no"
        return WRONG_FDIV

    backend = FakeBackend(script=stubborn)
    outcome = run(verifier, php, None, backend, samples=2, repair=2)
    asked = [
        (r.seed, sum(1 for role, _ in r.messages if role == "assistant"))
        for r in backend.calls
        if "def floor_div" in r.messages[1][1]
    ]
    assert asked == [(0, 0), (0, 1), (1, 0), (1, 1)]  # no second repair of either sample
    totals = outcome.funnel.to_json()["totals"]
    assert totals["repairs_that_repeated_a_failed_candidate"] == 2 + 2  # nocode's "no" too
