"""Generation: prompts for each function, the model's replies (cached by content), or the
candidates an input row already carries."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from codefactory.core.cache import Cache, make_key
from codefactory.core.languages import Language
from codefactory.generation.backends.base import Backend, GenRequest, GenResult, Message
from codefactory.generation.prompts import EXAMPLES_BY_DEFAULT, PROMPT_VERSION, translate_messages
from codefactory.pipeline.stage import Drop, Stage
from codefactory.pipeline.work import Attempt, Candidate, Function


@dataclass
class GenerationTotals:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    from_cache: int = 0
    busy_s: float = 0.0  # wall time the backend spent on fresh requests


class Generator:
    """The backend behind a content-addressed cache: a rerun never pays for a reply twice."""

    def __init__(self, backend: Backend, cache: Cache | None, max_tokens: int) -> None:
        self.backend = backend
        self.cache = cache
        self.max_tokens = max_tokens
        self.totals = GenerationTotals()
        self._lock = threading.Lock()

    def key(self, request: GenRequest) -> str:
        return make_key(
            "gen",
            self.backend.name,
            self.backend.model,
            PROMPT_VERSION,
            request.messages,
            request.temperature,
            request.seed,
            request.max_tokens,
        )

    def generate(self, attempts: Sequence[Attempt]) -> list[GenResult]:
        results: dict[int, GenResult] = {}
        todo: list[tuple[int, str, GenRequest]] = []
        for i, attempt in enumerate(attempts):
            cap = min(self.max_tokens, attempt.max_tokens or self.max_tokens)
            request = GenRequest(attempt.messages, attempt.temperature, attempt.seed, cap)
            key = self.key(request)
            hit = self.cache.get("generation", key) if self.cache else None
            if hit is not None:
                results[i] = GenResult(
                    hit["text"],
                    hit["prompt_tokens"],
                    hit["completion_tokens"],
                    hit["seconds"],
                    key=key,
                )
                with self._lock:
                    self.totals.from_cache += 1
            else:
                todo.append((i, key, request))
        if todo:
            started = time.monotonic()
            fresh = self.backend.generate([request for _, _, request in todo])
            busy = time.monotonic() - started
            for (i, key, _), result in zip(todo, fresh, strict=True):
                result = replace(result, key=key)
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
            with self._lock:
                self.totals.busy_s += busy
                self.totals.prompt_tokens += sum(r.prompt_tokens for r in fresh)
                self.totals.completion_tokens += sum(r.completion_tokens for r in fresh)
        return [results[i] for i in range(len(attempts))]


class Prompt(Stage[Function, Attempt]):
    """K attempts per function: the first greedy, the others sampled at `temperature`. With
    `examples`, the prompt shows the source's own test calls with their expected values. In a
    search (keep=first) only the greedy one: the plan's follow-up starts sample k+1 once sample
    k and its repairs failed (compose.NextAttempt), so what a function costs does not depend on
    timing."""

    name = "prompts"

    def __init__(
        self,
        target: Language,
        samples: int,
        seed: int,
        temperature: float,
        examples: bool = EXAMPLES_BY_DEFAULT,
        search: bool = False,
    ) -> None:
        self.target = target
        self.samples = samples
        self.seed = seed
        self.temperature = temperature
        self.examples = examples
        self.search = search

    def process(self, record: Function) -> list[Attempt]:
        assert record.source is not None
        shown = record.prepared.cases if self.examples and record.prepared else ()
        messages = translate_messages(record.source, self.target, record.signature, shown)
        return [
            sample_attempt(record, messages, k, self.seed, self.temperature)
            for k in range(1 if self.search else self.samples)
        ]


def sample_attempt(
    function: Function, messages: tuple[Message, ...], k: int, seed: int, temperature: float
) -> Attempt:
    """Sample k of a function: the first greedy, later ones at `temperature`, each its own seed."""
    return Attempt(function, messages, seed + k, 0.0 if k == 0 else temperature, sample_index=k)


class Generate(Stage[Attempt, Candidate]):
    """The model's reply to each attempt. With keep=first, an attempt for a function that
    already has a verified candidate is skipped (counted, not paid for)."""

    name = "candidates"
    resource = "llm"

    def __init__(self, generator: Generator, keep_first: bool) -> None:
        self.generator = generator
        self.keep_first = keep_first
        self.skipped = 0

    def process_batch(self, records: Sequence[Attempt]) -> list[list[Candidate] | Drop]:
        live = [a for a in records if not (self.keep_first and a.function.done)]
        self.skipped += len(records) - len(live)
        replies = dict(zip(map(id, live), self.generator.generate(live), strict=True))
        out: list[list[Candidate] | Drop] = []
        for attempt in records:
            result = replies.get(id(attempt))
            if result is None:
                out.append([])  # skipped after a pass
            elif result.error is not None:
                out.append(Drop("backend_error", f"backend error: {result.error}"))
            else:
                attempt.function.spent_tokens += result.prompt_tokens + result.completion_tokens
                out.append([Candidate(attempt.function, result.text, attempt, result)])
        return out


class GivenCandidate(Stage[Function, Candidate]):
    """The candidate an input row carries in its `candidate` field (`verify`)."""

    name = "candidates"

    def process(self, record: Function) -> Candidate | Drop:
        value = (record.row.raw or {}).get("candidate")
        text = value if isinstance(value, str) else ""
        if not text.strip():
            return Drop("no_candidate", "row has no candidate code")
        return Candidate(record, text)
