"""The stage machinery without Docker or a model: the local executor, plans, drop reasons,
the row split."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from codefactory.core.errors import SandboxUnavailable
from codefactory.pipeline.local import LocalExecutor
from codefactory.pipeline.plan import Dropped, Plan
from codefactory.pipeline.reasons import reason_code
from codefactory.pipeline.rows import split_rows
from codefactory.pipeline.stage import Drop, Filter, Stage


@dataclass(frozen=True)
class N:
    value: int
    round: int = 0

    @property
    def priority(self) -> tuple[int, int]:
        return (self.round, self.value)


class Even(Filter[N]):
    name = "even"

    def reject(self, record: N) -> Drop | None:
        return None if record.value % 2 == 0 else Drop("odd", f"{record.value} is odd")


class Twice(Stage[N, N]):
    """Fans out: each record becomes two."""

    name = "twice"

    def process(self, record: N) -> list[N]:
        return [record, N(record.value + 1000, record.round)]


class Model(Stage[N, N]):
    """An llm stage: records the batches it was given, from which thread."""

    name = "model"
    resource = "llm"

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.threads: set[str] = set()

    def process_batch(self, records: Sequence[N]) -> list[list[N] | Drop]:
        self.batches.append([r.value for r in records])
        self.threads.add(threading.current_thread().name)
        return [[r] for r in records]


class Check(Stage[N, N]):
    """A sandbox stage: passes values under 1000 from round 1 on."""

    name = "check"
    resource = "sandbox"

    def process(self, record: N) -> N | Drop:
        if record.value >= 1000 or record.round >= 1:
            return record
        return Drop("wrong_answer", "not yet", record)


def test_stages_compose_with_fan_out_drops_and_a_repair_loop() -> None:
    model = Model()

    def repair(dropped: Dropped) -> N | None:
        record = dropped.record
        return N(record.value, record.round + 1) if dropped.stage == "check" else None

    plan = Plan([Even(), Twice(), model, Check()], retry=repair, retry_to="model")
    outcome = LocalExecutor(concurrency=2, llm_batch_size=3).run(plan, [N(i) for i in range(6)])
    kept = sorted((r.value, r.round) for r in outcome.kept)
    assert kept == [(0, 1), (2, 1), (4, 1), (1000, 0), (1002, 0), (1004, 0)]
    stages = {s["stage"]: s for s in outcome.funnel.to_json()["stages"]}
    assert stages["even"]["count"] == 3 and stages["even"]["dropped"] == {"odd": 3}
    assert stages["twice"]["count"] == 6
    assert stages["model"]["count"] == 9  # 6 first tries and 3 repairs
    assert stages["check"]["dropped"] == {"wrong_answer": 3}
    assert [d.drop.reason for d in outcome.dropped].count("odd") == 3
    assert all(len(b) <= 3 for b in model.batches)
    assert model.threads == {threading.main_thread().name}  # the model is used by one thread


def test_a_bug_costs_its_records_and_a_setup_error_stops_the_run() -> None:
    class Buggy(Stage[N, N]):
        name = "buggy"

        def process(self, record: N) -> N:
            if record.value == 2:
                raise KeyError("boom")
            return record

    outcome = LocalExecutor().run(Plan([Buggy()]), [N(1), N(2), N(3)])
    assert sorted(r.value for r in outcome.kept) == [1, 3]
    (line,) = outcome.funnel.to_json()["stages"]
    assert line["dropped"] == {"internal_error": 1}

    class NoDocker(Stage[N, N]):
        name = "no docker"
        resource = "sandbox"

        def process(self, record: N) -> N:
            raise SandboxUnavailable("Docker is not running: start dockerd")

    with pytest.raises(SandboxUnavailable):
        LocalExecutor().run(Plan([NoDocker()]), [N(1), N(2)])


def test_drop_reasons_are_codes_that_group() -> None:
    assert reason_code("syntax error at line 4") == reason_code("syntax error at line 1")
    assert reason_code("syntax error at line 4") == "syntax_error"
    assert reason_code("uses randomness (imports random)") == "uses_randomness"
    assert reason_code("no test case representable (int beyond 64 bits: 2)") == (
        "no_representable_case"
    )
    assert reason_code(
        "php keeps 1 of the source's 3 test cases, below --min-source-tests 0.5"
    ) == ("below_min_source_tests")
    assert reason_code("malformed JSONL line 5: nested too deeply") == "malformed_row"
    assert reason_code("Something New happened at 3") == "something_new_happened_at"


def test_split_rows_is_the_same_whatever_the_completion_order() -> None:
    def row(task: str, verified: bool, sample: int, sha: str, status: str = "passed") -> dict:  # type: ignore[type-arg]
        return {
            "task_id": task,
            "verified": verified,
            "status": status if verified else "wrong_answer" if status == "passed" else status,
            "sample_index": sample,
            "repair_round": 0,
            "candidate_sha256": sha,
        }

    pairs = [
        (1, row("b", True, 1, "y")),
        (0, row("a", False, 0, "x")),
        (1, row("b", True, 0, "x")),
        (0, row("a", False, 1, "z", status="sandbox_error")),
        (1, row("b", True, 2, "x")),
    ]
    train, rejected = split_rows(pairs, keep_first=True)
    assert [(r["task_id"], r["sample_index"]) for r in train] == [("b", 0)]
    assert [(r["task_id"], r["sample_index"]) for r in rejected] == [("a", 0)]  # no sandbox_error
    train_all, _ = split_rows(list(reversed(pairs)), keep_first=False)
    assert [(r["task_id"], r["sample_index"]) for r in train_all] == [("b", 0), ("b", 1)]


def test_what_the_model_hands_a_pool_never_queues_behind_the_whole_input() -> None:
    """Functions given with tests go straight to the tests pool; those without go through the
    model first. The model's must not wait until every other function's tests are built."""
    done: list[int] = []

    class Inputs(Stage[N, N]):
        name = "inputs"
        resource = "llm"

        def passes(self, record: N) -> bool:
            return record.value % 2 == 0  # "has tests"

        def process_batch(self, records: Sequence[N]) -> list[list[N] | Drop]:
            return [[r] for r in records]

    class Tests(Stage[N, N]):
        name = "tests"
        resource = "sandbox"

        def process(self, record: N) -> N:
            time.sleep(0.01)
            done.append(record.value)
            return record

    LocalExecutor(concurrency=1).run(Plan([Inputs(), Tests()]), [N(i) for i in range(60)])
    assert sorted(done) == list(range(60))
    first_from_the_model = next(i for i, v in enumerate(done) if v % 2)
    assert first_from_the_model < 10, done[:12]


def test_target_code_is_a_whole_file_where_the_language_has_a_header() -> None:
    from codefactory.core.languages import get_language
    from codefactory.pipeline.rows import whole_file

    php, lua = get_language("php"), get_language("lua")
    assert whole_file(php, "function f() {}\n") == "<?php\nfunction f() {}\n"
    assert whole_file(php, "<?php\nfunction f() {}\n") == "<?php\nfunction f() {}\n"
    assert whole_file(lua, "function f() end\n") == "function f() end\n"
