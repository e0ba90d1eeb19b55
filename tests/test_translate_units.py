"""Pieces of translate that need neither Docker nor a model."""

from __future__ import annotations

from codefactory.core.equality import Relation
from codefactory.core.languages import get_language
from codefactory.core.schema import Source, Status, TestCase, Verdict
from codefactory.generation.extract import extract_code
from codefactory.generation.prompts import feedback, repair_messages, translate_messages
from codefactory.pipeline.reasons import reason_code
from codefactory.pipeline.stages.tests import proposed_calls
from codefactory.sources.selection import rejection_reason

PHP = get_language("php")


def _source(code: str) -> Source:
    return Source("t", code, "f", ())


def test_extract_prefers_the_target_fence() -> None:
    reply = "Here:\n```python\nx = 1\n```\n```php\nfunction f() {}\n```\nDone."
    assert extract_code(reply, PHP) == "function f() {}\n"
    assert extract_code("```\nfunction f() {}\n```", PHP) == "function f() {}\n"
    assert extract_code("function f() {}", PHP) == "function f() {}\n"
    assert extract_code("```php\n```", PHP) is None
    assert extract_code("```php\nfunction f() {}", PHP) == "function f() {}\n"  # cut off


def test_select_drops_io_randomness_and_time() -> None:
    assert rejection_reason(_source("import random\ndef f():\n    return random.random()"))
    assert "time" in (
        rejection_reason(_source("import time\ndef f():\n    return time.time()")) or ""
    )
    assert "I/O" in (rejection_reason(_source("def f(p):\n    return open(p).read()")) or "")
    assert rejection_reason(_source("import math\ndef f(x):\n    return math.sqrt(x)")) is None
    assert rejection_reason(_source("import sys\ndef f():\n    return sys.maxsize")) is None


def test_select_drops_command_line_programs_and_printers() -> None:
    """roman's `main` and `parse_args` were selected: argparse, print and sys.argv are a
    program's interface, not values a test compares."""
    parse_args = "import argparse\ndef parse_args(argv):\n    return argparse.ArgumentParser()"
    assert rejection_reason(_source(parse_args)) == ("is a command-line program (imports argparse)")
    printer = "def main(n):\n    print(n)\n    return 0"
    assert rejection_reason(_source(printer)) == "does I/O (calls print)"
    argv = "import sys\ndef main():\n    return len(sys.argv)"
    assert rejection_reason(_source(argv)) == "does I/O (uses sys.argv)"
    exits = "import sys\ndef main(code):\n    sys.exit(code)"
    assert rejection_reason(_source(exits)) == "does I/O (uses sys.exit)"
    imported = "from sys import argv\ndef main():\n    return argv[1:]"
    assert rejection_reason(_source(imported)) == "does I/O (imports sys.argv)"
    assert rejection_reason(_source("def main():\n    exit(1)")) == "does I/O (calls exit)"
    assert reason_code("is a command-line program (imports argparse)") == "command_line_program"


def test_proposed_calls_keep_only_literal_calls_to_the_entry_point() -> None:
    reply = (
        "```python\nf(1, 2)\nf([1, 'a'], {'k': None})\nassert f(3, 4) == 7\n"
        "g(1)\nf(x)\nf(1, 2)\nf(k=1)\n```"
    )
    calls = proposed_calls(reply, "f")
    assert [c.args_source for c in calls] == ["(1, 2, )", "([1, 'a'], {'k': None}, )", "(3, 4, )"]
    # inflection's `ordinal` got no tests: every proposed call was printed, with a comment.
    printed = "```python\nprint(f(1))  # Output: 'st'\nresult = f(2)\nprint(f(1), f(3))\n```"
    assert [c.args_source for c in proposed_calls(printed, "f")] == ["(1, )", "(2, )"]


def test_feedback_shows_the_failing_case() -> None:
    cases = (TestCase(0, (1, "a$b"), [1, 2]),)
    verdict = Verdict(Status.WRONG_ANSWER, 0, 1, {"case": 0, "got": "[2, 1]"})
    text = feedback(verdict, "f", cases)
    assert "f(1, 'a$b') returned [2, 1] but [1, 2] was expected" in text
    syntax = feedback(
        Verdict(Status.SYNTAX_ERROR, 0, 1, {"error": "syntax error at line 3"}), "f", cases
    )
    assert "does not parse" in syntax and "line 3" in syntax
    # Ruby's harness stops when the candidate does not load: the cause is only on stderr (7 of
    # 16 failed Ruby candidates on MBPP 11-40 were `require 'counter'`).
    died = Verdict(
        Status.RUNTIME_ERROR,
        0,
        1,
        {
            "case": 0,
            "error": "exited with code 137 before case 0 finished",
            "stderr": "LoadError: cannot load such file -- counter",
        },
    )
    assert feedback(died, "f", cases).endswith(
        "Its error output:\nLoadError: cannot load such file -- counter"
    )


def test_repair_conversation_grows() -> None:
    first = translate_messages(Source("t", "def f(x):\n    return x", "f", ()), PHP)
    assert first[0][0] == "system" and "```php" in first[0][1] and "`f`" in first[0][1]
    second = repair_messages(first, "```php\nbad\n```", "That code does not parse.", PHP)
    assert [role for role, _ in second] == ["system", "user", "assistant", "user"]
    assert second[-1][1].startswith("That code does not parse.")


def test_relation_round_trips() -> None:
    rel = Relation("close", 1e-3, 0.0)
    assert Relation.from_json(rel.to_json()) == rel
