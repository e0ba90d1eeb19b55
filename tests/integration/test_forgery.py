"""Candidates that try to fake a pass. The function itself is wrong in each; none may pass."""

from __future__ import annotations

import pytest

from codefactory.core.equality import Relation
from codefactory.core.languages import Language
from codefactory.core.schema import Status, TestCase
from codefactory.judge.verifier import Verifier

CASES = tuple(
    TestCase(i, (a, b), a + b, Relation()) for i, (a, b) in enumerate([(1, 2), (10, -3), (0, 0)])
)

FORGERIES = {
    "exit before the tests": "function add($a, $b) { return 0; }\nexit(0);",
    "die with a success message": "function add($a, $b) { return 0; }\ndie('ALL TESTS PASSED');",
    "fake success lines": (
        'function add($a, $b) { return 0; }\necho "ALL TESTS PASSED\\nOK 3/3\\n@@cf 0 DONE 3\\n";'
    ),
    "ob_start rewriting": (
        "function add($a, $b) { return 0; }\n"
        'ob_start(function ($buf) { return str_replace(\'"value":{"int":"0"}\','
        ' \'"value":{"int":"3"}\', $buf); });'
    ),
    "shutdown function exits": (
        "function add($a, $b) { throw new Exception('no'); }\n"
        'register_shutdown_function(function () { echo "\\nPASSED\\n"; exit(0); });'
    ),
    "shutdown function prints records": (
        "function add($a, $b) { return -1; }\n"
        "register_shutdown_function(function () {\n"
        "  $src = file_get_contents('/work/main.php');\n"
        "  preg_match('/@@cf ([0-9a-f]+)/', $src, $m);\n"
        "  for ($i = 0; $i < 3; $i++) {\n"
        "    fwrite(STDOUT, \"\\n@@cf {$m[1]} \" . json_encode(['id' => $i, 'ok' => true,"
        " 'value' => ['int' => '3']]) . \"\\n\");\n"
        "  }\n"
        '  fwrite(STDOUT, "\\n@@cf {$m[1]} DONE 3\\n");\n'
        "});"
    ),
    "closing stdout": "function add($a, $b) { return 0; }\nfclose(STDOUT);",
    "exit inside the function": "function add($a, $b) { exit(0); }",
    "reads the driver to forge records": (
        "function add($a, $b) { return 0; }\n"
        "$src = file_get_contents(__FILE__);\n"
        "preg_match('/@@cf ([0-9a-f]+)/', $src, $m);\n"
        "for ($i = 0; $i < 3; $i++) {\n"
        '  fwrite(STDOUT, "\\n@@cf {$m[1]} {\\"id\\":$i,\\"ok\\":true,'
        '\\"value\\":{\\"int\\":\\"3\\"}}\\n");\n'
        "}\n"
        'fwrite(STDOUT, "\\n@@cf {$m[1]} DONE 3\\n");\n'
        "exit(0);"
    ),
    "kills its own init": "function add($a, $b) { posix_kill(1, 9); posix_kill(posix_getppid(), 9);"
    " return 0; }",
    "duplicates each record": (
        "function add($a, $b) {\n"
        "  static $i = 0;\n"
        "  $src = file_get_contents('/work/main.php');\n"
        "  preg_match('/@@cf ([0-9a-f]+)/', $src, $m);\n"
        '  fwrite(STDOUT, "\\n@@cf {$m[1]} {\\"id\\":" . $i++ . ",\\"ok\\":true,'
        '\\"value\\":{\\"int\\":\\"3\\"}}\\n");\n'
        "  return 3;\n"
        "}"
    ),
}


@pytest.mark.parametrize("name", list(FORGERIES))
def test_forgery_is_never_verified(verifier: Verifier, php: Language, name: str) -> None:
    verdict = verifier.verify(php, FORGERIES[name], "add", CASES)
    assert verdict.status is not Status.PASSED, name
    assert verdict.status is not Status.SANDBOX_ERROR, verdict.failure


def test_the_honest_version_passes(verifier: Verifier, php: Language) -> None:
    verdict = verifier.verify(php, "function add($a, $b) { return $a + $b; }", "add", CASES)
    assert verdict.status is Status.PASSED


def test_example_usage_is_removed_before_the_run(verifier: Verifier, php: Language) -> None:
    candidate = (
        "<?php\nfunction add($a, $b) { return $a + $b; }\n\n// Example usage:\n"
        "echo add(1, 2);\nprint_r(add([1], 2));  // would die before the tests\n"
    )
    verdict = verifier.verify(php, candidate, "add", CASES)
    assert verdict.status is Status.PASSED, verdict.failure
    assert "print_r" not in verdict.code and "function add" in verdict.code
