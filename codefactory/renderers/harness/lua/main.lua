
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
