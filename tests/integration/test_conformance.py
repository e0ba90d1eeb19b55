"""One conformance suite, run for every target language found in languages/.

A language is `languages/<id>.toml` (facts, and the programs the checks run in its
[conformance] table), a renderer and `sandboxes/<id>/Dockerfile`. A language missing a piece
fails here with a message naming the piece.
"""

from __future__ import annotations

import importlib
import math

import pytest

from codefactory.core.equality import Relation, values_equal
from codefactory.core.languages import Language, all_languages
from codefactory.core.paths import PROJECT_ROOT
from codefactory.judge import conformance
from codefactory.judge.syntax_gate import check_in_process
from codefactory.judge.verifier import Verifier
from codefactory.sandbox.docker_sandbox import DockerSandbox

TARGETS = sorted(lang_id for lang_id, lang in all_languages().items() if lang.is_target)


@pytest.fixture(params=TARGETS)
def lang(request: pytest.FixtureRequest) -> Language:
    return all_languages()[request.param]


def test_language_has_all_its_pieces(lang: Language) -> None:
    for name in conformance.PIECES:
        conformance.piece(lang, name)
    assert (lang.context_dir / "Dockerfile").is_file(), f"missing {lang.context_dir}/Dockerfile"
    module = lang.renderer_ref.split(":")[0]
    path = PROJECT_ROOT / (module.replace(".", "/") + ".py")
    assert path.is_file(), f"missing renderer {path}"
    importlib.import_module(module)
    for attr in ("unsupported_reason", "literal", "driver", "strip_candidate"):
        assert hasattr(lang.renderer, attr), f"{lang.renderer_ref} has no {attr}()"


def test_grammar_loads_and_finds_the_function(lang: Language) -> None:
    add = conformance.piece(lang, "add")
    assert check_in_process(lang.grammar, add, "add").ok
    assert not check_in_process(lang.grammar, add, "other").ok


@pytest.mark.parametrize("check", list(conformance.CHECKS))
def test_conformance(
    lang: Language, check: str, sandbox: DockerSandbox, verifier: Verifier
) -> None:
    sandbox.require_image(lang.image)
    problem = conformance.CHECKS[check](verifier, lang)
    assert problem is None, problem


def test_round_trip_comparison_is_exact(lang: Language) -> None:
    """The round trip expects each value back as it went in, to the last bit of a float: a
    value one ulp off, which the default tolerance would accept, is a failure."""
    cases = conformance.round_trip_cases(lang)
    assert all(case.inputs == (case.expected,) for case in cases)
    floats = [c for c in cases if isinstance(c.expected, float) and math.isfinite(c.expected)]
    assert len(floats) >= 5, "the round trip carries too few floats to say"
    for case in floats:
        off = math.nextafter(case.expected, math.inf)
        assert values_equal(case.expected, off, Relation(), lang.leniency)
        assert not values_equal(case.expected, off, case.relation, lang.leniency), case.expected
