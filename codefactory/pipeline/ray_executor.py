"""The Ray Data executor: the same plans as the local one, each stage a `map_batches` step.

    records ─▶ rows {record: pickle, status} ─▶ step per stage (an actor that built its stage
    once) ─▶ … ─▶ driver: kept, dropped, funnel; the dropped that the plan retries (repair)
    run again, from `plan.retry_to`, as the next pass, until none are left.

The model is not a step's: one generation service (an actor holding the backend and the cache)
is started per run and serves every llm step of every pass, so a model is loaded once per run
whatever the number of passes (repair rounds), on a GPU when the backend is vLLM.

A worker builds its stage from the plan's spec (pipeline/compose.py: `TranslateSpec`,
`VerifySpec`), never from shipped stages, which hold a Docker client, a cache, a backend. Rows
carry one pickled record each and a status: `live` (on to the next stage), `dropped` (with the
stage, reason and detail; it rides to the end untouched), `tally` (one per batch: what the stage
kept, dropped, spent; the funnel is their sum) or `fatal` (a setup error: the run stops and says
why, as locally). Every step asks for a fraction of a CPU, so actors cannot hold every CPU and
starve the read (ray-project/ray#44687); an llm stage has one actor; a sandbox stage's actor runs
`concurrency` containers at once in threads, and only on a node that offers the `docker`
resource (`ray start --resources='{"docker": 64}'` on a machine with a Docker engine; the
one-machine Ray of ray_session offers it).

The input is read on the workers (pipeline/ray_input.py: read tasks stream the input's shards),
and every pass ends in a sink step (pipeline/ray_output.py) that writes the rows and the next
passes' attempts as staged Parquet shards: what reaches the driver is a few counts per batch,
never a record, so its memory does not grow with the input. After the last pass the driver
reads the staged rows back for the global steps (keep=first, split, curation) and the writer.
A progress that takes totals (pipeline/progress.py `WithTotals`) gets those the driver knows:
the input's rows once the read tasks counted them, and before each later pass its follow-ups.
With keep=first and several samples, samples are passes too: the plan's follow-up
(compose.NextAttempt) starts sample k+1 once sample k and its repairs failed.

Only the Ray modules import ray (the `ray` extra). `ray.data.llm` is not built (issue 11).
"""

from __future__ import annotations

import json
import pickle
import shutil
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pyarrow as pa
import ray
import ray.data

from codefactory.core.errors import BackendError, CodefactoryError
from codefactory.pipeline.funnel import Funnel
from codefactory.pipeline.local import Progress
from codefactory.pipeline.plan import Outcome
from codefactory.pipeline.progress import WithTotals
from codefactory.pipeline.ray_input import InputDatasource, StagedDatasource, input_rows
from codefactory.pipeline.ray_output import RowMaker, Sink, shards, staged_pairs
from codefactory.pipeline.ray_rows import (
    DROPPED,
    FATAL,
    LIVE,
    SINK,
    TALLY,
    row,
    table,
)
from codefactory.pipeline.specs import Deps, PlanSpec
from codefactory.pipeline.stage import Drop, Stage
from codefactory.pipeline.stages.generate import GenerationTotals, Generator
from codefactory.sources.shards import Input

# Fractions: every actor of a pass (a step's, the sink's, the service) and the read tasks fit on
# a 2-core machine at once (ray#44687: actors holding every CPU starve the read). A cpu step,
# the sink and the read do little each: a smaller share, so the sum stays under 2 CPUs.
STEP_CPUS = 0.25
LIGHT_CPUS = 0.1
CPU_BATCH = 16
SINK_BATCH = 256  # rows per staged shard, at most
DOCKER = "docker"  # the custom resource of nodes with a Docker engine; one unit per sandbox actor


