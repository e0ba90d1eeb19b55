"""Verdicts for candidates: syntax gate, then the sandbox, then the host's comparison.

Our own failures (daemon gone, container vanished) are retried once Docker answers again and are
never counted against a candidate; they are never cached, so a rerun tries them again.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import Future
from dataclasses import replace

import docker.errors
import requests

from codefactory.core.cache import Cache, make_key
from codefactory.core.languages import Language
from codefactory.core.schema import RunResult, Source, Status, TestCase, Verdict, sha256, tests_hash
from codefactory.core.value_types import Untypable
from codefactory.judge.decide import decide
from codefactory.judge.fingerprint import judge_fingerprint
from codefactory.judge.protocol import new_nonce
from codefactory.judge.syntax_gate import SyntaxGate, SyntaxResult
from codefactory.sandbox.docker_sandbox import DockerSandbox
from codefactory.suite.oracle import OracleResult, oracle_from_json, oracle_to_json, run_oracle

INFRA_RETRIES = 3
DAEMON_WAIT_S = 120.0


class Verifier:
    def __init__(
        self, sandbox: DockerSandbox, cache: Cache | None = None, gate: SyntaxGate | None = None
    ) -> None:
        self.sandbox = sandbox
        self.cache = cache
        self.gate = gate or SyntaxGate()
        self._image_ids: dict[str, str] = {}
        self.containers: Counter[str] = Counter()  # runs started, by language id (retries too)
        self._lock = threading.Lock()
        # Verdicts being made, by key: an identical candidate (two samples that came out the
        # same, a repair that repeated itself) judged meanwhile waits for the first, not a run.
        self._verdicts: dict[str, Future[Verdict]] = {}

    def close(self) -> None:
        self.gate.close()

    # -- running programs ---------------------------------------------------------------------

    def run_program(
        self, lang: Language, program: str | dict[str, str], nonce: str | None = None
    ) -> RunResult:
        """Run a program (one file, or {name: text} for languages that need several). With a
        `nonce`, the program gets it as one line on stdin (then end of file): a target's harness
        reads it before any candidate code runs, and it is never in the program's files."""
        sources = program if isinstance(program, dict) else {lang.program_file: program}
        files = {name: text.encode("utf-8", "surrogatepass") for name, text in sources.items()}
        stdin = None if nonce is None else (nonce + "\n").encode()
        result = self._start(lang, files, stdin)
        for attempt in range(INFRA_RETRIES):
            if not result.infra_error:
                break
            self.sandbox.flush()
            self._wait_for_daemon(attempt)
            result = self._start(lang, files, stdin)
        return result

    def _start(self, lang: Language, files: dict[str, bytes], stdin: bytes | None) -> RunResult:
        with self._lock:
            self.containers[lang.id] += 1
        return self.sandbox.run(lang.image, lang.run, files, lang.limits, stdin=stdin)

    def _wait_for_daemon(self, attempt: int) -> None:
        deadline = time.monotonic() + DAEMON_WAIT_S
        delay = 0.5 * (2**attempt)
        while time.monotonic() < deadline:
            time.sleep(delay)
            try:
                self.sandbox.api.ping()
                return
            except (docker.errors.DockerException, requests.RequestException):
                delay = min(delay * 2, 5.0)

    def image_id(self, lang: Language) -> str:
        if lang.image not in self._image_ids:
            self._image_ids[lang.image] = self.sandbox.image_id(lang.image)
        return self._image_ids[lang.image]

    # -- the oracle ---------------------------------------------------------------------------

    def oracle(self, source: Source, python: Language, run: int = 0) -> OracleResult:
        """Expected values for the source's calls. `run` tells repeated runs apart (the
        determinism check compares two), so each is cached on its own."""
        key = make_key("oracle", source.key, self.image_id(python), judge_fingerprint(python), run)
        if self.cache and (hit := self.cache.get("oracle", key)) is not None:
            return oracle_from_json(hit)
        result = run_oracle(source, self.run_program)
        if self.cache and not result.infra_error:
            self.cache.put("oracle", key, oracle_to_json(result))
        return result

    # -- candidates ---------------------------------------------------------------------------

    def verify(
        self, lang: Language, candidate: str, entry_point: str, cases: tuple[TestCase, ...]
    ) -> Verdict:
        """The whole judge for one candidate: the syntax gate, then the sandbox."""
        syntax = self.parse(lang, candidate, entry_point)
        if not syntax.ok:
            return Verdict(Status.SYNTAX_ERROR, 0, len(cases), {"error": syntax.reason})
        return self.execute(lang, syntax, cases)

    def parse(self, lang: Language, candidate: str, entry_point: str) -> SyntaxResult:
        """The gate, on the candidate without the wrapper text the harness adds itself."""
        return self.gate.check(lang, lang.renderer.strip_candidate(candidate), entry_point)

    def execute(self, lang: Language, syntax: SyntaxResult, cases: tuple[TestCase, ...]) -> Verdict:
        """Run a gated candidate on the cases; the verdict is cached by content."""
        key = make_key(
            "verdict",
            judge_fingerprint(lang),
            sha256(syntax.code),
            syntax.entry,
            tests_hash(cases),
            self.image_id(lang),
        )
        with self._lock:
            pending = self._verdicts.get(key)
            mine = pending is None
            if pending is None:
                pending = self._verdicts[key] = Future()
        if not mine:
            return pending.result()
        try:
            verdict = self._execute_cached(key, lang, syntax, cases)
        except BaseException as exc:
            with self._lock:
                del self._verdicts[key]
            pending.set_exception(exc)
            raise
        with self._lock:  # from now on the cache answers (memory stays bounded)
            del self._verdicts[key]
        pending.set_result(verdict)
        return verdict

    def _execute_cached(
        self, key: str, lang: Language, syntax: SyntaxResult, cases: tuple[TestCase, ...]
    ) -> Verdict:
        if self.cache and (hit := self.cache.get("verdict", key)) is not None:
            return Verdict.from_json(hit)
        verdict = self._execute_uncached(lang, syntax, cases)
        if self.cache and verdict.status is not Status.SANDBOX_ERROR:
            self.cache.put("verdict", key, verdict.to_json())
        return verdict

    def _execute_uncached(
        self, lang: Language, syntax: SyntaxResult, cases: tuple[TestCase, ...]
    ) -> Verdict:
        if not cases:  # a run with nothing to check would pass vacuously
            return Verdict(Status.UNSUPPORTED, 0, 0, {"error": "no test case to run"})
        nonce = new_nonce()
        try:  # the program runs the candidate as the gate left it (example usage removed)
            program = lang.renderer.driver(
                syntax.code, syntax.entry, [(c.id, c.inputs) for c in cases], nonce
            )
        except Untypable as exc:  # a typed target cannot declare these values
            return Verdict(Status.UNSUPPORTED, 0, len(cases), {"error": f"cannot be typed: {exc}"})
        verdict = decide(self.run_program(lang, program, nonce), cases, nonce, lang)
        return replace(verdict, code=syntax.code)
