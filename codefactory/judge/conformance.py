"""The conformance checks every target language must pass (run by the test suite for each
language in languages/, and by `codefactory languages --check`).

The programs come from the language's own `[conformance]` table, so nothing here knows about
any language in particular.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from codefactory.core.languages import Language
from codefactory.core.paths import default_cache_path
from codefactory.core.schema import Status, TestCase, Verdict
from codefactory.judge.protocol import MARKER, new_nonce
from codefactory.judge.round_trip import ROUND_TRIP, round_trip_cases
from codefactory.judge.syntax_gate import SyntaxResult, check_in_process
from codefactory.judge.verifier import Verifier
from codefactory.sandbox.profile import LABEL

PIECES = (
    "add",
    "wrong",
    "identity",
    "raises",
    "compile_error",
    "timeout",
    "memory",
    "fork_bomb",
    "network_interfaces",
)
ADD_CASES = tuple(
    TestCase(i, (a, b), a + b) for i, (a, b) in enumerate([(1, 2), (-5, 2), (10**6, 7), (0, 0)])
)


class MissingPiece(AssertionError):
    pass


def piece(lang: Language, name: str) -> str:
    code = lang.conformance.get(name)
    if not code:
        raise MissingPiece(f"languages/{lang.id}.toml: [conformance] has no {name!r} program")
    return code


def run_piece(
    verifier: Verifier,
    lang: Language,
    name: str,
    cases: tuple[TestCase, ...] = ADD_CASES,
    entry: str = "add",
    wall_s: float | None = None,
) -> Verdict:
    target = (
        lang
        if wall_s is None
        else dataclasses.replace(lang, limits=dataclasses.replace(lang.limits, wall_s=wall_s))
    )
    return verifier.verify(target, piece(lang, name), entry, cases)


def no_sandbox_left(verifier: Verifier) -> bool:
    for _ in range(50):
        if not verifier.sandbox.api.containers(filters={"label": LABEL, "status": "running"}):
            return True
        time.sleep(0.1)
    return False


# name -> (check, what it expects); a check returns a problem, or None when it holds.
Check = Callable[[Verifier, Language], str | None]


def _expect(name: str, wanted: tuple[Status, ...], **kwargs: Any) -> Check:
    def check(verifier: Verifier, lang: Language) -> str | None:
        verdict = run_piece(verifier, lang, name, **kwargs)
        if verdict.status in wanted:
            return None
        return (
            f"{name}: got {verdict.status.value}, expected "
            + "/".join(s.value for s in wanted)
            + f" ({json.dumps(verdict.failure)[:300]})"
        )

    return check


def _round_trip(verifier: Verifier, lang: Language) -> str | None:
    cases = round_trip_cases(lang)
    if len(cases) <= len(ROUND_TRIP) // 2:
        return "round trip: most tricky values are unrepresentable"
    verdict = run_piece(verifier, lang, "identity", cases, entry="ident")
    return None if verdict.passed else f"round trip: {json.dumps(verdict.failure)[:300]}"


def _fork_bomb(verifier: Verifier, lang: Language) -> str | None:
    problem = _expect(
        "fork_bomb", (Status.TIMEOUT, Status.RUNTIME_ERROR, Status.MEMORY_EXCEEDED), wall_s=3.0
    )(verifier, lang)
    if problem:
        return problem
    return None if no_sandbox_left(verifier) else "fork bomb: a sandbox outlived its run"


# Every language's [attacks] table holds at least one program of each kind; each defines an
# `add` that is wrong on its own (returns a constant) and tampers with the harness so that a
# naive one would record a + b. A sealed harness records the function's own return value.
ATTACK_KINDS = {
    "output": "takes over the output channel (shadowing, hoisting, rebinding the writer)",
    "serializer": "monkeypatches or shadows what the serializer uses, or a value's own hooks",
    "helpers": "predefines the harness's own helper names",
}


def attack_kind_problems(lang: Language) -> list[str]:
    problems = [
        f"languages/{lang.id}.toml: attacks entry {name!r} must start with one of "
        + ", ".join(f"{k}_" for k in ATTACK_KINDS)
        for name in lang.attacks
        if not any(name.startswith(kind + "_") for kind in ATTACK_KINDS)
    ]
    problems += [
        f"languages/{lang.id}.toml: has no attacks.{kind}_ program ({what})"
        for kind, what in ATTACK_KINDS.items()
        if not any(name.startswith(kind + "_") for name in lang.attacks)
    ]
    return problems


def _sealed(verifier: Verifier, lang: Language) -> str | None:
    problems = attack_kind_problems(lang)
    for name, program in lang.attacks.items():
        verdict = verifier.verify(lang, program, "add", ADD_CASES)
        if verdict.status in (Status.PASSED, Status.SANDBOX_ERROR):
            problems.append(
                f"attack {name!r} got {verdict.status.value}: the harness is not sealed"
            )
    return "; ".join(problems) or None


# The run's nonce reaches the harness on stdin and is never in the program: a candidate can read
# the program's files under /work (and a compiled binary, /proc/self/exe), and with the nonce it
# could write a whole set of correct records from its own top-level code and exit before the harness
# runs. Each language's [attacks] table has this one, run by the check below.
NONCE_ATTACK = "output_reads_the_program"
NONCE_ATTACK_WHAT = (
    "`add` returns 0; top-level code reads the program file(s) under /work, finds `@@cf <hex>`, "
    "writes records with a + b for each ADD_CASES case and DONE, then exits 0"
)


def rendered_add(
    lang: Language, nonce: str, gate: Callable[[Language, str, str], SyntaxResult] | None = None
) -> dict[str, str]:
    """The files of the program the verifier would run for the language's `add` over ADD_CASES
    with this nonce: the candidate as the syntax gate leaves it, then the renderer's driver."""
    code = lang.renderer.strip_candidate(piece(lang, "add"))
    checked = gate(lang, code, "add") if gate else check_in_process(lang.grammar, code, "add")
    if not checked.ok:
        raise ValueError(f"the add program fails the syntax gate: {checked.reason}")
    program = lang.renderer.driver(
        checked.code, checked.entry, [(c.id, c.inputs) for c in ADD_CASES], nonce
    )
    return program if isinstance(program, dict) else {lang.program_file: program}


