"""AST mutants of the Python source, made on the host without running anything (no Docker)."""

from __future__ import annotations

import ast

import pytest

from codefactory.suite.mutation import mutants


def _norm(code: str) -> str:
    return ast.unparse(ast.parse(code))


@pytest.mark.parametrize(
    ("code", "mutant"),
    [
        ("def f(a, b):\n    return a + b", "def f(a, b):\n    return a - b"),
        ("def f(a, b):\n    return a - b", "def f(a, b):\n    return a + b"),
        ("def f(a, b):\n    return a * b", "def f(a, b):\n    return a + b"),
        ("def f(a, b):\n    return a // b", "def f(a, b):\n    return a / b"),
        ("def f(a, b):\n    return a / b", "def f(a, b):\n    return a // b"),
        ("def f(a, b):\n    return a % b", "def f(a, b):\n    return a // b"),
        ("def f(a, b):\n    return a ** b", "def f(a, b):\n    return a * b"),
        ("def f(a, b):\n    return a < b", "def f(a, b):\n    return a <= b"),
        ("def f(a, b):\n    return a >= b", "def f(a, b):\n    return a > b"),
        ("def f(a, b):\n    return a == b", "def f(a, b):\n    return a != b"),
        ("def f(a, b):\n    return a in b", "def f(a, b):\n    return a not in b"),
        ("def f(a):\n    return a + 1", "def f(a):\n    return a + 2"),
        ("def f(a):\n    a += 3\n    return a", "def f(a):\n    a -= 3\n    return a"),
        (
            "def f(a):\n    if a:\n        return 1\n    return 0",
            "def f(a):\n    if not a:\n        return 1\n    return 0",
        ),
        (
            "def f(a):\n    while a:\n        a = a[1:]\n    return a",
            "def f(a):\n    while not a:\n        a = a[1:]\n    return a",
        ),
        (
            "def f(a):\n    b = a.strip()\n    return b",
            "def f(a):\n    pass\n    return b",
        ),
    ],
)
def test_each_operator_makes_its_mutant(code: str, mutant: str) -> None:
    assert _norm(mutant) in mutants(code)


def test_no_mutant_is_the_original_or_a_repeat_and_all_parse() -> None:
    code = (
        "def f(xs, k):\n"
        "    total = 0\n"
        "    for x in xs:\n"
        "        if x % 2 == 0 and x > k:\n"
        "            total += x * 2\n"
        "        elif x < 0:\n"
        "            break\n"
        "    return total - 1\n"
    )
    out = mutants(code, limit=1000)
    assert len(out) >= 10
    assert _norm(code) not in out and len(set(out)) == len(out)
    for mutant in out:
        ast.parse(mutant)
    assert mutants(code, limit=1000) == out  # deterministic


def test_the_limit_spreads_over_every_site_in_order() -> None:
    code = "def f(a, b, c, d):\n    return a + b - c * d + 1 + 2 + 3"
    every = mutants(code, limit=1000)
    some = mutants(code, limit=3)
    assert len(every) > 3 and len(some) == 3
    assert [every.index(m) for m in some] == sorted(every.index(m) for m in some)
    assert some[0] == every[0]
    assert some[-1] in every[len(every) // 2 :]  # not just the first three
    assert mutants(code, limit=0) == [] and mutants(code, limit=-1) == []


def test_nothing_to_mutate_gives_nothing() -> None:
    assert mutants("def f(x):\n    return x") == []
    assert mutants("def f():\n    return True") == []  # a bool constant is not an int
    assert mutants("def f(x):\n    print(x)") == []  # the only statement is never dropped


def test_source_that_does_not_parse_gives_nothing() -> None:
    assert mutants("def f(:\n    return 1") == []


def test_a_module_table_does_not_crowd_out_the_function() -> None:
    """inflection's `dasherize` scored 0.0: its source carried the module's tables, and the 30
    mutants spread over all sites fell on constants the function never reads."""
    table = "TABLE = [" + ", ".join(f"('a{i}', 'b{i}', {i})" for i in range(100)) + "]\n"
    code = table + "def dasherize(word):\n    return word.replace('_', '-')\n"
    out = mutants(code, limit=30)
    on_function = [m for m in out if "replace('_', '-')" not in m]
    assert len(out) == 30 and len(on_function) == 2  # both of the function's, then the table's
    assert out[:2] == on_function
    assert mutants(code, limit=1) == on_function[:1]
