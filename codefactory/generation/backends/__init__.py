"""LLM backends behind one batch-first interface, found by name in a lazy registry."""

from __future__ import annotations

import importlib
from typing import Any

from codefactory.core.errors import ConfigError
from codefactory.generation.backends.base import Backend, GenRequest, GenResult

# name -> "module:Class"; modules are imported only when chosen (vllm is an optional extra).
REGISTRY = {
    "llamacpp": "codefactory.generation.backends.llamacpp:LlamaCppBackend",
    "openai": "codefactory.generation.backends.openai_compat:OpenAIBackend",
    "vllm": "codefactory.generation.backends.vllm_backend:VLLMBackend",
    "fake": "codefactory.generation.backends.fake:FakeBackend",
}


def make_backend(name: str, model: str, **options: Any) -> Backend:
    if name not in REGISTRY:
        raise ConfigError(f"unknown backend {name!r}; available: {', '.join(REGISTRY)}")
    module_name, _, class_name = REGISTRY[name].partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        extra = {"llamacpp": "llamacpp", "vllm": "vllm"}.get(name, name)
        raise ConfigError(
            f"backend {name} needs an optional dependency ({exc.name}): pip install -e '.[{extra}]'"
        ) from None
    backend: Backend = getattr(module, class_name)(model=model, **options)
    return backend


__all__ = ["REGISTRY", "Backend", "GenRequest", "GenResult", "make_backend"]
