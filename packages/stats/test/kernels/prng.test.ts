/**
 * The PRNG is written once (core-wasm's kernels/prng.ts) and compiled twice: the WASM and the JS
 * build must produce the same stream, bit for bit, from the same seed and stream number. Reference
 * values for xoshiro128** come from its definition (Blackman & Vigna 2018) applied by hand to a
 * known state; the seeded streams are pinned so that a seed keeps giving the same results.
 */

import {
  lnUnit,
  nextBelow,
  nextU32 as nextBits,
  nextNormal,
  nextUniform,
  seedStream,
  unsigned,
} from "@pooled/core-wasm/kernels";
import { describe, expect, it } from "vitest";
import { wasmCore } from "../../src/kernels/wasm/core.js";

const createPrng = () => new Int32Array(4);
/** The next 32 bits as an unsigned integer. */
const nextU32 = (s: Int32Array) => unsigned(nextBits(s));

describe("PRNG", () => {
  it("implements xoshiro128** (state 1, 2, 3, 4)", () => {
    const s = Int32Array.of(1, 2, 3, 4);
    // first output rotl(2·5, 7)·9 = 1280·9 = 11520; the state update is the reference algorithm
    expect(nextU32(s)).toBe(11520);
    // t = 2 << 9; s2 = 3 ^ 1; s3 = 4 ^ 2; s1 = 2 ^ s2; s0 = 1 ^ s3; s2 ^= t; s3 = rotl(s3, 11)
    expect(Array.from(s)).toEqual([7, 0, 1026, 12288]);
    expect(nextU32(s)).toBe(0); // s1 = 0 after the first step
  });

  it("draws the same streams in TS and WASM (u32, uniform, normal, bounded)", () => {
    const core = wasmCore();
    for (const [seed, stream] of [
      [0, 0],
      [1, 0],
      [1, 1],
      [42, 7],
      [0xffffffff, 123456],
    ] as const) {
      const s = createPrng();
      const draw = (kind: number, bound: number) => {
        seedStream(s, seed, stream);
        return Array.from({ length: 2000 }, () =>
          kind === 0
            ? nextU32(s)
            : kind === 1
              ? nextUniform(s)
              : kind === 2
                ? nextNormal(s)
                : nextBelow(s, bound),
        );
      };
      expect(Array.from(core.prng(seed, stream, 0, 2000))).toEqual(draw(0, 1));
      expect(Array.from(core.prng(seed, stream, 1, 2000))).toEqual(draw(1, 1));
      expect(Array.from(core.prng(seed, stream, 2, 2000))).toEqual(draw(2, 1));
      expect(Array.from(core.prng(seed, stream, 3, 2000, 7))).toEqual(draw(3, 7));
      expect(Array.from(core.prng(seed, stream, 3, 2000, 4294967296))).toEqual(draw(3, 4294967296));
    }
  });

  it("keeps the streams a seed gave before the kernels were written once (seed 42, stream 7)", () => {
    const s = createPrng();
    seedStream(s, 42, 7);
    expect([nextU32(s), nextU32(s), nextU32(s), nextU32(s)]).toEqual([
      244375628, 1557948589, 3543181496, 3452591650,
    ]);
    seedStream(s, 2024, 3);
    expect(nextNormal(s)).toBe(0.8480396116326958);
    expect(nextBelow(s, 30)).toBe(19);
  });

  it("gives different streams for different seeds and stream numbers", () => {
    const a = createPrng();
    const b = createPrng();
    seedStream(a, 1, 0);
    seedStream(b, 1, 1);
    let same = 0;
    for (let i = 0; i < 1000; i++) if (nextU32(a) === nextU32(b)) same++;
    expect(same).toBeLessThan(3);
  });

  it("has uniform and normal draws with the right moments (seeded)", () => {
    const s = createPrng();
    seedStream(s, 2024, 0);
    const n = 200_000;
    let su = 0;
    let su2 = 0;
    let sn = 0;
    let sn2 = 0;
    let sn4 = 0;
    const counts = new Array(7).fill(0);
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = nextUniform(s);
      if (!(u >= 0 && u < 1)) outside++;
      su += u;
      su2 += u * u;
      const z = nextNormal(s);
      sn += z;
      sn2 += z * z;
      sn4 += z ** 4;
      counts[nextBelow(s, 7)]++;
    }
    expect(outside).toBe(0);
    // means within 5 standard errors: var(U) = 1/12, var(Z) = 1, var(Z²) = 2
    expect(Math.abs(su / n - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(su2 / n - 1 / 3)).toBeLessThan(5 * Math.sqrt(4 / 45 / n));
    expect(Math.abs(sn / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(sn2 / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(sn4 / n - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
    // bounded integers: chi-square with 6 df below its 0.999 quantile (22.46)
    const chi2 = counts.reduce((acc, c) => acc + (c - n / 7) ** 2 / (n / 7), 0);
    expect(chi2).toBeLessThan(22.46);
  });

  it("computes ln on (0, 1] to within 2 ulp of Math.log", () => {
    for (const x of [1, 0.5, 0.75, 0.1, 1e-3, 1e-10, 2 ** -60, 0.999999, Math.SQRT1_2, 5e-324]) {
      const ref = Math.log(x);
      expect(Math.abs(lnUnit(x) - ref)).toBeLessThanOrEqual(
        Math.max(4.5e-16 * Math.abs(ref), 1e-300),
      );
    }
  });
});
