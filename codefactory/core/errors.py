"""A small error hierarchy; the CLI turns these into one-line messages and exit codes."""


class CodefactoryError(Exception):
    """Base: a setup or input problem the user can fix. The message says how."""

    exit_code = 1


class ConfigError(CodefactoryError):
    exit_code = 2


class InputError(CodefactoryError):
    exit_code = 2


class SandboxUnavailable(CodefactoryError):
    """Docker is down, an image is missing, or the profile did not take effect."""

    exit_code = 3


class ModelUnavailable(CodefactoryError):
    exit_code = 4


class BackendError(CodefactoryError):
    """The LLM backend failed after its retries."""

    exit_code = 5
