/**
 * Constants shared with packages/stats/src/kernels/contract.ts and errors.ts (KernelStatus).
 * They must stay identical; packages/stats/test/wasm.test.ts checks them by behaviour (every method
 * code gives the TS fit bit for bit; bad inputs give the same statuses on both paths).
 */

// KernelStatus
export const OK: i32 = 0;
export const NOT_CONVERGED: i32 = 1;
export const SINGULAR: i32 = 2;
export const BAD_INPUT: i32 = 3;
export const TOO_FEW_STUDIES: i32 = 4;
export const CANCELLED: i32 = 5;

// MethodCode
export const FE: i32 = 0;
export const DL: i32 = 1;
export const HE: i32 = 2;
export const HS: i32 = 3;
export const SJ: i32 = 4;
export const ML: i32 = 5;
export const REML: i32 = 6;
export const EB: i32 = 7;
export const PM: i32 = 8;

// ControlSlot (packed Float64 control block of the fit)
export const CTL_THRESHOLD: i32 = 0;
export const CTL_MAX_ITER: i32 = 1;
export const CTL_STEP_ADJ: i32 = 2;
export const CTL_TAU2_INIT: i32 = 3;
export const CTL_TAU2_FIXED: i32 = 4;
export const CTL_SEED: i32 = 5;
export const CTL_SIZE: i32 = 8;

// FitOutSlot
export const OUT_TAU2: i32 = 0;
export const OUT_ITERATIONS: i32 = 1;
export const OUT_BETA: i32 = 2;
