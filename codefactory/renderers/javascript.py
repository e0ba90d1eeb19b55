"""JavaScript (Node): input literals, the output serializer and the driver program."""

from __future__ import annotations

import json
import math

from codefactory.renderers.base import ScriptRenderer
from codefactory.values import Value

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


class JavaScriptRenderer(ScriptRenderer):
    prologue = _PROLOGUE
    harness = _HARNESS
    int_range = (-SAFE_INT, SAFE_INT)

    def dict_reason(self, value: dict[Value, Value]) -> str | None:
        if len({str(k) for k in value}) != len(value):
            return "dict keys that collide as strings"
        return None

    def scalar(self, value: Value) -> str:
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
        raise TypeError(f"no JavaScript literal for {type(value).__name__}")

    def dict_key(self, key: Value) -> str:
        return json.dumps(str(key))

    def dict_literal(self, pairs: list[tuple[str, str]]) -> str:
        return "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"
