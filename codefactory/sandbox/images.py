"""Build the sandbox images from sandboxes/<id>/Dockerfile, and check them (doctor)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import docker
import docker.errors

from codefactory.core.errors import SandboxUnavailable
from codefactory.core.languages import Language
from codefactory.sandbox.docker_sandbox import DockerSandbox
from codefactory.sandbox.profile import PROBE_SCRIPT, check_probe

BASE_IMAGE = "debian:bookworm-slim"
BASE_HINT = (
    "the base image debian:bookworm-slim is missing and cannot be pulled: "
    "run `scripts/make-base-image.sh` (builds it locally with debootstrap)"
)


def build_image(client: docker.DockerClient, lang: Language) -> str:
    """Build `lang`'s image; returns its id."""
    dockerfile = lang.context_dir / "Dockerfile"
    if not dockerfile.is_file():
        raise SandboxUnavailable(f"{lang.id}: missing {dockerfile} (every language needs one)")
    try:
        client.images.get(BASE_IMAGE)
    except docker.errors.ImageNotFound:
        try:
            client.images.pull(BASE_IMAGE)
        except docker.errors.APIError:
            raise SandboxUnavailable(BASE_HINT) from None
    try:
        image, _logs = client.images.build(path=str(lang.context_dir), tag=lang.image, rm=True)
    except docker.errors.BuildError as exc:
        tail = "".join(str(c.get("stream", c.get("error", ""))) for c in exc.build_log)[-800:]
        raise SandboxUnavailable(f"building {lang.image} failed:\n{tail}") from None
    return str(image.id)


@dataclass(frozen=True)
class LanguageHealth:
    language: str
    image: str
    image_present: bool
    runtime_version: str | None
    problems: tuple[str, ...]


def preflight(sandbox: DockerSandbox, lang: Language) -> LanguageHealth:
    """Run a probe under the hardened profile and check from the inside that it took effect."""
    try:
        sandbox.require_image(lang.image)
    except SandboxUnavailable as exc:
        return LanguageHealth(lang.id, lang.image, False, None, (str(exc),))
    probe = sandbox.run(lang.image, ("sh", "-c", PROBE_SCRIPT), {}, lang.limits)
    problems = (
        [probe.infra_error]
        if probe.infra_error
        else check_probe(probe.stdout.decode("utf-8", "replace"), lang.limits)
    )
    version = None
    if lang.version_cmd:
        run = sandbox.run(lang.image, lang.version_cmd, {}, lang.limits)
        version = run.stdout.decode("utf-8", "replace").strip() or None
        if run.exit_code != 0:
            problems.append(f"runtime does not start: {run.stderr[:200]!r}")
    return LanguageHealth(lang.id, lang.image, True, version, tuple(problems))


def check_all(sandbox: DockerSandbox, langs: Iterable[Language]) -> list[LanguageHealth]:
    return [preflight(sandbox, lang) for lang in langs]
