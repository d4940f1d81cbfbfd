# Times in R's metafor the GOSH work that `npm run bench:gosh` times in Pooled:
#   res <- rma(yi, vi, method = "REML"); gosh(res, subsets = ..., progbar = FALSE)
# on the CSV data set the Node script writes (bench/src/gosh.ts: makeData(20), fixed seed).
# Every subset of 20 studies (1,048,575 REML fits) would take metafor about an hour, so it runs two
# smaller amounts of the same work and the Node side scales them per fit:
# - "exhaustive": every subset of the first <small k> studies (2^k - 1 fits; mean subset size k/2,
#   smaller than the 10 of k = 20, which is in metafor's favour);
# - "random": <random subsets> random subsets of all 20 studies (mean size 10, as every subset of 20).
# metafor's default control (threshold 1e-5 on |change in tau2|; Pooled iterates to 1e-10): what a
# metafor user runs, in metafor's favour. The exhaustive run's per-subset values are written too, so
# the Node side can report how far Pooled's are from them.
#
# Usage (run by bench/dist/gosh.js, which writes the CSV and reads the JSON):
#   Rscript bench/metafor/gosh.R <data.csv> <out.json> <small k> <random subsets>
# METAFOR_LIB=<dir> loads the metafor installed in <dir> (e.g. /opt/metafor51, metafor 5.1 built
# from source) instead of the system's.

lib <- Sys.getenv("METAFOR_LIB")
if (nzchar(lib)) .libPaths(c(lib, .libPaths()))
suppressPackageStartupMessages(library(metafor))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 4) stop("usage: gosh.R <data.csv> <out.json> <small k> <random subsets>")
d <- read.csv(args[1])
out_file <- args[2]
small_k <- as.integer(args[3])
n_random <- as.integer(args[4])

num <- function(x) if (is.null(x) || is.na(x)) "null" else sprintf("%.17g", x)
arr <- function(x) paste0("[", paste(vapply(as.numeric(x), num, ""), collapse = ","), "]")

elapsed_ms <- function(expr) {
  t0 <- proc.time()[["elapsed"]]
  force(expr)
  1000 * (proc.time()[["elapsed"]] - t0)
}

cat("metafor", as.character(packageVersion("metafor")), "on", R.version.string, "\n")
# warm-up: the first call of a kind loads and byte-compiles metafor's code
invisible(gosh(rma(yi, vi, data = d[1:5, ], method = "REML"), progbar = FALSE))

small <- d[seq_len(small_k), ]
res_small <- rma(yi, vi, data = small, method = "REML")
g_small <- NULL
ms_small <- elapsed_ms(g_small <- gosh(res_small, progbar = FALSE))
cat(sprintf("  exhaustive k=%d: %d fits in %.0f ms\n", small_k, nrow(g_small$res), ms_small))

res_all <- rma(yi, vi, data = d, method = "REML")
g_random <- NULL
ms_random <- elapsed_ms(g_random <- gosh(res_all, subsets = n_random, progbar = FALSE, seed = 1))
cat(sprintf("  random k=%d: %d fits in %.0f ms\n", nrow(d), nrow(g_random$res), ms_random))

incl <- apply(g_small$incl, 1, function(r) paste(as.integer(r), collapse = ""))
writeLines(c(
  "{",
  sprintf('  "metafor": "%s",', as.character(packageVersion("metafor"))),
  sprintf('  "r": "%s",', R.version.string),
  '  "runs": [',
  sprintf('    {"kind": "exhaustive", "k": %d, "fits": %d, "ms": %.6g, "failed": %d, "meanSize": %.6g},',
          small_k, nrow(g_small$res), ms_small, sum(!g_small$fit), mean(g_small$res$k)),
  sprintf('    {"kind": "random", "k": %d, "fits": %d, "ms": %.6g, "failed": %d, "meanSize": %.6g}',
          nrow(d), nrow(g_random$res), ms_random, sum(!g_random$fit), mean(g_random$res$k)),
  "  ],",
  sprintf('  "exhaustive": {"incl": [%s], "estimate": %s, "I2": %s, "tau2": %s}',
          paste0('"', incl, '"', collapse = ","), arr(g_small$res$estimate), arr(g_small$res$I2),
          arr(g_small$res$tau2)),
  "}"
), out_file)
