"""Prompts prefilled once (exact prefix reuse) against a cold prefill of every prompt, side by side.

As in a translate run, calls of N functions interleave: all first tries (greedy), then a
second sample of each at T=0.8 (the same prompt), then two repair rounds of each (the
conversation so far plus a failure note). Cold: every prompt prefilled from nothing, the
reference for greedy identity. Reuse: the llamacpp backend's default, which restores the
longest exact prefix a prompt shares with a recent one. Both modes see the same requests in the
same order; the script prints seconds per phase, their ratio, the prompt tokens not prefilled
again, and whether every reply (the T=0.8 samples included, same seeds) is identical.

    .venv/bin/python benchmarks/bench_prefix_states.py [--n 8] [--model qwen2.5-coder-1.5b]
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict

from codefactory.core.languages import get_language
from codefactory.generation.backends.base import GenRequest, Message
from codefactory.generation.backends.llamacpp import LlamaCppBackend
from codefactory.generation.prompts import translate_messages
from codefactory.sources.jsonl import read_jsonl
from codefactory.sources.load import SAMPLE

NOTE = (
    "Your translation failed a test: for one of the inputs it returned a different value "
    "than the Python. Check the edge cases and reply with the whole corrected function."
)
MAX_TOKENS = 512


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=8)
    parser.add_argument("--model", default="qwen2.5-coder-1.5b")
    a = parser.parse_args()
    php = get_language("php")
    sources = [row.source for row in read_jsonl(SAMPLE) if row.source is not None][: a.n]
    # both modes in one process, call by call in lockstep, so load on the machine hits both
    modes = {
        "cold": LlamaCppBackend(a.model, prefix_reuse=False),
        "reuse": LlamaCppBackend(a.model),
    }
    seconds: dict[str, dict[str, float]] = {mode: defaultdict(float) for mode in modes}
    same = calls = prompt_tokens = 0

    def ask(phase: str, messages: tuple[Message, ...], temperature: float = 0.0) -> str:
        nonlocal same, calls, prompt_tokens
        texts = []
        for mode, backend in modes.items():
            started = time.monotonic()
            (result,) = backend.generate([GenRequest(messages, temperature, 1, MAX_TOKENS)])
            seconds[mode][phase] += time.monotonic() - started
            assert result.error is None, result.error
            texts.append(result.text)
        calls += 1
        same += texts[0] == texts[1]
        prompt_tokens += result.prompt_tokens
        return texts[0]  # the conversation goes on with the reference reply

    try:
        conversations = [translate_messages(source, php) for source in sources]
        conversations = [(*m, ("assistant", ask("first tries", m))) for m in conversations]
        for m in conversations:
            ask("second samples", m[:-1], temperature=0.8)
        for round_ in ("repair round 1", "repair round 2"):
            conversations = [
                (*m, ("user", NOTE), ("assistant", ask(round_, (*m, ("user", NOTE)))))
                for m in conversations
            ]
        prefixes = modes["reuse"].prefixes
        reused = prefixes.reused_tokens if prefixes else 0
        grouping = prefixes.grouping if prefixes else None
    finally:
        for backend in modes.values():
            backend.close()
    cold_s, kept_s = seconds["cold"], seconds["reuse"]
    print(f"{a.model}, {a.n} functions, {calls} calls, {prompt_tokens} prompt tokens, {grouping}")
    print(f"{'phase':<16}{'cold s':>9}{'reuse s':>9}{'ratio':>7}")
    for phase in cold_s:
        c, k = cold_s[phase], kept_s[phase]
        print(f"{phase:<16}{c:>9.1f}{k:>9.1f}{k / c:>7.2f}")
    c, k = sum(cold_s.values()), sum(kept_s.values())
    print(f"{'all':<16}{c:>9.1f}{k:>9.1f}{k / c:>7.2f}")
    print(f"prompt tokens not prefilled again: {reused} of {prompt_tokens}")
    print(f"replies identical to a cold prefill: {same} of {calls}")


if __name__ == "__main__":
    main()
