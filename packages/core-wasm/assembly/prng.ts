/**
 * The PRNG, written identically in packages/stats/src/kernels/js/prng.ts (see there for the
 * references: xoshiro128** by Blackman & Vigna 2018, MurmurHash3's finaliser, SplitMix seeding,
 * Marsaglia's polar method). u32 arithmetic wraps as Math.imul and `>>> 0` do in TS.
 */

const GOLDEN: u32 = 0x9e3779b9;
const LN2: f64 = Math.LN2;
const SQRT_HALF: f64 = Math.SQRT1_2;

let s0: u32 = 1;
let s1: u32 = 0;
let s2: u32 = 0;
let s3: u32 = 0;

export function fmix32(x: u32): u32 {
  let h = x;
  h ^= h >>> 16;
  h = h * 0x85ebca6b;
  h ^= h >>> 13;
  h = h * 0xc2b2ae35;
  h ^= h >>> 16;
  return h;
}

/** Seeds the (single, global) generator for stream `stream` of seed `seed`. */
export function seedStream(seed: u32, stream: u32): void {
  let z = fmix32(seed ^ 0x5bd1e995);
  z = fmix32(z ^ fmix32(stream + 0x7f4a7c15));
  z += GOLDEN;
  s0 = fmix32(z);
  z += GOLDEN;
  s1 = fmix32(z);
  z += GOLDEN;
  s2 = fmix32(z);
  z += GOLDEN;
  s3 = fmix32(z);
  if ((s0 | s1 | s2 | s3) == 0) s0 = 1;
}

/** Next uint32 of xoshiro128**. */
export function nextU32(): u32 {
  const m = s1 * 5;
  const result = rotl<u32>(m, 7) * 9;
  const t = s1 << 9;
  const n2 = s2 ^ s0;
  const n3 = s3 ^ s1;
  s1 = s1 ^ n2;
  s0 = s0 ^ n3;
  s2 = n2 ^ t;
  s3 = rotl<u32>(n3, 11);
  return result;
}

/** Uniform double in [0, 1) with 53 random bits. */
export function nextUniform(): f64 {
  const a = nextU32() >>> 5;
  const b = nextU32() >>> 6;
  return (<f64>a * 67108864 + <f64>b) / 9007199254740992;
}

/** Uniform integer in [0, n), 1 <= n <= 2^32, by rejection. */
export function nextBelow(n: u64): u32 {
  const limit: u64 = 4294967296 - (4294967296 % n);
  let r = nextU32();
  while (<u64>r >= limit) r = nextU32();
  return <u32>(<u64>r % n);
}

/** ln x for x in (0, 1] from basic operations (see the TS twin). */
export function lnUnit(x: f64): f64 {
  let m = x;
  let e: f64 = 0;
  while (m < SQRT_HALF) {
    m *= 2;
    e--;
  }
  const u = (m - 1) / (m + 1);
  const u2 = u * u;
  let s: f64 = 2.0 / 25.0;
  s = s * u2 + 2.0 / 23.0;
  s = s * u2 + 2.0 / 21.0;
  s = s * u2 + 2.0 / 19.0;
  s = s * u2 + 2.0 / 17.0;
  s = s * u2 + 2.0 / 15.0;
  s = s * u2 + 2.0 / 13.0;
  s = s * u2 + 2.0 / 11.0;
  s = s * u2 + 2.0 / 9.0;
  s = s * u2 + 2.0 / 7.0;
  s = s * u2 + 2.0 / 5.0;
  s = s * u2 + 2.0 / 3.0;
  s = s * u2 + 2;
  return e * LN2 + s * u;
}

/** Standard normal deviate (polar method). */
export function nextNormal(): f64 {
  let u: f64 = 0;
  let v: f64 = 0;
  let r2: f64 = 0;
  do {
    u = 2 * nextUniform() - 1;
    v = 2 * nextUniform() - 1;
    r2 = u * u + v * v;
  } while (r2 >= 1 || r2 == 0);
  return u * Math.sqrt((-2 * lnUnit(r2)) / r2);
}
