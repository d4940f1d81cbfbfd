/**
 * The one pseudo-random generator of Pooled, in the portable subset: both compilers produce the
 * same stream from the same seed (shared/ARCHITECTURE.md), checked bit for bit by stats' prng tests.
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
 * Why it is written this way: 32-bit words are i32 in both languages (an I32s state: Int32Array in JS),
 * multiplication goes through Math.imul (a wrapping i32 product in JS, and in AssemblyScript a
 * product of the words converted modulo 2^32), and every other operation is a bitwise one, which
 * JS performs on 32-bit integers too. Constants above 2^31 are written as their negative i32
 * twins. An unsigned value is only ever read through {@link unsigned}.
 */

import { I32s } from "#kernel-arrays";

/** Golden-ratio increment of the Weyl sequence, 2^32/φ = 0x9e3779b9, as an i32. */
const GOLDEN: i32 = -1640531527;
/** MurmurHash3 fmix32 multipliers 0x85ebca6b and 0xc2b2ae35, as i32. */
const FMIX_1: i32 = -2048144789;
const FMIX_2: i32 = -1028477387;
/** Seed and stream salts (0x5bd1e995, 0x7f4a7c15). */
const SEED_SALT: i32 = 0x5bd1e995;
const STREAM_SALT: i32 = 0x7f4a7c15;
/** 2^32, 2^31, 2^53, 2^26 */
const TWO_32: f64 = 4294967296;
const TWO_31: f64 = 2147483648;
const TWO_53: f64 = 9007199254740992;
const TWO_26: f64 = 67108864;
/** ln 2 and 1/√2 (lower end of the mantissa range used by {@link lnUnit}). */
const LN2: f64 = Math.LN2;
const SQRT_HALF: f64 = Math.SQRT1_2;

/** The 32-bit product a·b modulo 2^32, as an i32. */
function mul32(a: i32, b: i32): i32 {
  return <i32>Math.imul(a, b);
}

/** The value of the 32 bits of x read as an unsigned integer. */
export function unsigned(x: i32): f64 {
  return <f64>(x >>> 1) * 2 + <f64>(x & 1);
}

/** The i32 whose bits are the uint32 x (0 <= x < 2^32, an integer). */
function fromUnsigned(x: f64): i32 {
  return <i32>(x >= TWO_31 ? x - TWO_32 : x);
}

/** MurmurHash3's 32-bit finaliser: a bijective avalanche mix of 32 bits. */
export function fmix32(x: i32): i32 {
  let h = x;
  h ^= h >>> 16;
  h = mul32(h, FMIX_1);
  h ^= h >>> 13;
  h = mul32(h, FMIX_2);
  h ^= h >>> 16;
  return h | 0;
}

/**
 * Seeds `state` (4 int32 words) for stream `stream` of seed `seed` (both uint32 given as
 * doubles). Shards and blocks of a resampling run use stream = block index, so the result depends
 * on the seed only.
 */
export function seedStream(state: I32s, seed: f64, stream: f64): void {
  let z = fmix32(fromUnsigned(seed) ^ SEED_SALT);
  z = fmix32(z ^ fmix32((fromUnsigned(stream) + STREAM_SALT) | 0));
  for (let i = 0; i < 4; i++) {
    z = (z + GOLDEN) | 0;
    state[i] = fmix32(z);
  }
  if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;
}

/** Next 32 bits of xoshiro128**, as an i32 (read them with {@link unsigned}). */
export function nextU32(s: I32s): i32 {
  const s0 = s[0];
  const s1 = s[1];
  const s2 = s[2];
  const s3 = s[3];
  const m = mul32(s1, 5);
  const result = mul32((m << 7) | (m >>> 25), 9);
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
export function nextUniform(s: I32s): f64 {
  const a = nextU32(s) >>> 5; // 27 bits
  const b = nextU32(s) >>> 6; // 26 bits
  return (<f64>a * TWO_26 + <f64>b) / TWO_53;
}

/** Uniform integer in [0, n) for 1 <= n <= 2^32, without modulo bias (rejection). */
export function nextBelow(s: I32s, n: f64): f64 {
  const limit: f64 = TWO_32 - (TWO_32 % n);
  let r = unsigned(nextU32(s));
  while (r >= limit) r = unsigned(nextU32(s));
  return r % n;
}

/**
 * Natural log of x in (0, 1], from basic operations only: x = m·2^e with m in [1/√2, √2), then
 * ln m = 2·atanh(u), u = (m - 1)/(m + 1), |u| <= 0.1716, summed to u^25 (error < 1e-17).
 */
export function lnUnit(x: f64): f64 {
  let m = x;
  let e: f64 = 0;
  while (m < SQRT_HALF) {
    m *= 2;
    e--;
  }
  const u: f64 = (m - 1) / (m + 1);
  const u2: f64 = u * u;
  // 2·(u + u³/3 + u⁵/5 + ... + u²⁵/25), Horner form
  let t: f64 = 2.0 / 25.0;
  t = t * u2 + 2.0 / 23.0;
  t = t * u2 + 2.0 / 21.0;
  t = t * u2 + 2.0 / 19.0;
  t = t * u2 + 2.0 / 17.0;
  t = t * u2 + 2.0 / 15.0;
  t = t * u2 + 2.0 / 13.0;
  t = t * u2 + 2.0 / 11.0;
  t = t * u2 + 2.0 / 9.0;
  t = t * u2 + 2.0 / 7.0;
  t = t * u2 + 2.0 / 5.0;
  t = t * u2 + 2.0 / 3.0;
  t = t * u2 + 2.0;
  return e * LN2 + t * u;
}

/** Standard normal deviate: Marsaglia's polar method (the second deviate is discarded). */
export function nextNormal(s: I32s): f64 {
  let u: f64 = 0;
  let v: f64 = 0;
  let r2: f64 = 0;
  do {
    u = 2 * nextUniform(s) - 1;
    v = 2 * nextUniform(s) - 1;
    r2 = u * u + v * v;
  } while (r2 >= 1 || r2 === 0);
  return u * Math.sqrt((-2 * lnUnit(r2)) / r2);
}
