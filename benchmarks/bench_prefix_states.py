"""Repair rounds with and without the conversations' KV states (llamacpp backend), side by side.

As in a translate run, the first tries of N functions are generated one after another, then
every function's repair round (the conversation so far plus a failure note). Without kept
states a repair round prefills its whole conversation (the call before it was another
function's); with them it decodes only the new turn. Both modes see the same requests in the
same order; the script prints the repair rounds' median seconds, their ratio, and whether every
reply is identical to plain decoding's (greedy).

    .venv/bin/python benchmarks/bench_prefix_states.py [--n 12] [--model qwen2.5-coder-1.5b]
"""

from __future__ import annotations

import argparse
import statistics
import time

from codefactory.core.languages import get_language
from codefactory.generation.backends import make_backend
from codefactory.generation.backends.base import GenRequest
from codefactory.generation.prompts import translate_messages
from codefactory.sources.jsonl import read_jsonl
from codefactory.sources.load import SAMPLE

NOTE = (
    "Your translation failed a test: for one of the inputs it returned a different value "
    "than the Python. Check the edge cases and reply with the whole corrected function."
)


def run(model: str, prefix_states: bool, n: int) -> tuple[list[str], list[float], int]:
    php = get_language("php")
    sources = [row.source for row in read_jsonl(SAMPLE) if row.source is not None][:n]
    backend = make_backend("llamacpp", model, prefix_states=prefix_states)
    replies: list[str] = []
    repair_s: list[float] = []
    try:
        firsts = []
        for source in sources:
            request = GenRequest(translate_messages(source, php), 0.0, 0, 512)
            (result,) = backend.generate([request])
            firsts.append((request, result.text))
            replies.append(result.text)
        for request, text in firsts:
            again = (*request.messages, ("assistant", text), ("user", NOTE))
            started = time.monotonic()
            (result,) = backend.generate([GenRequest(again, 0.0, 0, 512)])
            repair_s.append(time.monotonic() - started)
            replies.append(result.text)
        restored = getattr(getattr(backend, "conversations", None), "restored", 0)
    finally:
        backend.close()
    return replies, repair_s, restored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=12)
    parser.add_argument("--model", default="qwen2.5-coder-1.5b")
    a = parser.parse_args()
    plain, plain_s, _ = run(a.model, prefix_states=False, n=a.n)
    kept, kept_s, restored = run(a.model, prefix_states=True, n=a.n)
    same = sum(x == y for x, y in zip(plain, kept, strict=True))
    p, k = statistics.median(plain_s), statistics.median(kept_s)
    print(f"repair rounds: {a.n}; states restored: {restored}")
    print(f"median seconds per repair round: plain {p:.2f}, kept states {k:.2f}, ratio {k / p:.2f}")
    print(f"total repair seconds: plain {sum(plain_s):.1f}, kept states {sum(kept_s):.1f}")
    print(f"replies identical to plain decoding: {same} of {len(plain)}")


if __name__ == "__main__":
    main()
