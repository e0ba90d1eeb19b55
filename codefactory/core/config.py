"""`codefactory.toml`: the settings a CI refresh would otherwise repeat on every command line.

Each key is a `translate` option's long name (`max-tokens` or `max_tokens`), plus `input` for
the INPUT argument, `targets` (a list) for `--target` and `hub-repo` for `--push-to-hub`.
An option given on the command line beats the file, which beats the built-in default. Paths are
read relative to the directory codefactory runs in, as on the command line. The effective
settings are written back, in the same form, into the dataset folder (`to_toml`).
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from codefactory.core.errors import InputError, did_you_mean

CONFIG_FILE = "codefactory.toml"

# key in the file -> (the command's parameter, the types a value may have)
_NUMBER = (int, float)
KEYS: dict[str, tuple[str, tuple[type, ...]]] = {
    "input": ("input_path", (str,)),
    "target": ("target", (str,)),
    "output": ("output", (str,)),
    "backend": ("backend", (str,)),
    "model": ("model", (str,)),
    "base_url": ("base_url", (str,)),
    "samples": ("samples", (int,)),
    "repair": ("repair", (int,)),
    "temperature": ("temperature", _NUMBER),
    "limit": ("limit", (int,)),
    "seed": ("seed", (int,)),
    "keep": ("keep", (str,)),
    "examples": ("examples", (bool,)),
    "push_to_hub": ("push_to_hub", (str,)),
    "concurrency": ("concurrency", (int,)),
    "max_tokens": ("max_tokens", (int,)),
    "no_cache": ("no_cache", (bool,)),
    "no_augment": ("no_augment", (bool,)),
    "max_cases": ("max_cases", (int,)),
    "min_coverage": ("min_coverage", _NUMBER),
    "min_mutation_score": ("min_mutation_score", _NUMBER),
    "min_source_tests": ("min_source_tests", _NUMBER),
    "engine": ("engine", (str,)),
    "ray_address": ("ray_address", (str,)),
    "dedup": ("dedup", (bool,)),
    "dedup_threshold": ("dedup_threshold", _NUMBER),
    "decontaminate": ("decontaminate", (bool,)),
    "benchmarks": ("benchmarks", (str,)),
}
_ALIASES = {"targets": "target", "hub_repo": "push_to_hub"}
_PATHS = frozenset({"input_path", "output", "benchmarks"})
_BY_PARAMETER = {parameter: key for key, (parameter, _) in KEYS.items()}


def find_config(explicit: Path | None, cwd: Path | None = None) -> Path | None:
    """`--config FILE`, else `codefactory.toml` in the current directory, else None."""
    if explicit is not None:
        if not explicit.is_file():
            raise InputError(f"no such config file: {explicit}")
        return explicit
    found = cwd / CONFIG_FILE if cwd else Path(CONFIG_FILE)
    return found if found.is_file() else None


def load_config(path: Path) -> dict[str, Any]:
    """The file's settings as {parameter: value}, checked: an unknown key or a value of the
    wrong type is an error naming the key."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path} is not valid TOML ({exc}): fix the file") from None
    values: dict[str, Any] = {}
    for given, value in raw.items():
        key = given.replace("-", "_")
        key = _ALIASES.get(key, key)
        if key not in KEYS:
            hint = did_you_mean(key, [*KEYS, *_ALIASES])
            raise InputError(f"{path}: unknown key {given!r}{hint}")
        parameter, types = KEYS[key]
        if key == "target" and isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = ",".join(value)
        ok = isinstance(value, types) and not (bool not in types and isinstance(value, bool))
        if not ok:
            wanted = " or ".join(t.__name__ for t in types)
            raise InputError(f"{path}: {given} must be {wanted}, not {value!r}")
        values[parameter] = Path(value) if parameter in _PATHS else value
    return values


def merge(
    command: Mapping[str, Any], from_command_line: Collection[str], file: Mapping[str, Any]
) -> dict[str, Any]:
    """The command's values where given on its command line, else the file's, else the
    command's defaults."""
    merged = dict(command)
    for parameter, value in file.items():
        if parameter not in from_command_line:
            merged[parameter] = value
    return merged


def to_toml(values: Mapping[str, Any]) -> str:
    """The settings among `values` (by parameter) as the file would hold them; None is left
    out (TOML has no null)."""
    lines = ["# The effective settings of the run that wrote this folder (codefactory.toml)."]
    for parameter, value in values.items():
        key = _BY_PARAMETER.get(parameter)
        if key is None or value is None:
            continue
        if isinstance(value, Path):
            value = str(value)
        lines.append(f"{key.replace('_', '-')} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a TOML basic string
