"""Where codefactory's files live: its caches, and the project data it runs from.

Environment variables (an empty one counts as unset):

- `XDG_CACHE_HOME`: the base of every cache, `~/.cache` without it; codefactory keeps its
  files in `$XDG_CACHE_HOME/codefactory/`.
- `CODEFACTORY_CACHE`: where paid results are kept (default `<cache root>/cache.sqlite`): a
  SQLite file, or a store that every machine of a cluster reaches: a directory (an existing one,
  or a path ending in `/`) or an fsspec URL (`s3://bucket/codefactory`, `gs://…`, `file:///…`).
  Files kept beside a SQLite file (conformance.json) follow it; beside a store they stay in the
  cache root.
- `CODEFACTORY_MODELS`: the folder of GGUF models (default `<cache root>/models`).

Containers' run directories are always `<cache root>/runs`: the reaper finds a dead process's
leftovers there.

`languages/` and `sandboxes/` stay at the project root, where the layout names them. A wheel
carries a copy of both in `codefactory/data/` (setup.py's build step); a checkout, editable
install included, reads the project root's own.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

from codefactory.core.errors import ConfigError

# The folder holding the `codefactory` package: the project root in a checkout.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
_DATA_DIRS = ("languages", "sandboxes")


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value) if value else None


def cache_root() -> Path:
    return (_env_path("XDG_CACHE_HOME") or Path.home() / ".cache") / "codefactory"


def default_cache_location() -> str:
    """Where results are kept, as given: a SQLite file, a directory or a URL."""
    return os.environ.get("CODEFACTORY_CACHE") or str(cache_root() / "cache.sqlite")


def is_store_location(location: str) -> bool:
    """A shared store (a directory or a URL), not a SQLite file."""
    return "://" in location or location.endswith("/") or Path(location).is_dir()


def pinned_location(location: str) -> str:
    """The location as every node of a cluster reads it: a directory store keeps its trailing
    `/`, so a node where the directory does not exist yet still takes it for a store."""
    if is_store_location(location) and "://" not in location and not location.endswith("/"):
        return location + "/"
    return location


def default_cache_path() -> Path:
    """The SQLite file, where files kept beside it are; the cache root's when results go to a
    shared store."""
    location = default_cache_location()
    return cache_root() / "cache.sqlite" if is_store_location(location) else Path(location)


def models_dir() -> Path:
    return _env_path("CODEFACTORY_MODELS") or cache_root() / "models"


def runs_root() -> Path:
    return cache_root() / "runs"


def data_root() -> Path:
    """The folder holding `languages/` and `sandboxes/`: the installed package's copy, else the
    checkout's. Language files name their sandbox context relative to it."""
    shipped = files("codefactory") / "data"
    # Docker builds from a real folder, so only a package on the file system counts.
    if isinstance(shipped, Path) and all((shipped / name).is_dir() for name in _DATA_DIRS):
        return shipped
    if all((PROJECT_ROOT / name).is_dir() for name in _DATA_DIRS):
        return PROJECT_ROOT
    raise ConfigError(
        f"no languages/ and sandboxes/ in {shipped} or {PROJECT_ROOT}: reinstall codefactory "
        "(`pip install .`) or run it from a checkout"
    )
