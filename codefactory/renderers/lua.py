"""Lua 5.4: input literals, the output serializer and the driver program."""

from __future__ import annotations

import math

from codefactory.renderers.base import ScriptRenderer, ascii_literal
from codefactory.values import Value

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

_PROLOGUE = "local __cf_out = io.stdout\nlocal __cf_pcall = pcall\n"
_HARNESS = r"""
local function __cf_str(s)
  if utf8.len(s) == nil then return '{"unsupported":"invalid UTF-8 string"}' end
  local escaped = s:gsub('[%c"\\]', function(c)
    if c == '"' then return '\\"' elseif c == '\\' then return '\\\\' end
    return string.format('\\u%04x', c:byte())
  end)
  return '"' .. escaped .. '"'
end

local function __cf_enc(v)
  local t = type(v)
  if v == nil then return 'null' end
  if t == 'boolean' then return v and 'true' or 'false' end
  if t == 'number' then
    if math.type(v) == 'integer' then return '{"int":"' .. tostring(v) .. '"}' end
    if v ~= v then return '{"float":"nan"}' end
    if v == math.huge then return '{"float":"inf"}' end
    if v == -math.huge then return '{"float":"-inf"}' end
    return '{"float":"' .. string.format('%.17g', v) .. '"}'
  end
  if t == 'string' then return __cf_str(v) end
  if t == 'table' then
    local n, count = #v, 0
    for _ in pairs(v) do count = count + 1 end
    local parts = {}
    if count == n then
      for i = 1, n do parts[i] = __cf_enc(v[i]) end
      return '[' .. table.concat(parts, ',') .. ']'
    end
    for k, x in pairs(v) do parts[#parts + 1] = '[' .. __cf_enc(k) .. ',' .. __cf_enc(x) .. ']' end
    return '{"dict":[' .. table.concat(parts, ',') .. ']}'
  end
  return '{"unsupported":"' .. t .. '"}'
end

local __cf_n = 0
for _, __cf_case in ipairs(__CF_CASES__) do
  local id, args = __cf_case[1], __cf_case[2]
  local ok, result = __cf_pcall(__CF_ENTRY__, table.unpack(args, 1, args.n))
  local line
  if ok then
    local enc_ok, encoded = __cf_pcall(__cf_enc, result)
    if enc_ok then
      line = '{"id":' .. id .. ',"ok":true,"value":' .. encoded .. '}'
    else
      line = '{"id":' .. id .. ',"ok":false,"error":' .. __cf_str(tostring(encoded)) .. '}'
    end
  else
    line = '{"id":' .. id .. ',"ok":false,"error":' .. __cf_str(tostring(result)) .. '}'
  end
  __cf_out:write('\n__CF_PREFIX__ ' .. line .. '\n')
  __cf_out:flush()
  __cf_n = __cf_n + 1
end
__cf_out:write('\n__CF_PREFIX__ DONE ' .. __cf_n .. '\n')
__cf_out:flush()
"""


class LuaRenderer(ScriptRenderer):
    prologue = _PROLOGUE
    harness = _HARNESS
    int_range = (INT64_MIN, INT64_MAX)

    def nested_reason(self, value: Value) -> str | None:
        return "None inside a container (a hole in a Lua table)" if value is None else None

    def dict_reason(self, value: dict[Value, Value]) -> str | None:
        if any(isinstance(k, int) for k in value):
            return "dict with int keys (a Lua table would read as a list)"
        return None

    def scalar(self, value: Value) -> str:
        if value is None:
            return "nil"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            if value == INT64_MIN:
                return "math.mininteger"
            return f"({value})" if value < 0 else str(value)
        if isinstance(value, float):
            if math.isinf(value):
                return "math.huge" if value > 0 else "(-math.huge)"
            text = repr(value)
            return f"({text})" if text.startswith("-") else text
        if isinstance(value, str):
            return lua_string(value)
        raise TypeError(f"no Lua literal for {type(value).__name__}")

    def list_literal(self, items: list[str]) -> str:
        return "{" + ", ".join(items) + "}"

    def dict_literal(self, pairs: list[tuple[str, str]]) -> str:
        return "{" + ", ".join(f"[{k}] = {v}" for k, v in pairs) + "}"

    def case_row(self, case_id: int, args: list[str]) -> str:
        return f"{{{case_id}, table.pack({', '.join(args)})}}"

    def cases_table(self, rows: list[str]) -> str:
        return "{" + ", ".join(rows) + "}"


def lua_string(text: str) -> str:
    """A Lua literal in plain ASCII: `"` and `\\` escaped, other bytes as decimal \\ddd."""
    return ascii_literal(text.encode("utf-8"), '"\\', lambda b: f"\\{b:03d}")
