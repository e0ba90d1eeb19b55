"""A regular (not editable) install carries languages/ and sandboxes/ and runs from them.

The install is `pip install --no-deps --no-build-isolation --no-index --target`: offline, with
the venv's own setuptools. Everything then runs in a subprocess whose only codefactory is the
installed one, from a folder with no checkout in sight.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from codefactory.core.paths import PROJECT_ROOT

pytestmark = pytest.mark.slow

# What a build reads; copied, so that build/ and the egg-info never land in the checkout.
BUILD_INPUTS = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md")
BUILD_TREES = ("codefactory", "languages", "sandboxes")


def _setuptools_builds_wheels() -> bool:
    major, minor = (int(part) for part in version("setuptools").split(".")[:2])
    return (major, minor) >= (70, 1)  # bdist_wheel built in: no `wheel` package needed


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not _setuptools_builds_wheels():
        pytest.skip("needs setuptools>=70.1 in the venv: pip install -e '.[dev]'")
    work = tmp_path_factory.mktemp("install")
    src, target = work / "src", work / "site"
    src.mkdir()
    for name in BUILD_INPUTS:
        shutil.copy2(PROJECT_ROOT / name, src / name)
    for name in BUILD_TREES:
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        shutil.copytree(PROJECT_ROOT / name, src / name, ignore=ignore)
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    command += ["--no-deps", "--no-build-isolation", "--no-index", "--target", str(target), "."]
    done = subprocess.run(command, cwd=src, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return target


def _python(installed: Path, cwd: Path, code: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(installed)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


LIST_LANGUAGES = """
import json, codefactory
from codefactory.core.languages import all_languages
print(json.dumps({
    "package": codefactory.__file__,
    "contexts": {lang.id: str(lang.context_dir) for lang in all_languages().values()},
}))
"""


def _files(folder: Path) -> dict[str, tuple[bytes, bool]]:
    return {
        str(path.relative_to(folder)): (path.read_bytes(), os.access(path, os.X_OK))
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_installed_package_loads_every_language_and_sandbox(
    installed: Path, tmp_path: Path
) -> None:
    found = json.loads(_python(installed, tmp_path, LIST_LANGUAGES))
    assert Path(found["package"]).is_relative_to(installed)
    assert set(found["contexts"]) == {p.stem for p in (PROJECT_ROOT / "languages").glob("*.toml")}
    for lang_id, context in found["contexts"].items():
        context_dir = Path(context)
        assert context_dir.is_relative_to(installed), f"{lang_id}: {context_dir}"
        # byte for byte, and sandboxes/cpp/cf-build still executable
        assert _files(context_dir) == _files(PROJECT_ROOT / "sandboxes" / lang_id), lang_id


# `codefactory sandbox build cpp` against a stand-in engine that records the build context.
SANDBOX_BUILD = """
import sys
from types import SimpleNamespace
from codefactory.cli.app import main
from codefactory.sandbox import docker_sandbox

built = []
def build(path, tag, rm):
    built.append(path)
    return SimpleNamespace(id="sha256:" + "0" * 64), []
images = SimpleNamespace(get=lambda name: None, build=build)
docker_sandbox.connect = lambda: SimpleNamespace(images=images)
sys.argv = ["codefactory", "sandbox", "build", "cpp"]
try:
    main()
except SystemExit as exc:
    assert not exc.code, exc.code
print("CONTEXT", built[0])
"""


def test_installed_cli_builds_sandboxes_from_the_installed_contexts(
    installed: Path, tmp_path: Path
) -> None:
    out = _python(installed, tmp_path, SANDBOX_BUILD)
    context = Path(out.split("CONTEXT ", 1)[1].strip())
    assert context == installed / "codefactory" / "data" / "sandboxes" / "cpp"
    assert (context / "Dockerfile").is_file()
    script = installed / "bin" / "codefactory"
    env = {**os.environ, "PYTHONPATH": str(installed)}
    for argv in (["--help"], ["sandbox", "build", "--help"]):
        done = subprocess.run(
            [sys.executable, str(script), *argv],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
