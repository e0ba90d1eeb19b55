"""Run one program in a fresh, hardened container and report what happened.

A fresh container per run (never `exec` into a warm one: a daemon and its files survived into
the next run when tried). Latency is cut by creating containers ahead of need, each bound to a
fresh, empty run directory that is filled just before start.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import socket
import tempfile
import threading
import time
from collections import deque
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docker
import docker.errors
import requests

from codefactory.core.errors import SandboxUnavailable
from codefactory.core.languages import Limits
from codefactory.core.paths import runs_root
from codefactory.core.schema import RunResult
from codefactory.sandbox.attach_stream import Drain, feed
from codefactory.sandbox.profile import host_config_kwargs, labels
from codefactory.sandbox.reaper import reap

FIRST_SLOT_UID = 20000
KILL_GRACE_S = 5.0
# A restarting engine answers again within seconds (6 s here); calls that a run cannot go on
# without wait that long for it, then give up.
DAEMON_WAIT_S = 120.0
DOCKER_HINT = "start it with `sudo dockerd &` (or run `make setup`)"
# What `run(stdin=...)` takes: a line or two (the run's nonce). It is written in one go right
# after start, before the wait, so it must fit the socket and pipe buffers even if the program
# never reads it.
STDIN_MAX_BYTES = 16 * 1024


@dataclass
class _Prepared:
    container_id: str
    run_dir: Path
    uid: int


def connect() -> docker.DockerClient:
    try:
        client = docker.from_env(timeout=60)
        client.ping()
    except (docker.errors.DockerException, requests.RequestException) as exc:
        raise SandboxUnavailable(
            f"Docker is not running ({exc.__class__.__name__}): {DOCKER_HINT}"
        ) from None
    return client


class DockerSandbox:
    """Thread-safe; `run` may be called from many threads at once."""

    def __init__(self, *, ahead: int = 2, client: docker.DockerClient | None = None) -> None:
        self.client = client or connect()
        self.api = self.client.api
        self.ahead = ahead
        self._lock = threading.Lock()
        self._ready: dict[tuple[Any, ...], deque[_Prepared]] = {}
        self._pending: dict[tuple[Any, ...], int] = {}
        self._free_uids: list[int] = []
        self._next_uid = itertools.count(FIRST_SLOT_UID)
        self._helpers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="cf-sandbox")
        self._closed = False
        self.root = runs_root()
        self.root.mkdir(parents=True, exist_ok=True)
        reap(self.api, self.root)
        self._images_checked: set[str] = set()

    # -- public -------------------------------------------------------------------------------

    def run(
        self,
        image: str,
        argv: tuple[str, ...],
        files: Mapping[str, bytes],
        limits: Limits,
        stdin: bytes | None = None,
    ) -> RunResult:
        """Run `argv` in `image` with `files` under /work (read-only). Never raises for the
        program's behaviour; our own failures come back as `infra_error`.

        `stdin`, when given, is what the program reads on its standard input, then end of file
        (the verifier sends the run's nonce this way, so it is never in the program's files).
        Without it the program's stdin is /dev/null."""
        if stdin is not None and len(stdin) > STDIN_MAX_BYTES:
            raise ValueError(f"stdin over {STDIN_MAX_BYTES} bytes")
        self.require_image(image)
        # Containers made ahead are created with stdin open or not: that is part of the key.
        key = (image, argv, limits, stdin is not None)
        try:
            prepared = self._take(key)
        except (docker.errors.DockerException, requests.RequestException) as exc:
            return RunResult(None, b"", b"", 0.0, infra_error=f"create failed: {exc}")
        self._refill(key)
        try:
            for name, data in files.items():
                path = prepared.run_dir / name
                path.write_bytes(data)
                path.chmod(0o644)
            return self._execute(prepared, limits, stdin)
        finally:
            self._helpers.submit(self._dispose, prepared)

    def require_image(self, image: str) -> None:
        if image in self._images_checked:
            return
        try:
            _waiting_out_restarts(self.api.inspect_image, image)
        except docker.errors.ImageNotFound:
            raise SandboxUnavailable(
                f"sandbox image {image} is missing: run `codefactory sandbox build` "
                "(or `make sandboxes`)"
            ) from None
        except (docker.errors.DockerException, requests.RequestException) as exc:
            raise SandboxUnavailable(f"Docker is not answering ({exc}): {DOCKER_HINT}") from exc
        self._images_checked.add(image)

    def image_id(self, image: str) -> str:
        return str(_waiting_out_restarts(self.api.inspect_image, image)["Id"])

    def flush(self) -> None:
        """Drop containers made ahead (e.g. after the daemon restarted)."""
        with self._lock:
            stale = [p for queue in self._ready.values() for p in queue]
            self._ready.clear()
        for prepared in stale:
            self._dispose(prepared)

    def close(self) -> None:
        self._closed = True
        self.flush()
        self._helpers.shutdown(wait=True)
        self.flush()

    def __enter__(self) -> DockerSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- containers made ahead ----------------------------------------------------------------

    def _take(self, key: tuple[Any, ...]) -> _Prepared:
        with self._lock:
            queue = self._ready.get(key)
            if queue:
                return queue.popleft()
        return self._prepare(key)

    def _refill(self, key: tuple[Any, ...]) -> None:
        with self._lock:
            have = len(self._ready.get(key, ())) + self._pending.get(key, 0)
            if self._closed or have >= self.ahead:
                return
            self._pending[key] = self._pending.get(key, 0) + 1
        self._helpers.submit(self._prepare_ahead, key)

    def _prepare_ahead(self, key: tuple[Any, ...]) -> None:
        try:
            prepared = self._prepare(key)
        except Exception:
            prepared = None
        with self._lock:
            self._pending[key] -= 1
            if prepared is not None and not self._closed:
                self._ready.setdefault(key, deque()).append(prepared)
                return
        if prepared is not None:
            self._dispose(prepared)

    def _prepare(self, key: tuple[Any, ...]) -> _Prepared:
        image, argv, limits, with_stdin = key
        run_dir = Path(
            tempfile.mkdtemp(prefix=f"{socket.gethostname()}-{os.getpid()}-", dir=self.root)
        )
        run_dir.chmod(0o755)
        uid = self._acquire_uid()
        try:
            host_config = self.api.create_host_config(**host_config_kwargs(limits, run_dir))
            container = self.api.create_container(
                image,
                command=list(argv),
                user=f"{uid}:{uid}",
                environment={"HOME": "/tmp"},
                working_dir="/work",
                labels=labels(os.getpid()),
                host_config=host_config,
                network_disabled=True,
                stop_timeout=1,
                # With stdin open (and not detached) docker-py also sets StdinOnce: the
                # container's stdin closes when our attach shuts its write side.
                stdin_open=with_stdin,
            )
        except BaseException:
            self._release_uid(uid)
            shutil.rmtree(run_dir, ignore_errors=True)
            raise
        return _Prepared(container["Id"], run_dir, uid)

    def _dispose(self, prepared: _Prepared) -> None:
        with contextlib.suppress(docker.errors.DockerException, requests.RequestException):
            self.api.remove_container(prepared.container_id, force=True)
        shutil.rmtree(prepared.run_dir, ignore_errors=True)
        self._release_uid(prepared.uid)

    def _acquire_uid(self) -> int:
        # One uid per live container, so concurrent sandboxes never share an identity.
        with self._lock:
            return self._free_uids.pop() if self._free_uids else next(self._next_uid)

    def _release_uid(self, uid: int) -> None:
        with self._lock:
            self._free_uids.append(uid)

    # -- one run ------------------------------------------------------------------------------

    def _execute(self, prepared: _Prepared, limits: Limits, stdin: bytes | None) -> RunResult:
        cid = prepared.container_id
        started = time.monotonic()
        params = {"stdout": 1, "stderr": 1, "stream": 1}
        if stdin is not None:
            params["stdin"] = 1
        try:
            sock = self.api.attach_socket(cid, params=params)
        except (docker.errors.DockerException, requests.RequestException) as exc:
            return RunResult(None, b"", b"", 0.0, infra_error=f"attach failed: {exc}")
        # The kill runs on its own thread: the drain must keep reading while docker kills, or
        # the container blocks on a full pipe and `kill` wedges.
        drain = Drain(
            sock, limits.output_bytes, on_overflow=lambda: self._helpers.submit(self._kill, cid)
        )
        timed_out = False
        try:
            self.api.start(cid)
            started = time.monotonic()
            drain.start()
            if stdin is not None:
                feed(sock, stdin)
            try:
                status = self.api.wait(cid, timeout=limits.wall_s)
            except requests.exceptions.ReadTimeout:
                timed_out = True
                self._kill(cid)
                status = self.api.wait(cid, timeout=KILL_GRACE_S * 4)
            except requests.exceptions.ConnectionError as exc:
                if "timed out" not in str(exc).lower():
                    raise
                timed_out = True
                self._kill(cid)
                status = self.api.wait(cid, timeout=KILL_GRACE_S * 4)
            duration = time.monotonic() - started
            drain.join(KILL_GRACE_S)
            state = self.api.inspect_container(cid)["State"]
        except (docker.errors.DockerException, requests.RequestException) as exc:
            drain.close()
            return RunResult(
                None,
                drain.stdout(),
                drain.stderr(),
                time.monotonic() - started,
                infra_error=f"{exc.__class__.__name__}: {exc}",
            )
        finally:
            drain.close()
        exit_code = int(status.get("StatusCode", state.get("ExitCode", -1)))
        infra = None
        if status.get("Error"):
            infra = f"wait error: {status['Error']}"
        return RunResult(
            exit_code=exit_code,
            stdout=drain.stdout(),
            stderr=drain.stderr(),
            duration_s=duration,
            timed_out=timed_out,
            oom=bool(state.get("OOMKilled")),
            output_truncated=drain.overflowed,
            infra_error=infra,
        )

    def _kill(self, cid: str) -> None:
        with contextlib.suppress(docker.errors.DockerException, requests.RequestException):
            self.api.kill(cid)


def _waiting_out_restarts(call: Any, *args: Any) -> Any:
    """`call(*args)`, retried while the daemon does not answer (a restart: the socket is gone
    or refuses), for up to DAEMON_WAIT_S. A run's first use of an image (a new target
    language) must not abort the whole run because the engine was restarting just then."""
    deadline = time.monotonic() + DAEMON_WAIT_S
    delay = 0.25
    while True:
        try:
            return call(*args)
        except requests.ConnectionError:
            if time.monotonic() + delay > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 5.0)
