"""What the script targets' renderers share: literals spelled from a few facts of the language,
and a harness template filled in with the case table."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from codefactory.core.value_types import INT64
from codefactory.core.values import Value, generic_unsupported_reason
from codefactory.judge.protocol import MARKER
from codefactory.renderers.base import Cases, Program, fill_template, signed


@dataclass(frozen=True)
class Scalars:
    """How a script language spells the scalars whose literal is not their Python repr."""

    null: str
    false: str
    true: str
    inf: str
    minus_inf: str
    int_min: str | None = None  # for -2**63, where the plain digits would not parse as an int
    nan: str | None = None  # else repr's "nan"
    minus_zero: str | None = None  # else repr's "-0.0"


class ScriptRenderer:
    """The common shape of a script target's renderer: a harness template holding the serializer
    and the record loop (placeholders __CF_CASES__, __CF_ENTRY__, __CF_MARKER__), which reads the
    run's nonce from stdin. By default the harness is `main_file` and loads the candidate from
    `candidate_file` itself; languages whose harness holds the candidate override `assemble`.
    Subclasses give the syntax (scalars, containers, the case table) and the language's own
    representability rules.
    """

    typed: ClassVar[bool] = False
    language_name = ""
    harness = ""
    main_file = ""
    candidate_file = ""
    int_range: tuple[int, int] | None = None  # None: arbitrary precision
    scalars: ClassVar[Scalars]
    list_brackets = ("[", "]")
    dict_brackets = ("{", "}")
    pair_separator = " => "  # between a dict literal's key and value
    cases_brackets = ("[", "]")
    # Dict keys are strings in this language: keys are written as strings, and a dict whose keys
    # collide as strings (1 and "1") cannot be held.
    string_keys = False

    # -- what a language says about itself ---------------------------------------------------

    def string(self, text: str) -> str:
        raise NotImplementedError

    def number(self, text: str) -> str:
        return signed(text)

    def float_text(self, value: float) -> str:
        return repr(value)

    def dict_key(self, key: Value) -> str:
        return self.string(str(key)) if self.string_keys else self.literal(key)

    def case_row(self, case_id: int, args: list[str]) -> str:
        return f"[{case_id}, [{', '.join(args)}]]"

    def entry_ref(self, entry_point: str) -> str:
        return entry_point

    def dict_reason(self, value: dict[Value, Value]) -> str | None:
        """A dict this language cannot hold faithfully (key collisions, ambiguous tables)."""
        if self.string_keys and len({str(k) for k in value}) != len(value):
            return "dict keys that collide as strings"
        return None

    def nested_reason(self, value: Value) -> str | None:
        """A value that is fine alone but not inside a container (Lua's nil)."""
        return None

    def assemble(self, code: str, entry_point: str, fields: dict[str, str]) -> Program:
        """The program from the stripped candidate and the harness's placeholders: by default
        the harness and the candidate, each in its file."""
        return {
            self.main_file: fill_template(self.harness, fields),
            self.candidate_file: code + "\n",
        }

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
            items = ", ".join(self.literal(v) for v in value)
            return self.list_brackets[0] + items + self.list_brackets[1]
        if isinstance(value, dict):
            pairs = ", ".join(
                self.dict_key(k) + self.pair_separator + self.literal(v) for k, v in value.items()
            )
            return self.dict_brackets[0] + pairs + self.dict_brackets[1]
        return self.scalar(value)

    def scalar(self, value: Value) -> str:
        spelled = self.scalars
        if value is None:
            return spelled.null
        if isinstance(value, bool):
            return spelled.true if value else spelled.false
        if isinstance(value, int):
            if value == INT64[0] and spelled.int_min:
                return spelled.int_min
            return self.number(str(value))
        if isinstance(value, float):
            if math.isinf(value):
                return spelled.inf if value > 0 else spelled.minus_inf
            if spelled.nan and math.isnan(value):
                return spelled.nan
            if spelled.minus_zero and value == 0 and math.copysign(1, value) < 0:
                return spelled.minus_zero
            return self.number(self.float_text(value))
        if isinstance(value, str):
            return self.string(value)
        raise TypeError(f"no {self.language_name} literal for {type(value).__name__}")

    def strip_candidate(self, candidate: str) -> str:
        return candidate.strip()

    def render_cases(self, cases: Cases) -> str:
        rows = [self.case_row(case_id, [self.literal(v) for v in args]) for case_id, args in cases]
        return self.cases_brackets[0] + ", ".join(rows) + self.cases_brackets[1]

    def driver(self, candidate: str, entry_point: str, cases: Cases, nonce: str) -> Program:
        """The program. The nonce is in none of its files: the harness reads it from stdin."""
        fields = {
            "__CF_CASES__": self.render_cases(cases),
            "__CF_ENTRY__": self.entry_ref(entry_point),
            "__CF_MARKER__": MARKER,
        }
        return self.assemble(self.strip_candidate(candidate), entry_point, fields)
