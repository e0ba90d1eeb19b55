"""Entry-point names a target cannot use: its keywords, and the built-in functions it will not let
a program declare again (PHP's `intdiv`: "Cannot redeclare"). A Python function named like one
gets a safe name, `intdiv_`: the prompt asks for it, the syntax gate accepts it, and a
declaration the model made under the reserved name anyway is renamed in the candidate, so the
harness calls a function that exists. The names are language data: `[names]` in the toml.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache

from codefactory.core.errors import ConfigError
from codefactory.core.languages import Language
from codefactory.core.paths import data_root


@dataclass(frozen=True)
class ReservedNames:
    """Plain data, so it can cross into the syntax gate's worker process."""

    names: frozenset[str] = field(default_factory=frozenset)  # lower-cased if case_insensitive
    case_insensitive: bool = False  # PHP: function names are case-insensitive

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        return (name.lower() if self.case_insensitive else name) in self.names

    def safe(self, name: str) -> str:
        """`name` itself when the target allows it, else `name_` (`name__`, ...)."""
        while name in self:
            name += "_"
        return name


def entry_names(entry_point: str) -> list[str]:
    """The Python name, then the same name in the target's own convention: models write
    `sortMatrix` (JavaScript, Java), `SortMatrix` (Go, exported) for `sort_matrix`, and
    `decimal_to_binary` for MBPP's `decimal_To_Binary`."""
    words = entry_point.split("_")
    if entry_point.startswith("_") or "" in words:  # _private, a__b, intdiv_: the exact name only
        return [entry_point]
    lower_camel = (
        words[0][0].lower() + words[0][1:] + "".join(w[0].upper() + w[1:] for w in words[1:])
    )
    pascal = "".join(w[0].upper() + w[1:] for w in words)
    return list(dict.fromkeys([entry_point, lower_camel, pascal, entry_point.lower()]))


def accepted_names(entry_point: str, reserved: ReservedNames) -> list[str]:
    """The names the gate takes as the entry point, in order. For a reserved entry point the
    safe name comes first: it is the one the prompt asked for."""
    names = entry_names(entry_point)
    if entry_point in reserved:
        names.insert(0, reserved.safe(entry_point))
    return list(dict.fromkeys(names))


def reserved_names(lang: Language) -> ReservedNames:
    """The `[names]` table of the language's toml: `keywords` (names that cannot name a function)
    and `builtins` (names the runtime or the harness holds, so that a function declared under
    one fails, or its own calls reach the builtin), and whether names are `case_insensitive`."""
    return _reserved(lang.id)


@cache
def _reserved(language_id: str) -> ReservedNames:
    path = data_root() / "languages" / f"{language_id}.toml"
    try:
        table = tomllib.loads(path.read_text()).get("names", {})
        insensitive = bool(table.get("case_insensitive", False))
        names = [str(name) for key in ("keywords", "builtins") for name in table.get(key, [])]
    except (OSError, TypeError, AttributeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: invalid [names] table ({exc!r})") from exc
    if insensitive:
        names = [name.lower() for name in names]
    return ReservedNames(frozenset(names), insensitive)
