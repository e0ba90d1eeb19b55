"""The errors a user can fix; the message says how.

The CLI (codefactory/cli/error_handler.py) turns each into one line on stderr and the class's
exit code; `codefactory --help` lists the codes from the first line of each docstring here.
Anything else that escapes is a bug and keeps its traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class CodefactoryError(Exception):
    """another problem the message names, e.g. the Hub out of reach"""

    exit_code = 1


class ConfigError(CodefactoryError):
    """a bad setting: an unknown language or backend, a missing extra"""

    exit_code = 2


class InputError(CodefactoryError):
    """bad input: a missing input file, an invalid option value"""

    exit_code = 2


class SandboxUnavailable(CodefactoryError):
    """the sandbox is not ready: Docker down, an image missing or unsafe"""

    exit_code = 3


class ModelUnavailable(CodefactoryError):
    """the model is unknown, or could not be found or fetched"""

    exit_code = 4


class BackendError(CodefactoryError):
    """the LLM backend could not start: a model it cannot load, no GPU"""

    exit_code = 5


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """`; did you mean 'php'?` for the closest choice to a misspelt name, or ``."""
    # 0.7: close enough for a typo or a wrong case, not so loose that `nope` suggests `openai`.
    close = difflib.get_close_matches(name.lower(), list(choices), n=1, cutoff=0.7)
    return f"; did you mean {close[0]!r}?" if close else ""
