// Seeded random draws shared by the example generators (generate-example.mjs,
// generate-mortality.mjs): each generator makes its own stream from its seed, so its files stay
// byte for byte the same.

// mulberry32: a small seeded PRNG (Tommy Ettinger's public-domain generator), enough for examples.
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The draws of one seeded stream: uniform, integer, weighted pick and normal (Box-Muller). */
export function randomStream(seed) {
  const random = prng(seed);
  const uniform = (lo, hi) => lo + (hi - lo) * random();
  const integer = (lo, hi) => Math.floor(uniform(lo, hi + 1));
  const pick = (items, weights) => {
    const total = (weights ?? items.map(() => 1)).reduce((s, w) => s + w, 0);
    let u = random() * total;
    for (let i = 0; i < items.length; i++) {
      u -= weights ? weights[i] : 1;
      if (u <= 0) return items[i];
    }
    return items[items.length - 1];
  };
  const normal = (mean = 0, sd = 1) =>
    mean + sd * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return { random, uniform, integer, pick, normal };
}