def nonce_in_program_problem(
    lang: Language, gate: Callable[[Language, str, str], SyntaxResult] | None = None
) -> str | None:
    """A problem if a fresh nonce appears in any file of the rendered `add` program (in any case
    of its hex digits), or if the record marker does not (records are still framed by it)."""
    nonce = new_nonce()
    try:
        files = rendered_add(lang, nonce, gate)
    except ValueError as exc:
        return str(exc)
    leaking = sorted(name for name, text in files.items() if nonce.lower() in text.lower())
    if leaking:
        return (
            f"the run's nonce is in the program ({', '.join(leaking)}): the harness must read it "
            "from stdin before any candidate code runs"
        )
    if not any(MARKER in text for text in files.values()):
        return f"the record marker {MARKER!r} is in none of the program's files"
    return None


def _nonce_not_in_program(verifier: Verifier, lang: Language) -> str | None:
    problems = []
    if problem := nonce_in_program_problem(lang, verifier.gate.check):
        problems.append(problem)
    program = lang.attacks.get(NONCE_ATTACK)
    if program is None:
        problems.append(
            f"languages/{lang.id}.toml: has no attacks.{NONCE_ATTACK} program ({NONCE_ATTACK_WHAT})"
        )
    else:
        verdict = verifier.verify(lang, program, "add", ADD_CASES)
        if verdict.status in (Status.PASSED, Status.SANDBOX_ERROR):
            problems.append(
                f"attack {NONCE_ATTACK!r} got {verdict.status.value}: a candidate that reads the "
                "program can forge the records"
            )
    return "; ".join(problems) or None


CHECKS: dict[str, Check] = {
    "known good passes": _expect("add", (Status.PASSED,)),
    "known bad is wrong_answer": _expect("wrong", (Status.WRONG_ANSWER,)),
    "runtime error": _expect("raises", (Status.RUNTIME_ERROR,)),
    "compile error": _expect("compile_error", (Status.COMPILE_ERROR,)),
    "timeout": _expect("timeout", (Status.TIMEOUT,), wall_s=3.0),
    "memory blow-up": _expect("memory", (Status.MEMORY_EXCEEDED,), wall_s=8.0),
    "fork bomb contained": _fork_bomb,
    "no network": _expect("network_interfaces", (Status.PASSED,), cases=(TestCase(0, (0, 0), 0),)),
    "value round trip": _round_trip,
    "harness sealed from the candidate": _sealed,
    "nonce not in the program": _nonce_not_in_program,
}


def run_all(verifier: Verifier, lang: Language) -> dict[str, str | None]:
    results: dict[str, str | None] = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check(verifier, lang)
        except MissingPiece as exc:
            results[name] = str(exc)
    return results


def results_path() -> Path:
    return default_cache_path().with_name("conformance.json")


def save(lang: Language, results: dict[str, str | None], runtime: str) -> None:
    path = results_path()
    data = json.loads(path.read_text()) if path.is_file() else {}
    data[lang.id] = {
        "runtime": runtime,
        "failures": {k: v for k, v in results.items() if v},
        "checked_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2))


def load() -> dict[str, Any]:
    path = results_path()
    data: dict[str, Any] = json.loads(path.read_text()) if path.is_file() else {}
    return data
