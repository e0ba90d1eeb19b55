"""Where a command's plans run: `local` (this process: the sandbox, cache and backend opened
here) or `ray` (workers open their own; the driver only ships specs). Each engine is a context
that yields one function, `run(target settings, progress) -> Result`, so the commands loop over
targets the same way whichever runs them."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from codefactory.core.cache import Cache
from codefactory.core.errors import ConfigError, InputError
from codefactory.core.languages import Language
from codefactory.core.paths import default_cache_location, pinned_location
from codefactory.generation.backends import REGISTRY, make_backend
from codefactory.judge.verifier import Verifier
from codefactory.pipeline.compose import Result, Settings, run_translate, run_verify
from codefactory.pipeline.local import Progress
from codefactory.sandbox.docker_sandbox import DockerSandbox
from codefactory.sources.shards import Input
from codefactory.sources.source_row import SourceRow
from codefactory.suite.build import TestOptions

TranslateRun = Callable[[Settings, Progress], Result]
VerifyRun = Callable[[Language, Progress], Result]


def check_engine(engine: str) -> None:
    """`local` or `ray`; `ray` only with its extra installed (checked before anything starts)."""
    if engine not in ("local", "ray"):
        raise InputError(f"--engine must be local or ray, not {engine!r}")
    if engine == "ray" and importlib.util.find_spec("ray") is None:
        raise ConfigError(
            "--engine ray needs the ray package, which is not installed: "
            "pip install 'codefactory[ray]' (in a checkout: pip install -e '.[ray]')"
        )


@contextmanager
def translate_engine(
    engine: str,
    ray_address: str | None,
    rows: Sequence[SourceRow] | Input,
    backend_name: str,
    model: str,
    backend_options: dict[str, Any],
    use_cache: bool,
    concurrency: int,
    announce: Callable[[str], None] = lambda line: None,
    staging: Path | None = None,
) -> Iterator[TranslateRun]:
    """`rows`: the rows (local), or the input the Ray workers read themselves (`ray`), which
    stage their shards under `staging` (a folder every node reaches)."""
    if engine == "ray":  # workers build the backend, the sandbox and the cache themselves
        from codefactory.pipeline.ray_executor import RayExecutor
        from codefactory.pipeline.ray_run import translate_on_ray
        from codefactory.pipeline.ray_session import ray_session
        from codefactory.pipeline.specs import TranslateSpec

        source = _as_input(rows)
        location = pinned_location(default_cache_location()) if use_cache else None
        options = tuple(sorted(backend_options.items()))
        batch = _batch_size(backend_name, backend_options)
        with ray_session(ray_address) as joined:
            announce(f"running on {joined}")
            yield lambda settings, progress: translate_on_ray(
                TranslateSpec(settings, options, location),
                source,
                RayExecutor(concurrency, batch, progress, staging=staging),
            )
        return
    assert not isinstance(rows, Input)
    cache = Cache() if use_cache else None
    backend = make_backend(backend_name, model, **backend_options)
    try:
        with _verifier(cache) as verifier:
            yield lambda settings, progress: run_translate(
                settings, backend, verifier, cache, rows, progress
            )
    finally:
        backend.close()


@contextmanager
def verify_engine(
    engine: str,
    ray_address: str | None,
    rows: Sequence[SourceRow] | Input,
    options: TestOptions,
    use_cache: bool,
    concurrency: int,
    announce: Callable[[str], None] = lambda line: None,
    staging: Path | None = None,
) -> Iterator[VerifyRun]:
    if engine == "ray":
        from codefactory.pipeline.ray_executor import RayExecutor
        from codefactory.pipeline.ray_run import verify_on_ray
        from codefactory.pipeline.ray_session import ray_session
        from codefactory.pipeline.specs import VerifySpec

        source = _as_input(rows)
        location = pinned_location(default_cache_location()) if use_cache else None
        with ray_session(ray_address) as joined:
            announce(f"running on {joined}")
            yield lambda lang, progress: verify_on_ray(
                VerifySpec(lang, options, location),
                source,
                RayExecutor(concurrency, 1, progress, staging=staging),
            )
        return
    assert not isinstance(rows, Input)
    with _verifier(Cache() if use_cache else None) as verifier:
        yield lambda lang, progress: run_verify(
            lang, verifier, rows, options, concurrency, progress
        )


def _as_input(rows: Sequence[SourceRow] | Input) -> Input:
    if isinstance(rows, Input):
        return rows
    raise TypeError("the Ray engine reads its input on the workers: pass an Input, not rows")


@contextmanager
def _verifier(cache: Cache | None) -> Iterator[Verifier]:
    with DockerSandbox() as sandbox:
        verifier = Verifier(sandbox, cache)
        try:
            yield verifier
        finally:
            verifier.close()


def _batch_size(backend_name: str, backend_options: dict[str, Any]) -> int:
    """The backend's batch size without starting it (the driver of a Ray run builds no
    backend): a class that fixes it says so; otherwise its constructor's `batch_size` or
    `concurrency` (the openai backend sends that many requests at once), as given or defaulted."""
    entry = REGISTRY.get(backend_name)
    if entry is None:
        return 1
    module_name, _, class_name = entry.target.partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
    except ImportError:
        return 1
    fixed = getattr(cls, "batch_size", None)
    if isinstance(fixed, int):
        return max(1, fixed)
    parameters = inspect.signature(cls.__init__).parameters
    for name in ("batch_size", "concurrency"):
        if name in backend_options:
            return max(1, int(backend_options[name]))
        default = parameters[name].default if name in parameters else inspect.Parameter.empty
        if isinstance(default, int):
            return max(1, default)
    return 1
