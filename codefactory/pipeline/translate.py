"""`codefactory translate`: Python in, verified translations out.

    prepare (select + oracle, sandbox) ─▶ generate (LLM, one thread) ─▶ verify (sandbox pool)
                                              ▲                              │
                                              └──── repair with feedback ────┘

Generation and execution overlap: the generator thread keeps the LLM busy while a pool of
sandboxes verifies, with a bounded number of candidates in flight between them. Every LLM reply
and every verdict is cached by content, so a rerun (after a crash or over a grown input) only
pays for what it has not seen.
"""

from __future__ import annotations

import ast
import itertools
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from codefactory.core.cache import Cache, make_key
from codefactory.core.equality import Relation
from codefactory.core.languages import Language
from codefactory.core.limits import parse_python
from codefactory.core.schema import CallSpec, Source, Status, Verdict, sha256
from codefactory.core.value_types import Untypable, infer_signature
from codefactory.generation.backends.base import Backend, GenRequest, GenResult, Message
from codefactory.generation.extract import extract_code
from codefactory.generation.prompts import (
    PROMPT_VERSION,
    feedback,
    inputs_messages,
    repair_messages,
    translate_messages,
)
from codefactory.judge.verifier import Verifier
from codefactory.pipeline.funnel import Funnel
from codefactory.pipeline.verify_job import base_row, suite_fields
from codefactory.sources.read import SourceRow
from codefactory.sources.selection import rejection_reason
from codefactory.suite.build import Prepared, TestOptions, build_tests, tests_json

STAGES = ["sources read", "selected", "with tests", "candidates", "parsed", "verified"]
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
class Task:
    """One source function on its way through the pipeline."""

    order: int
    row: SourceRow
    prepared: Prepared | None = None
    done: bool = False  # a verified candidate exists (keep=first stops sampling)


@dataclass(frozen=True)
class Attempt:
    task: Task = field(compare=False)
    sample_index: int
    repair_round: int
    messages: tuple[Message, ...]
    seed: int
    temperature: float
    purpose: Literal["translate", "inputs"] = "translate"


@dataclass
class Outcome:
    train: list[dict[str, Any]]
    rejected: list[dict[str, Any]]
    funnel: Funnel
    generation_busy_s: float
    wall_s: float


