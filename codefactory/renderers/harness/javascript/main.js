
'use strict';
const $fs = require('fs');
const $process = process;
// The run's nonce, the very first thing: stdin's first line (then end of file), read before any
// candidate code is compiled or run. It is in no file of the program (the candidate can read
// those), and it stays in this module's scope, which the candidate's realm cannot reach. The
// process's memory is readable (/proc/self/mem): a candidate that finds the nonce there is
// stopped by the exit guard and the fd 1 check below (attacks output_exit_early, output_fd_swap).
const $NONCE = (function readNonce() {
  const buf = new Uint8Array(4096);
  const nap = new Int32Array(new SharedArrayBuffer(4));
  let n = 0;
  let end = -1;
  while (end < 0 && n < buf.length) {
    let got;
    try {
      got = $fs.readSync(0, buf, n, buf.length - n, null);
    } catch (e) {
      if (e && (e.code === 'EAGAIN' || e.code === 'EINTR')) {
        Atomics.wait(nap, 0, 0, 1);  // a non-blocking pipe with nothing in it yet
        continue;
      }
      break;
    }
    if (!(got > 0)) break;  // end of file
    for (let i = n; i < n + got; i++) {
      if (buf[i] === 10 || buf[i] === 13) {
        end = i;
        break;
      }
    }
    n += got;
  }
  let text = '';
  for (let i = 0; i < (end < 0 ? n : end); i++) text += String.fromCharCode(buf[i]);
  if (!/^[0-9a-f]+$/i.test(text)) {
    $fs.writeSync(2, 'no run nonce on stdin\n');
    $process.reallyExit(70);
  }
  return text;
})();
// The candidate runs in a vm context of its own, so its globals and prototypes are not the
// harness's; every builtin the harness uses after the candidate starts is captured here first,
// and the raw fs binding's functions stand in for fs.writeSync (whose internals look up
// patchable properties at call time). Nothing below calls a method the returned value can define.
const $vm = require('vm');
const $util = require('util');
const $binding = $process.binding('fs');
const $apply = Reflect.apply;
const $fstat = $binding.fstat;
const $writeString = $binding.writeString;
const $reallyExit = $process.reallyExit;
const $format = $util.format;
const $isProxy = $util.types.isProxy;
const $isMap = $util.types.isMap;
const $isSet = $util.types.isSet;
const $isArray = Array.isArray;
const $getPrototypeOf = Object.getPrototypeOf;
const $ownKeys = Reflect.ownKeys;
const $getOwnPropertyDescriptor = Reflect.getOwnPropertyDescriptor;
const $hasOwn = Object.hasOwn;
const $is = Object.is;
const $isInteger = Number.isInteger;
const $isNaN = Number.isNaN;
const $isFinite = Number.isFinite;
const $BigInt = BigInt;
const $charCodeAt = String.prototype.charCodeAt;
const $slice = String.prototype.slice;
const $mapEntries = Map.prototype.entries;
const $mapNext = $getPrototypeOf(new Map().entries()).next;
const $setValues = Set.prototype.values;
const $setNext = $getPrototypeOf(new Set().values()).next;
const $ObjectPrototype = Object.prototype;
const HEX = '0123456789abcdef';
const PREFIX = __CF_MARKER__ + ' ' + $NONCE;  // frames every record and DONE

// Writes all of `text` (ASCII) to fd, retrying a full non-blocking pipe.
function $write(fd, text) {
  while (text.length > 0) {
    const ctx = { __proto__: null };
    const n = $apply($writeString, $binding, [fd, text, null, 'utf8', undefined, ctx]);
    if ($hasOwn(ctx, 'errno')) {
      if (ctx.code === 'EAGAIN') continue;
      throw new Error('write failed');
    }
    if (!(n > 0)) throw new Error('write failed');
    text = $apply($slice, text, [n]);
  }
}

// What fd 1 is (device, inode, mode, rdev), so a swapped descriptor is noticed before a write.
function $identify(fd) {
  const ctx = { __proto__: null };
  const st = $apply($fstat, $binding, [fd, false, undefined, ctx]);
  if ($hasOwn(ctx, 'errno')) return 'closed';
  return st[0] + ':' + st[7] + ':' + st[1] + ':' + st[5];
}

// The candidate's console output: one write, failures ignored (it is not a record).
function $print(fd, text) {
  $apply($writeString, $binding, [fd, text, null, 'utf8', undefined, { __proto__: null }]);
}

// Ends the process with a failure through the captured exit: an exit handler, an
// uncaughtException listener or a replaced process.exit cannot turn it into success.
function $die(why, code) {
  try {
    $write(2, why + '\n');
  } finally {
    $apply($reallyExit, $process, [code]);
  }
}

