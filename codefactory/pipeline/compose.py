"""The two commands as compositions of the same stages.

    translate: read → selected → inputs → tests → prompts → candidates → parsed → verified
                                                           ▲                           │
                                                           └─── repair with feedback ──┘
    verify:    read → tests → candidates (given) → parsed → verified

Both end in the same row builder and the same splits (pipeline/rows.py).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from codefactory.core.cache import Cache
from codefactory.core.languages import Language
from codefactory.core.schema import Status
from codefactory.generation.backends.base import Backend, Message
from codefactory.generation.extract import extract_code
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
    sample_attempt,
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
    temperature: float = 0.8  # for samples after the first, which is greedy (bench_search.py)
    seed: int = 0
    keep: Keep = "first"
    max_tokens: int = 1024
    concurrency: int = 4
    tests: TestOptions = field(default_factory=TestOptions)
    examples: bool = EXAMPLES_BY_DEFAULT  # the source's own calls shown in the prompt
    # A search's cap per function (keep=first): prompt and completion tokens of all its
    # requests, its input proposal too; once spent, no repair or sample starts for it.
    budget_tokens: int | None = None

    def __post_init__(self) -> None:
        if self.budget_tokens is not None and self.keep != "first":
            raise ValueError(
                "--budget-tokens caps a search that stops at the first verified candidate: "
                "use it with --keep first"
            )

    @property
    def search(self) -> bool:
        """Samples one after another, each once the one before and its repairs failed."""
        return self.keep == "first"

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
            "budget_tokens": self.budget_tokens,
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
        retry=NextAttempt(settings),
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
            target,
            settings.samples,
            settings.seed,
            settings.temperature,
            settings.examples,
            settings.search,
        ),
        lambda: Generate(generator(), keep_first),
        lambda: Parse(verifier(), target),
        lambda: Execute(verifier(), target),
    ]


class NextAttempt:
    """translate's loop back: after a failed candidate, its repair with the failure shown; once
    a sample's repairs are spent, in a search, the next sample (a fresh conversation); nothing
    once the function's token budget is spent. A repair that gives back a candidate its
    conversation already failed with ends that sample's repairs: shown the same code and the
    same failure again, a greedy model repeats itself (9 of 9 repairs in bench_packages.py)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.budget_stops = 0  # follow-ups the budget refused
        self.repeated_repairs = 0  # repairs that repeated a failed candidate: no more asked
        self._lock = threading.Lock()

    def notes(self) -> dict[str, int]:
        """What the loop refused, for the funnel."""
        out = {"repairs_that_repeated_a_failed_candidate": self.repeated_repairs}
        if self.settings.budget_tokens is not None:
            out["follow_ups_over_the_token_budget"] = self.budget_stops
        return out

    def __call__(self, dropped: Dropped) -> Attempt | None:
        record, settings = dropped.record, self.settings
        if not isinstance(record, Judged) or record.candidate.attempt is None:
            return None
        attempt, verdict = record.candidate.attempt, record.verdict
        if verdict.status is Status.SANDBOX_ERROR:  # ours: a rerun retries it, not the model
            return None
        function = record.function
        if settings.keep == "first" and function.done:
            return None
        repair = attempt.repair_round < settings.repair
        if repair and repeats_a_failure(record, settings.target):
            with self._lock:
                self.repeated_repairs += 1
            repair = False
        sample = settings.search and attempt.sample_index + 1 < settings.samples
        if not (repair or sample):
            return None
        budget = settings.budget_tokens
        if budget is not None and function.spent_tokens >= budget:
            with self._lock:
                self.budget_stops += 1
            return None
        if not repair:
            return sample_attempt(
                function,
                first_turn(attempt.messages),
                attempt.sample_index + 1,
                settings.seed,
                settings.temperature,
            )
        prepared = function.prepared
        assert prepared is not None and prepared.source is not None
        note = (
            feedback(verdict, prepared.source.entry_point, prepared.cases)
            if record.code is not None
            else "Your reply had no code block."
        )
        return replace(
            attempt,
            repair_round=attempt.repair_round + 1,
            messages=repair_messages(
                attempt.messages, record.candidate.text, note, settings.target
            ),
        )


def repeats_a_failure(judged: Judged, target: Language) -> bool:
    """Whether a repair's candidate is one its conversation already had (and failed with)."""
    attempt = judged.candidate.attempt
    if attempt is None or attempt.repair_round == 0:
        return False
    mine = judged.code or judged.candidate.text
    earlier = (text for role, text in attempt.messages if role == "assistant")
    return any((extract_code(text, target) or text) == mine for text in earlier)


def search_samples(settings: Settings) -> int:
    return settings.samples if settings.search else 1


def first_turn(messages: tuple[Message, ...]) -> tuple[Message, ...]:
    """The translation request of a conversation, before the model's first reply."""
    for i, (role, _) in enumerate(messages):
        if role == "assistant":
            return messages[:i]
    return messages


def repairer(settings: Settings) -> NextAttempt:
    return NextAttempt(settings)


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
    note_generation(result, generator.totals, generate.skipped, search_samples(settings))
    if isinstance(plan.retry, NextAttempt):
        for name, count in plan.retry.notes().items():
            result.funnel.note(name, count)
    return result


def note_generation(
    result: Result, totals: GenerationTotals, skipped: int, search_samples: int = 1
) -> None:
    """The generation totals in the funnel. `search_samples`: K of a search, whose samples
    after a function's first verified one were never started (counted as skipped)."""
    if search_samples > 1:
        skipped += sum(search_samples - 1 - (r.get("sample_index") or 0) for r in result.train)
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
