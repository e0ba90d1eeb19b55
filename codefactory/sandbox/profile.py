"""The hardened container profile (docs/architecture.md §6), as docker SDK arguments."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

from docker.types import LogConfig, Ulimit

from codefactory.core.languages import Limits

LABEL = "codefactory.sandbox"
LABEL_PID = "codefactory.pid"
LABEL_HOST = "codefactory.host"
FSIZE_BYTES = 16 * 1024 * 1024


def host_config_kwargs(limits: Limits, run_dir: Path) -> dict[str, Any]:
    """Everything of `docker run` that lives in HostConfig. Never `--ulimit nproc`: it is per
    UID across the whole host; `pids_limit` bounds this container alone."""
    memory = f"{limits.memory_mb}m"
    return {
        "network_mode": "none",
        "read_only": True,
        "tmpfs": {
            "/tmp": f"rw,nosuid,nodev,{'exec' if limits.tmpfs_exec else 'noexec'},"
            f"size={limits.tmpfs_mb}m,nr_inodes=4096"
        },
        "ipc_mode": "private",
        "shm_size": "16m",
        "mem_limit": memory,
        "memswap_limit": memory,
        "pids_limit": limits.pids,
        "nano_cpus": int(limits.cpus * 1e9),
        "cap_drop": ["ALL"],
        "security_opt": ["no-new-privileges"],
        "ulimits": [
            Ulimit(name="nofile", soft=256, hard=256),
            Ulimit(name="fsize", soft=FSIZE_BYTES, hard=FSIZE_BYTES),
            Ulimit(name="core", soft=0, hard=0),
        ],
        "init": True,
        "log_config": LogConfig(type="none"),
        "binds": {str(run_dir): {"bind": "/work", "mode": "ro"}},
    }


def labels(pid: int) -> dict[str, str]:
    return {LABEL: "1", LABEL_PID: str(pid), LABEL_HOST: socket.gethostname()}


# Run inside a sandbox by `preflight`: what the profile must have done, read from the inside.
PROBE_SCRIPT = r"""
echo "uid=$(id -u)"
grep -E '^(CapEff|NoNewPrivs)' /proc/self/status | tr -d ' \t' | sed 's/:/=/'
if ( : > /cf-probe ) 2>/dev/null; then echo rootfs=writable; else echo rootfs=readonly; fi
if ( : > /work/cf-probe ) 2>/dev/null; then echo work=writable; else echo work=readonly; fi
echo "net=$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | tr '\n' ',')"
first() { cat "$@" 2>/dev/null | head -n1; }
echo "memory=$(first /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory.max)"
echo "pids=$(first /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/pids.max)"
"""


def check_probe(output: str, limits: Limits) -> list[str]:
    """Problems with the profile as seen from inside; empty when it all took effect."""
    facts = dict(line.split("=", 1) for line in output.splitlines() if "=" in line)
    expected = {
        "rootfs": "readonly",
        "work": "readonly",
        "CapEff": "0000000000000000",
        "NoNewPrivs": "1",
        "net": "lo,",
        "memory": str(limits.memory_mb * 1024 * 1024),
        "pids": str(limits.pids),
    }
    problems = [
        f"{key} is {facts.get(key, '<missing>')!r}, expected {want!r}"
        for key, want in expected.items()
        if facts.get(key) != want
    ]
    if facts.get("uid", "0") == "0":
        problems.append("runs as root")
    return problems