class _GenerationService:
    """The run's model: a backend and the cache, built once in its actor (a GPU's for vLLM);
    every llm step of every pass sends it its batches. The model loads when the actor starts,
    so that a model that cannot load stops the run (`ready`), as it does locally."""

    def __init__(self, spec: PlanSpec) -> None:
        self.deps = spec.deps()
        self.problem: CodefactoryError | None = None
        try:
            self.deps.generator()
        except CodefactoryError as exc:
            self.problem = exc

    def ready(self) -> CodefactoryError | None:
        return self.problem

    def model(self) -> str:
        return self.deps.generator().backend.model

    def generate(self, attempts: list[Any]) -> tuple[list[Any], GenerationTotals, str | None]:
        shared = self.deps.generator()
        # A generator of its own per call, over the shared backend and cache: its totals are
        # this call's, whatever else the actor serves meanwhile.
        mine = Generator(shared.backend, shared.cache, shared.max_tokens)
        results = mine.generate(attempts)
        return results, mine.totals, shared.backend.model


class _RemoteGenerator(Generator):
    """A step's generator that hands each batch to the run's generation service; its totals
    are what this step's batches cost, as a local generator's would be."""

    def __init__(self, service: Any) -> None:  # a handle: no backend, no cache here
        self.service = service
        self.totals = GenerationTotals()
        self.model: str | None = None

    def generate(self, attempts: Sequence[Any]) -> list[Any]:
        try:
            results, spent, model = ray.get(self.service.generate.remote(list(attempts)))
        except ray.exceptions.RayActorError as exc:  # restarted and retried, and still gone
            raise BackendError(
                f"the run's generation service died ({type(exc).__name__}): rerun the same "
                "command to resume; nothing already paid for is paid again"
            ) from None
        t = self.totals
        t.prompt_tokens += spent.prompt_tokens
        t.completion_tokens += spent.completion_tokens
        t.from_cache += spent.from_cache
        t.busy_s += spent.busy_s
        self.model = model
        return list(results)


class _Step:
    """One stage on a Ray actor: built once from the spec, then mapped over batches of rows."""

    def __init__(self, spec: PlanSpec, index: int, threads: int, service: Any) -> None:
        self.deps: Deps = spec.deps()
        if service is not None:
            self.deps.use_generator(_RemoteGenerator(service))
        self.stage: Stage[Any, Any] = spec.build_stage(index, self.deps)
        self.pool = ThreadPoolExecutor(threads) if self.stage.resource == "sandbox" else None
        self.skipped = 0  # what the stage had skipped when last told (keep=first)

    def __call__(self, batch: pa.Table) -> pa.Table:
        stage = self.stage
        rows = batch.to_pylist()
        out = [r for r in rows if r["status"] != LIVE]  # drops and tallies ride along
        records = [pickle.loads(r["record"]) for r in rows if r["status"] == LIVE]
        if not records:
            return table(out)
        tally: dict[str, Any] = {"kept": 0, "records_kept": 0, "drops": {}, "notes": {}}
        before = self._generation()
        containers = self._containers() or Counter()  # the verifier may start in this batch
        started = time.monotonic()
        todo = []
        for record in records:
            if stage.passes(record):
                tally["passed"] = tally.get("passed", 0) + 1
                out.append(row(LIVE, record))
            else:
                todo.append(record)
        try:
            results = self._process(todo)
        except CodefactoryError as exc:  # setup, not data: the run stops and says why
            return table([*out, row(FATAL, exc, stage.name)])
        tally["seconds"] = time.monotonic() - started if todo else 0.0
        for record, result in zip(todo, results, strict=True):
            if isinstance(result, Drop):
                tally["drops"][result.reason] = tally["drops"].get(result.reason, 0) + 1
                kept = result.record if result.record is not None else record
                out.append(row(DROPPED, kept, stage.name, result.reason, result.detail))
                if result.reason == "internal_error":
                    note = result.detail[:120]
                    tally["notes"][note] = tally["notes"].get(note, 0) + 1
                continue
            tally["kept"] += len(result)
            tally["records_kept"] += 1
            out.extend(row(LIVE, r) for r in result)
        after = self._generation()
        if after is not None and before is not None:
            tally["generation"] = {
                f.name: getattr(after, f.name) - getattr(before, f.name) for f in fields(after)
            }
            tally["model"] = getattr(getattr(stage, "generator", None), "model", None)
        if (now := self._containers()) is not None:
            tally["containers"] = dict(now - containers)
            tally["node"] = ray.get_runtime_context().get_node_id()
        skipped = getattr(stage, "skipped", None)
        if isinstance(skipped, int):
            tally["skipped"] = skipped - self.skipped
            self.skipped = skipped
        out.append(row(TALLY, None, stage.name, detail=json.dumps(tally)))
        return table(out)

    def _process(self, records: list[Any]) -> list[Any]:
        """As the local executor: per record in a sandbox stage (threads), per batch otherwise;
        a bug of ours costs the records it held, never the run."""
        if not records:
            return []
        if self.pool is not None:
            return list(self.pool.map(lambda r: self._guarded([r])[0], records))
        if self.stage.resource == "llm":  # one batch to the model: it fails as one
            return self._guarded(records)
        # A cpu stage runs its records one at a time, as locally: a bug costs its one record.
        return [self._guarded([r])[0] for r in records]

    def _guarded(self, records: list[Any]) -> list[Any]:
        try:
            return self.stage.process_batch(records)
        except CodefactoryError:
            raise
        except Exception as exc:
            detail = f"internal error: {type(exc).__name__}: {exc}"[:300]
            return [Drop("internal_error", detail) for _ in records]

    def _containers(self) -> Counter[str] | None:
        """Containers this step's verifier started so far, by language (None: it has none)."""
        verifier = self.deps.started_verifier
        return verifier.containers.copy() if verifier is not None else None

    def _generation(self) -> GenerationTotals | None:
        generator = getattr(self.stage, "generator", None)
        if generator is None:
            return None
        t: GenerationTotals = generator.totals
        return GenerationTotals(t.prompt_tokens, t.completion_tokens, t.from_cache, t.busy_s)

    def __del__(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False)
        self.deps.close()


