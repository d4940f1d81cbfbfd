// Smoke test of the built module (both targets): instantiate without fs and fit one
// intercept-only REML model. The numerical validation lives in packages/stats/test/kernels/wasm.test.ts.
import { instantiateSync } from "../dist/index.js";

for (const target of ["debug", "release"]) {
  const core = instantiateSync(target);
  core.reset();
  const k = 3;
  const put = (values) => {
    const ptr = core.alloc(values.length * 8);
    new Float64Array(core.memory.buffer, ptr, values.length).set(values);
    return ptr;
  };
  const yi = put([0.1, 0.5, -0.2]);
  const vi = put([0.04, 0.09, 0.05]);
  const X = put([1, 1, 1]);
  const control = put([1e-10, 100, 1, Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN]);
  const out = put(new Array(4).fill(0));
  const status = core.fit(yi, vi, X, k, 1, 6, control, out);
  const result = new Float64Array(core.memory.buffer, out, 4);
  // metafor 3.8: rma(c(.1, .5, -.2), c(.04, .09, .05), control = list(threshold = 1e-10))
  const expected = { tau2: 0.0394232333218337, mu: 0.0916128099586556 };
  const close = (a, b) => Math.abs(a - b) <= 1e-9 * Math.abs(b);
  if (status !== 0 || !close(result[0], expected.tau2) || !close(result[2], expected.mu)) {
    throw new Error(`core-wasm ${target}: status ${status}, tau2 ${result[0]}, mu ${result[2]}`);
  }
  console.log(`core-wasm ${target}: ok (tau2 = ${result[0]}, mu = ${result[2]})`);
}
