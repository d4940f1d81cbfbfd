/**
 * The one pseudo-random generator of Pooled, written identically here and in
 * packages/core-wasm/assembly/prng.ts so that both backends draw the same stream from the same seed
 * (shared/ARCHITECTURE.md). Only integer operations on 32 bits and IEEE +, -, *, /, sqrt are used,
 * so the two languages produce bit-identical numbers.
 *
 * - Generator: xoshiro128** (Blackman & Vigna 2018, "Scrambled linear pseudorandom number
 *   generators"), 128-bit state, period 2^128 - 1.
 * - Seeding: the user's seed and a stream number (the shard / block index) are hashed with the
 *   MurmurHash3 finaliser (Appleby 2011) and expanded with a SplitMix-style Weyl sequence
 *   (Steele et al. 2014), so neighbouring streams are unrelated.
 * - Uniform doubles take 53 random bits; bounded integers use rejection (no modulo bias);
 *   normal deviates use Marsaglia's polar method (Marsaglia & Bray 1964) with a log written
 *   below from basic operations (Math.log may differ by an ulp between engines).
 *
 * The state is a 4-element Uint32Array so a generator allocates nothing per draw.
 */

/** Golden-ratio increment of the Weyl sequence, 2^32/φ. */
const GOLDEN = 0x9e3779b9;
/** ln 2 */
const LN2 = Math.LN2;
/** 1/√2, lower end of the mantissa range used by {@link lnUnit}. */
const SQRT_HALF = Math.SQRT1_2;

/** MurmurHash3's 32-bit finaliser: a bijective avalanche mix of a uint32. */
export function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A generator state: four uint32 words. */
export type PrngState = Uint32Array;

/** Allocates a state (all zero until {@link seedStream}). */
export function createPrng(): PrngState {
  return new Uint32Array(4);
}

/**
 * Seeds `state` for stream `stream` of seed `seed` (both uint32). Shards and blocks of a resampling
 * run use stream = block index, so the result depends on the seed only.
 */
export function seedStream(state: PrngState, seed: number, stream: number): void {
  let z = fmix32((seed >>> 0) ^ 0x5bd1e995);
  z = fmix32((z ^ fmix32((stream >>> 0) + 0x7f4a7c15)) >>> 0);
  for (let i = 0; i < 4; i++) {
    z = (z + GOLDEN) >>> 0;
    state[i] = fmix32(z);
  }
  if ((state[0]! | state[1]! | state[2]! | state[3]!) === 0) state[0] = 1;
}

/** Next uint32 of xoshiro128**. */
export function nextU32(s: PrngState): number {
  const s0 = s[0]!;
  const s1 = s[1]!;
  const s2 = s[2]!;
  const s3 = s[3]!;
  const m = Math.imul(s1, 5);
  const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
  const t = s1 << 9;
  const n2 = s2 ^ s0;
  const n3 = s3 ^ s1;
  s[1] = s1 ^ n2;
  s[0] = s0 ^ n3;
  s[2] = n2 ^ t;
  s[3] = (n3 << 11) | (n3 >>> 21);
  return result;
}

/** Uniform double in [0, 1) with 53 random bits (two draws). */
export function nextUniform(s: PrngState): number {
  const a = nextU32(s) >>> 5; // 27 bits
  const b = nextU32(s) >>> 6; // 26 bits
  return (a * 67108864 + b) / 9007199254740992;
}

/** Uniform integer in [0, n) for 1 <= n <= 2^32, without modulo bias (rejection). */
export function nextBelow(s: PrngState, n: number): number {
  const limit = 4294967296 - (4294967296 % n);
  let r = nextU32(s);
  while (r >= limit) r = nextU32(s);
  return r % n;
}

/**
 * Natural log of x in (0, 1], from basic operations only: x = m·2^e with m in [1/√2, √2), then
 * ln m = 2·atanh(u), u = (m - 1)/(m + 1), |u| <= 0.1716, summed to u^25 (error < 1e-17).
 */
export function lnUnit(x: number): number {
  let m = x;
  let e = 0;
  while (m < SQRT_HALF) {
    m *= 2;
    e--;
  }
  const u = (m - 1) / (m + 1);
  const u2 = u * u;
  // 2·(u + u³/3 + u⁵/5 + ... + u²⁵/25), Horner form
  let s = 2 / 25;
  s = s * u2 + 2 / 23;
  s = s * u2 + 2 / 21;
  s = s * u2 + 2 / 19;
  s = s * u2 + 2 / 17;
  s = s * u2 + 2 / 15;
  s = s * u2 + 2 / 13;
  s = s * u2 + 2 / 11;
  s = s * u2 + 2 / 9;
  s = s * u2 + 2 / 7;
  s = s * u2 + 2 / 5;
  s = s * u2 + 2 / 3;
  s = s * u2 + 2;
  return e * LN2 + s * u;
}

/** Standard normal deviate: Marsaglia's polar method (the second deviate is discarded). */
export function nextNormal(s: PrngState): number {
  let u = 0;
  let v = 0;
  let r2 = 0;
  do {
    u = 2 * nextUniform(s) - 1;
    v = 2 * nextUniform(s) - 1;
    r2 = u * u + v * v;
  } while (r2 >= 1 || r2 === 0);
  return u * Math.sqrt((-2 * lnUnit(r2)) / r2);
}
