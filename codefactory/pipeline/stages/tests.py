"""Tests from the Python: inputs proposed by the model where the source has none, then the
suite (oracle, augmentation, determinism, representability, adequacy) and, for a typed target,
the signature the prompt asks for."""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import replace

from codefactory.core.equality import Relation
from codefactory.core.languages import Language
from codefactory.core.limits import parse_python
from codefactory.core.schema import CallSpec
from codefactory.core.value_types import Untypable, infer_signature
from codefactory.generation.prompts import INPUTS_MAX_TOKENS, inputs_messages
from codefactory.judge.verifier import Verifier
from codefactory.pipeline.reasons import reason_code
from codefactory.pipeline.stage import Drop, Stage
from codefactory.pipeline.stages.generate import Generator
from codefactory.pipeline.work import Attempt, Function
from codefactory.suite.build import TestOptions, build_tests


class ProposeInputs(Stage[Function, Function]):
    """A function given without tests gets calls proposed by the model; the Python then says
    what they return. Functions with calls pass through untouched."""

    name = "inputs"
    resource = "llm"

    def __init__(self, generator: Generator, seed: int) -> None:
        self.generator = generator
        self.seed = seed

    def passes(self, record: Function) -> bool:
        return record.source is not None and bool(record.source.calls)

    def process_batch(self, records: Sequence[Function]) -> list[list[Function] | Drop]:
        asking = [r for r in records if r.source is not None and not r.source.calls]
        attempts = [
            Attempt(
                r,
                inputs_messages(r.source),
                self.seed,
                0.0,
                purpose="inputs",
                max_tokens=INPUTS_MAX_TOKENS,
            )
            for r in asking
            if r.source is not None
        ]
        replies = dict(zip(map(id, asking), self.generator.generate(attempts), strict=True))
        out: list[list[Function] | Drop] = []
        for record in records:
            assert record.source is not None
            if record.source.calls:
                out.append([record])
                continue
            result = replies[id(record)]
            record.spent_tokens += result.prompt_tokens + result.completion_tokens
            calls = proposed_calls(result.text, record.source.entry_point)
            if result.error is not None:
                out.append(Drop("backend_error", f"backend error: {result.error}"))
            elif not calls:
                out.append(Drop("no_proposable_inputs", "no tests and no proposable inputs"))
            else:
                record.source = replace(record.source, calls=calls)
                out.append([record])
        return out


class BuildTests(Stage[Function, Function]):
    """The function's suite for the target, run in the Python sandbox; cached by content."""

    name = "tests"
    resource = "sandbox"

    def __init__(self, verifier: Verifier, target: Language, options: TestOptions) -> None:
        self.verifier = verifier
        self.target = target
        self.options = options

    def process(self, record: Function) -> Function | Drop:
        assert record.source is not None
        prepared = build_tests(self.verifier, record.source, self.target, self.options)
        record.prepared = prepared
        if prepared.infra_error:  # ours: nothing cached, so a rerun tries it again
            return Drop("sandbox_error", prepared.infra_error)
        if prepared.error:
            return Drop(reason_code(prepared.error), prepared.error)
        renderer = self.target.renderer
        if renderer.typed:  # the prompt asks a typed target for the signature of its values
            try:
                typed = infer_signature(record.source, prepared.cases)
            except Untypable as exc:
                return Drop("untypable", f"cannot be typed: {exc}")
            record.signature = renderer.signature_hint(record.source.entry_point, typed)
        return record


_ASSIGNED = re.compile(r"^[A-Za-z_]\w*\s*=(?!=)\s*")


def proposed_calls(reply: str, entry_point: str) -> tuple[CallSpec, ...]:
    """Calls to `entry_point` with literal arguments, one per line of the reply's code."""
    text = reply
    if "```" in reply:
        text = "\n".join(
            part.split("\n", 1)[1] if "\n" in part else "" for part in reply.split("```")[1::2]
        )
    calls: list[CallSpec] = []
    for line in text.splitlines():
        line = line.strip().removeprefix("assert ").split("==")[0].strip()
        line = _ASSIGNED.sub("", line)  # `result = f(1)`
        try:  # the model's text: deep nesting must cost this line, not the run
            tree = parse_python(line, "a proposed call", mode="eval")
        except (SyntaxError, ValueError):
            continue
        assert isinstance(tree, ast.Expression)
        node = tree.body
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "print" and len(node.args) == 1:
            node = node.args[0]  # `print(f(1))  # Output: 'st'`
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == entry_point
            and not node.keywords
        ):
            continue
        try:
            for arg in node.args:
                ast.literal_eval(arg)
        except (ValueError, SyntaxError, TypeError):
            continue
        args = "(" + "".join(ast.unparse(a) + ", " for a in node.args) + ")"
        if all(c.args_source != args for c in calls):
            calls.append(CallSpec(args, Relation()))
    return tuple(calls)
