"""Ray for one command: join a cluster, or start a one-machine Ray bound to loopback."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager

import ray

from codefactory.core.errors import ConfigError

LOCAL_DOCKER_SLOTS = 64  # the `docker` resource of a one-machine Ray: sandbox actors it may hold


@contextmanager
def ray_session(address: str | None = None) -> Iterator[str]:
    """Ray for one command: an existing connection as is; `address` (or, when None, a cluster
    that `auto` finds); else a local Ray started here, bound to 127.0.0.1 and shut down after.
    Yields what it joined, for the progress output: the address or "local", and the Ray
    dashboard's URL where one runs."""
    if ray.is_initialized():
        yield "an already connected Ray"
        return
    from ray.data import DataContext

    context = DataContext.get_current()
    context.enable_progress_bars = False  # the command draws its own
    logging.getLogger("ray.data").setLevel(logging.WARNING)  # and prints its own funnel
    if address not in (None, "auto", "local"):
        try:
            info = ray.init(address=address, log_to_driver=False)
        except ConnectionError as exc:
            raise ConfigError(f"no Ray cluster at --ray-address {address}: {exc}") from None
        joined = _described(f"the Ray cluster at {address}", info)
    else:
        joined = ""
        if address != "local":
            try:
                info = ray.init(address="auto", log_to_driver=False)
                joined = _described("the running Ray cluster", info)
            except ConnectionError:
                if address == "auto":
                    raise ConfigError(
                        "--ray-address auto found no running Ray cluster "
                        "(start one with `ray start --head`, or leave the option out)"
                    ) from None
        if not joined:
            _init_local()
            joined = "a one-machine Ray on 127.0.0.1"
    try:
        yield joined
    finally:
        ray.shutdown()


def _described(what: str, info: object) -> str:
    url = getattr(info, "dashboard_url", None)
    return f"{what} (dashboard: http://{url})" if url else what


def _init_local() -> None:
    """A one-machine Ray on loopback only (see `loopback_only`)."""
    with loopback_only():
        ray.init(
            address="local",
            include_dashboard=False,
            _node_ip_address="127.0.0.1",
            resources={"docker": LOCAL_DOCKER_SLOTS},  # this machine runs the sandboxes
            log_to_driver=False,
            configure_logging=False,
        )


@contextmanager
def loopback_only() -> Iterator[None]:
    """While Ray processes start: on Linux Ray turns 127.0.0.1 into the machine's own address
    unless its cluster mode is off (ray._private.services.get_node_ip_address); with it off,
    every Ray server started meanwhile (GCS, raylet, workers, object manager) listens on
    127.0.0.1. Nodes started with node_ip_address 127.0.0.1 still form one cluster (the tests'
    three-node `ray.cluster_utils.Cluster`)."""
    from ray._private import ray_constants

    saved = ray_constants.ENABLE_RAY_CLUSTER
    saved_env = os.environ.get(ray_constants.ENABLE_RAY_CLUSTERS_ENV_VAR)
    ray_constants.ENABLE_RAY_CLUSTER = False
    os.environ[ray_constants.ENABLE_RAY_CLUSTERS_ENV_VAR] = "0"
    try:
        yield
    finally:
        ray_constants.ENABLE_RAY_CLUSTER = saved
        if saved_env is None:
            os.environ.pop(ray_constants.ENABLE_RAY_CLUSTERS_ENV_VAR, None)
        else:
            os.environ[ray_constants.ENABLE_RAY_CLUSTERS_ENV_VAR] = saved_env
