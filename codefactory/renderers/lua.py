"""Lua 5.4: input literals, the output serializer and the driver program."""

from __future__ import annotations

import math
from collections.abc import Sequence

from codefactory.core.values import Value
from codefactory.judge.protocol import MARKER
from codefactory.renderers.base import ScriptRenderer, ascii_literal, fill_template

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

# Everything the harness uses is captured into locals and the cases are built before any candidate
# code exists. The candidate is then loaded as text into an environment of its own: its globals,
# and its changes to globals, never reach the harness, and the debug library (which reads and
# writes any function's locals and upvalues) is not in it. Loaders in that environment default
# to it, never to the real globals, and load text only (crafted bytecode can corrupt memory).
# The serializer uses raw access only (no __index, __len, __pairs or __tostring is called), and
# records go through the FILE* write method captured here. The run's nonce is never in this file
# (the candidate can read the file): the first statement reads it from stdin into a local, which
# no code in the candidate's environment can reach without debug; stdin is then at end of file.
_HARNESS = r"""
local prefix = io.stdin:read('l')
if prefix == nil or prefix == '' then
  io.stderr:write('no run nonce on stdin\n')
  os.exit(70)
end
prefix = '\n__CF_MARKER__ ' .. prefix .. ' '
local type, next, select, rawget, rawlen = type, next, select, rawget, rawlen
local pcall, xpcall, load, loadfile, error = pcall, xpcall, load, loadfile, error
local fmt, gsub, byte = string.format, string.gsub, string.byte
local concat, unpack = table.concat, table.unpack
local mtype, huge, ulen = math.type, math.huge, utf8.len
local stdout, stderr, exit = io.stdout, io.stderr, os.exit
local write, flush = stdout.write, stdout.flush
local traceback = debug.traceback
local globals, real_package = _G, package

local cases = __CF_CASES__

local env, pkg, loaded = {}, {}, {}
for k, v in next, globals do env[k] = v end
for k, v in next, real_package do pkg[k] = v end
for k, v in next, real_package.loaded do loaded[k] = v end
env._G, env.package, env.debug = env, pkg, {traceback = traceback}
pkg.loaded, pkg.preload, pkg.searchers, pkg.loadlib = loaded, {}, {}, nil
loaded._G, loaded.package, loaded.debug = env, pkg, env.debug
env.require = function(name)
  local m = loaded[name]
  if m ~= nil then return m end
  local open = pkg.preload[name]
  if open == nil then error("module '" .. name .. "' not found", 2) end
  m = open(name, ':preload:')
  if m == nil then m = true end
  loaded[name] = m
  return m
end
env.load = function(chunk, name, mode, ...)
  if select('#', ...) == 0 then return load(chunk, name, 't', env) end
  return load(chunk, name, 't', (...))
end
env.loadfile = function(file, mode, ...)
  if select('#', ...) == 0 then return loadfile(file, 't', env) end
  return loadfile(file, 't', (...))
end
env.dofile = function(file)
  local f, err = loadfile(file, 't', env)
  if f == nil then error(err, 2) end
  return f()
end

local function describe(e)
  local t = type(e)
  if t == 'string' then return e end
  if t == 'number' then return mtype(e) == 'integer' and fmt('%d', e) or fmt('%.17g', e) end
  return '(error object is a ' .. t .. ' value)'
end

local function esc(c)
  if c == '"' then return '\\"' elseif c == '\\' then return '\\\\' end
  return fmt('\\u%04x', byte(c))
end

local function str(s)
  if ulen(s) == nil then return '{"unsupported":"invalid UTF-8 string"}' end
  return '"' .. gsub(s, '[%c"\\]', esc) .. '"'
end

local function enc(v)
  local t = type(v)
  if t == 'nil' then return 'null' end
  if t == 'boolean' then return v and 'true' or 'false' end
  if t == 'number' then
    if mtype(v) == 'integer' then return '{"int":"' .. fmt('%d', v) .. '"}' end
    if v ~= v then return '{"float":"nan"}' end
    if v == huge then return '{"float":"inf"}' end
    if v == -huge then return '{"float":"-inf"}' end
    return '{"float":"' .. fmt('%.17g', v) .. '"}'
  end
  if t == 'string' then return str(v) end
  if t == 'table' then
    local n, count, parts = rawlen(v), 0, {}
    for _ in next, v do count = count + 1 end
    if count == n then
      for i = 1, n do parts[i] = enc(rawget(v, i)) end
      return '[' .. concat(parts, ',') .. ']'
    end
    count = 0
    for k, x in next, v do
      count = count + 1
      parts[count] = '[' .. enc(k) .. ',' .. enc(x) .. ']'
    end
    return '{"dict":[' .. concat(parts, ',') .. ']}'
  end
  return '{"unsupported":"' .. t .. '"}'
end

local chunk, problem = load(__CF_SOURCE__, '=candidate', 't', env)
if chunk == nil then
  write(stderr, 'lua5.4: ' .. describe(problem) .. '\n')
  exit(1)
end
local loaded_ok, entry = xpcall(chunk, traceback)
if not loaded_ok then
  write(stderr, 'lua5.4: ' .. describe(entry) .. '\n')
  exit(1)
end

local n = 0
for i = 1, rawlen(cases) do
  local id, args = cases[i][1], cases[i][2]
  local ok, result = pcall(entry, unpack(args, 1, args.n))
  local line
  if ok then
    local enc_ok, encoded = pcall(enc, result)
    if enc_ok then
      line = '{"id":' .. id .. ',"ok":true,"value":' .. encoded .. '}'
    else
      line = '{"id":' .. id .. ',"ok":false,"error":' .. str(describe(encoded)) .. '}'
    end
  else
    line = '{"id":' .. id .. ',"ok":false,"error":' .. str(describe(result)) .. '}'
  end
  write(stdout, prefix .. line .. '\n')
  flush(stdout)
  n = n + 1
end
write(stdout, prefix .. 'DONE ' .. n .. '\n')
flush(stdout)
"""


class LuaRenderer(ScriptRenderer):
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

    def driver(
        self,
        candidate: str,
        entry_point: str,
        cases: Sequence[tuple[int, Sequence[Value]]],
        nonce: str,
    ) -> str:
        table = self.render_cases(cases)
        # The nonce (unused here) arrives on stdin. The chunk hands back the entry point, so a
        # `local function` works as well as a global.
        source = self.strip_candidate(candidate) + "\nreturn " + entry_point + "\n"
        return fill_template(
            self.harness,
            {
                "__CF_CASES__": table,
                "__CF_SOURCE__": lua_string(source),
                "__CF_MARKER__": MARKER,
            },
        )


def lua_string(text: str) -> str:
    """A Lua literal in plain ASCII: `"` and `\\` escaped, other bytes as decimal \\ddd."""
    return ascii_literal(text.encode("utf-8"), '"\\', lambda b: f"\\{b:03d}")
