"""Clean up after codefactory processes that died (a crash, a kill -9): their containers, found
by label, and their run directories, named after host and pid."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
from pathlib import Path

import docker
import docker.errors
import requests

from codefactory.sandbox.profile import LABEL, LABEL_HOST, LABEL_PID


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap(api: docker.APIClient, root: Path) -> int:
    """Remove containers and run dirs left by codefactory processes on this host that are gone
    (a crash, a kill -9). Returns how many containers were removed."""
    host = socket.gethostname()
    removed = 0
    for info in api.containers(all=True, filters={"label": LABEL}):
        info_labels = info.get("Labels") or {}
        if info_labels.get(LABEL_HOST) != host:
            continue
        pid = int(info_labels.get(LABEL_PID, "0") or 0)
        if pid and _alive(pid):
            continue
        with contextlib.suppress(docker.errors.DockerException, requests.RequestException):
            api.remove_container(info["Id"], force=True)
            removed += 1
    if root.is_dir():
        for entry in root.iterdir():
            parts = entry.name.split("-")
            ours = len(parts) >= 3 and "-".join(parts[:-2]) == host and parts[-2].isdigit()
            if ours and not _alive(int(parts[-2])):
                shutil.rmtree(entry, ignore_errors=True)
    return removed
