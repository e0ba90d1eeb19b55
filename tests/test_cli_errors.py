"""Errors at the edge: every error class becomes its exit code and one line on stderr, a missing
optional package names its install command, a misspelt language or backend gets a suggestion.
No Docker, no model: the commands' dependencies are monkeypatched or fail before either."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from codefactory.cli.app import app
from codefactory.cli.error_handler import EXIT_INTERRUPTED, error_classes, exit_codes
from codefactory.core import errors
from codefactory.core.errors import BackendError, CodefactoryError, ConfigError
from codefactory.core.languages import parse_targets
from codefactory.generation import model_registry
from codefactory.generation.backends import REGISTRY, make_backend
from codefactory.generation.backends.fake import FakeBackend


def _invoke(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def _one_error_line(result: Result) -> str:
    """The run failed cleanly: exactly one line on stderr, `error: ...`, and no traceback."""
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def _missing(*names: str) -> Any:
    real = importlib.util.find_spec

    def find_spec(name: str, package: str | None = None) -> Any:
        return None if name in names else real(name, package)

    return find_spec


# --- every error class: its exit code, one line ---------------------------------------------


def test_every_error_class_is_raised_somewhere_in_the_code_base() -> None:
    source = "\n".join(
        path.read_text()
        for path in Path(errors.__file__).parents[1].rglob("*.py")
        if path.name != "errors.py"
    )
    for cls in error_classes():
        assert f"raise {cls.__name__}(" in source, f"{cls.__name__} is never raised: remove it"


@pytest.mark.parametrize("cls", error_classes(), ids=lambda cls: cls.__name__)
def test_each_error_class_exits_with_its_code_and_one_line(
    cls: type[CodefactoryError], monkeypatch: pytest.MonkeyPatch
) -> None:
    def pull(name: str, log: Any) -> None:
        # Brackets too: a message is text, not rich markup that would swallow `[vllm]`.
        raise cls(f"{name} failed; fix: pip install 'codefactory[vllm]'")

    monkeypatch.setattr(model_registry, "pull", pull)
    result = _invoke("model", "pull", "tiny")
    assert result.exit_code == cls.exit_code
    assert _one_error_line(result) == "error: tiny failed; fix: pip install 'codefactory[vllm]'"


def test_a_long_message_stays_on_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def pull(name: str, log: Any) -> None:
        raise ConfigError("word " * 60)

    monkeypatch.setattr(model_registry, "pull", pull)
    _one_error_line(_invoke("model", "pull"))


def test_a_bug_keeps_its_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def pull(name: str, log: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(model_registry, "pull", pull)
    result = _invoke("model", "pull")
    assert isinstance(result.exception, RuntimeError)


def test_ctrl_c_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    def pull(name: str, log: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(model_registry, "pull", pull)
    result = _invoke("model", "pull")
    assert result.exit_code == EXIT_INTERRUPTED
    assert result.stderr.strip() == "interrupted"


def test_sandbox_run_of_a_missing_file_is_bad_input(tmp_path: Path) -> None:
    result = _invoke("sandbox", "run", "--language", "php", str(tmp_path / "nope.php"))
    assert result.exit_code == 2
    assert "no such file" in _one_error_line(result)


def test_help_lists_every_exit_code() -> None:
    result = _invoke("--help")
    assert result.exit_code == 0
    assert "Exit codes:" in result.output
    lines = [line.strip() for line in result.output.splitlines()]
    for code, meaning in exit_codes():
        assert f"{code}  {meaning}" in lines
    assert {code for code, _ in exit_codes()} == {0, 1, 2, 3, 4, 5, 130}


# --- a backend's optional package, checked before the backend is built -----------------------


@pytest.mark.parametrize("backend, module", [("llamacpp", "llama_cpp"), ("vllm", "vllm")])
def test_a_missing_optional_package_names_the_install_command(
    backend: str, module: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", _missing(module))
    with pytest.raises(ConfigError) as caught:
        make_backend(backend, "some-model")
    message = str(caught.value)
    assert f"needs the {module} package" in message
    assert f"pip install 'codefactory[{backend}]'" in message


def test_the_extras_named_exist_in_pyproject() -> None:
    import tomllib

    pyproject = Path(errors.__file__).parents[2] / "pyproject.toml"
    extras = tomllib.loads(pyproject.read_text())["project"]["optional-dependencies"]
    for entry in REGISTRY.values():
        assert entry.extra is None or entry.extra in extras


def test_translate_with_a_missing_package_prints_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", _missing("vllm"))
    result = _invoke("translate", "--backend", "vllm", "--limit", "1", "--quiet")
    assert result.exit_code == ConfigError.exit_code
    assert "pip install 'codefactory[vllm]'" in _one_error_line(result)


def test_a_backend_that_cannot_start_is_a_backend_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: FakeBackend, **_: Any) -> None:
        raise ValueError("Failed to load model from file: x.gguf")

    monkeypatch.setattr(FakeBackend, "__init__", broken)
    with pytest.raises(BackendError, match=r"could not start with model 'x\.gguf'"):
        make_backend("fake", "x.gguf")


# --- did you mean ----------------------------------------------------------------------------


def test_a_misspelt_language_gets_a_suggestion() -> None:
    result = _invoke("translate", "--target", "php,typscript", "--quiet")
    assert result.exit_code == 2
    line = _one_error_line(result)
    assert "unknown language 'typscript'; available targets: cpp, go" in line
    assert line.endswith("did you mean 'typescript'?")


@pytest.mark.parametrize(
    "spec, suggestion", [("PHP", "php"), ("golnag", "golang"), ("rubyy", "ruby")]
)
def test_parse_targets_suggests_an_id_or_alias(spec: str, suggestion: str) -> None:
    with pytest.raises(ConfigError, match=f"did you mean {suggestion!r}"):
        parse_targets(spec)


def test_no_suggestion_when_nothing_is_close() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_targets("cobol")
    assert "did you mean" not in str(caught.value)


def test_the_oracle_is_not_a_target() -> None:
    with pytest.raises(ConfigError, match="python is not a translation target; available"):
        parse_targets("python")


def test_a_misspelt_backend_gets_a_suggestion() -> None:
    result = _invoke("translate", "--backend", "llamcpp", "--limit", "1", "--quiet")
    assert result.exit_code == 2
    line = _one_error_line(result)
    assert "unknown backend 'llamcpp'; available: llamacpp, openai, vllm, fake" in line
    assert line.endswith("did you mean 'llamacpp'?")


def test_an_unlike_backend_gets_only_the_list() -> None:
    with pytest.raises(ConfigError) as caught:
        make_backend("nope", "m")
    assert str(caught.value) == "unknown backend 'nope'; available: llamacpp, openai, vllm, fake"


def test_an_unknown_language_anywhere_gets_a_suggestion() -> None:
    from codefactory.core.languages import get_language

    with pytest.raises(ConfigError, match="did you mean 'javascript'"):
        get_language("javscript")
