"""Plain decoding against prompt-lookup decoding (llama-cpp-python's `LlamaPromptLookupDecoding`),
side by side on the same prompts: seconds, tokens/s, and how many greedy replies are identical.

Prompt lookup drafts the next tokens from n-grams of the prompt (a translation copies most of its
input's names) and checks them in one batch; a draft that holds saves a decode step. Whether it
pays depends on the machine: a check of d drafts costs a batch of d+1 tokens, which on a CPU is
compute-bound and costs several decode steps. The first N functions of the bundled sample into
PHP, greedy, each prompt prefilled cold.

    .venv/bin/python benchmarks/bench_decoding.py [--n 6] [--drafts 2,6] [--model MODEL]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from llama_cpp import Llama
from llama_cpp.llama_speculative import LlamaPromptLookupDecoding

from codefactory.core.languages import get_language
from codefactory.generation import prompts as prompts_module
from codefactory.generation.model_registry import resolve_model
from codefactory.generation.prompts import translate_messages
from codefactory.sources.jsonl import read_jsonl
from codefactory.sources.load import SAMPLE

MAX_TOKENS = 400


def run(
    model: str, drafts: int, prompts: list[list[dict[str, str]]]
) -> tuple[list[str], int, float]:
    """Replies, completion tokens and seconds; `drafts` 0 is plain decoding."""
    llm = Llama(
        model_path=str(resolve_model(model)),
        n_ctx=2048,
        n_threads=os.cpu_count() or 2,
        verbose=False,
        draft_model=LlamaPromptLookupDecoding(num_pred_tokens=drafts) if drafts else None,
    )
    texts, tokens, seconds = [], 0, 0.0
    try:
        for messages in prompts:
            llm.n_tokens = 0  # a cold prefill: no reuse of the call before
            started = time.monotonic()
            reply = llm.create_chat_completion(
                messages=messages,  # type: ignore[arg-type]
                temperature=0.0,
                seed=1,
                max_tokens=MAX_TOKENS,
            )
            seconds += time.monotonic() - started
            texts.append(reply["choices"][0]["message"]["content"] or "")  # type: ignore[index]
            tokens += reply["usage"]["completion_tokens"]  # type: ignore[index]
    finally:
        llm.close()
    return texts, tokens, seconds


def raw_rates(model: str) -> tuple[float, float]:
    """Prefill tokens/s of one 512-token batch and decode tokens/s of 96 greedy steps after it:
    the machine's two limits for this model."""
    llm = Llama(str(resolve_model(model)), n_ctx=1024, n_threads=os.cpu_count() or 2, verbose=False)
    try:
        tokens = llm.tokenize(Path(prompts_module.__file__).read_bytes())[:512]
        started = time.monotonic()
        llm.eval(tokens)
        prefill = len(tokens) / (time.monotonic() - started)
        steps = llm.generate(tokens, temp=0.0)  # the whole prompt is in the context: no prefill
        next(steps)
        started = time.monotonic()
        for _ in range(96):
            next(steps)
        return prefill, 96 / (time.monotonic() - started)
    finally:
        llm.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=6)
    parser.add_argument("--drafts", default="2,6", help="prompt-lookup draft lengths to try")
    parser.add_argument("--model", default="qwen2.5-coder-1.5b")
    a = parser.parse_args()
    php = get_language("php")
    sources = [row.source for row in read_jsonl(SAMPLE) if row.source is not None][: a.n]
    prompts = [
        [{"role": role, "content": text} for role, text in translate_messages(source, php)]
        for source in sources
    ]
    prefill, decode = raw_rates(a.model)
    print(f"{a.model}: prefill {prefill:.1f} tokens/s (512 in one batch), decode {decode:.1f}")
    plain, tokens, seconds = run(a.model, 0, prompts)
    print(f"{len(prompts)} prompts, greedy, up to {MAX_TOKENS} tokens each")
    print(f"{'decoding':<18}{'tokens':>7}{'s':>8}{'tok/s':>7}{'ratio':>7}{'identical':>11}")
    print(f"{'plain':<18}{tokens:>7}{seconds:>8.1f}{tokens / seconds:>7.1f}{1:>7.2f}{'-':>11}")
    for drafts in (int(d) for d in a.drafts.split(",")):
        texts, n, s = run(a.model, drafts, prompts)
        same = sum(x == y for x, y in zip(plain, texts, strict=True))
        name = f"prompt lookup {drafts}"
        print(f"{name:<18}{n:>7}{s:>8.1f}{n / s:>7.1f}{s / seconds:>7.2f}{same:>6}/{len(plain)}")


if __name__ == "__main__":
    main()
