"""JavaScript (Node): input literals, the output serializer and the driver program."""

from __future__ import annotations

import json

from codefactory.renderers.base import fill_template, template
from codefactory.renderers.script import Scalars, ScriptRenderer

SAFE_INT = 2**53  # beyond this a JS number is not an exact integer

# docs/architecture.md §5.5: the candidate's realm is not the harness's, only values cross, and
# what the harness relies on after the candidate starts was captured before (comments inside).
_HARNESS = template(__name__, "main.js")


class JavaScriptRenderer(ScriptRenderer):
    language_name = "JavaScript"
    harness = _HARNESS
    int_range = (-SAFE_INT, SAFE_INT)
    main_file = "main.js"  # as languages/javascript.toml names it
    candidate_file = "candidate.js"  # the harness reads candidate.js from its own folder
    scalars = Scalars("null", "false", "true", "Infinity", "-Infinity", minus_zero="-0")
    pair_separator = ": "
    string_keys = True

    def string(self, text: str) -> str:
        return json.dumps(text)  # ASCII-only JSON is a valid JS string literal

    def number(self, text: str) -> str:
        return text

    def candidate_source(self, code: str) -> str:
        return code + "\n"

    def harness_source(self, harness: str) -> str:
        return harness

    def assemble(self, code: str, entry_point: str, fields: dict[str, str]) -> dict[str, str]:
        # Each placeholder goes in as a JavaScript string: the harness evaluates the case table
        # in the candidate's context and compiles the entry point's name with its source.
        harness = fill_template(self.harness, {k: json.dumps(v) for k, v in fields.items()})
        return {
            self.main_file: self.harness_source(harness),
            self.candidate_file: self.candidate_source(code),
        }
