/**
 * The fit kernel's contract (shared/ARCHITECTURE.md, "The WASM boundary"), on the JS build of the
 * kernel source: it never throws (bad input, too few studies and a singular design come back as
 * statuses), works in the caller's workspace and out block (no allocation per call), and honours a
 * fixed τ² from the packed control block. kernels/wasm.test.ts holds the WASM build to the same
 * fits.
 */
import { FitWorkspace, fitKernel, fitOutSize } from "@pooled/core-wasm/kernels";
import { describe, expect, it } from "vitest";
import { KernelStatus } from "../../src/errors.js";
import { getBackend } from "../../src/kernels/backend.js";
import { ControlSlot, FitOutSlot, MethodCode, packControl } from "../../src/kernels/contract.js";

describe("fit kernel contract (js)", () => {
  it("never throws: bad input and too few studies come back as statuses", () => {
    const ws = new FitWorkspace(4, 2);
    const out = new Float64Array(fitOutSize(2));
    const control = packControl({ threshold: 1e-10, maxIter: 100, stepAdj: 1 });
    const X = new Float64Array([1, 0, 1, 1, 1, 2]);
    const y = new Float64Array([0.1, 0.2, 0.4]);
    expect(
      fitKernel(ws, y, new Float64Array([0.1, -1, 0.1]), X, 3, 2, MethodCode.REML, control, out),
    ).toBe(KernelStatus.BAD_INPUT);
    expect(fitKernel(ws, y, new Float64Array([0.1, 0.1, 0.1]), X, 3, 2, 42, control, out)).toBe(
      KernelStatus.BAD_INPUT,
    );
    expect(
      fitKernel(
        ws,
        y.subarray(0, 2),
        new Float64Array([0.1, 0.1]),
        X.subarray(0, 4),
        2,
        2,
        MethodCode.DL,
        control,
        out,
      ),
    ).toBe(KernelStatus.TOO_FEW_STUDIES);
    const singular = new Float64Array([1, 2, 1, 2, 1, 2]);
    expect(
      fitKernel(
        ws,
        y,
        new Float64Array([0.1, 0.1, 0.1]),
        singular,
        3,
        2,
        MethodCode.FE,
        control,
        out,
      ),
    ).toBe(KernelStatus.SINGULAR);
    const tight = packControl({ threshold: 1e-10, maxIter: 1, stepAdj: 1 });
    const yv = new Float64Array([0.1, 0.9, -0.5]);
    const status = fitKernel(
      ws,
      yv,
      new Float64Array([0.01, 0.02, 0.03]),
      X,
      3,
      2,
      MethodCode.REML,
      tight,
      out,
    );
    expect(status === KernelStatus.NOT_CONVERGED || status === KernelStatus.OK).toBe(true);
  });

  it("writes tau², iterations, β and vb into the out block; fixed tau² is honoured", () => {
    const ws = new FitWorkspace(3, 1);
    const out = new Float64Array(fitOutSize(1));
    const control = packControl({ threshold: 1e-10, maxIter: 100, stepAdj: 1, tau2Fixed: 0.5 });
    expect(control[ControlSlot.tau2Fixed]).toBe(0.5);
    const status = fitKernel(
      ws,
      new Float64Array([1, 2, 3]),
      new Float64Array([0.5, 0.5, 0.5]),
      new Float64Array([1, 1, 1]),
      3,
      1,
      MethodCode.REML,
      control,
      out,
    );
    expect(status).toBe(KernelStatus.OK);
    expect(out[FitOutSlot.tau2]).toBe(0.5);
    expect(out[FitOutSlot.beta]).toBeCloseTo(2, 14);
    expect(out[FitOutSlot.beta + 1]).toBeCloseTo(1 / 3, 14); // (Σ 1/(0.5 + 0.5))⁻¹
  });

  it("the backend registry returns the js backend by name", () => {
    expect(getBackend("js").name).toBe("js");
  });
});
