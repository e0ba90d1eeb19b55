"""Real packages: every top-level function of small pure-Python PyPI packages, as a new user
would run them (issue 13 item 5).

Each package is fetched with `pip download --no-deps` (its sdist, else a pure-Python wheel)
into a temporary folder, never shipped; its module files (not setup.py, tests or docs) are
copied into a folder of their own and given to the real CLI, `codefactory translate FOLDER`,
in its own process with an empty cache (`CODEFACTORY_CACHE`), so everything is paid for:
the model proposes the inputs (these functions come without tests), the Python gives the
expected values, the model translates, the sandbox judges. Printed per package: functions
found, taken (--limit), and what each stage kept (selected, inputs proposed, with tests,
verified); completion + prompt tokens and LLM seconds per verified function (all of them, the
inputs requests included), the longest function's LLM seconds (its translation requests), wall;
then each function that did not verify with its candidates' statuses. A per-function budget
keeps one long function from holding the run: --budget-tokens stops its repairs once its
attempts have spent that many tokens, --max-tokens caps each reply.

Then the verified rows' mutation scores, with "no mutants" (the source gave none) and
"mutants did not run" (mutants were made but none was measured: the adequacy run timed out
or died) counted apart from a score of 0. The rows keep a null score for both; which it was
is re-derived here on the host (the same AST mutants of the row's source, no execution).
"none on the function" counts the rows none of whose mutants changes the translated
function itself: all fall on the module's constants and helpers carried as context.

Default packages, chosen for being small, pure Python, plain functions of str and int, and
different in shape:
- inflection 0.5.1 (the issue's example): one 426-line module, 12 public string functions
  that share large module-level regex tables (PLURALS, SINGULARS), carried as context;
- stringcase 1.2.0: one 247-line module, 15 one-line-ish case converters over `re`, no
  shared state (the cheap end);
- roman 4.2: one 150-line module, `toRoman`/`fromRoman` (ints, strings, raising their own
  exceptions) beside a CLI `main`/`parse_args` (argparse on sys.argv, print), which the
  selection does not drop today: what the pipeline makes of such functions.

    nice -n 19 .venv/bin/python benchmarks/bench_packages.py \
        [--packages inflection==0.5.1,stringcase==1.2.0] [--target php] [--limit 8] \
        [--budget-tokens 3000] [--max-tokens 512] [--model qwen2.5-coder-1.5b] \
        [--cache-dir DIR] [--json-out FILE]
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from codefactory.sources.python_files import read_python_files
from codefactory.suite.build import TestOptions
from codefactory.suite.mutation import mutants

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PACKAGES = "inflection==0.5.1,stringcase==1.2.0,roman==4.2"
STAGES = ("selected", "inputs", "tests")
# Not the package's code: its build script, tests, docs and examples.
SKIP_DIRS = {"tests", "test", "testing", "docs", "doc", "examples", "example", "benchmarks"}
SKIP_FILES = {"setup.py", "conftest.py", "tests.py", "noxfile.py", "fabfile.py"}


def fetch(spec: str, scratch: Path) -> Path:
    """The package's source, unpacked under `scratch`: the sdist, else a pure-Python wheel."""
    download = scratch / "download"
    pip = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(download)]
    got = subprocess.run([*pip, "--no-binary", ":all:", spec], capture_output=True, text=True)
    if got.returncode != 0:
        got = subprocess.run([*pip, "--only-binary", ":all:", spec], capture_output=True, text=True)
        if got.returncode != 0:
            raise SystemExit(f"pip download {spec} failed:\n{got.stderr[-2000:]}")
    (archive,) = list(download.iterdir())
    unpacked = scratch / "unpacked"
    if archive.name.endswith((".tar.gz", ".tgz", ".tar.bz2")):
        with tarfile.open(archive) as tar:
            tar.extractall(unpacked, filter="data")
    elif archive.suffix in (".zip", ".whl"):
        if archive.suffix == ".whl" and not archive.name.endswith("-none-any.whl"):
            raise SystemExit(f"{spec}: only a platform wheel ({archive.name}), not pure Python")
        with zipfile.ZipFile(archive) as zipped:
            zipped.extractall(unpacked)
    else:
        raise SystemExit(f"{spec}: unknown archive {archive.name}")
    tops = list(unpacked.iterdir())
    return tops[0] if len(tops) == 1 and tops[0].is_dir() else unpacked  # sdist: name-version/


def module_files(root: Path) -> list[Path]:
    """The package's own `.py` files under `root` (a `src/` layout's from there)."""
    base = root / "src" if (root / "src").is_dir() else root
    found = []
    for file in sorted(base.rglob("*.py")):
        parts = file.relative_to(base).parts
        if any(p in SKIP_DIRS or p.endswith((".dist-info", ".egg-info")) for p in parts[:-1]):
            continue
        name = parts[-1]
        if name in SKIP_FILES or name.startswith("test_") or name.endswith("_test.py"):
            continue
        found.append(file)
    return found


