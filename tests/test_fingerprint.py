"""Cached verdicts are keyed by what judges them, not by a hand-bumped version."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from importlib.resources import as_file
from pathlib import Path

import pytest

from codefactory.core.equality import Leniency
from codefactory.core.languages import get_language
from codefactory.judge import fingerprint
from codefactory.judge.fingerprint import judge_fingerprint, language_data
from codefactory.renderers import base


def test_the_fingerprint_is_stable_for_the_same_language() -> None:
    assert judge_fingerprint(get_language("r")) == judge_fingerprint(get_language("r"))


def test_a_change_to_the_toml_changes_the_fingerprint() -> None:
    r = get_language("r")
    base = judge_fingerprint(r)
    changes = [
        dataclasses.replace(r, leniency=Leniency()),  # R's vectors leniency changed once unbumped
        dataclasses.replace(r, limits=dataclasses.replace(r.limits, wall_s=r.limits.wall_s + 1)),
        dataclasses.replace(r, run=(*r.run, "--vanilla")),
        dataclasses.replace(r, error_patterns={}),
        dataclasses.replace(r, grammar=dataclasses.replace(r.grammar, forbidden_nodes={"x": "y"})),
    ]
    fingerprints = {judge_fingerprint(lang) for lang in changes}
    assert base not in fingerprints and len(fingerprints) == len(changes)


def test_what_does_not_judge_leaves_it_alone() -> None:
    r = get_language("r")
    renamed = dataclasses.replace(r, name="GNU R", prompt_note="x", aliases=("gnur",))
    assert judge_fingerprint(renamed) == judge_fingerprint(r)
    assert "context_dir" not in language_data(r)  # the clone's path must not change the key


def test_each_renderer_is_part_of_its_language_s_fingerprint() -> None:
    """Two languages that differ only in their renderer (the harness text) differ."""
    js = get_language("javascript")
    as_ts = dataclasses.replace(js, renderer_ref=get_language("typescript").renderer_ref)
    assert judge_fingerprint(as_ts) != judge_fingerprint(js)


@pytest.fixture
def harness_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The renderers read their templates from a copy that the test may edit."""
    with as_file(base.HARNESS_ROOT) as shipped:
        shutil.copytree(shipped, tmp_path / "harness")
    monkeypatch.setattr(base, "HARNESS_ROOT", tmp_path / "harness")
    fingerprint._code_digest.cache_clear()
    yield tmp_path / "harness"
    fingerprint._code_digest.cache_clear()  # no digest of the copy outlives the test


def test_an_edited_harness_template_changes_its_language_s_fingerprint(harness_copy: Path) -> None:
    """Templates are files beside the renderer modules: they are hashed as the code is."""
    names = ("javascript", "typescript", "lua")
    before = {name: judge_fingerprint(get_language(name)) for name in names}
    main_js = harness_copy / "javascript" / "main.js"
    main_js.write_text(main_js.read_text() + "// edited\n")
    fingerprint._code_digest.cache_clear()
    after = {name: judge_fingerprint(get_language(name)) for name in names}
    assert after["javascript"] != before["javascript"]
    assert after["typescript"] != before["typescript"]  # TypeScript runs JavaScript's harness
    assert after["lua"] == before["lua"]  # another language's template is not part of it
