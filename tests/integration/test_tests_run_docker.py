"""All of a function's Python runs in one container (suite/combined.py): the same suites, drops
and errors as one container per run, for well-behaved and hostile sources alike."""

from __future__ import annotations

from dataclasses import replace

import pytest

from codefactory.core.languages import Language
from codefactory.core.schema import tests_hash as suite_hash
from codefactory.judge.verifier import Verifier
from codefactory.sources.benchmark_row import source_from_row
from codefactory.suite.build import Prepared, TestOptions, build_tests


def _source(code: str, calls: list[str]) -> object:
    tests = [f"assert {c} == None" for c in calls]
    return source_from_row({"task_id": "t", "code": code, "test_list": tests}, "t")


def _summary(p: Prepared) -> tuple[object, ...]:
    return (p.error, p.infra_error, p.dropped, suite_hash(p.cases), p.adequacy, p.source_given)


SOURCES = {
    "plain": (
        "def f(n):\n    if n % 4 != 2:\n        return True\n    return False",
        ["f(5)", "f(10)"],
    ),
    "set order": ("def f(s):\n    return ''.join(set(s))", ["f('abcdefgh')", "f('xyzuvw')"]),
    "load error": ("def f(n):\n    return n\nraise ValueError('no')", ["f(1)"]),
    "one case raises": ("def f(n):\n    return 10 // n", ["f(0)", "f(5)"]),
    "flood": ("def f(n):\n    print('x' * 3000000)\n    return n", ["f(1)"]),
    "daemon": (
        "def f(n):\n    import os\n    if os.fork() == 0:\n        while True:\n            pass\n"
        "    return n",
        ["f(1)", "f(2)"],
    ),
    "memory": (
        "def f(n):\n    x = b'a' * (n * 100 * 1024 * 1024)\n    return len(x)",
        ["f(0)", "f(3)"],
    ),
    "no usable case": ("def f(n):\n    raise KeyError(n)", ["f(1)"]),
}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_one_container_gives_what_four_gave(verifier: Verifier, php: Language, name: str) -> None:
    code, calls = SOURCES[name]
    source = _source(code, calls)
    # Mutants of the daemon race their own daemons for the CPU: their kills follow timing.
    options = TestOptions(mutants=0) if name == "daemon" else TestOptions()
    before = verifier.containers.copy()
    combined = build_tests(verifier, source, php, options)  # type: ignore[arg-type]
    assert (verifier.containers - before)["python"] == 1
    separate = build_tests(verifier, source, php, replace(options, combined=False))  # type: ignore[arg-type]
    assert _summary(combined) == _summary(separate)


def test_an_endless_case_times_out_in_its_own_run(verifier: Verifier, php: Language) -> None:
    source = _source("def f(n):\n    while n > 5:\n        pass\n    return n", ["f(1)", "f(9)"])
    options = TestOptions(augment=False)
    before = verifier.containers.copy()
    combined = build_tests(verifier, source, php, options)  # type: ignore[arg-type]
    assert (verifier.containers - before)["python"] == 1
    assert combined.dropped == {"python timed out": 1} and len(combined.cases) == 1
    separate = build_tests(verifier, source, php, TestOptions(augment=False, combined=False))  # type: ignore[arg-type]
    assert _summary(combined) == _summary(separate)


def test_the_two_runs_see_other_clocks(verifier: Verifier, php: Language) -> None:
    # Within one day both runs of the old way read the same day; run b's shifted clock does not.
    code = "def f(n):\n    import time\n    return n + int(time.time() // 86400)"
    prepared = build_tests(verifier, _source(code, ["f(1)"]), php)  # type: ignore[arg-type]
    assert prepared.error and prepared.error.startswith("nondeterministic")


def test_the_two_runs_have_other_hash_seeds(verifier: Verifier, php: Language) -> None:
    code = "def f(s):\n    return hash(s) % 1000003"
    prepared = build_tests(verifier, _source(code, ["f('abc')"]), php)  # type: ignore[arg-type]
    assert prepared.error and prepared.error.startswith("nondeterministic")
