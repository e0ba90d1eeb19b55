"""A command's plan on the Ray engine, as `specs.run_translate_spec` is for any spec executor,
but over an input read on the workers and rows the workers staged (pipeline/ray_executor.py):
the same Result, so the commands curate and write it as they do the local engine's."""

from __future__ import annotations

from codefactory.pipeline.compose import (
    NextAttempt,
    Result,
    note_containers,
    note_generation,
    search_samples,
)
from codefactory.pipeline.ray_executor import RayExecutor, RayOutcome
from codefactory.pipeline.rows import split_rows
from codefactory.pipeline.specs import TranslateSpec, VerifySpec
from codefactory.sources.shards import Input


def translate_on_ray(spec: TranslateSpec, source: Input, executor: RayExecutor) -> Result:
    ran = executor.run(spec, source)
    note_containers(ran.outcome, executor.containers, spec.settings.target)
    result = _result(ran, spec.keep_first)
    note_generation(result, executor.generation, executor.skipped, search_samples(spec.settings))
    for name in NextAttempt(spec.settings).notes():  # as the local engine reports them, 0s too
        result.funnel.note(name, 0)
    return result


def verify_on_ray(spec: VerifySpec, source: Input, executor: RayExecutor) -> Result:
    ran = executor.run(spec, source)
    note_containers(ran.outcome, executor.containers, spec.target)
    return _result(ran, keep_first=False)


def _result(ran: RayOutcome, keep_first: bool) -> Result:
    """As compose.rows_result, from the staged rows."""
    train, rejected = split_rows(ran.pairs, keep_first)
    ran.pairs.clear()  # the split holds them now
    funnel = ran.outcome.funnel
    funnel.note("sources_with_verified", len({r["task_id"] for r in train}))
    return Result(train, rejected, funnel, ran.outcome.wall_s)
