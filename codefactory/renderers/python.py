"""Python: the oracle's driver. Runs the source's own calls and reports inputs and results.

The Python source is untrusted input too, so this runs in the Python sandbox. The value encoder
is `codefactory/values.py` itself, embedded verbatim, so host and sandbox can never disagree.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import ClassVar

from codefactory.core import values
from codefactory.core.values import Value, generic_unsupported_reason
from codefactory.judge.protocol import MARKER
from codefactory.renderers.base import fill_template

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
__CLOCK__
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

    typed: ClassVar[bool] = False
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
        return self._driver(source, setup, entry_point, nonce, repr(list(calls)), "")

    def oracle_child(self, source: str, setup: str, entry_point: str, nonce: str) -> str:
        """The oracle's driver as one run of the tests run (suite/combined.py): its calls and
        its clock shift come from the JSON file named by its first argument."""
        return self._driver(source, setup, entry_point, nonce, "_CF_IN['calls']", _CLOCK_SHIFT)

    def _driver(
        self, source: str, setup: str, entry_point: str, nonce: str, calls: str, clock: str
    ) -> str:
        replacements = {
            "__PREFIX__": repr(f"{MARKER} {nonce}"),
            "__CASE_S__": repr(self.case_timeout_s),
            "__VALUES_SRC__": repr(inspect.getsource(values)),
            "__SETUP__": repr(setup),
            "__SOURCE__": repr(source),
            "__ENTRY__": repr(entry_point),
            "__CALLS__": calls,
            "__CLOCK__": clock,
        }
        return fill_template(_DRIVER, replacements)


# Run b of the determinism check sees a clock a day and a bit ahead, so a result that follows
# the wall clock differs between the two runs even when they are milliseconds apart.
_CLOCK_SHIFT = r"""
_CF_IN = _json.load(open(_sys.argv[1]))
if _CF_IN.get("clock_shift_s"):
    import time as _time

    def _shifted(shift, real_time, real_ns, local, gm, ctime):
        _time.time = lambda: real_time() + shift
        _time.time_ns = lambda: real_ns() + int(shift * 1e9)
        _time.localtime = lambda s=None: local(real_time() + shift if s is None else s)
        _time.gmtime = lambda s=None: gm(real_time() + shift if s is None else s)
        _time.ctime = lambda s=None: ctime(real_time() + shift if s is None else s)

    _shifted(
        float(_CF_IN["clock_shift_s"]),
        _time.time, _time.time_ns, _time.localtime, _time.gmtime, _time.ctime,
    )
"""


# Coverage and mutation kills of a test suite, measured inside the Python sandbox. Coverage is
# cumulative: first the source's own cases ("before"), then all of them ("after").
_ADEQUACY = r"""
import copy as _copy, json as _json, os as _os, signal as _signal, sys as _sys, time as _time

_sys.path.append("/usr/lib/python3/dist-packages")
_PREFIX = __PREFIX__
_write = _os.write
_sys.stdout = _sys.stderr
_sys.setrecursionlimit(3000)
_SOURCE, _SETUP, _ENTRY = __SOURCE__, __SETUP__, __ENTRY__
_CALLS, _N_SOURCE, _MUTANTS, _BUDGET_S = __CALLS__, __N_SOURCE__, __MUTANTS__, __BUDGET_S__


class _Stop(BaseException):
    pass


def _alarm(signum, frame):
    raise _Stop()


_signal.signal(_signal.SIGALRM, _alarm)


def _load(code):
    g = {"__name__": "cf_source", "__builtins__": __builtins__}
    _signal.setitimer(_signal.ITIMER_REAL, 1.0)
    try:
        exec(compile(_SETUP, "<setup>", "exec"), g)
        exec(compile(code, "/tmp/cf_source.py", "exec"), g)
    finally:
        _signal.setitimer(_signal.ITIMER_REAL, 0)
    return g[_ENTRY], g


