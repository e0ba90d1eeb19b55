"""PHP: input literals, the output serializer and the driver program."""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Sequence

from codefactory.core.values import Value
from codefactory.judge.protocol import MARKER
from codefactory.renderers.base import ScriptRenderer, ascii_literal, fill_template

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# PHP turns a string key that looks like a canonical decimal int into an int key.
_INT_LIKE_KEY = re.compile(r"-?(0|[1-9][0-9]*)")

# The harness comes before the candidate, so a `declare(ticks=1)` in the candidate cannot reach it,
# and its state lives in locals of functions whose names carry a per-run tag (nothing to `global`,
# nothing to predefine). Builtins are fully qualified (a namespace cannot shadow them; PHP cannot
# redefine them) and records go through \fwrite(\STDOUT), which ob_start cannot capture; the run
# argv disables the stream filter and wrapper functions that could rewrite that stream.
# The run's nonce is never in this file (the candidate can read the file): the record loop is a
# generator, started by the file's first statement, before any candidate code; it reads the nonce
# from stdin into a local and waits at `yield` while the candidate's top-level code runs. A
# suspended generator's locals are out of reach of PHP code (no reflection, debug_backtrace,
# $GLOBALS or clone shows them); the candidate can only resume it early, which runs the real loop.
_HARNESS = r"""
function __cf_enc___CF_TAG__($v) {
    if ($v === null) { return 'null'; }
    if (\is_bool($v)) { return $v ? 'true' : 'false'; }
    if (\is_int($v)) { return '{"int":"' . $v . '"}'; }
    if (\is_float($v)) {
        if (\is_nan($v)) { return '{"float":"nan"}'; }
        if (\is_infinite($v)) { return $v > 0 ? '{"float":"inf"}' : '{"float":"-inf"}'; }
        \ini_set('serialize_precision', '-1');  // the candidate may have lowered it
        return '{"float":"' . \var_export($v, true) . '"}';
    }
    if (\is_string($v)) {
        if (!\mb_check_encoding($v, 'UTF-8')) { return '{"bytes":"' . \base64_encode($v) . '"}'; }
        return \json_encode($v, \JSON_UNESCAPED_SLASHES);
    }
    if (\is_array($v)) {
        $parts = [];
        if (\array_is_list($v)) {
            foreach ($v as $x) { $parts[] = __cf_enc___CF_TAG__($x); }
            return '[' . \implode(',', $parts) . ']';
        }
        foreach ($v as $k => $x) {
            $parts[] = '[' . __cf_enc___CF_TAG__($k) . ',' . __cf_enc___CF_TAG__($x) . ']';
        }
        return '{"dict":[' . \implode(',', $parts) . ']}';
    }
    // Objects are never converted: no __toString, jsonSerialize or property hook is called.
    return '{"unsupported":' . \json_encode(\is_object($v) ? \get_class($v) : \gettype($v)) . '}';
}
function __cf_run___CF_TAG__() {
    $nonce = \fgets(\STDIN);
    if (!\is_string($nonce) || ($nonce = \rtrim($nonce, "\r\n")) === '') {
        \fwrite(\STDERR, "no run nonce on stdin\n");
        exit(70);
    }
    $prefix = "\n__CF_MARKER__ " . $nonce . ' ';
    unset($nonce);
    yield;  // the candidate's top-level code runs here
    // Warnings become exceptions: Python raises where PHP would warn and carry on with null.
    \set_error_handler(static function ($no, $msg, $file, $line) {
        if (!(\error_reporting() & $no)) { return false; }
        throw new \ErrorException($msg, 0, $no, $file, $line);
    }, \E_WARNING | \E_USER_WARNING | \E_RECOVERABLE_ERROR);
    $n = 0;
    foreach (__CF_CASES__ as $id => $args) {
        try {
            $line = '{"id":' . $id . ',"ok":true,"value":'
                . __cf_enc___CF_TAG__(__CF_ENTRY__(...$args)) . '}';
        } catch (\Throwable $e) {
            $msg = \get_class($e) . ': ' . $e->getMessage();
            $line = '{"id":' . $id . ',"ok":false,"error":'
                . \json_encode($msg, \JSON_INVALID_UTF8_SUBSTITUTE) . '}';
        }
        \fwrite(\STDOUT, $prefix . $line . "\n");
        $n++;
    }
    \fwrite(\STDOUT, $prefix . 'DONE ' . $n . "\n");
}
"""
# `declare(strict_types=...)` must be the file's first statement: it moves above the harness.
_STRICT_TYPES = re.compile(
    r"\A((?:\s+|//[^\n]*|#[^\n]*|/\*.*?\*/)*)(declare\s*\(\s*strict_types\s*=\s*[01]\s*\)\s*;)",
    re.DOTALL | re.IGNORECASE,
)


class PhpRenderer(ScriptRenderer):
    prologue = "<?php\n"
    harness = _HARNESS
    int_range = (INT64_MIN, INT64_MAX)

    def dict_reason(self, value: dict[Value, Value]) -> str | None:
        for key in value:
            if isinstance(key, str) and _INT_LIKE_KEY.fullmatch(key):
                return f"dict key {key!r} would become an int key in PHP"
        return None

    def scalar(self, value: Value) -> str:
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            if value == INT64_MIN:  # -9223372036854775808 would parse as a float
                return "\\PHP_INT_MIN"
            return f"({value})" if value < 0 else str(value)
        if isinstance(value, float):
            if math.isinf(value):
                return "\\INF" if value > 0 else "(-\\INF)"
            text = repr(value)
            return f"({text})" if text.startswith("-") else text
        if isinstance(value, str):
            return php_string(value)
        raise TypeError(f"no PHP literal for {type(value).__name__}")

    def dict_literal(self, pairs: list[tuple[str, str]]) -> str:
        return "[" + ", ".join(f"{k} => {v}" for k, v in pairs) + "]"

    def case_row(self, case_id: int, args: list[str]) -> str:
        return f"{case_id} => [{', '.join(args)}]"

    def entry_ref(self, entry_point: str) -> str:
        return "\\" + entry_point

    def strip_candidate(self, candidate: str) -> str:
        code = candidate.strip()
        code = re.sub(r"^<\?php\b", "", code).strip()
        return re.sub(r"\?>\s*$", "", code)

    def driver(
        self,
        candidate: str,
        entry_point: str,
        cases: Sequence[tuple[int, Sequence[Value]]],
        nonce: str,
    ) -> str:
        table = self.render_cases(cases)
        tag = secrets.token_hex(8)
        harness = fill_template(
            self.harness,
            {
                "__CF_CASES__": table,
                "__CF_ENTRY__": self.entry_ref(entry_point),
                "__CF_MARKER__": MARKER,
                "__CF_TAG__": tag,
            },
        )
        code = self.strip_candidate(candidate)
        declare = ""
        if match := _STRICT_TYPES.match(code):
            declare = match.group(2) + "\n"
            code = match.group(1) + code[match.end() :]
        # The nonce (unused here) arrives on stdin; the generator reads it before the candidate.
        run = f"$__cf_{tag} = __cf_run_{tag}();\n$__cf_{tag}->current();\n"
        return f"{self.prologue}{declare}{harness}\n{run}{code}\n$__cf_{tag}->next();\n"


def php_string(text: str) -> str:
    """A double-quoted PHP literal in plain ASCII: `$`, `\\`, `"` escaped, the rest as \\x bytes.

    MultiPL-E's PHP translator never escaped `$` or `\\`; this is the piece that must not be wrong.
    """
    return ascii_literal(text.encode("utf-8"), '\\$"', lambda b: f"\\x{b:02x}")
