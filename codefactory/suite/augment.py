"""New test inputs derived from the source's own, by type-aware mutation (issue: tests strong
enough to trust). Only *inputs* are made here; the Python source, run in the sandbox, decides
the expected values, and inputs it rejects (raises, times out, differs between runs) are dropped.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

from codefactory.core.values import Value, dumps

# Characters outside the Basic Multilingual Plane (two UTF-16 code units each) and combining
# marks catch translations that index, split or count code units (JavaScript's split(''),
# Java's charAt) where Python counts code points; they come early, so the cap keeps them.
ASTRAL = "a🙂b𝔘"
COMBINING = "e\u0301a\u0308"  # é and ä as base letter + combining mark
TRICKY_STRINGS: tuple[str, ...] = ("", "a", ASTRAL, "héllo wörld", COMBINING, " \t x ")
TRICKY_STRINGS += ("$x", "a'b\"c", "back\\slash", "日本")


def variants(value: Value) -> Iterator[Value]:
    """Values of the same type as `value` that tend to expose translation mistakes."""
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int):
        yield from (0, 1, -1, -value, value + 1, value - 1, 2 * value + 7, 10**6 + 3)
    elif isinstance(value, float):
        yield from (0.0, -value, 2.5, -2.5, 0.5, value * 3.5, 1e6 + 0.5)
    elif isinstance(value, str):
        # Most telling first: the cap on cases keeps the front of this list.
        yield from TRICKY_STRINGS[:3]
        yield value[::-1]
        yield value.upper()
        yield value + value
        if value:
            yield value[0]
            yield " " + value
        yield value + "🙂"  # the same text with one astral character more
        yield from TRICKY_STRINGS[3:]
    elif isinstance(value, list | tuple):
        kind = type(value)
        items = list(value)
        yield kind([])
        if items:
            yield kind(items[:1])
            yield kind(items + items[:1])  # a duplicate
            yield kind(list(reversed(items)))
            yield kind(sorted(items, key=repr, reverse=True))
            if all(isinstance(x, int) and not isinstance(x, bool) for x in items):
                yield kind([-x for x in items])
                yield kind([*items, 0, -7])
            for i, item in enumerate(items[:3]):  # one element changed, the rest kept
                for replacement in list(variants(item))[:3]:
                    yield kind([*items[:i], replacement, *items[i + 1 :]])
    elif isinstance(value, dict):
        yield {}
        if value:
            yield dict(reversed(list(value.items())))
            first = next(iter(value.items()))
            yield dict([first])


def augment_inputs(existing: Sequence[tuple[Value, ...]], limit: int) -> list[tuple[Value, ...]]:
    """Up to `limit` new argument tuples, one argument changed at a time, spread over the
    existing inputs and argument positions (round robin) for diversity. Deterministic."""
    seen = {dumps(list(args)) for args in existing}
    pools: list[list[tuple[Value, ...]]] = []
    for args in existing:
        for position, value in enumerate(args):
            pool = []
            for new in variants(value):
                if isinstance(new, float) and not math.isfinite(new):
                    continue
                candidate = (*args[:position], new, *args[position + 1 :])
                key = dumps(list(candidate))
                if key not in seen:
                    seen.add(key)
                    pool.append(candidate)
            pools.append(pool)
    out: list[tuple[Value, ...]] = []
    depth = 0
    while len(out) < limit and any(depth < len(pool) for pool in pools):
        for pool in pools:
            if depth < len(pool) and len(out) < limit:
                out.append(pool[depth])
        depth += 1
    return out


def python_literal(value: Value) -> str:
    """Python source for `value`, evaluated by the oracle inside the sandbox."""
    if isinstance(value, float):
        if math.isinf(value):
            return "float('inf')" if value > 0 else "float('-inf')"
        if math.isnan(value):
            return "float('nan')"
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(python_literal(v) for v in value) + "]"
    if isinstance(value, tuple):
        return "(" + "".join(python_literal(v) + ", " for v in value) + ")"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{python_literal(k)}: {python_literal(v)}" for k, v in value.items())
            + "}"
        )
    if isinstance(value, set | frozenset):
        return "{" + ", ".join(python_literal(v) for v in value) + "}" if value else "set()"
    return repr(value)


def args_source(args: Sequence[Value]) -> str:
    return "(" + "".join(python_literal(a) + ", " for a in args) + ")"
