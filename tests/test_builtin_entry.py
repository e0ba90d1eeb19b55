"""A Python function named like a target builtin (`intdiv` in PHP, "Cannot redeclare") is
verified, through `verify`'s plan and its rows, under the safe name the prompt asks for or the
name the gate gives a declaration the model made anyway. Needs Docker."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from codefactory.core.languages import get_language
from codefactory.core.schema import TestCase
from codefactory.judge.verifier import Verifier
from codefactory.pipeline.compose import run_verify
from codefactory.sources.jsonl import read_jsonl
from codefactory.suite.build import TestOptions

INTDIV = {
    "code": "def intdiv(a, b):\n    return a // b\n",
    "test_list": [
        "assert intdiv(7, 2) == 3",
        "assert intdiv(9, 3) == 3",
        "assert intdiv(0, 5) == 0",
    ],
}
# intdiv of non-negative ints: PHP's own intdiv agrees with Python's // there.
CANDIDATES = {
    "as-asked": "<?php\nfunction intdiv_($a, $b) {\n    return intdiv($a, $b);\n}\n",
    "builtin-name": "<?php\nfunction intdiv($a, $b) {\n    return intdiv($a, $b);\n}\n",
}


@pytest.fixture
def verified_rows(verifier: Verifier, tmp_path: Path) -> dict[str, dict[str, Any]]:
    path = tmp_path / "in.jsonl"
    lines = [{"task_id": k, **INTDIV, "candidate": text} for k, text in CANDIDATES.items()]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    # The source's own (non-negative) inputs only: PHP's intdiv truncates where // floors.
    options = TestOptions(augment=False)
    result = run_verify(get_language("php"), verifier, list(read_jsonl(path)), options, 2)
    return {row["task_id"]: row for row in result.train + result.rejected}


def test_intdiv_is_verified_in_php_under_the_safe_name(verified_rows: dict[str, Any]) -> None:
    for task in CANDIDATES:
        row = verified_rows[task]
        assert row["verified"], (task, row["status"], row["failure"])
        assert row["target_entry_point"] == "intdiv_"
        assert "function intdiv_($a, $b)" in row["target_code"]
        assert "return intdiv($a, $b);" in row["target_code"]  # the builtin, as the model meant


def test_the_declaration_as_written_is_what_php_refuses(verifier: Verifier) -> None:
    """Without the gate's renaming the same program is a compile error: the loss this fixes."""
    php = get_language("php")
    syntax = verifier.parse(php, CANDIDATES["builtin-name"], "intdiv")
    assert syntax.entry == "intdiv_"
    unrenamed = type(syntax)(
        True, code=CANDIDATES["builtin-name"].removeprefix("<?php\n"), entry="intdiv"
    )
    verdict = verifier.execute(php, unrenamed, (TestCase(0, (7, 2), 3),))
    assert verdict.status.value == "compile_error"


@pytest.mark.parametrize(
    ("lang", "name", "code"),
    [
        # Perl: `sub length` declares, but its own `length(...)` calls the builtin; named as
        # asked, its recursion reaches itself.
        (
            "perl",
            "length",
            "sub length_ {\n  my ($n) = @_;\n  return $n <= 0 ? 0 : 1 + length_($n - 1);\n}",
        ),
        # C++: `main` is the harness's; the gate renames the candidate's.
        ("cpp", "main", "long long main(long long n) { return n * 2 - n; }"),
    ],
)
def test_other_targets_call_the_safe_name(
    verifier: Verifier, lang: str, name: str, code: str
) -> None:
    language = get_language(lang)
    verifier.sandbox.require_image(language.image)
    verdict = verifier.verify(language, code, name, (TestCase(0, (3,), 3), TestCase(1, (0,), 0)))
    assert verdict.passed, verdict.failure
