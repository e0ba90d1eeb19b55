"""From the command's settings to what curation runs with: the benchmark index is built here,
once per command, from the benchmark files (codefactory/curate/benchmarks.py)."""

from __future__ import annotations

from codefactory.core.errors import InputError
from codefactory.curate.apply import CurateOptions
from codefactory.curate.benchmarks import ENV, default_dir, load_benchmarks
from codefactory.curate.decontam import ContaminationIndex
from codefactory.curate.settings import CurationSettings


def curate_options(settings: CurationSettings) -> CurateOptions:
    if not 0 < settings.threshold <= 1:
        raise InputError(f"--dedup-threshold must be in (0, 1], not {settings.threshold}")
    folder = settings.benchmarks or default_dir()
    if folder is None:
        if settings.decontaminate:
            raise InputError(
                "--decontaminate needs the benchmark files: pass --benchmarks DIR (a folder "
                f"with humaneval.jsonl, mbpp.jsonl, multipl_e_humaneval_php.jsonl) or set {ENV}"
            )
        return CurateOptions(settings.dedup, settings.threshold, False, None)
    index = ContaminationIndex.build(load_benchmarks(folder))
    return CurateOptions(settings.dedup, settings.threshold, settings.decontaminate, index)
