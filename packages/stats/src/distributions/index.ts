// Public exports of distributions/: tails and quantiles of normal, t, chi-square and F.
export { chisqLowerP, chisqUpperP, qchisq } from "./chisq.js";
export { fLowerP, fUpperP, qf } from "./f.js";
export { normalLowerP, normalTwoSidedP, normalUpperP, qnorm } from "./normal.js";
export { qt, tLowerP, tTwoSidedP, tUpperP } from "./t.js";
