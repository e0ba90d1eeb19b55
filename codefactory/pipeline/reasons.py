"""One normaliser for drop reasons: a short machine-readable code that groups in the funnel
(`syntax_error`, `no_tests`, `nondeterministic`), while the full text stays in the row."""

from __future__ import annotations

import re

# Ordered: the first pattern that matches the start of the text names the reason.
_CODES: tuple[tuple[str, str], ...] = (
    (r"syntax error|does not parse|reply has no code|row has no candidate", "syntax_error"),
    (r"no candidate", "no_candidate"),
    (r"candidate over MAX_", "candidate_too_big"),
    (r"Python does not parse|Python in .* does not parse", "source_does_not_parse"),
    (r"malformed JSONL", "malformed_row"),
    (r"row has no|code defines no|test_list is not", "unusable_row"),
    (
        r"binary file|.* (is a binary file|is not a regular file|cannot be read|is not UTF-8)",
        "unreadable",
    ),
    (r"nested past|over MAX_|.* over MAX_", "input_too_big"),
    (r"uses randomness", "uses_randomness"),
    (r"uses time", "uses_time"),
    (r"does I/O", "does_io"),
    (r"uses threads", "uses_threads"),
    (r"is a command-line program", "command_line_program"),
    (r"runs dynamic code", "runs_dynamic_code"),
    (r"depends on id", "depends_on_id"),
    (r"depends on hashing", "depends_on_hashing"),
    (r"no tests and no proposable inputs", "no_proposable_inputs"),
    (r"nondetermin", "nondeterministic"),
    (r"no test case representable", "no_representable_case"),
    (r"no usable test case", "no_usable_case"),
    (r"no test", "no_tests"),
    (r"Python output over the cap", "oracle_output_too_big"),
    (r".* keeps \d+ of the source's", "below_min_source_tests"),
    (r"cannot be typed", "untypable"),
    (r"coverage .* below", "below_min_coverage"),
    (r"mutation score .* below", "below_min_mutation_score"),
    (r"adequacy not measured", "adequacy_unmeasured"),
    (r"coverage not measured|mutation score not measured", "adequacy_unmeasured"),
    (r"no mutants of the source", "no_mutants"),
    (r"backend error", "backend_error"),
    (r"internal error", "internal_error"),
    (r"unreadable|bad json|not valid|invalid", "unreadable"),
)
_COMPILED = tuple((re.compile(pattern, re.I), code) for pattern, code in _CODES)


def reason_code(text: str) -> str:
    """The code for a drop's text; an unknown text becomes its first words, snake_cased."""
    stripped = text.strip()
    for pattern, code in _COMPILED:
        if pattern.match(stripped):
            return code
    words = re.findall(r"[a-z]+", stripped.lower())[:4]  # no numbers: they would not group
    return "_".join(words) or "unknown"
