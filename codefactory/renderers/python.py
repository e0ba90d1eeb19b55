"""Python: the oracle's driver. Runs the source's own calls and reports inputs and results.

The Python source is untrusted input too, so this runs in the Python sandbox. The value encoder
is `codefactory/values.py` itself, embedded verbatim, so host and sandbox can never disagree.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence

from codefactory import values
from codefactory.protocol import MARKER
from codefactory.renderers.base import fill_template
from codefactory.values import Value, generic_unsupported_reason

_DRIVER = r"""
import copy as _copy, json as _json, os as _os, signal as _signal, sys as _sys

_PREFIX = __PREFIX__
_CASE_S = __CASE_S__
_VALUES = {"__name__": "cf_values"}
exec(compile(__VALUES_SRC__, "<values>", "exec"), _VALUES)
_encode = _VALUES["encode"]
_write = _os.write


def _emit(obj):
    _write(1, ("\n" + _PREFIX + " " + _json.dumps(obj) + "\n").encode())


class _CaseTimeout(BaseException):
    pass


def _on_alarm(signum, frame):
    raise _CaseTimeout()


_signal.signal(_signal.SIGALRM, _on_alarm)
_real_stdout = _sys.stdout
_sys.stdout = _sys.stderr  # the source's prints must not mix with records
_sys.setrecursionlimit(3000)
_g = {"__name__": "cf_source", "__builtins__": __builtins__}
try:
    exec(compile(__SETUP__, "<setup>", "exec"), _g)
    exec(compile(__SOURCE__, "<source>", "exec"), _g)
    _fn = _g[__ENTRY__]
except BaseException as _e:
    _why = "source failed to load: %s: %s" % (type(_e).__name__, _e)
    _emit({"id": -1, "ok": False, "error": _why})
    _fn = None
_n = 0
for _cid, _args_src in __CALLS__:
    if _fn is None:
        break
    try:
        _signal.setitimer(_signal.ITIMER_REAL, _CASE_S)
        _args = eval(_args_src, _g)
        _inputs = _encode(_copy.deepcopy(list(_args)))  # before the call: functions mutate
        _value = _encode(_fn(*_args))
        _signal.setitimer(_signal.ITIMER_REAL, 0)
        _emit({"id": _cid, "ok": True, "inputs": _inputs, "value": _value})
    except _CaseTimeout:
        _emit({"id": _cid, "ok": False, "error": "timeout", "timeout": True})
    except BaseException as _e:
        _signal.setitimer(_signal.ITIMER_REAL, 0)
        _emit({"id": _cid, "ok": False, "error": "%s: %s" % (type(_e).__name__, str(_e)[:500])})
    _n += 1
_emit_done = _PREFIX + " DONE " + str(_n)
_write(1, ("\n" + _emit_done + "\n").encode())
_sys.stdout = _real_stdout
_os._exit(0)
"""


class PythonRenderer:
    """Not a target: `driver` here is the oracle's, taking argument *source* per case."""

    case_timeout_s = 2.0

    def unsupported_reason(self, value: Value) -> str | None:
        return generic_unsupported_reason(value)

    def literal(self, value: Value) -> str:
        return repr(value)

    def strip_candidate(self, candidate: str) -> str:
        return candidate.strip()

    def driver(
        self,
        candidate: str,
        entry_point: str,
        cases: Sequence[tuple[int, Sequence[Value]]],
        nonce: str,
    ) -> str:
        calls = [
            (case_id, "(" + "".join(f"{self.literal(v)}, " for v in args) + ")")
            for case_id, args in cases
        ]
        return self.oracle_driver(candidate, "", entry_point, calls, nonce)

    def oracle_driver(
        self,
        source: str,
        setup: str,
        entry_point: str,
        calls: Sequence[tuple[int, str]],
        nonce: str,
    ) -> str:
        replacements = {
            "__PREFIX__": repr(f"{MARKER} {nonce}"),
            "__CASE_S__": repr(self.case_timeout_s),
            "__VALUES_SRC__": repr(inspect.getsource(values)),
            "__SETUP__": repr(setup),
            "__SOURCE__": repr(source),
            "__ENTRY__": repr(entry_point),
            "__CALLS__": repr(list(calls)),
        }
        return fill_template(_DRIVER, replacements)