def prepare(spec: str, scratch: Path) -> tuple[Path, list[str]]:
    """A folder holding only the package's module files (relative paths kept), and them."""
    root = fetch(spec, scratch)
    base = root / "src" if (root / "src").is_dir() else root
    folder = scratch / "input" / spec.split("==")[0]
    files = module_files(root)
    for file in files:
        copy = folder / file.relative_to(base)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, copy)
    return folder, [str(f.relative_to(base)) for f in files]


def translate(
    folder: Path, out: Path, cache: Path, args: argparse.Namespace
) -> tuple[dict[str, Any], float]:
    """The real CLI on the folder, in its own process with its own cache; its funnel.json."""
    command = [sys.executable, "-m", "codefactory", "translate", str(folder)]
    command += ["--target", args.target, "--output", str(out), "--model", args.model]
    command += ["--max-tokens", str(args.max_tokens), "--no-dedup", "--quiet"]
    if args.budget_tokens:
        command += ["--budget-tokens", str(args.budget_tokens)]
    if args.limit:
        command += ["--limit", str(args.limit)]
    env = {**os.environ, "CODEFACTORY_CACHE": str(cache)}
    started = time.monotonic()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    wall = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"translate {folder.name}: exit {done.returncode}\n{done.stderr[-3000:]}")
    summary: dict[str, Any] = json.loads((out / "funnel.json").read_text())[args.target]
    return summary, wall


def rows(out: Path, target: str, split: str) -> list[dict[str, Any]]:
    files = sorted((out / "data" / target).glob(f"{split}-*.parquet"))
    return [row for f in files for row in pq.read_table(f).to_pylist()]


def function_def(code: str, name: str) -> str | None:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
            return ast.unparse(node)
    return None


def mutation_class(row: dict[str, Any], n_mutants: int) -> tuple[str, int, int]:
    """What a verified row's score means, the mutants its source gives, and how many of them
    change the entry function itself (the rest fall on the context it carries)."""
    code, entry = row["source_code"], row["entry_point"]
    made = mutants(code, n_mutants)
    own = function_def(code, entry)
    on_function = sum(1 for m in made if function_def(m, entry) != own)
    score = row["mutation_score"]
    if score is None:
        return ("no mutants" if not made else "mutants did not run"), len(made), on_function
    if score == 0:
        return "0", len(made), on_function
    return ("1.0" if score >= 1 else "(0, 1)"), len(made), on_function


def measure(spec: str, scratch: Path, args: argparse.Namespace) -> dict[str, Any]:
    folder, files = prepare(spec, scratch)
    found = sum(1 for _ in read_python_files(folder))
    name = spec.split("==")[0]
    cache_dir = args.cache_dir or scratch
    cache_dir.mkdir(parents=True, exist_ok=True)
    out = (args.out_dir / name) if args.out_dir else scratch / "out"
    summary, wall = translate(folder, out, cache_dir / f"{name}-{args.target}.sqlite", args)
    funnel = summary["funnel"]
    stages = {s["stage"]: s for s in funnel["stages"]}
    totals = funnel["totals"]
    train, rejected = rows(out, args.target, "train"), rows(out, args.target, "rejected")
    verified = sorted({r["task_id"] for r in train})
    llm_s: defaultdict[str, float] = defaultdict(float)
    translate_tokens = 0
    for row in (*train, *rejected):
        llm_s[row["task_id"]] += row.get("generation_s") or 0.0
        translate_tokens += (row.get("prompt_tokens") or 0) + (row.get("completion_tokens") or 0)
    n_mutants = TestOptions().mutants
    classes: Counter[str] = Counter()
    functions = []
    for row in train:
        kind, made, on_function = mutation_class(row, n_mutants)
        classes[kind] += 1
        classes["none on the function"] += made > 0 and on_function == 0
        functions.append(
            {
                "task_id": row["task_id"],
                "mutation_score": row["mutation_score"],
                "mutation": kind,
                "mutants": made,
                "mutants_on_function": on_function,
                "tests": row["tests_total"],
                "llm_s": round(llm_s[row["task_id"]], 1),
            }
        )
    prompt, completion = totals.get("prompt_tokens", 0), totals.get("completion_tokens", 0)
    busy = summary["generation_busy_s"]
    n = len(verified)
    scores = [r["mutation_score"] for r in train if r["mutation_score"] is not None]
    return {
        "package": spec,
        "files": files,
        "found": found,
        "taken": stages["read"]["count"] + sum(stages["read"]["dropped"].values()),
        **{stage: stages[stage]["count"] for stage in STAGES},
        "verified": n,
        "completion_tokens": completion,
        "prompt_tokens": prompt,
        "inputs_tokens": prompt + completion - translate_tokens,  # the inputs requests
        "tokens_per_verified": round((prompt + completion) / n) if n else None,
        "llm_s": busy,
        "llm_s_per_verified": round(busy / n, 1) if n else None,
        "translate_llm_s": round(sum(llm_s.values()), 1),  # the rest went to the inputs requests
        "max_llm_s_per_function": round(max(llm_s.values(), default=0.0), 1),
        "budget_stops": totals.get("follow_ups_over_the_token_budget", 0),
        "wall_s": round(wall, 1),
        "drops": {s: stages[s]["dropped"] for s in stages if stages[s]["dropped"]},
        "mutation": dict(classes),
        "mutation_median": statistics.median(scores) if scores else None,
        "verified_functions": functions,
        "failed_functions": failed(rejected, set(verified)),
    }


