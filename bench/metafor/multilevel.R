# Times in R's metafor the three-level work that `npm run bench:multilevel` times in Pooled:
#   rma.mv(yi, vi, random = ~ 1 | cluster/experiment, method = "REML")
# on the same CSV data sets the Node script generates (bench/src/multilevel.ts, fixed seed).
#
# Usage (run by bench/dist/multilevel.js, which writes the CSVs and reads the JSON):
#   Rscript bench/metafor/multilevel.R <data dir> <out.json> <fit sizes, comma separated> \
#     <bootstrap k> <bootstrap refits> <time budget per small fit task, seconds>
# METAFOR_LIB=<dir> loads the metafor installed in <dir> (e.g. /opt/metafor51, metafor 5.1 built from
# source) instead of the system's.
#
# What is timed:
# - "fit": one rma.mv call, metafor's defaults (dense matrices, nlminb on log(sigma2)). At k >= 1000
#   a fit takes tens of seconds, so it is run once, after a warm-up fit on a small data set (the
#   first call of a kind loads and byte-compiles metafor's code); smaller data sets are refitted
#   until the time budget has passed.
# - "fit-sparse": the same call with sparse = TRUE (Matrix's sparse matrices), for reading the
#   dense figure: what a metafor user who knows the option waits for. Large sizes only, once.
# - "bootstrap-refit": the cluster bootstrap's unit of work, done <bootstrap refits> times: draw
#   publications with replacement (a publication drawn twice is two publications), build the data
#   set and refit rma.mv. The Node side divides by the count and scales to its 10^4 replicates (every
#   replicate is the same kind of refit); percentile/BCa intervals and the jackknife are left out
#   (they add one pass over the replicates and 12 refits), which is in metafor's favour.
# Fits that fail (rma.mv errors) are counted and reported, not timed differently.

lib <- Sys.getenv("METAFOR_LIB")
if (nzchar(lib)) .libPaths(c(lib, .libPaths()))
suppressPackageStartupMessages(library(metafor))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 6) {
  stop("usage: multilevel.R <data dir> <out.json> <fit sizes> <boot k> <boot refits> <budget>")
}
data_dir <- args[1]
out_file <- args[2]
fit_sizes <- as.integer(strsplit(args[3], ",")[[1]])
boot_k <- as.integer(args[4])
n_refits <- as.integer(args[5])
budget <- as.numeric(args[6])
# Above this k a single fit takes seconds: run once.
large_k <- 500

read_data <- function(k) {
  read.csv(file.path(data_dir, sprintf("multilevel-k%d.csv", k)), stringsAsFactors = FALSE)
}

fit <- function(d, sparse = FALSE) {
  rma.mv(yi, vi, random = ~ 1 | cluster/experiment, data = d, method = "REML", sparse = sparse)
}

# Calls f() until `budget` seconds have passed (at least min_calls, at most max_calls); elapsed wall
# time of each call in ms. Keeps the last value of f() in `last_value`.
last_value <- NULL
time_calls <- function(f, budget, min_calls = 1, max_calls = 200) {
  times <- numeric(0)
  start <- proc.time()[["elapsed"]]
  repeat {
    t0 <- proc.time()[["elapsed"]]
    last_value <<- f()
    times <- c(times, 1000 * (proc.time()[["elapsed"]] - t0))
    spent <- proc.time()[["elapsed"]] - start
    if (length(times) >= max_calls) break
    if (length(times) >= min_calls && spent >= budget) break
  }
  times
}

num <- function(x) if (is.null(x) || is.na(x)) "null" else sprintf("%.17g", x)
rows <- list()
add_row <- function(kernel, k, replicates, times, res = NULL, failed = 0) {
  rows[[length(rows) + 1]] <<- sprintf(
    paste0(
      '    {"kernel": "%s", "k": %d, "replicates": %d, "calls": %d, "meanMs": %.6g, "p99Ms": %.6g,',
      ' "failed": %d, "sigma2Between": %s, "sigma2Within": %s}'
    ),
    kernel, k, replicates, length(times), mean(times), unname(quantile(times, 0.99)), failed,
    num(if (is.null(res)) NULL else res$sigma2[1]), num(if (is.null(res)) NULL else res$sigma2[2])
  )
  cat(sprintf("  %-20s k=%-6d %10.4g ms mean (%d calls%s)\n", kernel, k, mean(times), length(times),
    if (replicates > 1) sprintf(" of %d refits", replicates) else ""))
}

cat("metafor", as.character(packageVersion("metafor")), "on", R.version.string, "\n")

# warm-up on the smallest data set
small <- read_data(min(c(fit_sizes, boot_k)))
invisible(fit(small))

for (k in fit_sizes) {
  d <- read_data(k)
  if (k < large_k) {
    add_row("fit", k, 1, time_calls(function() fit(d), budget), last_value)
  } else {
    add_row("fit", k, 1, time_calls(function() fit(d), 0), last_value)
    add_row("fit-sparse", k, 1, time_calls(function() fit(d, sparse = TRUE), 0), last_value)
  }
}

# Cluster bootstrap refits at boot_k.
d <- read_data(boot_k)
rows_of <- split(seq_len(nrow(d)), factor(d$cluster, levels = unique(d$cluster)))
sizes <- lengths(rows_of)
m <- length(rows_of)
set.seed(1)
failed <- 0
refit_once <- function() {
  ids <- sample.int(m, m, replace = TRUE)
  b <- d[unlist(rows_of[ids], use.names = FALSE), ]
  b$cluster <- rep(seq_len(m), sizes[ids])
  b$experiment <- seq_len(nrow(b))
  res <- try(suppressWarnings(fit(b)), silent = TRUE)
  if (inherits(res, "try-error")) failed <<- failed + 1
  NULL
}
add_row("bootstrap-refit", boot_k, n_refits, time_calls(function() {
  for (r in seq_len(n_refits)) refit_once()
}, 0), NULL, failed)

writeLines(c(
  "{",
  sprintf('  "metafor": "%s",', as.character(packageVersion("metafor"))),
  sprintf('  "r": "%s",', R.version.string),
  '  "rows": [',
  paste(unlist(rows), collapse = ",\n"),
  "  ]",
  "}"
), out_file)
