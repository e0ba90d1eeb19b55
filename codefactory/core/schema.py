"""Typed, frozen records passed between pipeline stages."""

from __future__ import annotations

import enum
import hashlib
import json
from dataclasses import dataclass, field

from codefactory.core.equality import Relation
from codefactory.core.values import Value, dumps


class Status(enum.StrEnum):
    """One verdict vocabulary for every language (docs/architecture.md §5)."""

    PASSED = "passed"
    WRONG_ANSWER = "wrong_answer"
    RUNTIME_ERROR = "runtime_error"
    COMPILE_ERROR = "compile_error"
    SYNTAX_ERROR = "syntax_error"
    TIMEOUT = "timeout"
    MEMORY_EXCEEDED = "memory_exceeded"
    OUTPUT_EXCEEDED = "output_exceeded"
    UNSUPPORTED = "unsupported"
    SANDBOX_ERROR = "sandbox_error"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class CallSpec:
    """One call the source's tests make: the argument tuple as Python source, and the relation."""

    args_source: str  # e.g. "([1, 2], 'a')"; evaluated only inside the Python sandbox
    relation: Relation = field(default_factory=Relation)


@dataclass(frozen=True)
class Source:
    """A Python function to translate, with the calls its tests make."""

    task_id: str
    code: str
    entry_point: str
    calls: tuple[CallSpec, ...]
    setup_code: str = ""
    origin: str = ""  # file the row came from

    @property
    def key(self) -> str:
        return sha256(
            json.dumps(
                [
                    self.code,
                    self.entry_point,
                    self.setup_code,
                    [[c.args_source, c.relation.to_json()] for c in self.calls],
                ]
            )
        )


@dataclass(frozen=True)
class TestCase:
    """A call with its inputs and the value the Python source returned for them."""

    __test__ = False  # not a pytest class

    id: int
    inputs: tuple[Value, ...]
    expected: Value
    relation: Relation = field(default_factory=Relation)
    hidden: bool = False  # an augmented input: never shown to the model

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "inputs": dumps(list(self.inputs)),
            "expected": dumps(self.expected),
            "relation": self.relation.kind,
            "hidden": self.hidden,
        }


def tests_hash(cases: tuple[TestCase, ...]) -> str:
    return sha256(
        json.dumps(
            [
                [c.id, dumps(list(c.inputs)), dumps(c.expected), c.relation.to_json(), c.hidden]
                for c in cases
            ]
        )
    )


@dataclass(frozen=True)
class RunResult:
    """What the sandbox saw of one program run. Says nothing about correctness."""

    exit_code: int | None
    stdout: bytes
    stderr: bytes
    duration_s: float
    timed_out: bool = False
    oom: bool = False
    output_truncated: bool = False
    infra_error: str | None = None  # our side failed (daemon gone, image missing, ...)

    def to_json(self, cap: int = 4096) -> dict[str, object]:
        return {
            "status": "sandbox_error" if self.infra_error else "ok",
            "exit_code": self.exit_code,
            "stdout": self.stdout[:cap].decode("utf-8", "replace"),
            "stderr": self.stderr[:cap].decode("utf-8", "replace"),
            "duration_s": round(self.duration_s, 4),
            "oom": self.oom,
            "timed_out": self.timed_out,
            "output_truncated": self.output_truncated,
            "infra_error": self.infra_error,
        }


@dataclass(frozen=True)
class Verdict:
    status: Status
    tests_passed: int
    tests_total: int
    failure: dict[str, object] | None = None  # first failing case or the error
    execution_s: float = 0.0
    code: str = ""  # the candidate as run (example usage removed); empty before the gate

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED

    def to_json(self) -> dict[str, object]:
        return {
            "status": self.status.value,
            "tests_passed": self.tests_passed,
            "tests_total": self.tests_total,
            "failure": self.failure,
            "execution_s": self.execution_s,
            "code": self.code,
        }

    @staticmethod
    def from_json(data: dict[str, object]) -> Verdict:
        return Verdict(
            status=Status(str(data["status"])),
            tests_passed=int(data["tests_passed"]),  # type: ignore[call-overload]
            tests_total=int(data["tests_total"]),  # type: ignore[call-overload]
            failure=data.get("failure"),  # type: ignore[arg-type]
            execution_s=float(data.get("execution_s", 0.0)),  # type: ignore[arg-type]
            code=str(data.get("code", "")),
        )