def failed(rejected: list[dict[str, Any]], verified: set[str]) -> dict[str, list[str]]:
    """Each function that did not verify: the statuses of its candidates, in order (a
    function dropped before translation has none)."""
    statuses: dict[str, list[str]] = {}
    for row in rejected:
        if row["task_id"] not in verified:
            statuses.setdefault(row["task_id"], []).append(row.get("status") or "dropped")
    return statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", default=DEFAULT_PACKAGES, help="pkg==version,...")
    parser.add_argument("--target", default="php")
    parser.add_argument("--model", default="qwen2.5-coder-1.5b")
    parser.add_argument("--limit", type=int, help="only the first N functions of each package")
    parser.add_argument(
        "--budget-tokens", type=int, default=3000, help="per function, 0: none (see above)"
    )
    parser.add_argument("--max-tokens", type=int, default=512, help="per reply")
    parser.add_argument("--cache-dir", type=Path, help="keep (and reuse) the caches here")
    parser.add_argument("--out-dir", type=Path, help="keep each package's dataset folder here")
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()
    specs = [s.strip() for s in args.packages.split(",") if s.strip()]
    print(
        f"{len(specs)} packages into {args.target}, {args.model}, "
        f"limit {args.limit or 'none'}, budget {args.budget_tokens or 'none'} tokens/function, "
        f"max {args.max_tokens} tokens/reply",
        flush=True,
    )
    head = (
        f"{'package':<20} {'found':>5} {'taken':>5} {'select':>6} {'inputs':>6} {'tests':>5} "
        f"{'verif':>5} {'tok/verif':>9} {'LLM s/verif':>11} {'max LLM s/fn':>12} "
        f"{'budget stops':>12} {'wall s':>7}"
    )
    print(head, flush=True)
    report: list[dict[str, Any]] = []
    for spec in specs:
        with tempfile.TemporaryDirectory() as tmp:
            r = measure(spec, Path(tmp), args)
        report.append(r)
        print(
            f"{spec:<20} {r['found']:>5} {r['taken']:>5} {r['selected']:>6} {r['inputs']:>6} "
            f"{r['tests']:>5} {r['verified']:>5} {r['tokens_per_verified']!s:>9} "
            f"{r['llm_s_per_verified']!s:>11} {r['max_llm_s_per_function']:>12} "
            f"{r['budget_stops']:>12} {r['wall_s']:>7}",
            flush=True,
        )
    kinds = ("1.0", "(0, 1)", "0", "no mutants", "mutants did not run", "none on the function")
    print("\nmutation score of the verified rows (rows per class)")
    print(f"{'package':<20} {'verif':>5} " + " ".join(f"{k:>{max(len(k), 6)}}" for k in kinds))
    for r in report:
        cells = " ".join(f"{r['mutation'].get(k, 0):>{max(len(k), 6)}}" for k in kinds)
        print(f"{r['package']:<20} {r['verified']:>5} {cells}")
    print("\ndrops by stage")
    for r in report:
        print(f"{r['package']}: {json.dumps(r['drops'])}")
        for f in r["verified_functions"]:
            print(
                f"  verified {f['task_id']}: {f['tests']} tests, mutation {f['mutation']} "
                f"({f['mutants_on_function']}/{f['mutants']} mutants on the function), "
                f"{f['llm_s']} LLM s"
            )
        for task, statuses in r["failed_functions"].items():
            print(f"  not verified {task}: {', '.join(statuses)}")
        print(
            f"  LLM s: {r['translate_llm_s']} translating, "
            f"{round(r['llm_s'] - r['translate_llm_s'], 1)} proposing inputs "
            f"({r['inputs_tokens']} tokens)"
        )
    if args.json_out:
        args.json_out.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
