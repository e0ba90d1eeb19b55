"""JavaScript (Node): input literals, the output serializer and the driver program."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

from codefactory.protocol import MARKER
from codefactory.renderers.base import fill_template
from codefactory.values import Value, generic_unsupported_reason

SAFE_INT = 2**53  # beyond this a JS number is not an exact integer

# `fs.writeSync` is captured before the candidate runs, so nothing it redefines can intercept
# the records; the harness runs after the candidate's definitions.
_PROLOGUE = "const __cf_write = require('fs').writeSync;\n"
_HARNESS = r"""
;(function () {
  function enc(v) {
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'bigint') return '{"int":"' + v.toString() + '"}';
    if (typeof v === 'number') {
      if (Number.isNaN(v)) return '{"float":"nan"}';
      if (!Number.isFinite(v)) return v > 0 ? '{"float":"inf"}' : '{"float":"-inf"}';
      if (Object.is(v, -0)) return '{"float":"-0.0"}';
      if (Number.isInteger(v)) return '{"int":"' + BigInt(v).toString() + '"}';
      return '{"float":"' + String(v) + '"}';
    }
    if (typeof v === 'string') return JSON.stringify(v);
    if (Array.isArray(v)) return '[' + v.map(enc).join(',') + ']';
    if (v instanceof Map) {
      return '{"dict":[' + Array.from(v.entries()).map(
        (e) => '[' + enc(e[0]) + ',' + enc(e[1]) + ']').join(',') + ']}';
    }
    if (v instanceof Set) return '{"set":[' + Array.from(v).map(enc).join(',') + ']}';
    const proto = Object.getPrototypeOf(v);
    if (typeof v === 'object' && (proto === Object.prototype || proto === null)) {
      return '{"dict":[' + Object.keys(v).map(
        (k) => '[' + JSON.stringify(k) + ',' + enc(v[k]) + ']').join(',') + ']}';
    }
    return '{"unsupported":' + JSON.stringify(typeof v) + '}';
  }
  let n = 0;
  for (const [id, args] of __CF_CASES__) {
    let line;
    try {
      line = '{"id":' + id + ',"ok":true,"value":' + enc(__CF_ENTRY__(...args)) + '}';
    } catch (e) {
      const why = e instanceof Error ? e.name + ': ' + e.message : String(e);
      line = '{"id":' + id + ',"ok":false,"error":' + JSON.stringify(why) + '}';
    }
    __cf_write(1, '\n__CF_PREFIX__ ' + line + '\n');
    n++;
  }
  __cf_write(1, '\n__CF_PREFIX__ DONE ' + n + '\n');
})();
"""


class JavaScriptRenderer:
    def unsupported_reason(self, value: Value) -> str | None:
        reason = generic_unsupported_reason(value)
        if reason:
            return reason
        if isinstance(value, int) and not isinstance(value, bool):
            return None if abs(value) <= SAFE_INT else "int beyond 2**53"
        if isinstance(value, list | tuple):
            return next((r for r in map(self.unsupported_reason, value) if r), None)
        if isinstance(value, dict):
            if len({str(k) for k in value}) != len(value):
                return "dict keys that collide as strings"
            for key, item in value.items():
                reason = self.unsupported_reason(key) or self.unsupported_reason(item)
                if reason:
                    return reason
        return None

    def literal(self, value: Value) -> str:
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            if math.isinf(value):
                return "Infinity" if value > 0 else "-Infinity"
            if value == 0 and math.copysign(1, value) < 0:
                return "-0"
            return repr(value)
        if isinstance(value, str):
            return json.dumps(value)  # ASCII-only JSON is a valid JS string literal
        if isinstance(value, list | tuple):
            return "[" + ", ".join(self.literal(v) for v in value) + "]"
        if isinstance(value, dict):
            items = ", ".join(f"{json.dumps(str(k))}: {self.literal(v)}" for k, v in value.items())
            return "{" + items + "}"
        raise TypeError(f"no JavaScript literal for {type(value).__name__}")

    def strip_candidate(self, candidate: str) -> str:
        return candidate.strip()

    def driver(
        self,
        candidate: str,
        entry_point: str,
        cases: Sequence[tuple[int, Sequence[Value]]],
        nonce: str,
    ) -> str:
        table = (
            "["
            + ", ".join(
                f"[{case_id}, [{', '.join(self.literal(v) for v in args)}]]"
                for case_id, args in cases
            )
            + "]"
        )
        harness = fill_template(
            _HARNESS,
            {
                "__CF_CASES__": table,
                "__CF_ENTRY__": entry_point,
                "__CF_PREFIX__": f"{MARKER} {nonce}",
            },
        )
        return _PROLOGUE + self.strip_candidate(candidate) + "\n" + harness
