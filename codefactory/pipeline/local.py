"""The local executor: one process, records streamed through the stages by threads.

    cpu stages ── run at once, in the thread that hands them a record
    sandbox stages ── a thread pool each (`concurrency` containers at a time)
    llm stages ── one thread, batches taken by priority (pipeline/work.py: repairs first)

Generation and execution overlap: the LLM thread keeps the model busy while the pools judge,
with a bounded number of records waiting for a sandbox behind it (backpressure). A stage's
exception costs the records it held, counted in the funnel as `internal_error`; a setup error
(an image missing, Docker gone) stops the run.
"""

from __future__ import annotations

import itertools
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from codefactory.core.errors import CodefactoryError
from codefactory.pipeline.plan import Dropped, Outcome, Plan
from codefactory.pipeline.stage import Drop, Stage

# Told after each batch: the stage, how many records it kept and how many it dropped.
Progress = Callable[[str, int, int], None]


class LocalExecutor:
    def __init__(
        self, concurrency: int = 4, llm_batch_size: int = 1, progress: Progress | None = None
    ) -> None:
        self.concurrency = max(1, concurrency)
        self.llm_batch_size = max(1, llm_batch_size)
        self.progress = progress or (lambda stage, kept, dropped: None)

    def run(self, plan: Plan, records: Sequence[Any]) -> Outcome:
        return _Run(self, plan).run(records)