class Translator:
    def __init__(
        self,
        settings: Settings,
        backend: Backend,
        verifier: Verifier,
        cache: Cache | None,
        on_progress: Callable[[str, int], None] | None = None,
    ) -> None:
        self.s = settings
        self.backend = backend
        self.verifier = verifier
        self.cache = cache
        self.funnel = Funnel(STAGES)
        self.on_progress = on_progress or (lambda what, n: None)
        self._queue: queue.PriorityQueue[tuple[tuple[int, int], int, Attempt]] = (
            queue.PriorityQueue()
        )
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._outstanding = 0
        self._in_flight = threading.BoundedSemaphore(max(2, settings.concurrency * 2))
        self._lock = threading.Lock()
        self._candidates: list[dict[str, Any]] = []
        self._generation_busy = 0.0

    # -- bookkeeping --------------------------------------------------------------------------

    def _open(self) -> None:
        with self._cond:
            self._outstanding += 1

    def _close(self) -> None:
        with self._cond:
            self._outstanding -= 1
            self._cond.notify_all()

    def _enqueue(self, attempt: Attempt) -> None:
        self._open()
        priority = (attempt.sample_index + attempt.repair_round, attempt.task.order)
        self._queue.put((priority, next(self._seq), attempt))
        with self._cond:
            self._cond.notify_all()

    # -- the run ------------------------------------------------------------------------------

    def run(self, rows: Sequence[SourceRow]) -> Outcome:
        started = time.monotonic()
        tasks = [Task(i, row) for i, row in enumerate(rows)]
        with (
            ThreadPoolExecutor(self.s.concurrency, thread_name_prefix="cf-prepare") as prep,
            ThreadPoolExecutor(self.s.concurrency, thread_name_prefix="cf-verify") as ver,
        ):
            self._prep_pool, self._verify_pool = prep, ver
            for task in tasks:
                self._open()
                prep.submit(self._guard, self._prepare, task)
            self._generate_loop()
        train, rejected = self._select_rows()
        self.funnel.note("sources_with_verified", len({r["task_id"] for r in train}))
        return Outcome(
            train, rejected, self.funnel, self._generation_busy, time.monotonic() - started
        )

    def _guard(self, fn: Callable[..., None], *args: Any) -> None:
        """Runs a stage step; whatever happens, the work it stood for is accounted for. A bug
        here costs its one row, counted in the funnel, never the run (nor a silent loss)."""
        try:
            fn(*args)
        except Exception as exc:  # reported, and the run goes on
            self.funnel.note(f"internal error: {type(exc).__name__}: {exc}"[:90])
        finally:
            self._close()

    # -- prepare: select + oracle -------------------------------------------------------------

    def _prepare(self, task: Task) -> None:
        self.funnel.add("sources read")
        row = task.row
        if row.source is None:
            self.funnel.drop("sources read", _reason(row.error or "unreadable"))
            self.on_progress("prepared", 1)
            return
        reason = rejection_reason(row.source)
        if reason:
            self.funnel.drop("selected", _reason(reason))
            self.on_progress("prepared", 1)
            return
        self.funnel.add("selected")
        if not row.source.calls:
            self._enqueue(
                Attempt(task, 0, 0, inputs_messages(row.source), self.s.seed, 0.0, "inputs")
            )
            return
        self._with_tests(task, row.source)

    def _with_tests(self, task: Task, source: Source) -> None:
        start = time.monotonic()
        task.prepared = build_tests(self.verifier, source, self.s.target, self.s.tests)
        self.funnel.time("with tests", time.monotonic() - start)
        self.on_progress("prepared", 1)
        if task.prepared.infra_error:  # ours: nothing cached, so a rerun tries it again
            self.funnel.drop("with tests", "sandbox_error: our sandbox failed; rerun to retry")
            return
        if task.prepared.error:
            self.funnel.drop("with tests", _reason(task.prepared.error))
            return
        signature = None
        if hasattr(self.s.target.renderer, "signature_hint"):
            try:
                typed = infer_signature(source, task.prepared.cases)
            except Untypable as exc:
                self.funnel.drop("with tests", _reason(f"cannot be typed: {exc}"))
                return
            signature = self.s.target.renderer.signature_hint(source.entry_point, typed)
        self.funnel.add("with tests")
        messages = translate_messages(source, self.s.target, signature)
        for k in range(self.s.samples):
            temperature = 0.0 if k == 0 else self.s.temperature
            self._enqueue(Attempt(task, k, 0, messages, self.s.seed + k, temperature))

    # -- generate ----------------------------------------------------------------------------

    def _generate_loop(self) -> None:
        while True:
            with self._cond:
                while self._queue.empty() and self._outstanding > 0:
                    self._cond.wait(0.5)
                if self._queue.empty():
                    return
            batch: list[Attempt] = []
            while len(batch) < self.backend.batch_size:
                try:
                    _, _, attempt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if attempt.task.done and self.s.keep == "first":
                    self.funnel.note("samples_skipped_after_a_pass")
                    self._close()
                    continue
                batch.append(attempt)
            if batch:
                self._generate(batch)

    def _generate(self, batch: list[Attempt]) -> None:
        results: dict[int, GenResult] = {}
        todo: list[tuple[int, str, GenRequest]] = []
        for i, attempt in enumerate(batch):
            request = GenRequest(
                attempt.messages, attempt.temperature, attempt.seed, self.s.max_tokens
            )
            key = make_key(
                "gen",
                self.backend.name,
                self.backend.model,
                PROMPT_VERSION,
                request.messages,
                request.temperature,
                request.seed,
                request.max_tokens,
            )
            hit = self.cache.get("generation", key) if self.cache else None
            if hit is not None:
                results[i] = GenResult(
                    hit["text"], hit["prompt_tokens"], hit["completion_tokens"], hit["seconds"]
                )
                self.funnel.note("generations_from_cache")
            else:
                todo.append((i, key, request))
        if todo:
            start = time.monotonic()
            fresh = self.backend.generate([request for _, _, request in todo])
            self._generation_busy += time.monotonic() - start
            for (i, key, _), result in zip(todo, fresh, strict=True):
                results[i] = result
                if result.error is None and self.cache:
                    self.cache.put(
                        "generation",
                        key,
                        {
                            "text": result.text,
                            "prompt_tokens": result.prompt_tokens,
                            "completion_tokens": result.completion_tokens,
                            "seconds": result.seconds,
                        },
                    )
                self.funnel.note("prompt_tokens", result.prompt_tokens)
                self.funnel.note("completion_tokens", result.completion_tokens)
                self.funnel.time("candidates", result.seconds)
        for i, attempt in enumerate(batch):
            result = results[i]
            self.on_progress("generated", 1)
            if result.error is not None:
                self.funnel.drop("candidates", _reason(f"backend error: {result.error}"))
                self._close()
                continue
            self._in_flight.acquire()  # backpressure: bounded candidates waiting for a sandbox
            self._open()
            self._verify_pool.submit(self._guard, self._after_generation, attempt, result)
            self._close()

    # -- verify ------------------------------------------------------------------------------

    def _after_generation(self, attempt: Attempt, result: GenResult) -> None:
        try:
            if attempt.purpose == "inputs":
                self._proposed_inputs(attempt, result)
            else:
                self._verify(attempt, result)
        finally:
            self._in_flight.release()

    def _proposed_inputs(self, attempt: Attempt, result: GenResult) -> None:
        source = attempt.task.row.source
        assert source is not None
        calls = proposed_calls(result.text, source.entry_point)
        if not calls:
            self.funnel.drop("with tests", "no tests and no proposable inputs")
            self.on_progress("prepared", 1)
            return
        self._with_tests(attempt.task, replace(source, calls=calls))

    def _verify(self, attempt: Attempt, result: GenResult) -> None:
        task = attempt.task
        assert task.prepared is not None and task.prepared.source is not None
        source, cases = task.prepared.source, task.prepared.cases
        self.funnel.add("candidates")
        code = extract_code(result.text, self.s.target)
        if code is None:
            verdict = Verdict(Status.SYNTAX_ERROR, 0, len(cases), {"error": "reply has no code"})
        else:
            verdict = self.verifier.verify(self.s.target, code, source.entry_point, cases)
        self.funnel.time("verified", verdict.execution_s)
        self.on_progress("verified", 1)
        if verdict.status is Status.SYNTAX_ERROR:
            self.funnel.drop("parsed", _reason(str((verdict.failure or {}).get("error", ""))))
        else:
            self.funnel.add("parsed")
            if verdict.passed:
                self.funnel.add("verified")
            else:
                self.funnel.drop("verified", verdict.status.value)
        row = {
            **base_row(task.row.task_id, source, self.s.target),
            "target_code": verdict.code or code or result.text,
            "verified": verdict.passed,
            "status": verdict.status.value,
            "tests_passed": verdict.tests_passed,
            "tests_total": verdict.tests_total,
            "failure": verdict.failure,
            "tests": tests_json(cases),
            **suite_fields(task.prepared),
            "model": self.backend.model,
            "backend": self.backend.name,
            "prompt_version": PROMPT_VERSION,
            "sample_index": attempt.sample_index,
            "repair_round": attempt.repair_round,
            "seed": attempt.seed,
            "temperature": attempt.temperature,
            "generation_s": round(result.seconds, 3),
            "execution_s": verdict.execution_s,
            "candidate_sha256": sha256(code or result.text),
            "_order": task.order,
        }
        with self._lock:
            self._candidates.append(row)
            if verdict.passed:
                task.done = True
        if (
            not verdict.passed
            and verdict.status is not Status.SANDBOX_ERROR
            and attempt.repair_round < self.s.repair
            and not (task.done and self.s.keep == "first")
        ):
            note = feedback(verdict, source.entry_point, cases)
            if code is None:
                note = "Your reply had no code block."
            self._enqueue(
                replace(
                    attempt,
                    repair_round=attempt.repair_round + 1,
                    messages=repair_messages(attempt.messages, result.text, note, self.s.target),
                )
            )

    # -- keep ---------------------------------------------------------------------------------

    def _select_rows(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Deterministic whatever the completion order: by source, then sample, then round."""
        rows = sorted(
            self._candidates, key=lambda r: (r["_order"], r["sample_index"], r["repair_round"])
        )
        train: list[dict[str, Any]] = []
        rejected: list[dict[str, Any]] = []
        kept_tasks: set[int] = set()
        seen_code: set[tuple[int, str]] = set()
        for row in rows:
            order = row.pop("_order")
            if row["verified"]:
                if self.s.keep == "first" and order in kept_tasks:
                    continue
                if (order, row["candidate_sha256"]) in seen_code:
                    continue
                kept_tasks.add(order)
                seen_code.add((order, row["candidate_sha256"]))
                train.append(row)
            elif row["status"] != Status.SANDBOX_ERROR.value:
                rejected.append(row)
        return train, rejected


def proposed_calls(reply: str, entry_point: str) -> tuple[CallSpec, ...]:
    """Calls to `entry_point` with literal arguments, one per line of the reply's code."""
    text = reply
    if "```" in reply:
        text = "\n".join(
            part.split("\n", 1)[1] if "\n" in part else "" for part in reply.split("```")[1::2]
        )
    calls: list[CallSpec] = []
    for line in text.splitlines():
        line = line.strip().removeprefix("assert ").split("==")[0].strip()
        try:  # the model's text: deep nesting must cost this line, not the run
            tree = parse_python(line, "a proposed call", mode="eval")
        except (SyntaxError, ValueError):
            continue
        assert isinstance(tree, ast.Expression)
        node = tree.body
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == entry_point
            and not node.keywords
        ):
            continue
        try:
            for arg in node.args:
                ast.literal_eval(arg)
        except (ValueError, SyntaxError, TypeError):
            continue
        args = "(" + "".join(ast.unparse(a) + ", " for a in node.args) + ")"
        if all(c.args_source != args for c in calls):
            calls.append(CallSpec(args, Relation()))
    return tuple(calls)


def _reason(text: str) -> str:
    """A short, groupable reason for the funnel (details stay in the rows)."""
    first = text.strip().splitlines()[0] if text.strip() else "unknown"
    return first[:90]
