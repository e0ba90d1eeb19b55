"""The two commands as compositions of the same stages.

    translate: read → selected → inputs → tests → prompts → candidates → parsed → verified
                                                           ▲                           │
                                                           └─── repair with feedback ──┘
    verify:    read → tests → candidates (given) → parsed → verified

Both end in the same row builder and the same splits (pipeline/rows.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from codefactory.core.cache import Cache
from codefactory.core.languages import Language
from codefactory.core.schema import Status
from codefactory.generation.backends.base import Backend
from codefactory.generation.prompts import PROMPT_VERSION, feedback, repair_messages
from codefactory.judge.verifier import Verifier
from codefactory.pipeline.funnel import Funnel
from codefactory.pipeline.local import LocalExecutor, Progress
from codefactory.pipeline.plan import Dropped, Outcome, Plan
from codefactory.pipeline.rows import judged_row, split_rows, unjudged_row
from codefactory.pipeline.stages.generate import Generate, Generator, GivenCandidate, Prompt
from codefactory.pipeline.stages.judge import Execute, Parse
from codefactory.pipeline.stages.sources import Read, Select
from codefactory.pipeline.stages.tests import BuildTests, ProposeInputs
from codefactory.pipeline.work import Attempt, Function, Judged
from codefactory.sources.source_row import SourceRow
from codefactory.suite.build import TestOptions

Keep = Literal["first", "all"]


@dataclass(frozen=True)
class Settings:
    target: Language
    backend: str
    model: str
    samples: int = 1
    repair: int = 2
    temperature: float = 0.7  # for samples after the first, which is greedy
    seed: int = 0
    keep: Keep = "first"
    max_tokens: int = 1024
    concurrency: int = 4
    tests: TestOptions = field(default_factory=TestOptions)

    def to_json(self) -> dict[str, Any]:
        return {
            "target": self.target.id,
            "backend": self.backend,
            "model": self.model,
            "samples": self.samples,
            "repair": self.repair,
            "temperature": self.temperature,
            "seed": self.seed,
            "keep": self.keep,
            "max_tokens": self.max_tokens,
            "prompt_version": PROMPT_VERSION,
        }


@dataclass
class Result:
    """What one target's run produced: the splits, the funnel and the run's times."""

    train: list[dict[str, Any]]
    rejected: list[dict[str, Any]]
    funnel: Funnel
    wall_s: float
    generation_busy_s: float = 0.0


def translate_plan(settings: Settings, generator: Generator, verifier: Verifier) -> Plan:
    target = settings.target
    keep_first = settings.keep == "first"

    def repair(dropped: Dropped) -> Attempt | None:
        record = dropped.record
        if not isinstance(record, Judged) or record.candidate.attempt is None:
            return None
        attempt, verdict = record.candidate.attempt, record.verdict
        if (
            verdict.status is Status.SANDBOX_ERROR  # ours: a rerun retries it, not the model
            or attempt.repair_round >= settings.repair
            or (keep_first and record.function.done)
        ):
            return None
        prepared = record.function.prepared
        assert prepared is not None and prepared.source is not None
        note = (
            feedback(verdict, prepared.source.entry_point, prepared.cases)
            if record.code is not None
            else "Your reply had no code block."
        )
        return replace(
            attempt,
            repair_round=attempt.repair_round + 1,
            messages=repair_messages(attempt.messages, record.candidate.text, note, target),
        )

    def mark_done(record: Any) -> None:
        record.function.done = True

    return Plan(
        [
            Read(),
            Select(),
            ProposeInputs(generator, settings.seed),
            BuildTests(verifier, target, settings.tests),
            Prompt(target, settings.samples, settings.seed, settings.temperature),
            Generate(generator, keep_first),
            Parse(verifier, target),
            Execute(verifier, target),
        ],
        retry=repair,
        retry_to=Generate.name,
        on_kept=mark_done,
    )


def verify_plan(target: Language, verifier: Verifier, options: TestOptions) -> Plan:
    return Plan(
        [
            Read(),
            BuildTests(verifier, target, options),
            GivenCandidate(),
            Parse(verifier, target),
            Execute(verifier, target),
        ]
    )


def run_translate(
    settings: Settings,
    backend: Backend,
    verifier: Verifier,
    cache: Cache | None,
    rows: Sequence[SourceRow],
    progress: Progress | None = None,
) -> Result:
    generator = Generator(backend, cache, settings.max_tokens)
    plan = translate_plan(settings, generator, verifier)
    executor = LocalExecutor(settings.concurrency, backend.batch_size, progress)
    outcome = executor.run(plan, [Function(i, row) for i, row in enumerate(rows)])
    result = _result(outcome, settings.target, backend, settings.keep == "first", given=False)
    totals = generator.totals
    funnel = result.funnel
    funnel.note("prompt_tokens", totals.prompt_tokens)
    funnel.note("completion_tokens", totals.completion_tokens)
    funnel.note("generations_from_cache", totals.from_cache)
    generate = next(s for s in plan.stages if isinstance(s, Generate))
    funnel.note("samples_skipped_after_a_pass", generate.skipped)
    result.generation_busy_s = totals.busy_s
    return result


def run_verify(
    target: Language,
    verifier: Verifier,
    rows: Sequence[SourceRow],
    options: TestOptions,
    concurrency: int,
    progress: Progress | None = None,
) -> Result:
    plan = verify_plan(target, verifier, options)
    outcome = LocalExecutor(concurrency, 1, progress).run(
        plan, [Function(i, row) for i, row in enumerate(rows)]
    )
    return _result(outcome, target, None, keep_first=False, given=True)


def _result(
    outcome: Outcome, target: Language, backend: Backend | None, keep_first: bool, given: bool
) -> Result:
    model, backend_name = (backend.model, backend.name) if backend else ("", "")
    pairs: list[tuple[int, dict[str, Any]]] = []
    for judged in outcome.kept:
        pairs.append((judged.function.order, judged_row(judged, target, model, backend_name)))
    for dropped in outcome.dropped:
        record = dropped.record
        if isinstance(record, Judged):
            pairs.append((record.function.order, judged_row(record, target, model, backend_name)))
        elif given:  # a given row is reported, judged or not
            function = record if isinstance(record, Function) else record.function
            pairs.append((function.order, unjudged_row(function, dropped.drop, target)))
    train, rejected = split_rows(pairs, keep_first)
    outcome.funnel.note("sources_with_verified", len({r["task_id"] for r in train}))
    return Result(train, rejected, outcome.funnel, outcome.wall_s)