// Every code unit outside printable ASCII is escaped, so bytes written == characters.
function $quote(s) {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = $apply($charCodeAt, s, [i]);
    if (c === 34) out += '\\"';
    else if (c === 92) out += '\\\\';
    else if (c >= 32 && c < 127) out += s[i];
    else out += '\\u' + HEX[(c >> 12) & 15] + HEX[(c >> 8) & 15] + HEX[(c >> 4) & 15] + HEX[c & 15];
  }
  return out + '"';
}

const $ACCESSOR = { __proto__: null };  // an own accessor: its getter is never called

function $own(o, key) {
  const d = $getOwnPropertyDescriptor(o, key);
  if (d === undefined) return undefined;
  return $hasOwn(d, 'value') ? d.value : $ACCESSOR;
}

function $enc(v) {
  if (v === null || v === undefined) return 'null';
  const t = typeof v;
  if (t === 'boolean') return v ? 'true' : 'false';
  if (t === 'bigint') return '{"int":"' + v + '"}';
  if (t === 'number') {
    if ($isNaN(v)) return '{"float":"nan"}';
    if (!$isFinite(v)) return v > 0 ? '{"float":"inf"}' : '{"float":"-inf"}';
    if ($is(v, -0)) return '{"float":"-0.0"}';
    if ($isInteger(v)) return '{"int":"' + $BigInt(v) + '"}';
    return '{"float":"' + v + '"}';
  }
  if (t === 'string') return $quote(v);
  if (v === $ACCESSOR) return '{"unsupported":"accessor property"}';
  if (t !== 'object') return '{"unsupported":' + $quote(t) + '}';
  if ($isProxy(v)) return '{"unsupported":"Proxy"}';
  if ($isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) out += (i ? ',' : '') + $enc($own(v, i));
    return out + ']';
  }
  if ($isMap(v)) {
    const it = $apply($mapEntries, v, []);
    let out = '{"dict":[';
    for (let r = $apply($mapNext, it, []), i = 0; !r.done; r = $apply($mapNext, it, []), i++) {
      out += (i ? ',' : '') + '[' + $enc(r.value[0]) + ',' + $enc(r.value[1]) + ']';
    }
    return out + ']}';
  }
  if ($isSet(v)) {
    const it = $apply($setValues, v, []);
    let out = '{"set":[';
    for (let r = $apply($setNext, it, []), i = 0; !r.done; r = $apply($setNext, it, []), i++) {
      out += (i ? ',' : '') + $enc(r.value);
    }
    return out + ']}';
  }
  const proto = $getPrototypeOf(v);
  if (proto === null || proto === $ObjectPrototype || proto === $contextObjectPrototype) {
    const keys = $ownKeys(v);
    let out = '{"dict":[';
    let first = true;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      const d = typeof k === 'string' ? $getOwnPropertyDescriptor(v, k) : undefined;
      if (d === undefined || !d.enumerable) continue;
      const item = $enc($hasOwn(d, 'value') ? d.value : $ACCESSOR);
      out += (first ? '' : ',') + '[' + $quote(k) + ',' + item + ']';
      first = false;
    }
    return out + ']}';
  }
  return '{"unsupported":"object"}';
}

// Made inside the context before the candidate runs, with that realm's builtins captured: the
// call helper, the description of a thrown value, console/module/require, and the globals the
// candidate's code gets as parameters (global lookups in a vm context are slow).
function $setup(hostRequire, hostWrite, hostFormat, hostGlobals) {
  'use strict';
  const apply = Reflect.apply;
  const ErrorClass = Error;
  const toText = String;
  function describe(e) {
    try {
      return e instanceof ErrorClass ? e.name + ': ' + e.message : toText(e);
    } catch (_) {
      return 'a thrown value that cannot be described';
    }
  }
  function stack(e) {
    try {
      const s = e instanceof ErrorClass ? e.stack : undefined;
      if (typeof s === 'string') return s;
    } catch (_) {}
    return describe(e);
  }
  function call(f, self, args, withStack) {
    try {
      return [true, apply(f, self, args)];
    } catch (e) {
      return [false, withStack ? stack(e) : describe(e)];
    }
  }
  const to = (fd) => function (...args) {
    hostWrite(fd, apply(hostFormat, undefined, args) + '\n');
  };
  const nothing = function () {};
  const console = {
    log: to(1), info: to(1), debug: to(1), dir: to(1), table: to(1), warn: to(2), error: to(2),
    trace: to(2), time: nothing, timeEnd: nothing, timeLog: nothing, group: nothing,
    groupCollapsed: nothing, groupEnd: nothing, count: nothing, countReset: nothing,
    assert(ok, ...rest) { if (!ok) apply(to(2), undefined, ['Assertion failed', ...rest]); },
  };
  const module = { exports: {} };
  const require = function require(name) { return hostRequire(name); };
  for (const [name, value] of [['global', globalThis], ['console', console], ...hostGlobals]) {
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true });
  }
  const names = Object.getOwnPropertyNames(globalThis).filter(
    (n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== 'eval' && n !== 'undefined');
  return [call, names, names.map((n) => globalThis[n]), module, require, Object.prototype];
}

