/**
 * mulberry32: a small, fast, seedable 32-bit generator, uniform in [0, 1). For test data,
 * demo histories and benchmarks that must come out the same on every run; never for
 * anything secret (use node:crypto for that).
 */
export function createSeededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
