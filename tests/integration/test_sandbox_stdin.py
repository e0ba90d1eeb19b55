"""`DockerSandbox.run(stdin=...)`: the bytes reach the program, then end of file; without it the
program's stdin is /dev/null. Containers made ahead are keyed by stdin-ness, so runs with and
without it can alternate."""

from __future__ import annotations

import pytest

from codefactory.core.languages import Language, get_language
from codefactory.core.schema import Status
from codefactory.judge.conformance import ADD_CASES, piece
from codefactory.judge.decide import decide
from codefactory.judge.protocol import new_nonce
from codefactory.sandbox.docker_sandbox import STDIN_MAX_BYTES, DockerSandbox

ECHO = ("sh", "-c", 'read line; echo "got:$line"; cat; echo end')


def test_stdin_is_delivered_then_end_of_file(sandbox: DockerSandbox, php: Language) -> None:
    run = sandbox.run(php.image, ECHO, {}, php.limits, stdin=b"abc123\nrest\n")
    assert run.infra_error is None and not run.timed_out
    assert run.exit_code == 0
    assert run.stdout == b"got:abc123\nrest\nend\n"


def test_without_stdin_the_program_reads_end_of_file(sandbox: DockerSandbox, php: Language) -> None:
    run = sandbox.run(php.image, ("sh", "-c", "cat; readlink /proc/self/fd/0"), {}, php.limits)
    assert run.infra_error is None and not run.timed_out
    assert run.stdout == b"/dev/null\n"


def test_runs_with_and_without_stdin_alternate(php: Language) -> None:
    with DockerSandbox(ahead=1) as box:  # containers made ahead for both kinds of run
        for i in range(3):
            fed = box.run(php.image, ECHO, {}, php.limits, stdin=f"n{i}\n".encode())
            assert fed.stdout == f"got:n{i}\nend\n".encode(), fed
            bare = box.run(php.image, ECHO, {}, php.limits)
            assert bare.stdout == b"got:\nend\n", bare


def test_a_program_that_never_reads_stdin_is_not_our_failure(
    sandbox: DockerSandbox, php: Language
) -> None:
    run = sandbox.run(php.image, ("sh", "-c", "exit 3"), {}, php.limits, stdin=b"unread\n")
    assert run.infra_error is None
    assert run.exit_code == 3


def test_stdin_is_bounded(sandbox: DockerSandbox, php: Language) -> None:
    with pytest.raises(ValueError, match="stdin over"):
        sandbox.run(php.image, ECHO, {}, php.limits, stdin=b"x" * (STDIN_MAX_BYTES + 1))


@pytest.mark.parametrize("lang_id", ["php", "perl", "lua"])
def test_a_harness_given_no_nonce_writes_no_record(sandbox: DockerSandbox, lang_id: str) -> None:
    lang = get_language(lang_id)
    sandbox.require_image(lang.image)
    nonce = new_nonce()
    code = lang.renderer.strip_candidate(piece(lang, "add"))
    program = lang.renderer.driver(code, "add", [(c.id, c.inputs) for c in ADD_CASES], nonce)
    assert isinstance(program, str)
    files = {lang.program_file: program.encode()}
    bare = sandbox.run(lang.image, lang.run, files, lang.limits)
    assert b"no run nonce on stdin" in bare.stderr
    assert decide(bare, ADD_CASES, nonce, lang).status is Status.RUNTIME_ERROR
    fed = sandbox.run(lang.image, lang.run, files, lang.limits, stdin=f"{nonce}\n".encode())
    assert decide(fed, ADD_CASES, nonce, lang).status is Status.PASSED, fed.stderr
