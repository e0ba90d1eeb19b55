"""Which benchmark items a piece of code overlaps: a shared run of 13 words, or the whole of a
short item.

Words, not symbols (`tokens.words`: identifiers, keywords, numbers), so 13 of them span two or
three lines of code. Measured on the benchmarks themselves: with all tokens counted, 13 of them
(`for j in range(i + 1, len(`) put 30 of HumanEval's 164 solutions in MBPP; with 13 words, 1
(a triangle test both share). An n-gram held by more than a few items is benchmark boilerplate,
not a leak, and is left out. An item shorter than 13 words (`def smallest_num(xs): return
min(xs)`) is matched whole. The index holds 64-bit hashes, never the benchmarks' text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from codefactory.curate.benchmarks import BenchmarkItem
from codefactory.curate.tokens import stable_hash, words

NGRAM = 13
MIN_WHOLE = 5  # a shorter item text (`return x`) is too common to name one item
MAX_SHARING_ITEMS = 5  # an n-gram in more items than this is boilerplate


def _grams(toks: list[str], n: int) -> Iterable[int]:
    return (stable_hash(" ".join(toks[i : i + n])) for i in range(len(toks) - n + 1))


@dataclass
class ContaminationIndex:
    n: int = NGRAM
    # language -> n-gram hash -> labels of the items holding it
    grams: dict[str, dict[int, set[str]]] = field(default_factory=dict)
    # language -> token count -> hash of a whole short text -> labels
    wholes: dict[str, dict[int, dict[int, set[str]]]] = field(default_factory=dict)
    benchmarks: dict[str, int] = field(default_factory=dict)  # name -> items indexed

    @classmethod
    def build(cls, items: Iterable[BenchmarkItem], n: int = NGRAM) -> ContaminationIndex:
        index = cls(n)
        grams: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
        for item in items:
            index.benchmarks[item.benchmark] = index.benchmarks.get(item.benchmark, 0) + 1
            for text in item.texts:
                toks = words(text)
                if len(toks) >= n:
                    for gram in _grams(toks, n):
                        grams[item.language][gram].add(item.label)
                elif len(toks) >= MIN_WHOLE:
                    by_length = index.wholes.setdefault(item.language, {})
                    by_length.setdefault(len(toks), {}).setdefault(
                        stable_hash(" ".join(toks)), set()
                    ).add(item.label)
        index.grams = {
            language: {g: labels for g, labels in table.items() if len(labels) <= MAX_SHARING_ITEMS}
            for language, table in grams.items()
        }
        return index

    def languages(self) -> set[str]:
        return set(self.grams) | set(self.wholes)

    def matches(self, code: str, language: str) -> tuple[str, ...]:
        """The labels (`mbpp:601`) of the items `code` overlaps, sorted; () for none."""
        toks = words(code)
        found: set[str] = set()
        table = self.grams.get(language, {})
        for gram in _grams(toks, self.n):
            found |= table.get(gram, set())
        for length, hashes in self.wholes.get(language, {}).items():
            for gram in _grams(toks, length):
                found |= hashes.get(gram, set())
        return tuple(sorted(found))
