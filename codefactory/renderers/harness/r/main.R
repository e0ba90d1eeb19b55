# codefactory harness: see codefactory/renderers/r.py
.Internal(eval((function() {
  stdin <- file("stdin")
  nonce <- readLines(stdin, n = 1L, warn = FALSE)
  close(stdin)
  if (length(nonce) != 1L || !grepl("^[0-9A-Fa-f]+$", nonce)) {
    cat("no run nonce on stdin\n", file = stderr())
    quit(save = "no", status = 1L)
  }
  exprs <- tryCatch(parse(file = "/work/candidate.R", keep.source = FALSE), error = function(e) e)
  if (inherits(exprs, "error")) {
    why <- conditionMessage(exprs)
    short <- sub("^[^:]*:[0-9]+:[0-9]+: ", "", why)
    cat("Error: ", short, "\n", why, "\n", sep = "", file = stderr())
    quit(save = "no", status = 1L)
  }
  K <- mget(c("if", "switch", "quote", "substitute", "invisible", "{", "(", "&&", "!", "&", "|",
              "==", "!=", ">", "<", "+", "-", "*", "%/%", "[", "[[", "length", "names", "attr",
              "unclass", "isS4", "is.null", "is.na", "is.nan", "is.infinite", "enc2utf8",
              "seq_len", "c", "list", "any", "as.call", ".Internal"), envir = baseenv())
  box <- new.env(parent = emptyenv())
  where <- new.env(parent = emptyenv())
  lockEnvironment(where, bindings = TRUE)
  call <- function(f, ...) as.call(list(f, ...))
  internal <- function(name, ...) call(K[[".Internal"]], as.call(c(list(as.name(name)), list(...))))
  # .cf_rec(template, e): the template with its `v` replaced by quote(<value of e>), evaluated.
  rec <- function(name, e) {
    template <- internal("get", name, box, "any", FALSE)
    quoted <- call(K[["as.call"]], call(K[["list"]], K[["quote"]], e))
    bound <- as.call(list(K[["list"]], v = quoted))
    substituted <- internal("do.call", K[["substitute"]], call(K[["list"]], template, bound), where)
    internal("eval", substituted, where, NULL)
  }
  inline <- function(e) {
    if (!is.call(e)) return(e)
    f <- e[[1L]]
    name <- if (is.symbol(f)) as.character(f) else ""
    if (identical(name, ".cf_rec")) return(rec(as.character(e[[2L]]), inline(e[[3L]])))
    if (identical(name, ".Internal")) {
      inner <- e[[2L]]
      for (i in seq_along(inner)[-1L]) inner[i] <- list(inline(inner[[i]]))
      return(call(K[[".Internal"]], inner))
    }
    if (!name %in% names(K)) stop("harness template calls ", deparse(f))
    e[[1L]] <- K[[name]]
    for (i in seq_along(e)[-1L]) e[i] <- list(inline(e[[i]]))
    e
  }
  gsub_fixed <- function(from, to, x) {
    call(as.name(".Internal"), call(as.name("gsub"), from, to, x, FALSE, FALSE, TRUE, FALSE))
  }
  escape <- gsub_fixed('"', '\\"', gsub_fixed("\\", "\\\\", quote(v)))
  for (code in 1:31) escape <- gsub_fixed(intToUtf8(code), sprintf("\\u%04x", code), escape)
  templates <- list(
    # any value
    T = quote(
      if (isS4(v)) '{"unsupported":"S4 object"}'
      else if (.Internal(inherits(v, "factor", FALSE))) .cf_rec(T, attr(v, "levels")[unclass(v)])
      else if (.Internal(typeof(unclass(v))) == "NULL") "null"
      else if (any(.Internal(typeof(unclass(v))) ==
                   c("logical", "integer", "double", "character", "list")))
        .cf_rec(W, list(unclass(v), .cf_rec(I, unclass(v))))
      else .Internal(paste0(list('{"unsupported":', .cf_rec(S, .Internal(typeof(unclass(v)))),
                                 "}"), NULL, FALSE))
    ),
    # list(value without its class, its items encoded): a dict, a scalar or a list
    W = quote(
      if (!is.null(names(v[[1L]])) && length(v[[1L]]) == 0L) '{"dict":[]}'
      else if (!is.null(names(v[[1L]])) && any(names(v[[1L]]) != "" | is.na(names(v[[1L]]))))
        .Internal(paste0(list('{"dict":[',
                              .Internal(paste0(list("[", .cf_rec(S, names(v[[1L]])), ",", v[[2L]],
                                                    "]"), ",", FALSE)),
                              "]}"), NULL, FALSE))
      else if (.Internal(typeof(v[[1L]])) != "list" && length(v[[1L]]) == 1L) v[[2L]]
      else .Internal(paste0(list("[", .Internal(paste0(list(v[[2L]]), ",", FALSE)), "]"),
                            NULL, FALSE))
    ),
    # the items of an atomic vector or list, one string each
    I = quote(switch(.Internal(typeof(v)),
      logical = c("false", "true", "null")[1L + (!is.na(v) & v) + 2L * is.na(v)],
      integer = c(.Internal(sprintf('{"int":"%d"}', v)), "null")[
        seq_len(length(v)) + is.na(v) * (length(v) + 1L - seq_len(length(v)))],
      double = c(.Internal(sprintf('{"float":"%.17g"}', v)), '{"float":"nan"}', "null",
                 '{"float":"inf"}', '{"float":"-inf"}')[seq_len(length(v))
        + is.nan(v) * (length(v) + 1L - seq_len(length(v)))
        + (is.na(v) & !is.nan(v)) * (length(v) + 2L - seq_len(length(v)))
        + (is.infinite(v) & v > 0) * (length(v) + 3L - seq_len(length(v)))
        + (is.infinite(v) & v < 0) * (length(v) + 4L - seq_len(length(v)))],
      character = .cf_rec(S, v),
      list = .cf_rec(E, v))),
    # the elements of a list, halving (depth log n)
    E = quote(
      if (length(v) == 0L) NULL
      else if (length(v) == 1L) .cf_rec(T, v[[1L]])
      else c(.cf_rec(E, v[seq_len(length(v) %/% 2L)]), .cf_rec(E, v[-seq_len(length(v) %/% 2L)]))
    ),
    # strings: JSON strings, null for NA, unsupported when not UTF-8
    S = quote(c(
      .Internal(paste0(list('"', .cf_rec(X, c(enc2utf8(v), "")[seq_len(length(v))
        + !(!is.na(v) & .Internal(validUTF8(enc2utf8(v))))
          * (length(v) + 1L - seq_len(length(v)))]), '"'), NULL, FALSE)),
      "null", '{"unsupported":"invalid UTF-8 string"}')[seq_len(length(v))
        + is.na(v) * (length(v) + 1L - seq_len(length(v)))
        + (!is.na(v) & !.Internal(validUTF8(enc2utf8(v))))
          * (length(v) + 2L - seq_len(length(v)))]),
    # valid strings, escaped for JSON
    X = escape
  )
  for (name in names(templates)) assign(name, inline(templates[[name]]), envir = box)
  lockEnvironment(box, bindings = TRUE)
  out <- stdout()
  home <- new.env(parent = globalenv())
  prefix <- paste0("\n__CF_MARKER__ ", nonce, " ")
  cases <- __CF_CASES__
  steps <- list(internal("eval", exprs, home, NULL))
  for (case in cases) {
    value <- rec("T", internal("do.call", __CF_ENTRY__, case[[2L]], home))
    head <- paste0('{"id":', case[[1L]], ',"ok":true,"value":')
    line <- call(K[["list"]], prefix, head, value, "}\n")
    steps <- c(steps, list(internal("cat", line, out, "", FALSE, NULL, FALSE)))
  }
  done <- list(prefix, paste0("DONE ", length(cases)), "\n")
  steps <- c(steps, list(internal("cat", done, out, "", FALSE, NULL, FALSE)),
             list(call(K[["invisible"]], NULL)))
  as.call(c(list(K[["{"]]), steps))
})(), new.env(parent = emptyenv()), NULL))
