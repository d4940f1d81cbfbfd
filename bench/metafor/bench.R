# Times in R's metafor the work that `npm run bench` times in Pooled: one REML fit (rma),
# a random permutation test (permutest) and a case bootstrap (boot with rma), on the same CSV data
# sets the Node suite generates (bench/src/data.ts, fixed seed).
#
# Usage (run by bench/dist/metafor.js, which writes the CSVs and reads the JSON):
#   Rscript bench/metafor/bench.R <data dir> <out.json> <permutations> <boot replicates> \
#     <reml sizes, comma separated> <resampling k> <time budget per REML task, seconds>
#
# metafor's rma.uni builds k x k matrices (P = W - WX(X'WX)^-1X'W), so REML is timed only up to the
# sizes passed in; permutest and boot refit once per replicate, so their time grows linearly with
# the number of replicates and the Node side scales the measured time to the full count.
# Convergence: threshold = 1e-10 as Pooled's default (metafor's own default is 1e-5).

suppressPackageStartupMessages({
  library(metafor)
  library(boot)
})

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 7) stop("usage: bench.R <data dir> <out.json> <perm> <boot> <sizes> <k> <budget>")
data_dir <- args[1]
out_file <- args[2]
n_perm <- as.integer(args[3])
n_boot <- as.integer(args[4])
reml_sizes <- as.integer(strsplit(args[5], ",")[[1]])
resampling_k <- as.integer(args[6])
budget <- as.numeric(args[7])
ctrl <- list(threshold = 1e-10)

read_data <- function(k) {
  d <- read.csv(file.path(data_dir, sprintf("k%d.csv", k)), stringsAsFactors = FALSE)
  d$group <- factor(d$group)
  d
}

# Calls f() until `budget` seconds have passed (at least min_calls, at most max_calls); elapsed
# wall time of each call in ms.
time_calls <- function(f, budget, min_calls = 1, max_calls = 200) {
  times <- numeric(0)
  start <- proc.time()[["elapsed"]]
  repeat {
    t0 <- proc.time()[["elapsed"]]
    f()
    times <- c(times, 1000 * (proc.time()[["elapsed"]] - t0))
    spent <- proc.time()[["elapsed"]] - start
    if (length(times) >= max_calls) break
    if (length(times) >= min_calls && spent >= budget) break
  }
  times
}

rows <- list()
add_row <- function(kernel, k, replicates, times) {
  rows[[length(rows) + 1]] <<- sprintf(
    '  {"kernel": "%s", "k": %d, "replicates": %d, "calls": %d, "meanMs": %.6g, "p99Ms": %.6g}',
    kernel, k, replicates, length(times), mean(times), unname(quantile(times, 0.99))
  )
  cat(sprintf("  %-30s k=%-7d %10.4g ms mean (%d calls)\n", kernel, k, mean(times), length(times)))
}

cat("metafor", as.character(packageVersion("metafor")), "on", R.version.string, "\n")

# One REML fit, intercept only and with three continuous moderators.
for (k in reml_sizes) {
  d <- read_data(k)
  if (k < 1000) {
    # warm-up: the first call of a kind loads and byte-compiles metafor's code (not at k = 1000,
    # where a single fit takes seconds)
    rma(yi, vi, data = d, method = "REML", control = ctrl)
    rma(yi, vi, mods = ~ x1 + x2 + x3, data = d, method = "REML", control = ctrl)
  }
  add_row("reml-fit", k, 1, time_calls(function() {
    rma(yi, vi, data = d, method = "REML", control = ctrl)
  }, budget))
  add_row("reml-fit-3-moderators", k, 1, time_calls(function() {
    rma(yi, vi, mods = ~ x1 + x2 + x3, data = d, method = "REML", control = ctrl)
  }, budget))
}

# Resampling at k = 30 with the 4-level categorical moderator.
d <- read_data(resampling_k)
res <- rma(yi, vi, mods = ~ group, data = d, method = "REML", control = ctrl)

set.seed(1)
add_row("permutation", resampling_k, n_perm, time_calls(function() {
  invisible(capture.output(permutest(res, iter = n_perm, progbar = FALSE)))
}, 0))

boot_statistic <- function(data, indices) {
  fit <- try(
    suppressWarnings(rma(yi, vi, mods = ~ group, data = data[indices, ], method = "REML",
      control = ctrl)),
    silent = TRUE
  )
  # a resample missing a level gives a rank-deficient model: left out, as Pooled counts it failed
  if (inherits(fit, "try-error") || length(coef(fit)) != 4) return(rep(NA_real_, 5))
  c(coef(fit), fit$tau2)
}
set.seed(1)
add_row("bootstrap", resampling_k, n_boot, time_calls(function() {
  boot(d, boot_statistic, R = n_boot)
}, 0))

writeLines(c("[", paste(unlist(rows), collapse = ",\n"), "]"), out_file)
