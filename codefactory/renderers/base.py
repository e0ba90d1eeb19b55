"""What every language renderer provides (DESIGN.md §3)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from codefactory.values import Value


class Renderer(Protocol):
    def unsupported_reason(self, value: Value) -> str | None:
        """Why this language cannot represent `value` faithfully (the case is dropped), or None."""
        ...

    def literal(self, value: Value) -> str:
        """Source text that evaluates to `value` in the target language."""
        ...

    def driver(
        self,
        candidate: str,
        entry_point: str,
        cases: Sequence[tuple[int, Sequence[Value]]],
        nonce: str,
    ) -> str:
        """The whole program: candidate + calls + output serializer + framed records."""
        ...

    def strip_candidate(self, candidate: str) -> str:
        """Remove wrapper text the driver adds itself (PHP's `<?php` tag)."""
        ...


def fill_template(template: str, replacements: dict[str, str]) -> str:
    """Replace placeholders in one pass, so inserted text (user data) is never rescanned."""
    pattern = re.compile("|".join(re.escape(k) for k in replacements))
    return pattern.sub(lambda m: replacements[m.group(0)], template)
