"""What every language renderer provides (DESIGN.md §3)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from codefactory.core.schema import TestCase
from codefactory.core.value_types import (
    Type,
    Untypable,
    int64_problem,
    parameter_types,
    type_of,
    unify_cases,
)
from codefactory.core.values import Value, generic_unsupported_reason
from codefactory.judge.protocol import MARKER


class Renderer(Protocol):
    def unsupported_reason(self, value: Value) -> str | None:
        """Why this language cannot represent `value` faithfully (the case is dropped), or None."""
        ...

    def literal(self, value: Value) -> str:
        """Source text that evaluates to `value` in the target language."""
        ...

    def driver(
        self,
        candidate: str,
        entry_point: str,
        cases: Sequence[tuple[int, Sequence[Value]]],
        nonce: str,
    ) -> str | dict[str, str]:
        """The whole program: candidate + calls + output serializer + framed records (or
        {file name: text} where the language wants the harness in a file of its own)."""
        ...

    def strip_candidate(self, candidate: str) -> str:
        """Remove wrapper text the driver adds itself (PHP's `<?php` tag)."""
        ...

    # Typed targets also define `signature_hint(entry_point, Signature) -> str`, the signature
    # the prompt asks for; a function whose values cannot be typed is dropped for them.


def ascii_literal(units: Iterable[int], escaped: str, other: Callable[[int], str]) -> str:
    """A double-quoted literal in printable ASCII: the characters in `escaped` get a backslash,
    every other unit (code point, byte or UTF-16 unit, as the language reads it) outside printable
    ASCII is spelled by `other`."""
    out = ['"']
    for code in units:
        char = chr(code)
        if char in escaped:
            out.append("\\" + char)
        elif 0x20 <= code < 0x7F:
            out.append(char)
        else:
            out.append(other(code))
    out.append('"')
    return "".join(out)


def fill_template(template: str, replacements: dict[str, str]) -> str:
    """Replace placeholders in one pass, so inserted text (user data) is never rescanned."""
    pattern = re.compile("|".join(re.escape(k) for k in replacements))
    return pattern.sub(lambda m: replacements[m.group(0)], template)


class ScriptRenderer:
    """The common shape of a target's renderer: a harness template holding the serializer and
    the record loop (placeholders __CF_CASES__, __CF_ENTRY__, __CF_MARKER__) in `main_file`,
    which reads the run's nonce from stdin and then loads the candidate from `candidate_file`
    itself. Subclasses give the syntax: scalars, containers, the case table and the language's
    own representability rules; languages whose harness holds the candidate override `driver`.
    """

    prologue = ""
    harness = ""
    main_file = ""
    candidate_file = ""
    int_range: tuple[int, int] | None = None  # None: arbitrary precision

    # -- what a language says about itself ---------------------------------------------------

    def scalar(self, value: Value) -> str:
        raise NotImplementedError

    def list_literal(self, items: list[str]) -> str:
        return "[" + ", ".join(items) + "]"

    def dict_literal(self, pairs: list[tuple[str, str]]) -> str:
        raise NotImplementedError

    def dict_key(self, key: Value) -> str:
        return self.literal(key)

    def case_row(self, case_id: int, args: list[str]) -> str:
        return f"[{case_id}, [{', '.join(args)}]]"

    def cases_table(self, rows: list[str]) -> str:
        return "[" + ", ".join(rows) + "]"

    def entry_ref(self, entry_point: str) -> str:
        return entry_point

    def dict_reason(self, value: dict[Value, Value]) -> str | None:
        """A dict this language cannot hold faithfully (key collisions, ambiguous tables)."""
        return None

    def nested_reason(self, value: Value) -> str | None:
        """A value that is fine alone but not inside a container (Lua's nil)."""
        return None

    # -- the shared mechanics ----------------------------------------------------------------

    def unsupported_reason(self, value: Value) -> str | None:
        return generic_unsupported_reason(value) or self._walk(value, nested=False)

    def _walk(self, value: Value, nested: bool) -> str | None:
        if nested and (reason := self.nested_reason(value)):
            return reason
        if isinstance(value, int) and not isinstance(value, bool) and self.int_range:
            low, high = self.int_range
            return None if low <= value <= high else f"int outside {low}..{high}"
        if isinstance(value, list | tuple):
            return next((r for r in (self._walk(v, True) for v in value) if r), None)
        if isinstance(value, dict):
            return self.dict_reason(value) or next(
                (
                    r
                    for k, v in value.items()
                    for r in (self._walk(k, False), self._walk(v, True))
                    if r
                ),
                None,
            )
        return None

    def literal(self, value: Value) -> str:
        if isinstance(value, list | tuple):
            return self.list_literal([self.literal(v) for v in value])
        if isinstance(value, dict):
            return self.dict_literal(
                [(self.dict_key(k), self.literal(v)) for k, v in value.items()]
            )
        return self.scalar(value)

    def strip_candidate(self, candidate: str) -> str:
        return candidate.strip()

    def render_cases(self, cases: Sequence[tuple[int, Sequence[Value]]]) -> str:
        return self.cases_table(
            [self.case_row(case_id, [self.literal(v) for v in args]) for case_id, args in cases]
        )

    def driver(
        self,
        candidate: str,
        entry_point: str,
        cases: Sequence[tuple[int, Sequence[Value]]],
        nonce: str,
    ) -> str | dict[str, str]:
        """The harness and the candidate, each in its file. The nonce is in neither: the
        harness reads it from stdin."""
        main = fill_template(
            self.harness,
            {
                "__CF_CASES__": self.render_cases(cases),
                "__CF_ENTRY__": self.entry_ref(entry_point),
                "__CF_MARKER__": MARKER,
            },
        )
        return {self.main_file: main, self.candidate_file: self.strip_candidate(candidate) + "\n"}


class TypedRenderer:
    """The common part of a typed target's renderer: a value is representable when the language
    can declare its type (and its ints fit 64 bits); literals are typed; each case's argument
    types are the parameters' types unified over all cases (per case only where no single
    signature fits, which only a generic function can take)."""

    language_name = ""

    def type_name(self, t: Type) -> str:
        """The language's name for `t`; raises Untypable for what it cannot declare."""
        raise NotImplementedError

    def typed_literal(self, value: Value, t: Type) -> str:
        raise NotImplementedError

    def unsupported_reason(self, value: Value) -> str | None:
        reason = generic_unsupported_reason(value)
        if reason:
            return reason
        try:
            self.type_name(type_of(value))
        except Untypable as exc:
            return f"no {self.language_name} type: {exc}"
        return int64_problem(value)

    def case_problems(self, cases: Sequence[TestCase]) -> dict[int, str]:
        """Why each case this language cannot hold is dropped (case id -> reason), judged
        against the types unified over all of the function's cases: a None among ints is an
        optional int, not an untypable value (a per-value check dropped exactly the cases that
        tell a sentinel translation from a right one)."""
        problems: dict[int, str] = {}
        for case in cases:
            values = (*case.inputs, case.expected)
            reason = next(
                (r for v in values if (r := generic_unsupported_reason(v) or int64_problem(v))),
                None,
            )
            if reason:
                problems[case.id] = reason
        rest = [c for c in cases if c.id not in problems]
        shared = unify_cases(rest)
        if shared is None:  # calls of differing arity: only a generic function takes them all
            problems.update({c.id: r for c in rest if (r := self._values_problem(c)) is not None})
            return problems
        problems.update(shared.dropped)
        for t in (*shared.params, shared.returns):
            try:
                self.type_name(t)
            except Untypable as exc:
                reason = f"no {self.language_name} type: {exc}"
                return {**problems, **{c.id: reason for c in rest if c.id not in problems}}
        return problems

    def _values_problem(self, case: TestCase) -> str | None:
        return next(
            (r for v in (*case.inputs, case.expected) if (r := self.unsupported_reason(v))), None
        )

    def literal(self, value: Value) -> str:
        return self.typed_literal(value, type_of(value))

    def strip_candidate(self, candidate: str) -> str:
        return candidate.strip()

    def case_types(self, cases: Sequence[tuple[int, Sequence[Value]]]) -> list[list[Type]]:
        shared = parameter_types(cases)
        return [shared or [type_of(a) for a in args] for _, args in cases]
