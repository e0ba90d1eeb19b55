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
    def priority(self) -> tuple[int, int]:
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
        cases = _cases(record)
        too_big = candidate_too_big(record.text)
        if too_big:  # before the regex, the gate and the sandbox see it
            verdict = Verdict(Status.UNSUPPORTED, 0, len(cases), {"error": too_big})
            return Drop("candidate_too_big", too_big, Judged(record, None, verdict))
        code = extract_code(record.text, self.target)
        if code is None:
            why = "reply has no code"
            verdict = Verdict(Status.SYNTAX_ERROR, 0, len(cases), {"error": why})
            return Drop("syntax_error", why, Judged(record, None, verdict))
        entry = record.function.source.entry_point if record.function.source else ""
        syntax = self.verifier.parse(self.target, code, entry)
        if not syntax.ok:
            why = syntax.reason or "does not parse"
            verdict = Verdict(Status.SYNTAX_ERROR, 0, len(cases), {"error": why})
            return Drop("syntax_error", why, Judged(record, code, verdict))
        return Parsed(record, code, syntax)


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
