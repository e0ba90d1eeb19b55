"""The judge: the code out of the reply, the syntax gate, then the sandbox and the host's
comparison. A failed candidate is dropped with its verdict attached, for the `rejected` split
and for repair."""

from __future__ import annotations

from dataclasses import dataclass

from codefactory.core.languages import Language
from codefactory.core.limits import MAX_CANDIDATE_BYTES, size
from codefactory.core.schema import Status, TestCase, Verdict
from codefactory.generation.extract import extract_code
from codefactory.judge.syntax_gate import SyntaxResult
from codefactory.judge.verifier import Verifier
from codefactory.pipeline.stage import Drop, Stage
from codefactory.pipeline.work import Candidate, Function, Judged


@dataclass(frozen=True, eq=False)
class Parsed:
    """A candidate whose code passed the syntax gate."""

    candidate: Candidate
    code: str
    syntax: SyntaxResult

    @property
    def priority(self) -> tuple[int, int, int]:
        return self.candidate.priority

    @property
    def function(self) -> Function:
        return self.candidate.function


class Parse(Stage[Candidate, Parsed]):
    name = "parsed"
    resource = "cpu"

    def __init__(self, verifier: Verifier, target: Language) -> None:
        self.verifier = verifier
        self.target = target

    def process(self, record: Candidate) -> Parsed | Drop:
        too_big = candidate_too_big(record.text)
        if too_big:  # before the regex, the gate and the sandbox see it
            return _refused(record, None, Status.UNSUPPORTED, "candidate_too_big", too_big)
        code = extract_code(record.text, self.target)
        if code is None:
            return _refused(record, None, Status.SYNTAX_ERROR, "syntax_error", "reply has no code")
        entry = record.function.source.entry_point if record.function.source else ""
        syntax = self.verifier.parse(self.target, code, entry)
        if not syntax.ok:
            why = syntax.reason or "does not parse"
            return _refused(record, code, Status.SYNTAX_ERROR, "syntax_error", why)
        return Parsed(record, code, syntax)


def _refused(record: Candidate, code: str | None, status: Status, reason: str, why: str) -> Drop:
    """A candidate the judge refused before running it, with the verdict its row carries."""
    verdict = Verdict(status, 0, len(_cases(record)), {"error": why})
    return Drop(reason, why, Judged(record, code, verdict))


class Execute(Stage[Parsed, Judged]):
    """Runs the candidate in the target's sandbox; kept only when every case passed."""

    name = "verified"
    resource = "sandbox"

    def __init__(self, verifier: Verifier, target: Language) -> None:
        self.verifier = verifier
        self.target = target

    def process(self, record: Parsed) -> Judged | Drop:
        verdict = self.verifier.execute(self.target, record.syntax, _cases(record.candidate))
        judged = Judged(record.candidate, record.code, verdict, record.syntax.entry)
        if verdict.passed:
            return judged
        detail = str((verdict.failure or {}).get("error", "")) or verdict.status.value
        return Drop(verdict.status.value, detail, judged)


def _cases(candidate: Candidate) -> tuple[TestCase, ...]:
    prepared = candidate.function.prepared
    return prepared.cases if prepared else ()


def candidate_too_big(candidate: str) -> str | None:
    n = len(candidate.encode("utf-8", "surrogatepass"))
    if n <= MAX_CANDIDATE_BYTES:
        return None
    return f"candidate over MAX_CANDIDATE_BYTES ({size(MAX_CANDIDATE_BYTES)}): {n} bytes"
