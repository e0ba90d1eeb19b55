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

Only this module imports ray (the `ray` extra). The driver collects the rows; workers writing
Parquet shards and `ray.data.llm` are not built (issue 11).
"""

from __future__ import annotations

import json
import pickle
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields
from typing import Any

import pyarrow as pa
import ray
import ray.data

from codefactory.core.errors import BackendError, CodefactoryError
from codefactory.pipeline.funnel import Funnel
from codefactory.pipeline.local import Progress
from codefactory.pipeline.plan import Dropped, Outcome
from codefactory.pipeline.specs import Deps, PlanSpec
from codefactory.pipeline.stage import Drop, Stage
from codefactory.pipeline.stages.generate import GenerationTotals, Generator

LIVE, DROPPED, TALLY, FATAL = "live", "dropped", "tally", "fatal"
SCHEMA = pa.schema(
    [
        ("record", pa.binary()),
        ("status", pa.string()),
        ("stage", pa.string()),
        ("reason", pa.string()),
        ("detail", pa.string()),
    ]
)
STEP_CPUS = 0.25  # a fraction: a 2-core machine runs every step and the read (ray#44687)
CPU_BATCH = 16
DOCKER = "docker"  # the custom resource of nodes with a Docker engine; one unit per sandbox actor


def _row(
    status: str, record: Any = None, stage: str = "", reason: str = "", detail: str = ""
) -> dict[str, Any]:
    data = pickle.dumps(record) if record is not None else b""
    return {"record": data, "status": status, "stage": stage, "reason": reason, "detail": detail}


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
        out = [row for row in rows if row["status"] != LIVE]  # drops and tallies ride along
        records = [pickle.loads(row["record"]) for row in rows if row["status"] == LIVE]
        if not records:
            return pa.Table.from_pylist(out, schema=SCHEMA)
        tally: dict[str, Any] = {"kept": 0, "records_kept": 0, "drops": {}, "notes": {}}
        before = self._generation()
        containers = self._containers() or Counter()  # the verifier may start in this batch
        started = time.monotonic()
        todo = []
        for record in records:
            if stage.passes(record):
                tally["passed"] = tally.get("passed", 0) + 1
                out.append(_row(LIVE, record))
            else:
                todo.append(record)
        try:
            results = self._process(todo)
        except CodefactoryError as exc:  # setup, not data: the run stops and says why
            return pa.Table.from_pylist([*out, _row(FATAL, exc, stage.name)], schema=SCHEMA)
        tally["seconds"] = time.monotonic() - started if todo else 0.0
        for record, result in zip(todo, results, strict=True):
            if isinstance(result, Drop):
                tally["drops"][result.reason] = tally["drops"].get(result.reason, 0) + 1
                kept = result.record if result.record is not None else record
                out.append(_row(DROPPED, kept, stage.name, result.reason, result.detail))
                if result.reason == "internal_error":
                    note = result.detail[:120]
                    tally["notes"][note] = tally["notes"].get(note, 0) + 1
                continue
            tally["kept"] += len(result)
            tally["records_kept"] += 1
            out.extend(_row(LIVE, r) for r in result)
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
        out.append(_row(TALLY, None, stage.name, detail=json.dumps(tally)))
        return pa.Table.from_pylist(out, schema=SCHEMA)

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


class RayExecutor:
    """Runs a plan's spec on Ray Data (started or joined by `ray_session`), pass after pass."""

    def __init__(
        self,
        concurrency: int = 4,
        llm_batch_size: int = 1,
        progress: Progress | None = None,
        sandbox_actors: int = 1,
    ) -> None:
        self.concurrency = max(1, concurrency)
        self.llm_batch_size = max(1, llm_batch_size)
        self.sandbox_actors = max(1, sandbox_actors)
        self.progress = progress or (lambda stage, kept, dropped: None)
        self.generation = GenerationTotals()
        self.skipped = 0
        self.model: str | None = None
        self.passes = 0
        self.containers: Counter[str] = Counter()
        self.container_nodes: Counter[str] = Counter()  # node id -> containers it started

    def run(self, spec: PlanSpec, records: Sequence[Any]) -> Outcome:
        started = time.monotonic()
        names: list[str] = []
        for cls in spec.stage_classes:
            if cls.name not in names:
                names.append(cls.name)
        outcome = Outcome(funnel=Funnel(names))
        retry = spec.retry()
        resources = {cls.resource for cls in spec.stage_classes}
        if "sandbox" in resources:
            sandbox_stages = sum(1 for cls in spec.stage_classes if cls.resource == "sandbox")
            require_docker_nodes(sandbox_stages * self.sandbox_actors)
        service = _start_service(spec) if "llm" in resources else None
        try:
            self._passes(spec, records, retry, outcome, service)
        finally:
            if service is not None:
                ray.kill(service)
        outcome.wall_s = time.monotonic() - started
        return outcome

    def _passes(
        self,
        spec: PlanSpec,
        records: Sequence[Any],
        retry: Callable[[Dropped], Any | None] | None,
        outcome: Outcome,
        service: Any,
    ) -> None:
        verified: set[int] = set()  # keep=first: functions with a verified candidate
        pending, start = list(records), 0
        while pending:
            kept, dropped = self._pass(spec, start, pending, outcome.funnel, service)
            self.passes += 1
            outcome.kept.extend(kept)
            outcome.dropped.extend(dropped)
            verified.update(_order(r) for r in kept)
            pending = []
            if retry is None:
                break
            for d in dropped:
                if spec.keep_first and _order(d.record) in verified:
                    continue  # the local executor's `Function.done`, between passes
                again = retry(d)
                if again is not None:
                    pending.append(again)
            start = next(i for i, c in enumerate(spec.stage_classes) if c.name == spec.retry_to)

    def _pass(
        self, spec: PlanSpec, start: int, records: list[Any], funnel: Funnel, service: Any
    ) -> tuple[list[Any], list[Dropped]]:
        rows = [_row(LIVE, r) for r in records]
        ds: ray.data.Dataset = ray.data.from_items(
            rows, override_num_blocks=max(1, min(len(rows), 64))
        )
        for index in range(start, len(spec.stage_classes)):
            cls = spec.stage_classes[index]
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
                fn_constructor_args=(spec, index, self.concurrency, service),
                batch_size=batch_size,
                batch_format="pyarrow",
                num_cpus=STEP_CPUS,
                compute=ray.data.ActorPoolStrategy(size=actors),
                **placement,
            )
        kept: list[Any] = []
        dropped: list[Dropped] = []
        fatal: CodefactoryError | None = None
        for batch in ds.iter_batches(batch_format="pyarrow", batch_size=None):
            assert isinstance(batch, pa.Table)
            for row in batch.to_pylist():
                status = row["status"]
                if status == LIVE:
                    kept.append(pickle.loads(row["record"]))
                elif status == DROPPED:
                    record = pickle.loads(row["record"])
                    drop = Drop(row["reason"], row["detail"], record)
                    dropped.append(Dropped(row["stage"], record, drop))
                elif status == TALLY:
                    self._count(funnel, row["stage"], json.loads(row["detail"]))
                elif status == FATAL and fatal is None:
                    fatal = pickle.loads(row["record"])
        if fatal is not None:
            raise fatal
        return kept, dropped

    def _count(self, funnel: Funnel, stage: str, tally: dict[str, Any]) -> None:
        passed = int(tally.get("passed", 0))
        if passed:
            funnel.add(stage, passed)
            self.progress(stage, passed, 0)
        drops: dict[str, int] = tally["drops"]
        funnel.add(stage, tally["kept"])
        for reason, n in drops.items():
            funnel.drop(stage, reason, n)
        funnel.time(stage, float(tally.get("seconds", 0.0)))
        for note, n in tally["notes"].items():
            funnel.note(note, n)
        if tally["records_kept"] or drops:
            self.progress(stage, tally["records_kept"], sum(drops.values()))
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


def _order(record: Any) -> int:
    function = getattr(record, "function", record)
    return int(function.order)