def _call(fn, g, args_src, seconds):
    _signal.setitimer(_signal.ITIMER_REAL, seconds)
    try:
        return ("ok", fn(*eval(args_src, g)))
    except _Stop:
        return ("timeout", None)
    except BaseException as e:
        return ("error", type(e).__name__)
    finally:
        _signal.setitimer(_signal.ITIMER_REAL, 0)


def _emit(obj):
    _write(1, ("\n" + _PREFIX + " " + _json.dumps(obj) + "\n").encode())


_report = {}
try:
    import coverage as _coverage

    with open("/tmp/cf_source.py", "w") as _f:
        _f.write(_SOURCE)
    _cov = _coverage.Coverage(branch=True, data_file=None, include=["/tmp/cf_source.py"])

    def _summary():
        _cov.json_report(outfile="/tmp/cf_cov.json")
        with open("/tmp/cf_cov.json") as _f:
            return _json.load(_f)["totals"]

    _cov.start()
    _fn, _g = _load(_SOURCE)
    _original = [_call(_fn, _g, a, 2.0) for a in _CALLS[:_N_SOURCE]]
    _cov.stop()
    _report["before"] = _summary()
    _cov.start()
    _original += [_call(_fn, _g, a, 2.0) for a in _CALLS[_N_SOURCE:]]
    _cov.stop()
    _report["after"] = _summary()
except BaseException as _e:
    _report["coverage_error"] = "%s: %s" % (type(_e).__name__, _e)
    _fn, _g = _load(_SOURCE)
    _original = [_call(_fn, _g, a, 2.0) for a in _CALLS]

_kills = []
_start = _time.monotonic()
for _mutant in _MUTANTS:
    if _time.monotonic() - _start > _BUDGET_S:
        break
    try:
        _mfn, _mg = _load(_mutant)
    except BaseException:
        _kills.append([True, True])
        continue
    _first_kill = None
    for _i, _args in enumerate(_CALLS):
        _got = _call(_mfn, _mg, _args, 0.5)
        try:
            _same = _got[0] == _original[_i][0] and bool(_got[1] == _original[_i][1])
        except BaseException:
            _same = False
        if not _same:
            _first_kill = _i
            break
    _kills.append([_first_kill is not None and _first_kill < _N_SOURCE, _first_kill is not None])
_report["kills"] = _kills
_report["mutants"] = len(_MUTANTS)
_emit({"id": 0, "ok": True, "report": _report})
_write(1, ("\n" + _PREFIX + " DONE 1\n").encode())
_os._exit(0)
"""


def adequacy_driver(
    source: str,
    setup: str,
    entry_point: str,
    calls: Sequence[str],
    n_source: int,
    mutant_sources: Sequence[str],
    nonce: str,
    budget_s: float = 12.0,
) -> str:
    return fill_template(
        _ADEQUACY,
        {
            "__PREFIX__": repr(f"{MARKER} {nonce}"),
            "__SOURCE__": repr(source),
            "__SETUP__": repr(setup),
            "__ENTRY__": repr(entry_point),
            "__CALLS__": repr(list(calls)),
            "__N_SOURCE__": repr(n_source),
            "__MUTANTS__": repr(list(mutant_sources)),
            "__BUDGET_S__": repr(budget_s),
        },
    )


def adequacy_child(
    source: str,
    setup: str,
    entry_point: str,
    mutant_sources: Sequence[str],
    nonce: str,
    budget_s: float = 12.0,
) -> str:
    """The adequacy driver as one run of the tests run: its calls and how many of them are the
    source's own come from the JSON file named by its first argument."""
    read = "_json.load(open(_sys.argv[1]))"
    return fill_template(
        _ADEQUACY,
        {
            "__PREFIX__": repr(f"{MARKER} {nonce}"),
            "__SOURCE__": repr(source),
            "__SETUP__": repr(setup),
            "__ENTRY__": repr(entry_point),
            "__CALLS__": f"{read}['calls']",
            "__N_SOURCE__": f"{read}['n_source']",
            "__MUTANTS__": repr(list(mutant_sources)),
            "__BUDGET_S__": repr(budget_s),
        },
    )
