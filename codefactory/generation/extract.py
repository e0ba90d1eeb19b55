"""Pull one code block out of an LLM reply (or a candidate pasted with its fences)."""

from __future__ import annotations

import re

from codefactory.core.languages import Language

_FENCE = re.compile(r"```[ \t]*([\w+#.-]*)[^\n]*\n(.*?)(?:```|\Z)", re.DOTALL)


def extract_code(reply: str, lang: Language) -> str | None:
    """The first block fenced with one of the language's tags; else the first fenced block;
    else the reply itself when it has no fences at all. None when nothing code-like is left."""
    blocks: list[tuple[str, str]] = _FENCE.findall(reply)
    if blocks:
        tagged = [body for tag, body in blocks if tag.lower() in lang.fence_tags]
        untagged = [body for tag, body in blocks if not tag]
        chosen = next(iter(tagged or untagged), "")
    else:
        chosen = reply
    if not chosen.strip():
        return None
    return chosen.strip() + "\n"
