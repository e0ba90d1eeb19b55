"""The two commands as compositions of the same stages.

    translate: read → selected → inputs → tests → prompts → candidates → parsed → verified
                                                           ▲                           │
                                                           └─── repair with feedback ──┘
    verify:    read → tests → candidates (given) → parsed → verified

Both end in the same row builder and the same splits (pipeline/rows.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from codefactory.core.cache import Cache
from codefactory.core.languages import Language
from codefactory.core.schema import Status
from codefactory.generation.backends.base import Backend
from codefactory.generation.prompts import (
    EXAMPLES_BY_DEFAULT,
    PROMPT_VERSION,
    feedback,
    repair_messages,
)
from codefactory.judge.verifier import Verifier
from codefactory.pipeline.funnel import Funnel
from codefactory.pipeline.local import LocalExecutor, Progress
from codefactory.pipeline.plan import Dropped, Outcome, Plan
from codefactory.pipeline.rows import judged_row, split_rows, unjudged_row
from codefactory.pipeline.stage import Stage
from codefactory.pipeline.stages.generate import (
    Generate,
    GenerationTotals,
    Generator,
    GivenCandidate,
    Prompt,
)
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
    examples: bool = EXAMPLES_BY_DEFAULT  # the source's own calls shown in the prompt

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
            "examples": self.examples,
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
    stages = translate_stages(settings, lambda: generator, lambda: verifier)
    return Plan(
        [make() for make in stages],
        retry=repairer(settings),
        retry_to=Generate.name,
        on_kept=_mark_done,
    )


StageMaker = Callable[[], Stage[Any, Any]]
# The stages of each plan, in order, as classes: what an executor needs to know of a plan
# (names, resources) without building a stage. translate_stages/verify_stages follow them.
TRANSLATE_STAGES: tuple[type[Stage[Any, Any]], ...] = (
    Read,
    Select,
    ProposeInputs,
    BuildTests,
    Prompt,
    Generate,
    Parse,
    Execute,
)
VERIFY_STAGES: tuple[type[Stage[Any, Any]], ...] = (
    Read,
    BuildTests,
    GivenCandidate,
    Parse,
    Execute,
)


def translate_stages(
    settings: Settings, generator: Callable[[], Generator], verifier: Callable[[], Verifier]
) -> list[StageMaker]:
    """One maker per stage of TRANSLATE_STAGES; each asks for only what its stage uses."""
    target = settings.target
    keep_first = settings.keep == "first"
    return [
        Read,
        Select,
        lambda: ProposeInputs(generator(), settings.seed),
        lambda: BuildTests(verifier(), target, settings.tests),
        lambda: Prompt(
            target, settings.samples, settings.seed, settings.temperature, settings.examples
        ),
        lambda: Generate(generator(), keep_first),
        lambda: Parse(verifier(), target),
        lambda: Execute(verifier(), target),
    ]


def repairer(settings: Settings) -> Callable[[Dropped], Attempt | None]:
    """translate's loop back: a failed candidate's next attempt, with the failure shown."""
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

    return repair


def _mark_done(record: Any) -> None:
    record.function.done = True


def verify_plan(target: Language, verifier: Verifier, options: TestOptions) -> Plan:
    return Plan([make() for make in verify_stages(target, lambda: verifier, options)])


def verify_stages(
    target: Language, verifier: Callable[[], Verifier], options: TestOptions
) -> list[StageMaker]:
    """One maker per stage of VERIFY_STAGES."""
    return [
        Read,
        lambda: BuildTests(verifier(), target, options),
        GivenCandidate,
        lambda: Parse(verifier(), target),
        lambda: Execute(verifier(), target),
    ]


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
    before = verifier.containers.copy()
    outcome = executor.run(plan, [Function(i, row) for i, row in enumerate(rows)])
    note_containers(outcome, verifier.containers - before, settings.target)
    result = _result(outcome, settings.target, backend, settings.keep == "first", given=False)
    generate = next(s for s in plan.stages if isinstance(s, Generate))
    note_generation(result, generator.totals, generate.skipped)
    return result


def note_generation(result: Result, totals: GenerationTotals, skipped: int) -> None:
    funnel = result.funnel
    funnel.note("prompt_tokens", totals.prompt_tokens)
    funnel.note("completion_tokens", totals.completion_tokens)
    funnel.note("generations_from_cache", totals.from_cache)
    funnel.note("samples_skipped_after_a_pass", skipped)
    result.generation_busy_s = totals.busy_s


def run_verify(
    target: Language,
    verifier: Verifier,
    rows: Sequence[SourceRow],
    options: TestOptions,
    concurrency: int,
    progress: Progress | None = None,
) -> Result:
    plan = verify_plan(target, verifier, options)
    before = verifier.containers.copy()
    outcome = LocalExecutor(concurrency, 1, progress).run(
        plan, [Function(i, row) for i, row in enumerate(rows)]
    )
    note_containers(outcome, verifier.containers - before, target)
    return _result(outcome, target, None, keep_first=False, given=True)


def note_containers(outcome: Outcome, started: Counter[str], target: Language) -> None:
    """Containers this run started: the Python's (oracle, determinism, adequacy: per function)
    and the target's (per candidate judged), for the summary's per-function/candidate rates."""
    outcome.funnel.note("containers_python", started["python"])
    outcome.funnel.note("containers_target", started[target.id] if target.id != "python" else 0)


def _result(
    outcome: Outcome, target: Language, backend: Backend | None, keep_first: bool, given: bool
) -> Result:
    model, backend_name = (backend.model, backend.name) if backend else ("", "")
    return rows_result(outcome, target, model, backend_name, keep_first, given)


def rows_result(
    outcome: Outcome, target: Language, model: str, backend_name: str, keep_first: bool, given: bool
) -> Result:
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
