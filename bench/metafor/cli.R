# The resampling work of `npm run bench:cli` in R's metafor, as one whole R process per run (the
# harness, bench/dist/cli.js, times the process from outside and reads the line printed at the end).
#
# Usage:
#   Rscript bench/metafor/cli.R permutation <k30.csv> <iterations>
#   Rscript bench/metafor/cli.R bootstrap <k30.csv> <replicates>
#
# permutation: what `pooled analyze <file> --mods group --permutations N` computes: a permutation
#   test of the random-effects model and one of the meta-regression on the 4-level moderator
#   (metafor's permutest, Viechtbauer et al. 2015).
# bootstrap: what `pooled analyze <file> --bootstrap N` computes: a case bootstrap of the
#   random-effects model (boot with an rma refit per resample), with percentile and BCa intervals.
#
# Prints "REPLICATES-MS <ms>": the wall time of the replicates alone (permutest, or boot and
# boot.ci), so the harness can scale that part to Pooled's count and keep start-up and the first
# fits as measured.
# Convergence: threshold = 1e-10 as Pooled's default (metafor's own default is 1e-5).

suppressPackageStartupMessages({
  library(metafor)
  library(boot)
})

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 3) stop("usage: cli.R permutation|bootstrap <file.csv> <replicates>")
mode <- args[1]
replicates <- as.integer(args[3])
ctrl <- list(threshold = 1e-10)

d <- read.csv(args[2], stringsAsFactors = FALSE)
d$group <- factor(d$group)
res <- rma(yi, vi, data = d, method = "REML", control = ctrl)

elapsed_ms <- function(f) {
  t0 <- proc.time()[["elapsed"]]
  f()
  1000 * (proc.time()[["elapsed"]] - t0)
}

set.seed(1)
if (mode == "permutation") {
  reg <- rma(yi, vi, mods = ~ group, data = d, method = "REML", control = ctrl)
  ms <- elapsed_ms(function() {
    invisible(capture.output({
      permutest(res, iter = replicates, progbar = FALSE)
      permutest(reg, iter = replicates, progbar = FALSE)
    }))
  })
} else if (mode == "bootstrap") {
  statistic <- function(data, indices) {
    fit <- try(suppressWarnings(rma(yi, vi, data = data[indices, ], method = "REML",
      control = ctrl)), silent = TRUE)
    if (inherits(fit, "try-error")) return(c(NA_real_, NA_real_))
    c(coef(fit), fit$tau2)
  }
  ms <- elapsed_ms(function() {
    b <- boot(d, statistic, R = replicates)
    boot.ci(b, type = c("perc", "bca"), index = 1)
  })
} else {
  stop("mode must be permutation or bootstrap")
}
cat(sprintf("REPLICATES-MS %.3f\n", ms))
