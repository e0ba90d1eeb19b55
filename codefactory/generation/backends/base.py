"""The backend protocol: a batch of chat requests in, one result per request out, in order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

Message = tuple[str, str]  # (role, content)


@dataclass(frozen=True)
class GenRequest:
    messages: tuple[Message, ...]
    temperature: float
    seed: int
    max_tokens: int = 1024

    def as_openai(self) -> list[dict[str, str]]:
        return [{"role": role, "content": content} for role, content in self.messages]


@dataclass(frozen=True)
class GenResult:
    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    error: str | None = None  # the backend failed for this request after its retries
    key: str = ""  # the generation cache's key for the request (set by the Generator)


class Backend(Protocol):
    name: str
    model: str
    batch_size: int  # how many requests one `generate` call should carry

    def generate(self, requests: Sequence[GenRequest]) -> list[GenResult]: ...

    def close(self) -> None: ...
