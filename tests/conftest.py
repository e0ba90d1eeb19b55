"""Shared fixtures. Docker tests need a running engine and the images (`make setup`); in CI
(CI=true) their absence is a failure, never a silent skip.

A test is marked `docker` when it asks for a fixture that reaches the engine (`sandbox`,
`verifier`, or a fixture built on them), wherever it lives; a test that reaches the engine some
other way is named in tests/integration/conftest.py. Every other test runs with `DOCKER_HOST`
pointing nowhere, so a test that needs Docker but is not marked fails under `make unit` instead
of quietly using the engine. Each test gets a cache directory of its own; models stay where they
were downloaded.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from codefactory.core.errors import SandboxUnavailable
from codefactory.core.languages import Language, get_language
from codefactory.core.paths import models_dir

FIXTURES = Path(__file__).parent / "fixtures"
DOCKER_FIXTURES = frozenset({"sandbox", "verifier"})
NO_DOCKER_HOST = "unix:///nonexistent/codefactory-test-not-marked-docker.sock"
# Downloaded once, wherever the environment says, before any test moves the cache directory.
REAL_MODELS_DIR = models_dir()
REAL_HF_HOME = os.environ.get(
    "HF_HOME",
    str(Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "huggingface"),
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if DOCKER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.docker)


@pytest.fixture(autouse=True)
def _own_cache_and_no_stray_docker(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Results, run directories and conformance records go to a fresh directory per test (a
    test never reads what another cached); models and the Hub cache keep their real place."""
    cache_home = tmp_path_factory.mktemp("xdg-cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    monkeypatch.delenv("CODEFACTORY_CACHE", raising=False)
    monkeypatch.setenv("CODEFACTORY_MODELS", str(REAL_MODELS_DIR))
    monkeypatch.setenv("HF_HOME", REAL_HF_HOME)
    if request.node.get_closest_marker("docker") is None:
        monkeypatch.setenv("DOCKER_HOST", NO_DOCKER_HOST)


@pytest.fixture(scope="session")
def php() -> Language:
    return get_language("php")


@pytest.fixture(scope="session")
def python_lang() -> Language:
    return get_language("python")


@pytest.fixture(scope="session")
def sandbox() -> Iterator[object]:
    from codefactory.sandbox.docker_sandbox import DockerSandbox

    try:
        box = DockerSandbox()
        for lang in ("php", "python"):
            box.require_image(get_language(lang).image)
    except SandboxUnavailable as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"Docker sandbox unavailable: {exc}")
    yield box
    box.close()


@pytest.fixture(scope="session")
def verifier(sandbox: object) -> Iterator[object]:
    from codefactory.judge.verifier import Verifier

    v = Verifier(sandbox)  # type: ignore[arg-type]
    yield v
    v.close()
