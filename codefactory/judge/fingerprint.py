"""What a cached verdict depends on, taken from content rather than a hand-bumped version.

A verdict is a function of the candidate, the tests, the image, and the code and data that judge
it: the language's effective toml (limits, argv, grammar rules, equality leniency, error
patterns), its renderer (the harness text) and the host-side modules that gate, parse and
compare. Any change to one of those changes the key, so an edited harness or leniency can never
be served a verdict made under the old one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import json
import sys
from functools import cache
from pathlib import Path

from codefactory.core.languages import Language
from codefactory.renderers.base import template_files

# Host-side modules whose code decides a verdict for every language.
JUDGE_MODULES = (
    "codefactory.judge.decide",
    "codefactory.core.equality",
    "codefactory.judge.protocol",
    "codefactory.core.values",
    "codefactory.judge.syntax_gate",
    "codefactory.core.value_types",
    "codefactory.renderers.base",
    "codefactory.suite.oracle",  # reads the Python's records
)
# Facts of a language that do not change what a run means.
_NOT_JUDGED = {"name", "aliases", "fence_tags", "context_dir", "conformance", "attacks"}
_NOT_JUDGED |= {"prompt_note", "extension", "file_header"}


def language_data(lang: Language) -> dict[str, object]:
    data = dataclasses.asdict(lang)
    for name in _NOT_JUDGED:
        data.pop(name, None)
    return data


@cache
def _code_digest(renderer_ref: str) -> str:
    """The source of the renderer's module, of every module its class inherits from, of the
    judge's own modules, and the harness templates those renderer modules read."""
    module_name, _, class_name = renderer_ref.partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    modules = {c.__module__ for c in cls.__mro__ if c.__module__.startswith("codefactory")}
    modules.update(JUDGE_MODULES)
    digest = hashlib.sha256(modules_digest(tuple(sorted(modules))).encode())
    for name, text in template_files(cls):
        digest.update(name.encode())
        digest.update(text)
    return digest.hexdigest()


def judge_fingerprint(lang: Language) -> str:
    """One hash of everything besides candidate, tests and image that a verdict rests on."""
    data = json.dumps(language_data(lang), sort_keys=True, default=str)
    return hashlib.sha256((_code_digest(lang.renderer_ref) + data).encode()).hexdigest()


@cache
def modules_digest(names: tuple[str, ...]) -> str:
    """The source of these modules: what a cached result's key takes from the code that made it
    (a verdict's judge, adequacy's mutants, a tests run's drivers)."""
    digest = hashlib.sha256()
    for name in names:
        module = sys.modules.get(name) or importlib.import_module(name)
        path = getattr(module, "__file__", None)
        digest.update(name.encode())
        digest.update(Path(path).read_bytes() if path else b"")
    return digest.hexdigest()
