"""Language-agnostic code tokens: the unit dedup and decontamination both count in.

A token is a run of word characters or one other non-space character, so `$a+1` is `$ a + 1`
in every language and whitespace or line breaks never make two pieces of code differ. A word is
a token made of word characters only.
"""

from __future__ import annotations

import hashlib
import re

_TOKEN = re.compile(r"\w+|[^\w\s]")
_WORD = re.compile(r"\w+")


def tokens(code: str) -> list[str]:
    return _TOKEN.findall(code)


def words(code: str) -> list[str]:
    """Identifiers, keywords and numbers only: symbols are too common to tell code apart."""
    return _WORD.findall(code)


def normalised(code: str) -> str:
    """The code with its whitespace reduced to single spaces between tokens."""
    return " ".join(tokens(code))


def stable_hash(text: str) -> int:
    """A 64-bit hash that is the same in every process and on every machine (unlike hash())."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")
