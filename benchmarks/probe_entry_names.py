"""Which entry-point names lose a correct translation, per target: a recursive countdown
(f(3) == 3, f(0) == 0) declared under each name goes through the real gate and sandbox.
A name that fails here belongs in the language's `[names]` table (languages/<id>.toml).

    nice .venv/bin/python benchmarks/probe_entry_names.py --targets php,perl \
        --names intdiv,length,end [--as-asked]

Without --as-asked the function is declared under the name itself and the gate sees only the
grammar: how the losses were found. With it, the function is declared under the name the prompt
asks for (`intdiv_` where the toml lists `intdiv`) and gated as the pipeline does: nothing
should be lost.
"""

from __future__ import annotations

import argparse

from codefactory.core.languages import parse_targets
from codefactory.core.schema import TestCase
from codefactory.judge.entry_names import reserved_names
from codefactory.judge.syntax_gate import check_in_process
from codefactory.judge.verifier import Verifier
from codefactory.sandbox.docker_sandbox import DockerSandbox

COUNTDOWN = {
    "php": "function {N}($n) {{ return $n <= 0 ? 0 : 1 + {N}($n - 1); }}",
    "ruby": "def {N}(n)\n  n <= 0 ? 0 : 1 + {N}(n - 1)\nend",
    "lua": "function {N}(n)\n  if n <= 0 then return 0 end\n  return 1 + {N}(n - 1)\nend",
    "r": "{N} <- function(n) {{\n  if (n <= 0) return(0)\n  1 + {N}(n - 1)\n}}",
    "perl": "sub {N} {{\n  my ($n) = @_;\n  return $n <= 0 ? 0 : 1 + {N}($n - 1);\n}}",
    "javascript": "function {N}(n) {{ return n <= 0 ? 0 : 1 + {N}(n - 1); }}",
    "typescript": "function {N}(n: number): number {{ return n <= 0 ? 0 : 1 + {N}(n - 1); }}",
    "go": "func {N}(n int) int {{ if n <= 0 {{ return 0 }}; return 1 + {N}(n - 1) }}",
    "rust": "fn {N}(n: i64) -> i64 {{ if n <= 0 {{ 0 }} else {{ 1 + {N}(n - 1) }} }}",
    "java": "class Solution {{\n    public static long {N}(long n) {{\n"
    "        return n <= 0 ? 0 : 1 + {N}(n - 1);\n    }}\n}}",
    "cpp": "long long {N}(long long n) {{ return n <= 0 ? 0 : 1 + {N}(n - 1); }}",
}
CASES = (TestCase(0, (3,), 3), TestCase(1, (0,), 0))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--targets", default=",".join(COUNTDOWN))
    parser.add_argument("--names", required=True, help="comma-separated Python names")
    parser.add_argument("--as-asked", action="store_true", help="declare the prompt's safe name")
    args = parser.parse_args()
    names = [n for n in args.names.split(",") if n]
    with DockerSandbox() as sandbox:
        verifier = Verifier(sandbox)
        try:
            for lang in parse_targets(args.targets):
                sandbox.require_image(lang.image)
                broken = []
                listed = reserved_names(lang)
                for name in names:
                    declared = listed.safe(name) if args.as_asked else name
                    code = lang.renderer.strip_candidate(COUNTDOWN[lang.id].format(N=declared))
                    if args.as_asked:
                        syntax = verifier.parse(lang, code, name)
                    else:
                        syntax = check_in_process(lang.grammar, code, name)
                    if not syntax.ok:
                        broken.append(f"{name} (syntax_error)")
                        continue
                    verdict = verifier.execute(lang, syntax, CASES)
                    if not verdict.passed:
                        broken.append(f"{name} ({verdict.status.value})")
                unlisted = [b for b in broken if b.split()[0] not in listed]
                print(f"{lang.id:<11} lost: {', '.join(broken) or '-'}", flush=True)
                if unlisted:
                    print(f"{'':<11} not in [names]: {', '.join(unlisted)}", flush=True)
        finally:
            verifier.close()


if __name__ == "__main__":
    main()
