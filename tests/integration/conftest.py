"""Integration tests are marked `docker` by the fixtures they use (tests/conftest.py); these
reach the engine without them (a CLI command, or a DockerSandbox of their own)."""

from pathlib import Path

import pytest

HERE = Path(__file__).parent
REACH_DOCKER_THEMSELVES = frozenset(
    {
        "test_cli_verify.py::test_languages_check_records_runtime_and_result",
        "test_sandbox_stdin.py::test_runs_with_and_without_stdin_alternate",
    }
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        name = f"{item.path.name}::{getattr(item, 'originalname', item.name)}"
        if item.path.parent == HERE and name in REACH_DOCKER_THEMSELVES:
            item.add_marker(pytest.mark.docker)
