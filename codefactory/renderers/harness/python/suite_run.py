"""The tests run: every Python run a function's tests need, in one container
(codefactory/suite/combined.py is the host's side).

This file is ours and never runs the source: each run is a child process of its own, with its
own hash seed, its own output cap and deadline (today's limits of one container run), a clean
/tmp, and nothing of the previous child left alive. Runs:
  0 "first"     the oracle on the source's own calls;
  1 "a"         the oracle on the source's calls and the augmented ones (with augmentation);
  2 "b"         the same calls again: other hash seed, clock shifted (the determinism check);
  3 "adequacy"  coverage and mutants on the cases the host is expected to keep.
Each becomes one framed record carrying the child's stdout as the host parses it for a single
run. The host re-derives every decision from those outputs and checks this file's own choices
(augmented calls, the adequacy's cases) against its own before using them.
"""

import base64
import contextlib
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import time
import types
from typing import Any

Result = tuple[bytes, int, bool, bool]  # stdout, exit code, timed out, over the cap
Case = tuple[int, tuple[Any, ...], str]  # id, inputs, expected as canonical JSON

WORK = "/work"
with open(WORK + "/spec.json") as _spec:
    SPEC = json.load(_spec)
NONCE = sys.stdin.readline().strip()
PREFIX = "@@cf " + NONCE
_write = os.write


def _module(name: str, path: str) -> types.ModuleType:
    """A module of the host's, embedded verbatim so host and sandbox cannot disagree."""
    parts = name.split(".")
    for i in range(1, len(parts)):
        package = ".".join(parts[:i])
        if package not in sys.modules:
            stub = types.ModuleType(package)
            stub.__path__ = []
            sys.modules[package] = stub
    module = types.ModuleType(name)
    sys.modules[name] = module
    with open(path) as f:
        exec(compile(f.read(), path, "exec"), module.__dict__)
    return module


values = _module("codefactory.core.values", WORK + "/cf_values.py")
augment = _module("codefactory.suite.augment", WORK + "/cf_augment.py")


def _emit(obj: dict[str, Any]) -> None:
    _write(1, ("\n" + PREFIX + " " + json.dumps(obj) + "\n").encode())


def _child_setup() -> None:
    # The OOM killer takes the child, never this process (raising one's own score is allowed).
    with contextlib.suppress(OSError), open("/proc/self/oom_score_adj", "w") as f:
        f.write("1000")


def _clean() -> None:
    """Nothing of one run reaches the next: its processes (daemons too) and its files, in
    every place the sandbox lets a run write (/tmp, and /dev/shm for shared memory)."""
    with contextlib.suppress(OSError):
        os.kill(-1, signal.SIGKILL)  # every process this uid may signal but this one
    for folder in ("/tmp", "/dev/shm"):
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            path = os.path.join(folder, name)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    os.unlink(path)


def _run(program: str, data: dict[str, Any], seed: int) -> Result:
    """One child: (stdout, exit code, timed out, output over the cap), as one container run
    of it would have been seen."""
    _clean()
    with open("/tmp/cf_in.json", "w") as f:
        json.dump(data, f)
    env = {"PYTHONHASHSEED": str(seed), "HOME": "/tmp", "PATH": "/usr/bin:/bin"}
    argv = [sys.executable, "-P", "-s", "-S", WORK + "/" + program, "/tmp/cf_in.json"]
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd="/tmp",
        start_new_session=True,
        preexec_fn=_child_setup,
    )
    cap, deadline = SPEC["output_bytes"], time.monotonic() + SPEC["wall_s"]
    out, total = bytearray(), 0
    assert proc.stdout is not None and proc.stderr is not None
    timed_out = truncated = False
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ, "out")
    selector.register(proc.stderr, selectors.EVENT_READ, "err")
    exited_at: float | None = None
    while selector.get_map() and not truncated:
        now = time.monotonic()
        if now >= deadline:
            timed_out = True
            break
        if exited_at is None and proc.poll() is not None:
            exited_at = now
        if exited_at is not None and now - exited_at > 0.2:
            break  # the child is gone; what still holds its pipes does not count (docker --init)
        for key, _ in selector.select(min(0.05, deadline - now)):
            chunk = os.read(key.fd, 65536)
            if not chunk:
                selector.unregister(key.fileobj)
                continue
            total += len(chunk)
            if key.data == "out":
                out += chunk
            if total > cap:
                truncated = True
                break
    selector.close()
    if proc.poll() is None:
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)
    code = proc.wait()
    proc.stdout.close()
    proc.stderr.close()
    _clean()
    exit_code = 128 - code if code < 0 else code  # killed by a signal: as docker reports it
    return bytes(out[:cap]), exit_code, timed_out, truncated


