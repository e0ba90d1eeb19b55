"""R: input literals, the output serializer and the driver program.

R has no scalars (a number is a length-one vector) and `c()` is NULL, so Python lists of plain
scalars become atomic vectors and everything else a `list()`; the host compares under the
`vectors` leniency (languages/r.toml). Python ints become R doubles, R's default number type:
exact to 2^53 where R's 32-bit integers would overflow on products of the augmented inputs.
"""

from __future__ import annotations

import math

from codefactory.renderers.base import ScriptRenderer, ascii_literal
from codefactory.values import Value

EXACT_DOUBLE_INT = 2**53

# Records go through the stdout connection the candidate's own prints use, so their order is
# kept (a second connection has a buffer of its own that could flush after DONE).
_PROLOGUE = ""
_HARNESS = r"""
.cf_str <- function(s) {
  if (base::is.na(s)) return("null")
  codes <- base::utf8ToInt(base::enc2utf8(s))
  if (base::anyNA(codes)) return('{"unsupported":"invalid UTF-8 string"}')
  parts <- base::vapply(codes, function(o) {
    if (o == 34L) return('\\"')
    if (o == 92L) return('\\\\')
    if (o >= 32L && o < 127L) return(base::intToUtf8(o))
    if (o > 65535L) {
      u <- o - 65536L
      return(base::sprintf('\\u%04x\\u%04x', 55296L + u %/% 1024L, 56320L + u %% 1024L))
    }
    base::sprintf('\\u%04x', o)
  }, "")
  base::paste0('"', base::paste(parts, collapse = ""), '"')
}

.cf_scalar <- function(x) {
  type <- base::typeof(x)
  if (type == "logical") return(if (base::is.na(x)) "null" else if (x) "true" else "false")
  if (type == "integer") {
    return(if (base::is.na(x)) "null" else base::paste0('{"int":"', base::as.character(x), '"}'))
  }
  if (type == "double") {
    if (base::is.nan(x)) return('{"float":"nan"}')
    if (base::is.na(x)) return("null")
    if (base::is.infinite(x)) return(if (x > 0) '{"float":"inf"}' else '{"float":"-inf"}')
    return(base::paste0('{"float":"', base::sprintf("%.17g", x), '"}'))
  }
  if (type == "character") return(.cf_str(x))
  base::paste0('{"unsupported":', .cf_str(type), '}')
}

.cf_enc <- function(v) {
  if (base::is.null(v)) return("null")
  if (base::is.factor(v)) v <- base::as.character(v)
  if (!base::is.atomic(v) && !base::is.list(v)) {
    return(base::paste0('{"unsupported":', .cf_str(base::typeof(v)), '}'))
  }
  items <- if (base::is.list(v)) {
    base::vapply(v, .cf_enc, "", USE.NAMES = FALSE)
  } else {
    base::vapply(base::seq_along(v), function(i) .cf_scalar(v[[i]]), "")
  }
  keys <- base::names(v)
  if (!base::is.null(keys) && base::length(v) == 0L) return('{"dict":[]}')
  if (!base::is.null(keys) && base::any(keys != "")) {
    pairs <- base::paste0("[", base::vapply(keys, .cf_str, "", USE.NAMES = FALSE), ",", items, "]")
    return(base::paste0('{"dict":[', base::paste(pairs, collapse = ","), "]}"))
  }
  if (base::is.atomic(v) && base::length(v) == 1L) return(items)
  base::paste0("[", base::paste(items, collapse = ","), "]")
}

.cf_emit <- function(line) {
  base::cat("\n", "__CF_PREFIX__ ", line, "\n", sep = "", file = base::stdout())
  base::flush(base::stdout())
}

local({
  n <- 0L
  for (case in __CF_CASES__) {
    id <- case[[1]]
    line <- base::tryCatch({
      value <- base::do.call(__CF_ENTRY__, case[[2]])
      base::paste0('{"id":', id, ',"ok":true,"value":', .cf_enc(value), '}')
    }, error = function(e) {
      base::paste0('{"id":', id, ',"ok":false,"error":', .cf_str(base::conditionMessage(e)), '}')
    })
    .cf_emit(line)
    n <- n + 1L
  }
  .cf_emit(base::paste("DONE", n))
})
"""


class RRenderer(ScriptRenderer):
    prologue = _PROLOGUE
    harness = _HARNESS
    int_range = (-EXACT_DOUBLE_INT, EXACT_DOUBLE_INT)

    def unsupported_reason(self, value: Value) -> str | None:
        if _has_nul(value):
            return "string with a NUL byte (R strings cannot hold one)"
        return super().unsupported_reason(value)

    def dict_reason(self, value: dict[Value, Value]) -> str | None:
        if "" in value:
            return "dict with an empty-string key (R cannot name an element '')"
        if len({str(k) for k in value}) != len(value):
            return "dict keys that collide as strings"
        return None

    def scalar(self, value: Value) -> str:
        if value is None:
            return "NULL"
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, int):
            return str(value)  # a double: see the module docstring
        if isinstance(value, float):
            if math.isnan(value):
                return "NaN"
            if math.isinf(value):
                return "Inf" if value > 0 else "-Inf"
            return repr(value)
        if isinstance(value, str):
            return r_string(value)
        raise TypeError(f"no R literal for {type(value).__name__}")

    def literal(self, value: Value) -> str:
        if isinstance(value, list | tuple):
            items = [self.literal(v) for v in value]
            if not value:
                return "base::c()"
            # base:: because the candidate, defined before the cases, may shadow c or list
            return ("base::c(" if _atomic(value) else "base::list(") + ", ".join(items) + ")"
        if isinstance(value, dict):
            if not value:
                return "base::structure(base::list(), names = base::character(0))"
            pairs = [f"{r_string(str(k))} = {self.literal(v)}" for k, v in value.items()]
            return "base::list(" + ", ".join(pairs) + ")"
        return self.scalar(value)

    def entry_ref(self, entry_point: str) -> str:
        return f"`{entry_point}`"

    def case_row(self, case_id: int, args: list[str]) -> str:
        return f"base::list({case_id}L, base::list({', '.join(args)}))"

    def cases_table(self, rows: list[str]) -> str:
        return "base::list(" + ", ".join(rows) + ")"


def _has_nul(value: Value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(map(_has_nul, value))
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    return False


def _atomic(items: list[Value] | tuple[Value, ...]) -> bool:
    """Whether `c(...)` holds these without coercion: all bools, all numbers or all strings."""
    if all(isinstance(v, bool) for v in items):
        return True
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in items):
        return True
    return all(isinstance(v, str) for v in items)


def r_string(text: str) -> str:
    """A double-quoted R literal in plain ASCII: `"` and `\\` escaped, everything else outside
    printable ASCII as \\U{...} (R has no interpolation; NUL is refused before this)."""
    return ascii_literal(map(ord, text), '"\\', lambda c: f"\\U{{{c:x}}}")
