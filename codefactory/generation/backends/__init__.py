"""LLM backends behind one batch-first interface, found by name in a lazy registry."""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from typing import Any

from codefactory.core.errors import BackendError, ConfigError, did_you_mean
from codefactory.generation.backends.base import Backend, GenRequest, GenResult


@dataclass(frozen=True)
class Entry:
    target: str  # "module:Class", imported only when chosen
    needs: str | None = None  # top-level module of an optional extra, imported by the backend
    extra: str | None = None  # its name in pyproject's [project.optional-dependencies]


REGISTRY = {
    "llamacpp": Entry(
        "codefactory.generation.backends.llamacpp:LlamaCppBackend", "llama_cpp", "llamacpp"
    ),
    "openai": Entry("codefactory.generation.backends.openai_compat:OpenAIBackend"),
    "vllm": Entry("codefactory.generation.backends.vllm_backend:VLLMBackend", "vllm", "vllm"),
    "fake": Entry("codefactory.generation.backends.fake:FakeBackend"),
}


def _install_hint(extra: str) -> str:
    return f"pip install 'codefactory[{extra}]' (in a checkout: pip install -e '.[{extra}]')"


def make_backend(name: str, model: str, **options: Any) -> Backend:
    entry = REGISTRY.get(name)
    if entry is None:
        raise ConfigError(
            f"unknown backend {name!r}; available: {', '.join(REGISTRY)}"
            + did_you_mean(name, REGISTRY)
        )
    # The backends import their package inside __init__, so look for it first: a missing extra
    # is then one line naming the install command, not an ImportError from deep inside.
    if entry.needs and entry.extra and importlib.util.find_spec(entry.needs) is None:
        raise ConfigError(
            f"backend {name} needs the {entry.needs} package, which is not installed: "
            + _install_hint(entry.extra)
        )
    module_name, _, class_name = entry.target.partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    try:
        backend: Backend = cls(model=model, **options)
    except ImportError as exc:  # installed but broken, e.g. a compiled library that won't load
        hint = _install_hint(entry.extra) if entry.extra else "reinstall codefactory"
        raise ConfigError(f"backend {name} cannot import {exc.name or exc}: {hint}") from exc
    except (ValueError, RuntimeError, OSError) as exc:  # a GGUF llama.cpp rejects, no GPU, ...
        raise BackendError(
            f"backend {name} could not start with model {model!r} "
            f"({exc.__class__.__name__}: {exc}); check the model and the backend's options"
        ) from exc
    return backend


__all__ = ["REGISTRY", "Backend", "Entry", "GenRequest", "GenResult", "make_backend"]
