"""Prompts. Short on purpose: a longer system prompt with PHP pitfalls made the 0.5B model
worse here (14/30 -> 9/30). The version is part of every generation's cache key."""

from __future__ import annotations

from codefactory.core.languages import Language
from codefactory.core.schema import Source, TestCase, Verdict
from codefactory.core.values import show
from codefactory.generation.backends.base import Message

PROMPT_VERSION = "translate-v1"


def translate_messages(
    source: Source, lang: Language, signature: str | None = None
) -> tuple[Message, ...]:
    tag = lang.fence_tags[0]
    system = (
        f"You translate Python into {lang.name}. Reply with one ```{tag} code block holding "
        f"the complete {lang.name} code: the function `{source.entry_point}` with the same "
        "parameters and behaviour, and any helpers it needs. No explanation, no tests, "
        "no example usage."
    )
    if lang.prompt_note:  # added only where set, so other languages' cached prompts still hit
        system += " " + lang.prompt_note
    user = f"Translate this Python function to {lang.name}:\n```python\n{source.code.strip()}\n```"
    if signature:
        user += f"\nUse this signature: `{signature}`"
    return (("system", system), ("user", user))


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
    if status == "runtime_error" and call:
        return f"That code fails: {call} raised an error: {error}"
    if status == "timeout":
        return "That code ran past the time limit (an infinite loop?)."
    if status == "memory_exceeded":
        return "That code ran out of memory."
    return f"That code failed ({status}): {error}"


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
