"""Entry-point names a target cannot use: its keywords, and the built-in functions it will not let
a program declare again (PHP's `intdiv`: "Cannot redeclare"). A Python function named like one
gets a safe name, `intdiv_`: the prompt asks for it, the syntax gate accepts it, and a
declaration the model made under the reserved name anyway is renamed in the candidate, so the
harness calls a function that exists. The names are language data: `[names]` in the toml.
"""

from __future__ import annotations

from codefactory.core.languages import Language, ReservedNames

__all__ = ["ReservedNames", "accepted_names", "entry_names", "reserved_names"]


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
    """The language's reserved names: `[names]` in its toml (core/languages.py)."""
    return lang.names