def _record(run_id: int, name: str, seed: int, result: Result, **extra: Any) -> None:
    stdout, exit_code, timed_out, truncated = result
    body = {
        "id": run_id,
        "ok": True,
        "run": name,
        "seed": seed,
        "stdout": base64.b64encode(stdout).decode(),
        "exit_code": exit_code,
        "timed_out": timed_out,
        "truncated": truncated,
    }
    body.update(extra)
    _emit(body)


def _records(stdout: bytes) -> dict[int, dict[str, Any]]:
    """Case id -> record of one oracle run, as judge/protocol.py reads them."""
    prefix = (SPEC["oracle_prefix"] + " ").encode()
    records: dict[int, dict[str, Any]] = {}
    for line in stdout.split(b"\n"):
        if not line.startswith(prefix):
            continue
        body = line[len(prefix) :].decode("utf-8", "replace").strip()
        if body.startswith("DONE "):
            break
        try:
            record = json.loads(body)
            case_id = record["id"]
            if type(case_id) is int and case_id not in records:
                records[case_id] = record
        except (ValueError, KeyError, TypeError, RecursionError):
            continue
    return records


def _cases(result: Result, calls: list[tuple[int, str]]) -> list[Case] | None:
    """(id, inputs, canonical expected) of the usable cases (suite/oracle.py's rules), or None
    where the host will stop at this run (over the cap, source did not load, no case)."""
    stdout, _, _, truncated = result
    records = _records(stdout)
    if truncated or -1 in records:
        return None
    cases: list[Case] = []
    for case_id, _ in calls:
        record = records.get(case_id)
        if not record or record.get("ok") is not True:
            continue
        try:
            inputs = values.decode(record["inputs"])
            expected = values.dumps(values.decode(record["value"]))
        except (values.DecodeError, KeyError, RecursionError, TypeError):
            continue
        cases.append((case_id, tuple(inputs), expected))
    return cases or None


def _chosen(a: list[Case], b: list[Case], n_source: int, cap: int) -> list[Case] | None:
    """The cases the host keeps before the target's filter (suite/build.py: determinism, then
    the cap on augmented cases, new outputs first), or None where it keeps none."""
    twins = {case_id: expected for case_id, _, expected in b}
    kept: list[Case] = []
    for case in a:
        if twins.get(case[0]) == case[2]:
            kept.append(case)
        elif case[0] < n_source:
            return None  # nondeterministic (or a relation the host may still accept)
    own = [c for c in kept if c[0] < n_source]
    extra = [c for c in kept if c[0] >= n_source]
    seen = {c[2] for c in own}
    fresh: list[Case] = []
    repeats: list[Case] = []
    for case in extra:
        (repeats if case[2] in seen else fresh).append(case)
        seen.add(case[2])
    ids = {c[0] for c in (fresh + repeats)[: max(cap - len(own), 0)]}
    return own + [c for c in extra if c[0] in ids]


def main() -> None:
    seeds = SPEC["seeds"]
    calls = [tuple(c) for c in SPEC["calls"]]
    n_source = len(calls)
    first = _run("cf_oracle.py", {"calls": calls}, seeds[0])
    _record(0, "first", seeds[0], first)
    runs = 1
    usable = _cases(first, calls)
    if usable is not None:
        suite, a = calls, first
        if SPEC["augment"]:
            extra = augment.augment_inputs([c[1] for c in usable], SPEC["max_extra"])
            suite = calls + [(n_source + i, augment.args_source(x)) for i, x in enumerate(extra)]
            a = _run("cf_oracle.py", {"calls": suite}, seeds[1])
            _record(1, "a", seeds[1], a, calls=suite)
            runs += 1
        data = {"calls": suite, "clock_shift_s": SPEC["clock_shift_s"]}
        b = _run("cf_oracle.py", data, seeds[2])
        _record(2, "b", seeds[2], b)
        runs += 1
        cases_a, cases_b = _cases(a, suite), _cases(b, suite)
        chosen = None
        if cases_a is not None and cases_b is not None:
            chosen = _chosen(cases_a, cases_b, n_source, SPEC["max_cases"])
        if chosen:
            own = sum(1 for c in chosen if c[0] < n_source)
            data = {"calls": [augment.args_source(c[1]) for c in chosen], "n_source": own}
            result = _run("cf_adequacy.py", data, seeds[3])
            _record(3, "adequacy", seeds[3], result, ids=[c[0] for c in chosen])
            runs += 1
    _write(1, ("\n" + PREFIX + " DONE " + str(runs) + "\n").encode())


main()
os._exit(0)