class _Run:
    def __init__(self, executor: LocalExecutor, plan: Plan) -> None:
        self.x = executor
        self.plan = plan
        self.outcome = Outcome(funnel=plan.funnel())
        self.lock = threading.Lock()
        self.cond = threading.Condition()
        self.outstanding = 0
        self.fatal: CodefactoryError | None = None
        self.llm_queue: queue.PriorityQueue[tuple[Any, int, int, Any]] = queue.PriorityQueue()
        self.seq = itertools.count()
        self.pools: dict[int, ThreadPoolExecutor] = {}
        self.waiting: dict[int, threading.BoundedSemaphore] = {}
        self.stopping = False

    def run(self, records: Sequence[Any]) -> Outcome:
        started = time.monotonic()
        for i, stage in enumerate(self.plan.stages):
            if stage.resource == "sandbox":
                self.pools[i] = ThreadPoolExecutor(self.x.concurrency, f"cf-{stage.name}")
                self.waiting[i] = threading.BoundedSemaphore(max(2, self.x.concurrency * 2))
        self.open()  # the feeder's own token: the run cannot end before the input is read
        feeder = threading.Thread(target=self.feed, args=(records,), name="cf-feed", daemon=True)
        finished = False
        try:
            feeder.start()
            self.llm_loop()
            finished = True
        finally:  # stopped early (a setup error, Ctrl-C): what is queued is not started
            self.stopping = True
            for pool in self.pools.values():
                pool.shutdown(wait=True, cancel_futures=not finished or self.fatal is not None)
        if self.fatal is not None:
            raise self.fatal
        self.outcome.wall_s = time.monotonic() - started
        return self.outcome

    def feed(self, records: Sequence[Any]) -> None:
        """The input, on a thread of its own: reading and selecting never hold up the model, and
        a sandbox stage's queue never holds more than its bound (so what the model hands it
        waits behind a few records, never behind the whole input)."""
        try:
            for record in records:
                if self.stopping or self.fatal is not None:
                    return
                self.send(0, record)
        finally:
            self.close()

    # -- routing -----------------------------------------------------------------------------

    def send(self, index: int, record: Any) -> None:
        if self.fatal is not None:
            return
        if index == len(self.plan.stages):
            with self.lock:
                self.outcome.kept.append(record)
            self.guarded(self.plan.on_kept, record)
            return
        stage = self.plan.stages[index]
        if stage.passes(record):
            self.outcome.funnel.add(stage.name)
            self.x.progress(stage.name, 1, 0)
            self.send(index + 1, record)
        elif stage.resource == "llm":
            self.open()
            priority = getattr(record, "priority", (0, 0, 0))
            self.llm_queue.put((priority, next(self.seq), index, record))
            with self.cond:
                self.cond.notify_all()
        elif stage.resource == "sandbox":
            # Bounded, whoever sends: the model may not run ahead of the sandboxes, nor the
            # input flood a pool that the model's records then queue behind.
            while not self.waiting[index].acquire(timeout=0.5):
                if self.stopping or self.fatal is not None:
                    return
            self.open()
            self.pools[index].submit(self.work, index, [record])
        else:
            self.step(index, [record])

    def work(self, index: int, batch: list[Any]) -> None:
        try:
            if self.fatal is None:  # after a setup error nothing more is started
                self.step(index, batch)
        finally:
            self.waiting[index].release()
            self.close()

    def step(self, index: int, batch: list[Any]) -> None:
        stage: Stage[Any, Any] = self.plan.stages[index]
        funnel = self.outcome.funnel
        started = time.monotonic()
        try:
            results = stage.process_batch(batch)
        except CodefactoryError as exc:  # setup, not data: the run stops and says why
            self.fatal = self.fatal or exc
            return
        except Exception as exc:  # a bug of ours costs these records, never the run
            detail = f"internal error: {type(exc).__name__}: {exc}"[:300]
            results = [Drop("internal_error", detail) for _ in batch]
            funnel.note(detail[:120], len(batch))  # the first line of the bug, to find it
        funnel.time(stage.name, time.monotonic() - started)
        drops = sum(1 for result in results if isinstance(result, Drop))
        self.x.progress(stage.name, len(batch) - drops, drops)
        for record, result in zip(batch, results, strict=True):
            if isinstance(result, Drop):
                self.dropped(stage, record, result)
                continue
            funnel.add(stage.name, len(result))
            for out in result:
                self.send(index + 1, out)

    def dropped(self, stage: Stage[Any, Any], record: Any, drop: Drop) -> None:
        self.outcome.funnel.drop(stage.name, drop.reason)
        kept = drop.record if drop.record is not None else record
        dropped = Dropped(stage.name, kept, drop)
        with self.lock:
            self.outcome.dropped.append(dropped)
        retry = self.guarded(self.plan.retry, dropped) if self.plan.retry else None
        if retry is not None:
            self.send(self.plan.index(self.plan.retry_to), retry)

    def guarded(self, hook: Callable[[Any], Any], record: Any) -> Any:
        """A plan's hook (repair, keep=first): a bug in it costs that record's follow-up and is
        counted, never the run."""
        try:
            return hook(record)
        except Exception as exc:
            self.outcome.funnel.note(f"internal error: {type(exc).__name__}: {exc}"[:120])
            return None

    # -- the LLM thread ----------------------------------------------------------------------

    def llm_loop(self) -> None:
        while True:
            with self.cond:
                while self.llm_queue.empty() and self.outstanding > 0 and self.fatal is None:
                    self.cond.wait(0.5)
                if self.llm_queue.empty() or self.fatal is not None:
                    return
            _, _, index, first = self.llm_queue.get_nowait()
            batch = [first]
            held: list[tuple[Any, int, int, Any]] = []
            while len(batch) < self.x.llm_batch_size:  # one stage per batch
                try:
                    item = self.llm_queue.get_nowait()
                except queue.Empty:
                    break
                if item[2] == index:
                    batch.append(item[3])
                else:
                    held.append(item)
            for item in held:
                self.llm_queue.put(item)
            try:
                self.step(index, batch)
            finally:
                for _ in batch:
                    self.close()

    # -- accounting --------------------------------------------------------------------------

    def open(self) -> None:
        with self.cond:
            self.outstanding += 1

    def close(self) -> None:
        with self.cond:
            self.outstanding -= 1
            self.cond.notify_all()
