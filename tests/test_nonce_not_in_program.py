"""The run's nonce reaches a target's harness on stdin and is never in the program's files: a
candidate can read those (and a compiled binary, /proc/self/exe), and with the nonce it could write
a whole set of records from its own top-level code and exit before the harness runs."""

from __future__ import annotations

import pytest

from codefactory.core.languages import Language, all_languages
from codefactory.judge import conformance

TARGETS = sorted(lang_id for lang_id, lang in all_languages().items() if lang.is_target)


@pytest.fixture(params=TARGETS)
def lang(request: pytest.FixtureRequest) -> Language:
    return all_languages()[request.param]


def test_a_rendered_program_never_contains_its_nonce(lang: Language) -> None:
    assert conformance.nonce_in_program_problem(lang) is None


def test_every_target_has_the_read_the_program_attack(lang: Language) -> None:
    assert conformance.NONCE_ATTACK in lang.attacks, (
        f"languages/{lang.id}.toml: no attacks.{conformance.NONCE_ATTACK} "
        f"({conformance.NONCE_ATTACK_WHAT})"
    )
