"""What every language renderer provides (docs/architecture.md §3)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import ClassVar, Protocol, TypeAlias

from codefactory.core.schema import TestCase
from codefactory.core.value_types import (
    Signature,
    Type,
    Untypable,
    int64_problem,
    parameter_types,
    type_of,
    unify_cases,
)
from codefactory.core.values import Value, generic_unsupported_reason

Cases: TypeAlias = Sequence[tuple[int, Sequence[Value]]]  # (case id, arguments) in order
Program: TypeAlias = str | dict[str, str]  # one file's text, or {file name: text}

# Harness templates are package data: renderers/harness/<module>/ holds the templates of the
# renderer module renderers/<module>.py, and of no other.
HARNESS_ROOT: Traversable = files(__package__) / "harness"


def template(module: str, name: str) -> str:
    """The text of template `name` of the renderer module `module` (its `__name__`)."""
    folder = module.rpartition(".")[2]
    return (HARNESS_ROOT / folder / name).read_bytes().decode("utf-8")


def template_files(cls: type) -> list[tuple[str, bytes]]:
    """(path, bytes) of the templates of the modules that define `cls` and its bases: part of
    what a verdict rests on, as much as their code (judge/fingerprint.py)."""
    modules = {c.__module__ for c in cls.__mro__ if c.__module__.startswith(f"{__package__}.")}
    folders = [HARNESS_ROOT / name.rpartition(".")[2] for name in sorted(modules)]
    return [
        (f"{folder.name}/{item.name}", item.read_bytes())
        for folder in folders
        if folder.is_dir()
        for item in sorted(folder.iterdir(), key=lambda t: t.name)
        if item.is_file()
    ]


class Renderer(Protocol):
    # Whether the translate prompt asks for `signature_hint`'s signature (and a function whose
    # values cannot be typed is dropped for this target).
    typed: ClassVar[bool]

    def unsupported_reason(self, value: Value) -> str | None:
        """Why this language cannot represent `value` faithfully (the case is dropped), or None."""
        ...

    def literal(self, value: Value) -> str:
        """Source text that evaluates to `value` in the target language."""
        ...

    def driver(self, candidate: str, entry_point: str, cases: Cases, nonce: str) -> Program:
        """The whole program: candidate + calls + output serializer + framed records (or
        {file name: text} where the language wants the harness in a file of its own)."""
        ...

    def strip_candidate(self, candidate: str) -> str:
        """Remove wrapper text the driver adds itself (PHP's `<?php` tag)."""
        ...

    def signature_hint(self, entry_point: str, signature: Signature) -> str:
        """The signature the prompt asks for; only renderers with `typed` define it."""
        ...


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


def signed(text: str) -> str:
    """A number's literal: a negative one in parentheses, so that no operator before it binds
    tighter than its sign."""
    return f"({text})" if text.startswith("-") else text


def fill_template(template: str, replacements: dict[str, str]) -> str:
    """Replace placeholders in one pass, so inserted text (user data) is never rescanned."""
    pattern = re.compile("|".join(re.escape(k) for k in replacements))
    return pattern.sub(lambda m: replacements[m.group(0)], template)


class SignatureHint:
    """The signature the prompt asks a typed target for, spelled from its type names."""

    typed: ClassVar[bool] = True
    language_name = ""
    parameter_form: ClassVar[str] = ""  # one parameter: {name} and {type}
    signature_form: ClassVar[str] = ""  # the whole hint: {entry}, {params} and {returns}
    # The language's type for each kind of Type it can declare: a name, or a form that {0} and
    # {1} fill with its arguments' types. `never` (an empty container's elements) is int's type
    # unless given.
    type_forms: ClassVar[dict[str, str]] = {}

    def type_name(self, t: Type) -> str:
        """The language's name for `t`; raises Untypable for what it cannot declare."""
        kind = "int" if t.kind == "never" and "never" not in self.type_forms else t.kind
        form = self.type_forms.get(kind)
        if form is None:
            raise Untypable(f"{t} has no {self.language_name} type")
        return form.format(*[self.type_argument(a) for a in t.args])

    def type_argument(self, t: Type) -> str:
        """`t` as a type argument of another (Java boxes it)."""
        return self.type_name(t)

    def signature_hint(self, entry_point: str, signature: Signature) -> str:
        params = ", ".join(
            self.parameter_form.format(name=name, type=self.type_name(t))
            for name, t in zip(signature.names, signature.params, strict=True)
        )
        returns = self.type_name(signature.returns)
        return self.signature_form.format(entry=entry_point, params=params, returns=returns)


class TypedRenderer(SignatureHint):
    """The common part of a typed target's renderer: a value is representable when the language
    can declare its type (and its ints fit 64 bits); literals are typed; each case's argument
    types are the parameters' types unified over all cases (per case only where no single
    signature fits, which only a generic function can take). The driver binds each case's
    arguments to a0, a1... (`argument`) and `assemble` lays the cases out in the program."""

    argument_separator: ClassVar[str] = "\n"

    @dataclass(frozen=True)
    class Case:
        """One case as the harness writes it: the case template's placeholders (__CF_INDEX__,
        __CF_ID__, __CF_ENTRY__, __CF_ARGS__, __CF_NAMES__) and its arguments' types."""

        fields: dict[str, str]
        types: list[Type]

    # -- literals: the language's spelling of each kind of value, declared as type `t` ----------

    def optional_literal(self, value: Value, t: Type) -> str:
        raise NotImplementedError

    def float_literal(self, number: float) -> str:
        raise NotImplementedError

    def int_literal(self, value: int) -> str:
        raise NotImplementedError

    def string_literal(self, text: str) -> str:
        raise NotImplementedError

    def list_literal(self, t: Type, items: list[str]) -> str:
        raise NotImplementedError

    def tuple_literal(self, t: Type, items: list[str]) -> str:
        raise NotImplementedError

    def dict_literal(self, t: Type, pairs: list[tuple[str, str]]) -> str:
        raise NotImplementedError

    def typed_literal(self, value: Value, t: Type) -> str:
        if t.kind == "optional":
            return self.optional_literal(value, t)
        if isinstance(value, bool):
            return "true" if value else "false"
        if t.kind == "float":
            return self.float_literal(float(value))
        if isinstance(value, int):
            return self.int_literal(value)
        if isinstance(value, str):
            return self.string_literal(value)
        if isinstance(value, list | tuple) and t.kind == "list":  # tuples used as sequences
            return self.list_literal(t, [self.typed_literal(v, t.args[0]) for v in value])
        if isinstance(value, tuple):
            items = [self.typed_literal(v, a) for v, a in zip(value, t.args, strict=True)]
            return self.tuple_literal(t, items)
        if isinstance(value, dict):
            key, item = t.args
            pairs = [
                (self.typed_literal(k, key), self.typed_literal(v, item)) for k, v in value.items()
            ]
            return self.dict_literal(t, pairs)
        raise Untypable(f"no {self.language_name} literal for {value!r}")

    def argument(self, i: int, value: Value, t: Type) -> str:
        """Argument i of a case as the case template's __CF_ARGS__ holds it."""
        raise NotImplementedError

    def assemble(self, code: str, entry_point: str, cases: list[Case]) -> Program:
        """The program from the stripped candidate and the cases."""
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

    def case_types(self, cases: Cases) -> list[list[Type]]:
        shared = parameter_types(cases)
        return [shared or [type_of(a) for a in args] for _, args in cases]

    def typed_cases(self, entry_point: str, cases: Cases) -> list[Case]:
        typed = []
        for index, ((case_id, args), types) in enumerate(
            zip(cases, self.case_types(cases), strict=True)
        ):
            fields = {
                "__CF_INDEX__": str(index),
                "__CF_ID__": str(case_id),
                "__CF_ENTRY__": entry_point,
                "__CF_ARGS__": self.argument_separator.join(
                    self.argument(i, arg, types[i]) for i, arg in enumerate(args)
                ),
                "__CF_NAMES__": ", ".join(f"a{i}" for i in range(len(args))),
            }
            typed.append(self.Case(fields, types))
        return typed

    def driver(self, candidate: str, entry_point: str, cases: Cases, nonce: str) -> Program:
        """The program. The nonce is in none of its files: the harness reads it from stdin
        before any of the candidate's code runs."""
        typed = self.typed_cases(entry_point, cases)
        return self.assemble(self.strip_candidate(candidate), entry_point, typed)

    @staticmethod
    def fill_cases(template: str, cases: Sequence[Case]) -> str:
        """The case template filled in for every case, in order."""
        return "".join(fill_template(template, case.fields) for case in cases)
