"""Hostile programs: each bounded, classified, and gone afterwards; the host untouched."""

from __future__ import annotations

import dataclasses
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from codefactory.core.languages import Language
from codefactory.core.schema import RunResult, Status, TestCase
from codefactory.judge.decide import decide
from codefactory.sandbox.docker_sandbox import DockerSandbox
from codefactory.sandbox.profile import LABEL

WALL_S = 4.0
CASES = (TestCase(0, (), 1),)
HOST_MARKER = Path("/tmp/codefactory-host-marker")


def run_php(sandbox: DockerSandbox, php: Language, body: str) -> tuple[RunResult, Status]:
    limits = dataclasses.replace(php.limits, wall_s=WALL_S)
    program = php.renderer.driver(
        "function f() {\n" + body + "\n return 1;\n}", "f", [(0, ())], "n0nce"
    )
    files = {php.program_file: program.encode()}
    run = sandbox.run(php.image, php.run, files, limits, stdin=b"n0nce\n")
    return run, decide(run, CASES, "n0nce", php).status


def no_containers_left(sandbox: DockerSandbox) -> bool:
    for _ in range(50):
        if not sandbox.api.containers(all=True, filters={"label": LABEL, "status": "running"}):
            return True
        time.sleep(0.1)
    return False


def test_fork_bomb_is_contained(sandbox: DockerSandbox, php: Language) -> None:
    run, status = run_php(sandbox, php, "while (true) { pcntl_fork(); }")
    assert status in (Status.TIMEOUT, Status.RUNTIME_ERROR, Status.MEMORY_EXCEEDED)
    assert run.duration_s < WALL_S + 10
    assert no_containers_left(sandbox)


def test_shell_fork_bomb_is_contained(sandbox: DockerSandbox, php: Language) -> None:
    _run, status = run_php(sandbox, php, "exec('sh -c \":(){ :|:& };:\"'); sleep(100);")
    assert status is Status.TIMEOUT
    assert no_containers_left(sandbox)


def test_php_memory_bomb(sandbox: DockerSandbox, php: Language) -> None:
    _, status = run_php(sandbox, php, "$a = []; while (true) { $a[] = str_repeat('x', 1 << 20); }")
    assert status is Status.MEMORY_EXCEEDED


def test_memory_bomb_outside_php_limit_is_oom_killed(sandbox: DockerSandbox, php: Language) -> None:
    # A child process is not bound by PHP's memory_limit; the container's cgroup is.
    run, status = run_php(
        sandbox, php, "passthru('head -c 2000000000 /dev/zero | tail > /dev/null'); exit(3);"
    )
    assert status in (Status.MEMORY_EXCEEDED, Status.RUNTIME_ERROR)
    assert run.exit_code != 0


def test_infinite_loop_times_out(sandbox: DockerSandbox, php: Language) -> None:
    run, status = run_php(sandbox, php, "while (true) {}")
    assert status is Status.TIMEOUT
    assert WALL_S <= run.duration_s < WALL_S + 5


def test_stdout_flood_is_cut(sandbox: DockerSandbox, php: Language) -> None:
    run, status = run_php(
        sandbox,
        php,
        "$s = str_repeat('A', 1 << 20); for ($i = 0; $i < 1024; $i++) { fwrite(STDOUT, $s); }",
    )
    assert status is Status.OUTPUT_EXCEEDED
    assert len(run.stdout) + len(run.stderr) <= php.limits.output_bytes
    assert run.duration_s < WALL_S


def test_disk_fill_hits_the_limits(sandbox: DockerSandbox, php: Language) -> None:
    run, status = run_php(
        sandbox,
        php,
        """
        $chunk = str_repeat('x', 1 << 20);
        $written = 0;
        while ($written < 1000 && @file_put_contents("/tmp/f$written", $chunk) === strlen($chunk))
            { $written++; }
        $root = @file_put_contents('/fill', 'x') !== false;
        $work = @file_put_contents('/work/fill', 'x') !== false;
        fwrite(STDERR, "written=$written root=" . ($root ? 1 : 0) . " work=" . ($work ? 1 : 0));
    """,
    )
    text = run.stderr.decode()
    assert "root=0 work=0" in text, text
    written = int(text.split("written=")[1].split()[0])
    assert written <= 16
    assert status is Status.PASSED  # it still returns 1: filling its own tmpfs harms nobody


def test_one_huge_file_hits_fsize(sandbox: DockerSandbox, php: Language) -> None:
    run, status = run_php(
        sandbox,
        php,
        "$c = str_repeat('x', 1 << 20);"
        " while (true) { file_put_contents('/tmp/big', $c, FILE_APPEND); }",
    )
    assert run.exit_code == 128 + 25  # SIGXFSZ from --ulimit fsize
    assert status is Status.RUNTIME_ERROR


def test_no_network(sandbox: DockerSandbox, php: Language) -> None:
    run, _ = run_php(
        sandbox,
        php,
        """
        $ifaces = array_map(fn($l) => trim(explode(':', $l)[0]),
                            array_slice(file('/proc/net/dev'), 2));
        $routes = count(file('/proc/net/route')) - 1;
        $dns = gethostbyname('pypi.org');
        fwrite(STDERR, 'ifaces=' . implode(',', $ifaces) . " routes=$routes dns=$dns");
    """,
    )
    assert "ifaces=lo routes=0 dns=pypi.org" in run.stderr.decode()


def test_daemon_does_not_outlive_the_run(sandbox: DockerSandbox, php: Language) -> None:
    tag = f"sleep {int(time.time()) % 100000 + 1000}"
    run, _ = run_php(sandbox, php, f"exec('nohup {tag} > /dev/null 2>&1 &'); return 1;")
    assert run.exit_code == 0
    assert no_containers_left(sandbox)
    left = subprocess.run(["pgrep", "-f", tag], capture_output=True, text=True)
    assert left.stdout.strip() == "", f"a process outlived its sandbox: {left.stdout}"


def test_kill_all_stays_inside(sandbox: DockerSandbox, php: Language) -> None:
    bystander = subprocess.Popen(["sleep", "60"])
    try:
        with ThreadPoolExecutor(2) as pool:
            neighbour = pool.submit(run_php, sandbox, php, "sleep(2); return 1;")
            time.sleep(0.3)
            killer = pool.submit(run_php, sandbox, php, "posix_kill(-1, 9); return 1;")
            killer.result()
            neighbour_run, neighbour_status = neighbour.result()
        assert neighbour_status is Status.PASSED, neighbour_run
        assert bystander.poll() is None, "a host process was killed"
    finally:
        bystander.kill()


@pytest.mark.parametrize("code", ["posix_setuid(0);", "exec('id -u');"])
def test_not_root(sandbox: DockerSandbox, php: Language, code: str) -> None:
    run, _ = run_php(sandbox, php, code + " fwrite(STDERR, 'uid=' . posix_getuid());")
    assert "uid=0" not in run.stderr.decode()
