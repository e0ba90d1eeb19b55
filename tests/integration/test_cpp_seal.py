"""What cf-build's seal refuses in a C++ candidate, and what ordinary C++ may still use.

The harness keeps the run's nonce in a page of its own that only its record writer makes
readable (sandboxes/cpp/cf-build, docs/architecture.md §5). A candidate that could make the page
readable itself, or run code while a record is written, could forge records; the languages'
[attacks] tables hold whole forgeries, these are the single constructs each one rests on.
"""

from __future__ import annotations

import pytest

from codefactory.core.languages import get_language
from codefactory.core.schema import Status
from codefactory.judge import conformance
from codefactory.judge.verifier import Verifier
from codefactory.sandbox.docker_sandbox import DockerSandbox

REFUSED = {
    "thread": "long long add(long long a, long long b) {\n"
    "  long long r = 0;\n  std::thread t([&] { r = a + b; });\n  t.join();\n  return r;\n}",
    "async": "long long add(long long a, long long b) {\n"
    "  return std::async(std::launch::async, [=] { return a + b; }).get();\n}",
    "signal handler": "long long add(long long a, long long b) {\n"
    "  std::signal(SIGALRM, [](int) {});\n  return a + b;\n}",
    "timer": "#include <unistd.h>\n"
    "long long add(long long a, long long b) { alarm(100); return a + b; }",
    "dynamic lookup": "#include <dlfcn.h>\nlong long add(long long a, long long b) {\n"
    '  return dlsym(RTLD_DEFAULT, "write") ? a + b : 0;\n}',
    "raw system call": "#include <sys/syscall.h>\n#include <unistd.h>\n"
    "long long add(long long a, long long b) { syscall(SYS_getpid); return a + b; }",
    "a libc-internal signal handler": "#include <signal.h>\n"
    'extern "C" int __libc_sigaction(int, const struct sigaction*, struct sigaction*);\n'
    "long long add(long long a, long long b) { __libc_sigaction(SIGALRM, nullptr, nullptr);"
    " return a + b; }",
    "a notification thread": "#include <mqueue.h>\n"
    "long long add(long long a, long long b) { mq_notify(-1, nullptr); return a + b; }",
    "prctl": "#include <sys/prctl.h>\n"
    "long long add(long long a, long long b) { prctl(PR_SET_DUMPABLE, 1); return a + b; }",
    # The bytes of `syscall; ret`: as code (g++ gives .text.* sections the code flag) they are
    # disassembled like any other; marked as data, the linker would still make them executable.
    "system call bytes in a code section": '__attribute__((section(".text.cf"), used))\n'
    "static const unsigned char cf_code[] = {0x0f, 0x05, 0xc3};\n"
    "long long add(long long a, long long b) { return a + b; }",
    "data in a code section": 'asm(".section .text.cf,\\"aw\\"\\n.byte 0xc3\\n.previous");\n'
    "long long add(long long a, long long b) { return a + b; }",
}

# Each also prints, or allocates, or throws, so the usual runtime is linked in.
ALLOWED = {
    "mutex and memo": "long long add(long long a, long long b) {\n"
    "  static std::mutex m;\n  static std::map<std::pair<long long, long long>, long long> memo;\n"
    "  std::lock_guard<std::mutex> g(m);\n  auto key = std::make_pair(a, b);\n"
    "  auto it = memo.find(key);\n  if (it != memo.end()) return it->second;\n"
    "  return memo[key] = a + b;\n}",
    "function and exceptions": "long long add(long long a, long long b) {\n"
    "  std::function<long long(long long)> f = [&](long long x) { return x + b; };\n"
    '  try { throw std::runtime_error("x"); } catch (const std::exception&) {}\n'
    "  return f(a);\n}",
    "streams and regex": "long long add(long long a, long long b) {\n"
    "  std::ostringstream out;\n  out << a + b;\n"
    '  std::cout << "debug " << out.str() << std::endl;\n'
    '  return std::regex_match(out.str(), std::regex("-?[0-9]+")) ? std::stoll(out.str()) : 0;\n}',
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_seal_refuses(name: str, sandbox: DockerSandbox, verifier: Verifier) -> None:
    lang = get_language("cpp")
    sandbox.require_image(lang.image)
    verdict = verifier.verify(lang, REFUSED[name], "add", conformance.ADD_CASES)
    assert verdict.status is Status.COMPILE_ERROR, (verdict.status, verdict.failure)
    assert "seal" in str(verdict.failure)


@pytest.mark.parametrize("name", list(ALLOWED))
def test_ordinary_cpp_still_passes(name: str, sandbox: DockerSandbox, verifier: Verifier) -> None:
    lang = get_language("cpp")
    sandbox.require_image(lang.image)
    verdict = verifier.verify(lang, ALLOWED[name], "add", conformance.ADD_CASES)
    assert verdict.status is Status.PASSED, (verdict.status, verdict.failure)
