"""Prompts. Short on purpose: a longer system prompt with PHP pitfalls made the 0.5B model
worse here (14/30 -> 9/30). The version is part of every generation's cache key."""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence

from codefactory.core.languages import Language
from codefactory.core.schema import Source, TestCase, Verdict
from codefactory.core.values import show
from codefactory.generation.backends.base import Message
from codefactory.judge.entry_names import reserved_names
from codefactory.sources.assert_calls import entry_function

PROMPT_VERSION = "translate-v1"
# Whether the translate prompt shows the source's own test calls (benchmarks/bench_examples.py).
EXAMPLES_BY_DEFAULT = False


def translate_messages(
    source: Source,
    lang: Language,
    signature: str | None = None,
    examples: Sequence[TestCase] = (),
) -> tuple[Message, ...]:
    """`examples`: cases to show with their expected values; only the source's own (visible)
    ones are ever shown, whatever is passed."""
    tag = lang.fence_tags[0]
    entry = reserved_names(lang).safe(source.entry_point)  # intdiv_ where PHP has intdiv
    system = (
        f"You translate Python into {lang.name}. Reply with one ```{tag} code block holding "
        f"the complete {lang.name} code: the function `{entry}` with the same "
        "parameters and behaviour, and any helpers it needs. No explanation, no tests, "
        "no example usage."
    )
    if lang.prompt_note:  # added only where set, so other languages' cached prompts still hit
        system += " " + lang.prompt_note
    user = f"Translate this Python function to {lang.name}:\n```python\n{source.code.strip()}\n```"
    if note := constant_names_note(source, lang):  # only then: other prompts stay as they were
        user += "\n" + note
    if entry != source.entry_point:  # likewise
        user += (
            f"\n`{source.entry_point}` cannot be declared in {lang.name} (a built-in or keyword "
            f"has that name): name the function `{entry}`."
        )
        if signature:  # the hint spells the Python name
            signature = re.sub(rf"\b{re.escape(source.entry_point)}\b", entry, signature, count=1)
    if shown := examples_note(source.entry_point, examples):  # none: the prompt is unchanged
        user += "\n" + shown
    if signature:
        user += f"\nUse this signature: `{signature}`"
    return (("system", system), ("user", user))


# The source's own test calls shown as doctest-like examples (MultiPL-E's prompts carry the
# doctests). A few are enough to pin the return type and shape; more only lengthen the prompt.
MAX_EXAMPLES = 3
EXAMPLE_VALUE_CHARS = 120
_RELATION_NOTE = {"sorted": "  # in any order", "set": "  # as a set", "close": "  # approximately"}


def examples_note(entry_point: str, cases: Sequence[TestCase]) -> str | None:
    """The first visible cases as `f(args) == expected` lines; None when there is none. Hidden
    (augmented) cases are never shown: they are what catches a translation fitted to these."""
    visible = [case for case in cases if not case.hidden][:MAX_EXAMPLES]
    if not visible:
        return None
    lines = []
    for case in visible:
        args = ", ".join(show(v, EXAMPLE_VALUE_CHARS) for v in case.inputs)
        note = _RELATION_NOTE.get(case.relation.kind, "")
        lines.append(f"{entry_point}({args}) == {show(case.expected, EXAMPLE_VALUE_CHARS)}{note}")
    return "Examples it must reproduce:\n```python\n" + "\n".join(lines) + "\n```"


# Targets that read a capitalised name as a constant, which a method can neither take as a
# parameter nor assign to: MBPP's `def f(N)` is a syntax error in Ruby.
_CAPITALS_ARE_CONSTANTS = frozenset({"ruby"})


def constant_names_note(source: Source, lang: Language) -> str | None:
    """For such a target, the entry point's capitalised parameters and local variables with the
    lower-case names to use instead; None when there are none (the prompt is then unchanged)."""
    if lang.id not in _CAPITALS_ARE_CONSTANTS:
        return None
    bound = _bound_names(source.code, source.entry_point)
    capitalised = [name for name in bound if name[0].isupper()]
    if not capitalised:
        return None
    taken = set(bound)
    renames = []
    for name in capitalised:
        new = name.lower()
        while new in taken:
            new += "_"
        taken.add(new)
        renames.append(f"`{new}` for `{name}`")
    return f"In {lang.name} a capitalised name is a constant: write {', '.join(renames)}."


def _bound_names(code: str, entry_point: str) -> list[str]:
    """The entry point's parameters, then the names its body assigns, each once, in order."""
    function = entry_function(code, entry_point)
    if function is None:
        return []
    args = function.args
    names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    names += [a.arg for a in (args.vararg, args.kwarg) if a is not None]
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.append(node.id)
    return list(dict.fromkeys(names))


def repair_messages(
    previous: tuple[Message, ...], reply: str, feedback: str, lang: Language
) -> tuple[Message, ...]:
    tag = lang.fence_tags[0]
    ask = f"{feedback}\nReply with the corrected complete {lang.name} code in one ```{tag} block."
    return (*previous, ("assistant", reply), ("user", ask))


def feedback(verdict: Verdict, entry_point: str, cases: tuple[TestCase, ...]) -> str:
    """What the model is told about its failure: the error, or the first failing case."""
    failure = verdict.failure or {}
    error = str(failure.get("error", ""))[:600]
    case_id = failure.get("case")
    case = next((c for c in cases if c.id == case_id), None)
    call = f"{entry_point}({', '.join(show(v, 120) for v in case.inputs)})" if case else None
    status = verdict.status.value
    if status == "syntax_error":
        return f"That code does not parse: {error}."
    if status == "compile_error":
        return f"That code does not compile:\n{error}"
    if status == "wrong_answer" and call:
        return (
            f"That code is wrong: {call} returned {failure.get('got')} but "
            f"{show(case.expected, 200) if case else '?'} was expected."
        )
    # A program that died before reporting (a failed `require`, a fatal error at load) is
    # explained only by what it wrote on stderr: "exited with code 137" alone tells nothing.
    said = str(failure.get("stderr", "")).strip()[:600]
    said = f"\nIts error output:\n{said}" if said else ""
    if status == "runtime_error" and call:
        return f"That code fails: {call} raised an error: {error}{said}"
    if status == "timeout":
        return "That code ran past the time limit (an infinite loop?)."
    if status == "memory_exceeded":
        return "That code ran out of memory."
    return f"That code failed ({status}): {error}{said}"


# Eight calls of literal arguments fit in 256 tokens; past it the model writes explanations or
# huge literals (two of inflection's four proposals ran to a 512-token cap). A reply cut off at
# the cap still gives the calls on its complete lines (pipeline/stages/tests.py).
INPUTS_MAX_TOKENS = 256


def inputs_messages(source: Source) -> tuple[Message, ...]:
    """Ask for example calls when a function comes without tests."""
    system = (
        "You write test inputs for Python functions. Reply with one ```python block of "
        "5 to 8 different calls, one per line, using literal arguments only."
    )
    user = (
        f"Write calls like `{source.entry_point}(...)` that exercise this function, "
        f"including edge cases:\n```python\n{source.code.strip()}\n```"
    )
    return (("system", system), ("user", user))