const $file = __dirname + '/candidate.js';  // beside the harness (TypeScript: tsc's output)
const $source = $fs.readFileSync($file, 'utf8');
const $context = $vm.createContext({ __proto__: null });
const $hostGlobals = [
  'process', 'Buffer', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate',
  'clearImmediate', 'queueMicrotask', 'structuredClone', 'TextEncoder', 'TextDecoder', 'URL',
  'URLSearchParams', 'atob', 'btoa', 'performance',
].map((n) => [n, globalThis[n]]);
const [$call, $names, $values, $module, $require, $contextObjectPrototype] = $vm.runInContext(
  '(' + $setup + ')', $context, { filename: 'harness-setup.js' },
)(require, $print, $format, $hostGlobals);
const $cases = $vm.runInContext(__CF_CASES__, $context, { filename: 'harness-cases.js' });
// A syntax error is left uncaught here, before any candidate code has run: node reports it.
const $outer = $vm.compileFunction(
  'return function (exports, require, module, __filename, __dirname) {\n' + $source +
    '\n;return ' + __CF_ENTRY__ + ';\n};',
  $names, { filename: $file, parsingContext: $context, lineOffset: -1 });

let $finished = false;
$process.reallyExit = function reallyExit(code) {
  if (!$finished) $die('the program exited before the harness wrote every record', 70);
  $apply($reallyExit, $process, [code]);
};
// A debugger (an inspector session, one a worker attaches to the main thread, or the inspector
// that SIGUSR1 starts) could pause the harness and rewrite its locals: none of them is reachable.
const $REFUSED = {
  __proto__: null, inspector: 1, 'node:inspector': 1, 'inspector/promises': 1,
  'node:inspector/promises': 1, worker_threads: 1, 'node:worker_threads': 1,
};
const $Module = require('module');
const $load = $Module._load;
$Module._load = function _load(request, parent, isMain) {
  if (typeof request !== 'string' || $REFUSED[request] === 1) {
    throw new Error('the module ' + (typeof request === 'string' ? request : '?') + ' is refused');
  }
  return $apply($load, this, [request, parent, isMain]);
};
const $processBinding = $process.binding;
$process.binding = function binding(name) {
  if (typeof name !== 'string' || name === 'inspector' || name === 'worker') {
    throw new Error('the binding is not available');
  }
  return $apply($processBinding, $process, [name]);
};
$process.on('SIGUSR1', function () {});  // once listened to, the signal no longer starts one
try {
  const $stdout = $identify(1);
  const $emit = (text) => {
    if ($identify(1) !== $stdout) $die('stdout was replaced while the candidate ran', 70);
    $write(1, text);
  };
  const $exports = $module.exports;
  const $inner = $apply($outer, undefined, $values);
  const $start = $apply($call, undefined, [
    $inner, $exports, [$exports, $require, $module, $file, __dirname], true]);
  if ($start[0] !== true) {
    $die(typeof $start[1] === 'string' ? $start[1] : 'the program threw', 1);
  }
  const $entry = $start[1];
  let $n = 0;
  for (let i = 0; i < $cases.length; i++) {
    const $row = $cases[i];
    const $id = $row[0];
    const $result = $apply($call, undefined, [$entry, undefined, $row[1], false]);
    let $line;
    if ($result[0] === true) {
      let $value = null;
      try {
        $value = $enc($result[1]);
      } catch (_) {
        $value = null;  // nested too deeply for the stack, or cyclic
      }
      $line = $value === null
        ? '{"id":' + $id + ',"ok":false,"error":"the result could not be serialized"}'
        : '{"id":' + $id + ',"ok":true,"value":' + $value + '}';
    } else {
      const $why = typeof $result[1] === 'string' ? $result[1] : 'error';
      $line = '{"id":' + $id + ',"ok":false,"error":' + $quote($why) + '}';
    }
    $emit('\n' + PREFIX + ' ' + $line + '\n');
    $n++;
  }
  $emit('\n' + PREFIX + ' DONE ' + $n + '\n');
  $finished = true;
} catch (_) {
  $die('the harness failed after the candidate ran', 70);
}