@dataclass
class _PassCounts:
    pending: int = 0  # repair attempts this pass staged for the next


@dataclass
class RayOutcome:
    """A Ray run's funnel and times, and its rows as (function order, row), each once."""

    outcome: Outcome
    pairs: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


class RayExecutor:
    """Runs a plan's spec on Ray Data (started or joined by `ray_session`), pass after pass.
    `staging` is where the workers write their shards: a folder every node reaches (the
    output's parent folder, from the commands), removed when the run ends."""

    def __init__(
        self,
        concurrency: int = 4,
        llm_batch_size: int = 1,
        progress: Progress | None = None,
        sandbox_actors: int = 1,
        staging: Path | None = None,
    ) -> None:
        self.concurrency = max(1, concurrency)
        self.llm_batch_size = max(1, llm_batch_size)
        self.sandbox_actors = max(1, sandbox_actors)
        self.progress = progress or (lambda stage, kept, dropped: None)
        self.staging_root = staging or Path(tempfile.gettempdir())
        self.generation = GenerationTotals()
        self.skipped = 0
        self.model: str | None = None
        self.passes = 0
        self.containers: Counter[str] = Counter()
        self.container_nodes: Counter[str] = Counter()  # node id -> containers it started
        self.records_at_driver = 0  # records that reached the driver: none, by design
        self.advanced: Counter[str] = Counter()  # what each stage told the progress, all in all
        self._counts: Path | None = None  # pass 0: where the read tasks report their rows

    def run(self, spec: PlanSpec, source: Input) -> RayOutcome:
        started = time.monotonic()
        names: list[str] = []
        for cls in spec.stage_classes:
            if cls.name not in names:
                names.append(cls.name)
        outcome = Outcome(funnel=Funnel(names))
        resources = {cls.resource for cls in spec.stage_classes}
        if "sandbox" in resources:
            sandbox_stages = sum(1 for cls in spec.stage_classes if cls.resource == "sandbox")
            require_docker_nodes(sandbox_stages * self.sandbox_actors)
        self.staging_root.mkdir(parents=True, exist_ok=True)
        staging = self.staging_root / f".codefactory-ray-{uuid.uuid4().hex[:12]}"
        service = _start_service(spec) if "llm" in resources else None
        try:
            model = ray.get(service.model.remote()) if service is not None else ""
            self._passes(spec, source, outcome.funnel, service, staging, _maker(spec, model))
            pairs = staged_pairs(staging)
        finally:
            if service is not None:
                ray.kill(service)
            shutil.rmtree(staging, ignore_errors=True)
        outcome.wall_s = time.monotonic() - started
        return RayOutcome(outcome, pairs)

    def _passes(
        self,
        spec: PlanSpec,
        source: Input,
        funnel: Funnel,
        service: Any,
        staging: Path,
        maker: RowMaker,
    ) -> None:
        """Pass 0 reads the input; each later one reads the follow-ups the one before staged:
        repair attempts and (keep=first) next samples of the functions still unverified."""
        verified: set[int] = set()  # keep=first: functions with a verified candidate
        retry_to = next((i for i, c in enumerate(spec.stage_classes) if c.name == spec.retry_to), 0)
        self._counts = staging / "read"
        ds = ray.data.read_datasource(InputDatasource(source, self._counts), num_cpus=LIGHT_CPUS)
        start = 0
        while True:
            index = self.passes
            counts = self._pass(spec, start, ds, funnel, service, staging, index, maker, verified)
            self.passes += 1
            self._input_total(spec)  # all read by now, if no batch told it yet
            self._counts = None
            if not counts.pending:
                return
            start = retry_to
            files = shards(staging / "pending" / str(index))
            staged = StagedDatasource(files, frozenset(verified))
            if isinstance(self.progress, WithTotals):  # every follow-up is one record there
                self.progress.total(spec.retry_to, self.advanced[spec.retry_to] + staged.count())
            ds = ray.data.read_datasource(staged, num_cpus=LIGHT_CPUS)

    def _input_total(self, spec: PlanSpec) -> None:
        """Pass 0: the input's rows, the first stage's total, once every read task counted."""
        if self._counts is None or not isinstance(self.progress, WithTotals):
            return
        rows = input_rows(self._counts)
        if rows is not None:
            self.progress.total(spec.stage_classes[0].name, rows)
            self._counts = None

    def _pass(
        self,
        spec: PlanSpec,
        start: int,
        ds: ray.data.Dataset,
        funnel: Funnel,
        service: Any,
        staging: Path,
        index: int,
        maker: RowMaker,
        verified: set[int],
    ) -> _PassCounts:
        for stage_index in range(start, len(spec.stage_classes)):
            cls = spec.stage_classes[stage_index]
            placement: dict[str, Any] = {}
            if cls.resource == "llm":
                batch_size, actors = self.llm_batch_size, 1
            elif cls.resource == "sandbox":
                batch_size, actors = self.concurrency, self.sandbox_actors
                placement = {"resources": {DOCKER: 1}}
            else:
                batch_size, actors = CPU_BATCH, 1
            ds = ds.map_batches(
                _Step,
                fn_constructor_args=(spec, stage_index, self.concurrency, service),
                batch_size=batch_size,
                batch_format="pyarrow",
                num_cpus=LIGHT_CPUS if cls.resource == "cpu" else STEP_CPUS,
                compute=ray.data.ActorPoolStrategy(size=actors),
                **placement,
            )
        ds = ds.map_batches(
            Sink,
            fn_constructor_args=(str(staging), index, maker, spec),
            batch_size=SINK_BATCH,
            batch_format="pyarrow",
            num_cpus=LIGHT_CPUS,
            compute=ray.data.ActorPoolStrategy(size=1),
        )
        counts = _PassCounts()
        fatal: CodefactoryError | None = None
        for batch in ds.iter_batches(batch_format="pyarrow", batch_size=None):
            assert isinstance(batch, pa.Table)
            for r in batch.to_pylist():
                status = r["status"]
                if status == TALLY:
                    self._count(funnel, r["stage"], json.loads(r["detail"]))
                elif status == SINK:
                    wrote = json.loads(r["detail"])
                    counts.pending += wrote["pending"]
                    if spec.keep_first:
                        verified.update(wrote["verified"])
                    for note, n in wrote["notes"].items():
                        funnel.note(note, n)
                elif status == FATAL and fatal is None:
                    fatal = pickle.loads(r["record"])
                elif status in (LIVE, DROPPED):
                    self.records_at_driver += 1
            self._input_total(spec)
        if fatal is not None:
            raise fatal
        return counts

    def _count(self, funnel: Funnel, stage: str, tally: dict[str, Any]) -> None:
        passed = int(tally.get("passed", 0))
        if passed:
            funnel.add(stage, passed)
            self._advance(stage, passed, 0)
        drops: dict[str, int] = tally["drops"]
        funnel.add(stage, tally["kept"])
        for reason, n in drops.items():
            funnel.drop(stage, reason, n)
        funnel.time(stage, float(tally.get("seconds", 0.0)))
        for note, n in tally["notes"].items():
            funnel.note(note, n)
        if tally["records_kept"] or drops:
            self._advance(stage, tally["records_kept"], sum(drops.values()))
        generation = tally.get("generation")
        if generation:
            g = self.generation
            g.prompt_tokens += generation["prompt_tokens"]
            g.completion_tokens += generation["completion_tokens"]
            g.from_cache += generation["from_cache"]
            g.busy_s += generation["busy_s"]
        if tally.get("model"):
            self.model = tally["model"]
        started = tally.get("containers", {})
        self.containers.update(started)
        if started:
            self.container_nodes[tally["node"]] += sum(started.values())
        self.skipped += int(tally.get("skipped", 0))

    def _advance(self, stage: str, kept: int, dropped: int) -> None:
        self.advanced[stage] += kept + dropped
        self.progress(stage, kept, dropped)


