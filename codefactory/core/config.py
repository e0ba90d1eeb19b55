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

# The command's parameters a file may set -> the types a value may have. In the file a key is
# the parameter's name, but for the ones renamed here.
_NUMBER = (int, float)
TYPES: dict[str, tuple[type, ...]] = {
    "input_path": (str,),
    "target": (str,),
    "output": (str,),
    "backend": (str,),
    "model": (str,),
    "base_url": (str,),
    "samples": (int,),
    "repair": (int,),
    "temperature": _NUMBER,
    "budget_tokens": (int,),
    "limit": (int,),
    "seed": (int,),
    "keep": (str,),
    "examples": (bool,),
    "push_to_hub": (str,),
    "refresh_from": (str,),
    "concurrency": (int,),
    "max_tokens": (int,),
    "no_cache": (bool,),
    "no_augment": (bool,),
    "max_cases": (int,),
    "min_coverage": _NUMBER,
    "min_mutation_score": _NUMBER,
    "min_source_tests": _NUMBER,
    "engine": (str,),
    "ray_address": (str,),
    "dedup": (bool,),
    "dedup_threshold": _NUMBER,
    "decontaminate": (bool,),
    "benchmarks": (str,),
}
_FILE_NAMES = {"input_path": "input"}  # the INPUT argument
_ALIASES = {"targets": "target", "hub_repo": "push_to_hub"}
_PATHS = frozenset({"input_path", "output", "benchmarks"})
_BY_FILE_NAME = {_FILE_NAMES.get(parameter, parameter): parameter for parameter in TYPES}


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
        if key not in _BY_FILE_NAME:
            hint = did_you_mean(key, [*_BY_FILE_NAME, *_ALIASES])
            raise InputError(f"{path}: unknown key {given!r}{hint}")
        parameter = _BY_FILE_NAME[key]
        types = TYPES[parameter]
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
        if parameter not in TYPES or value is None:
            continue
        key = _FILE_NAMES.get(parameter, parameter)
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
