"""A plan as a recipe: a distributed executor cannot ship stages (they hold a Docker client, an
SQLite cache, a syntax-gate worker, a backend), so it ships a spec, a small picklable value from
which each worker builds the one stage it runs, with only what that stage uses."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from codefactory.core.cache import Cache
from codefactory.core.languages import Language
from codefactory.generation.backends import make_backend
from codefactory.generation.backends.base import Backend
from codefactory.judge.verifier import Verifier
from codefactory.pipeline.compose import (
    TRANSLATE_STAGES,
    VERIFY_STAGES,
    Result,
    Settings,
    note_containers,
    note_generation,
    repairer,
    rows_result,
    search_samples,
    translate_stages,
    verify_stages,
)
from codefactory.pipeline.plan import Dropped, Outcome
from codefactory.pipeline.stage import Stage
from codefactory.pipeline.stages.generate import (
    Generate,
    GenerationTotals,
    Generator,
)
from codefactory.pipeline.work import Function
from codefactory.sandbox.docker_sandbox import DockerSandbox
from codefactory.sources.source_row import SourceRow
from codefactory.suite.build import TestOptions


class Deps:
    """What one worker's stages use, each made on first use: the cache, the verifier (a Docker
    client and a syntax-gate worker), the generator (a backend), unless the executor hands the
    stages a generator of its own (`use_generator`: one shared by every worker)."""

    def __init__(
        self,
        cache_location: str | None,
        backend: tuple[str, str, dict[str, Any]] | None,
        max_tokens: int,
    ) -> None:
        self._cache_location = cache_location
        self._backend_args = backend
        self._max_tokens = max_tokens
        self._cache: Cache | None = None
        self._sandbox: DockerSandbox | None = None
        self._verifier: Verifier | None = None
        self._backend: Backend | None = None
        self._generator: Generator | None = None

    def cache(self) -> Cache | None:
        if self._cache is None and self._cache_location is not None:
            self._cache = Cache(self._cache_location)
        return self._cache

    def verifier(self) -> Verifier:
        if self._verifier is None:
            self._sandbox = DockerSandbox()
            self._verifier = Verifier(self._sandbox, self.cache())
        return self._verifier

    def generator(self) -> Generator:
        if self._generator is None:
            assert self._backend_args is not None, "this plan generates nothing"
            name, model, options = self._backend_args
            self._backend = make_backend(name, model, **options)
            self._generator = Generator(self._backend, self.cache(), self._max_tokens)
        return self._generator

    @property
    def started_verifier(self) -> Verifier | None:
        return self._verifier

    def use_generator(self, generator: Generator) -> None:
        self._generator = generator

    @property
    def backend(self) -> Backend | None:
        return self._backend

    @property
    def backend_name(self) -> str | None:
        return self._backend_args[0] if self._backend_args else None

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
        if self._verifier is not None:
            self._verifier.close()
        if self._sandbox is not None:
            self._sandbox.close()
        if self._cache is not None:
            self._cache.close()


class PlanSpec(Protocol):
    """A plan as a picklable recipe: its stages' classes (names, resources), how a worker
    builds one of them, and the plan's loop back."""

    @property
    def stage_classes(self) -> tuple[type[Stage[Any, Any]], ...]: ...
    @property
    def keep_first(self) -> bool: ...
    @property
    def retry_to(self) -> str: ...
    def retry(self) -> Callable[[Dropped], Any | None] | None: ...
    def deps(self) -> Deps: ...
    def build_stage(self, index: int, deps: Deps) -> Stage[Any, Any]: ...


@dataclass(frozen=True)
class TranslateSpec:
    settings: Settings
    backend_options: tuple[tuple[str, Any], ...] = ()
    cache_location: str | None = None  # None: no cache

    stage_classes = TRANSLATE_STAGES
    retry_to = Generate.name

    @property
    def keep_first(self) -> bool:
        return self.settings.keep == "first"

    def retry(self) -> Callable[[Dropped], Any | None] | None:
        return repairer(self.settings)

    def deps(self) -> Deps:
        s = self.settings
        backend = (s.backend, s.model, dict(self.backend_options))
        return Deps(self.cache_location, backend, s.max_tokens)

    def build_stage(self, index: int, deps: Deps) -> Stage[Any, Any]:
        stage = translate_stages(self.settings, deps.generator, deps.verifier)[index]()
        assert isinstance(stage, self.stage_classes[index])
        return stage


@dataclass(frozen=True)
class VerifySpec:
    target: Language
    options: TestOptions
    cache_location: str | None = None

    stage_classes = VERIFY_STAGES
    retry_to = ""
    keep_first = False

    def retry(self) -> Callable[[Dropped], Any | None] | None:
        return None

    def deps(self) -> Deps:
        return Deps(self.cache_location, None, 0)

    def build_stage(self, index: int, deps: Deps) -> Stage[Any, Any]:
        stage = verify_stages(self.target, deps.verifier, self.options)[index]()
        assert isinstance(stage, self.stage_classes[index])
        return stage


class SpecExecutor(Protocol):
    """An executor that builds the stages where they run (pipeline/ray_executor.py). After a
    run it tells what the generation stages used, and the model their backend reported."""

    generation: GenerationTotals
    skipped: int
    model: str | None
    containers: Counter[str]  # started by the run, by language

    def run(self, spec: PlanSpec, records: Sequence[Any]) -> Outcome: ...


def run_translate_spec(
    spec: TranslateSpec, rows: Sequence[SourceRow], executor: SpecExecutor
) -> Result:
    outcome = executor.run(spec, [Function(i, row) for i, row in enumerate(rows)])
    s = spec.settings
    note_containers(outcome, executor.containers, s.target)
    model = executor.model or s.model
    result = rows_result(outcome, s.target, model, s.backend, spec.keep_first, given=False)
    note_generation(result, executor.generation, executor.skipped, search_samples(s))
    return result


def run_verify_spec(spec: VerifySpec, rows: Sequence[SourceRow], executor: SpecExecutor) -> Result:
    outcome = executor.run(spec, [Function(i, row) for i, row in enumerate(rows)])
    note_containers(outcome, executor.containers, spec.target)
    return rows_result(outcome, spec.target, "", "", keep_first=False, given=True)
