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

# The C++ subset: no pointer made from an integer, none reinterpreted as another type. Each is
# the first step of reaching mprotect at a fixed offset from an allowed libc function
# (languages/cpp.toml's output_offset_mprotect is the whole forgery).
POINTER_REFUSED = {
    "reinterpret_cast": "#include <unistd.h>\nlong long add(long long a, long long b) {\n"
    "  auto p = reinterpret_cast<const char*>(&::getpid) + 4096;\n  return p ? a + b : 0;\n}",
    "a C-style cast to a pointer": "#include <unistd.h>\n"
    "long long add(long long a, long long b) {\n"
    "  long g = (long)&::getpid;\n  auto p = (const char*)(g + 4096);\n  return p ? a + b : 0;\n}",
    # The alias names no `*`: the compiler's resolved type does.
    "a C-style cast to an alias of a function pointer": "#include <unistd.h>\n"
    "static auto cf_shape = +[](long, long, int) { return 0; };\nusing Fn = decltype(cf_shape);\n"
    "long long add(long long a, long long b) {\n  long g = (long)&::getpid;\n"
    "  Fn f = (Fn)(g + 4096);\n  return f ? a + b : 0;\n}",
    # No cast warning exists for the functional notation; its GIMPLE shows the conversion.
    "a functional cast from an integer": "#include <unistd.h>\n"
    "static auto cf_shape = +[](long, long, int) { return 0; };\nusing Fn = decltype(cf_shape);\n"
    "long long add(long long a, long long b) {\n  long g = (long)&::getpid;\n"
    "  Fn f = Fn(g + 4096);\n  return f ? a + b : 0;\n}",
    "a reference cast": "#include <unistd.h>\nlong long add(long long a, long long b) {\n"
    "  auto f = &::getpid;\n  long& n = (long&)f;\n  return n ? a + b : 0;\n}",
    "punning through void*": "#include <unistd.h>\nlong long add(long long a, long long b) {\n"
    "  auto f = &::getpid;\n  long* n = static_cast<long*>(static_cast<void*>(&f));\n"
    "  return *n ? a + b : 0;\n}",
    "a union": "#include <unistd.h>\nunion CfPun { long n; pid_t (*f)(); };\n"
    "long long add(long long a, long long b) {\n  CfPun u;\n  u.f = &::getpid;\n"
    "  return u.n ? a + b : 0;\n}",
    "memcpy of a pointer": "#include <unistd.h>\nlong long add(long long a, long long b) {\n"
    "  auto f = &::getpid;\n  long n = 0;\n  std::memcpy(&n, &f, sizeof n);\n"
    "  return n ? a + b : 0;\n}",
    "hidden behind a macro": "#include <unistd.h>\n#define CF_AS(T, x) reinterpret_cast<T>(x)\n"
    "long long add(long long a, long long b) {\n  return CF_AS(long, &::getpid) ? a + b : 0;\n}",
}

# Directives that would blind the source checks (found in review: each let the whole forgery
# output_offset_mprotect pass): lines attributed to another file, diagnostics silenced.
BLINDING = {
    "#line": '#line 1 "cf.cpp"\nlong long add(long long a, long long b) { return a + b; }',
    "a line marker as a system header": '# 1 "/usr/include/cf.h" 3\n'
    "long long add(long long a, long long b) { return a + b; }",
    "a diagnostic pragma": '#pragma GCC diagnostic ignored "-Wold-style-cast"\n'
    "long long add(long long a, long long b) { return a + b; }",
    "_Pragma": "long long add(long long a, long long b) {\n"
    '  _Pragma("GCC diagnostic ignored \\"-Wold-style-cast\\"");\n  return a + b;\n}',
}

# Undefined behaviour that a test might survive stops the run (UBSan, the library's assertions).
UNDEFINED = {
    "signed overflow": "long long add(long long a, long long b) {\n"
    "  long long x = a | 1;\n  for (int i = 0; i < 70; i++) x = x * 2 + 1;\n"
    "  return a + b + (x % 2 == 0);\n}",
    "a vector index past the end": "long long add(long long a, long long b) {\n"
    "  std::vector<long long> v{a, b};\n  size_t i = v.size();\n"
    "  return v[0] + v[1] + v[i] * 0;\n}",
    "an array index past the end": "long long add(long long a, long long b) {\n"
    "  long long t[2] = {a, b};\n  volatile int i = 2;\n  return t[0] + t[1] + t[i] * 0;\n}",
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
    # What translations write and the subset keeps: C-style casts between numbers, new and
    # delete, c_str, iterators, a sort with a comparator, optional.
    "casts between numbers, new, c_str": "long long add(long long a, long long b) {\n"
    "  int* buf = new int[2];\n  buf[0] = (int)(a % 7);\n  delete[] buf;\n"
    "  std::string s = std::to_string(a);\n  const char* c = s.c_str();\n"
    "  std::vector<long long> v{b, a};\n"
    "  std::sort(v.begin(), v.end(), [](long long x, long long y) { return x < y; });\n"
    "  std::optional<long long> o = *std::max_element(v.begin(), v.end());\n"
    "  double d = (double)a + (long long)std::pow(2, 0) - 1.0;\n"
    "  return (long long)d + b + (c[0] ? 0 : 1) + (o ? 0 : 1);\n}",
    # Header macros that expand to builtins and casts.
    "INFINITY, NAN and assert": "long long add(long long a, long long b) {\n"
    "  double lo = -INFINITY, n = NAN;\n  assert(lo < 0 && n != n);\n  return a + b;\n}",
    # Words of the subset inside literals are text, not code.
    "refused words in a string": "long long add(long long a, long long b) {\n"
    "  std::string kind = \"union\";\n  char c = '*';\n"
    "  return kind == \"union\" && c == '*' ? a + b : 0;\n}",
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


@pytest.mark.parametrize("name", list(POINTER_REFUSED))
def test_subset_refuses_pointer_conversions(
    name: str, sandbox: DockerSandbox, verifier: Verifier
) -> None:
    lang = get_language("cpp")
    sandbox.require_image(lang.image)
    verdict = verifier.verify(lang, POINTER_REFUSED[name], "add", conformance.ADD_CASES)
    assert verdict.status is Status.COMPILE_ERROR, (verdict.status, verdict.failure)
    assert "reinterprets pointers" in str(verdict.failure)


@pytest.mark.parametrize("name", list(UNDEFINED))
def test_undefined_behaviour_fails_the_run(
    name: str, sandbox: DockerSandbox, verifier: Verifier
) -> None:
    lang = get_language("cpp")
    sandbox.require_image(lang.image)
    verdict = verifier.verify(lang, UNDEFINED[name], "add", conformance.ADD_CASES)
    assert verdict.status is Status.RUNTIME_ERROR, (verdict.status, verdict.failure)


@pytest.mark.parametrize("name", list(BLINDING))
def test_directives_that_blind_the_checks_are_refused(
    name: str, sandbox: DockerSandbox, verifier: Verifier
) -> None:
    lang = get_language("cpp")
    sandbox.require_image(lang.image)
    verdict = verifier.verify(lang, BLINDING[name], "add", conformance.ADD_CASES)
    assert verdict.status is Status.COMPILE_ERROR, (verdict.status, verdict.failure)
    assert "hides its own lines or silences" in str(verdict.failure)