def _maker(spec: PlanSpec, model: str) -> RowMaker:
    settings = getattr(spec, "settings", None)
    if settings is not None:  # translate
        return RowMaker(settings.target, model or settings.model, settings.backend, given=False)
    return RowMaker(getattr(spec, "target"), "", "", given=True)  # noqa: B009 (verify's spec)


def require_docker_nodes(units: int = 1) -> None:
    """Sandbox steps run only where the `docker` resource is offered, one unit per actor: say
    how, before a run that would wait for such nodes forever."""
    offered: dict[str, float] = ray.cluster_resources()  # type: ignore[no-untyped-call]
    if offered.get(DOCKER, 0) < units:
        raise CodefactoryError(
            f"this Ray cluster offers {offered.get(DOCKER, 0):g} units of the `docker` resource "
            f"and the sandbox stages need {units}: start the nodes that run Docker with "
            "`ray start ... --resources='{\"docker\": 64}'`"
        )


def _start_service(spec: PlanSpec) -> Any:
    """The run's generation service, started and its model loaded: on a GPU for vLLM, else a
    fraction of a CPU. One call at a time (an HTTP backend already sends its batch at once).
    Restarted where Ray can (a lost node), with its calls retried; a model that cannot load
    stops the run with its own error."""
    options: dict[str, Any] = {"num_cpus": STEP_CPUS, "max_restarts": 2, "max_task_retries": 2}
    if spec.deps().backend_name == "vllm":
        options.update(num_cpus=1, num_gpus=1)
    service: Any = ray.remote(_GenerationService).options(**options).remote(spec)
    try:
        problem: CodefactoryError | None = ray.get(service.ready.remote())
    except ray.exceptions.RayActorError as exc:
        raise BackendError(f"the run's generation service did not start: {exc}"[:600]) from None
    if problem is not None:
        ray.kill(service)
        raise problem
    return service
