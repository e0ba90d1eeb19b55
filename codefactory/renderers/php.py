"""PHP: input literals, the output serializer and the driver program."""

from __future__ import annotations

import math
import re

from codefactory.renderers.base import ScriptRenderer, ascii_literal
from codefactory.values import Value

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# PHP turns a string key that looks like a canonical decimal int into an int key.
_INT_LIKE_KEY = re.compile(r"-?(0|[1-9][0-9]*)")

# The serializer and the loop. Every builtin is fully qualified so that a candidate's namespace
# cannot shadow it, and records go through \fwrite(\STDOUT), which ob_start cannot capture.
_HARNESS = r"""
function __cf_enc($v) {
    if ($v === null) { return 'null'; }
    if (\is_bool($v)) { return $v ? 'true' : 'false'; }
    if (\is_int($v)) { return '{"int":"' . $v . '"}'; }
    if (\is_float($v)) {
        if (\is_nan($v)) { return '{"float":"nan"}'; }
        if (\is_infinite($v)) { return $v > 0 ? '{"float":"inf"}' : '{"float":"-inf"}'; }
        return '{"float":"' . \var_export($v, true) . '"}';
    }
    if (\is_string($v)) {
        if (!\mb_check_encoding($v, 'UTF-8')) { return '{"bytes":"' . \base64_encode($v) . '"}'; }
        return \json_encode($v, \JSON_UNESCAPED_SLASHES);
    }
    if (\is_array($v)) {
        $parts = [];
        if (\array_is_list($v)) {
            foreach ($v as $x) { $parts[] = __cf_enc($x); }
            return '[' . \implode(',', $parts) . ']';
        }
        foreach ($v as $k => $x) { $parts[] = '[' . __cf_enc($k) . ',' . __cf_enc($x) . ']'; }
        return '{"dict":[' . \implode(',', $parts) . ']}';
    }
    return '{"unsupported":' . \json_encode(\is_object($v) ? \get_class($v) : \gettype($v)) . '}';
}
// Warnings become exceptions: Python raises where PHP would warn and carry on with null.
\set_error_handler(function ($no, $msg, $file, $line) {
    if (!(\error_reporting() & $no)) { return false; }
    throw new \ErrorException($msg, 0, $no, $file, $line);
}, \E_WARNING | \E_USER_WARNING | \E_RECOVERABLE_ERROR);
$__cf_n = 0;
foreach (__CF_CASES__ as $__cf_id => $__cf_args) {
    try {
        $__cf_line = '{"id":' . $__cf_id . ',"ok":true,"value":'
            . __cf_enc(__CF_ENTRY__(...$__cf_args)) . '}';
    } catch (\Throwable $__cf_e) {
        $__cf_msg = \get_class($__cf_e) . ': ' . $__cf_e->getMessage();
        $__cf_line = '{"id":' . $__cf_id . ',"ok":false,"error":'
            . \json_encode($__cf_msg, \JSON_INVALID_UTF8_SUBSTITUTE) . '}';
    }
    \fwrite(\STDOUT, "\n__CF_PREFIX__ " . $__cf_line . "\n");
    $__cf_n++;
}
\fwrite(\STDOUT, "\n__CF_PREFIX__ DONE " . $__cf_n . "\n");
"""


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


def php_string(text: str) -> str:
    """A double-quoted PHP literal in plain ASCII: `$`, `\\`, `"` escaped, the rest as \\x bytes.

    MultiPL-E's PHP translator never escaped `$` or `\\`; this is the piece that must not be wrong.
    """
    return ascii_literal(text.encode("utf-8"), '\\$"', lambda b: f"\\x{b:02x}")
