/**
 * Seeded random numbers for the judge's synthetic data: exact Poisson (PTRS) and binomial
 * (BTRS) samplers, so simulated false-alarm rates are not artefacts of approximations.
 */

/** xoshiro128** seeded through splitmix32: fast, good enough, reproducible. */
export class Rng {
  #s: Uint32Array
  #spare: number | null = null
  constructor (seed: number) {
    let x = (seed >>> 0) ^ 0x9e3779b9
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0
      let z = x
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
      return (z ^ (z >>> 16)) >>> 0
    }
    this.#s = Uint32Array.from([next(), next(), next(), next()])
  }

  /** Uniform in [0, 1). */
  next (): number {
    const s = this.#s
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0
    const t = (s[1] << 9) >>> 0
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]
    s[2] ^= t
    s[3] = rotl(s[3], 11)
    return result / 4294967296
  }

  /** Standard normal (Marsaglia polar). */
  normal (): number {
    if (this.#spare !== null) {
      const v = this.#spare
      this.#spare = null
      return v
    }
    let u, v, s
    do {
      u = 2 * this.next() - 1
      v = 2 * this.next() - 1
      s = u * u + v * v
    } while (s >= 1 || s === 0)
    const f = Math.sqrt(-2 * Math.log(s) / s)
    this.#spare = v * f
    return u * f
  }

  /** Poisson(mean): multiplication for small means, PTRS (Hörmann 1993) above. */
  poisson (mean: number): number {
    if (!(mean > 0)) return 0
    if (mean < 30) {
      const limit = Math.exp(-mean)
      let k = 0
      let p = this.next()
      while (p > limit) { k++; p *= this.next() }
      return k
    }
    const slam = Math.sqrt(mean)
    const loglam = Math.log(mean)
    const b = 0.931 + 2.53 * slam
    const a = -0.059 + 0.02483 * b
    const invalpha = 1.1239 + 1.1328 / (b - 3.4)
    const vr = 0.9277 - 3.6224 / (b - 2)
    for (;;) {
      const u = this.next() - 0.5
      const v = this.next()
      const us = 0.5 - Math.abs(u)
      const k = Math.floor((2 * a / us + b) * u + mean + 0.43)
      if (us >= 0.07 && v <= vr) return k
      if (k < 0 || (us < 0.013 && v > us)) continue
      if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -mean + k * loglam - lgamma(k + 1)) return k
    }
  }

  /** Binomial(n, p): Bernoulli trials for small n, waiting times for small n·p, BTRS (Hörmann 1993) above. */
  binomial (n: number, p: number): number {
    if (n <= 0 || p <= 0) return 0
    if (p >= 1) return n
    if (p > 0.5) return n - this.binomial(n, 1 - p)
    if (n < 20) {
      let x = 0
      for (let i = 0; i < n; i++) if (this.next() < p) x++
      return x
    }
    if (n * p < 12) {
      // Count successes by geometric gaps between them.
      const lq = Math.log1p(-p)
      let x = 0
      let pos = 0
      for (;;) {
        pos += Math.floor(Math.log(1 - this.next()) / lq) + 1
        if (pos > n) return x
        x++
      }
    }
    const q = 1 - p
    const spq = Math.sqrt(n * p * q)
    const b = 1.15 + 2.53 * spq
    const a = -0.0873 + 0.0248 * b + 0.01 * p
    const c = n * p + 0.5
    const vr = 0.92 - 4.2 / b
    const alpha = (2.83 + 5.1 / b) * spq
    const lpq = Math.log(p / q)
    const m = Math.floor((n + 1) * p)
    const h = lgamma(m + 1) + lgamma(n - m + 1)
    for (;;) {
      const u = this.next() - 0.5
      let v = this.next()
      const us = 0.5 - Math.abs(u)
      const k = Math.floor((2 * a / us + b) * u + c)
      if (k < 0 || k > n) continue
      if (us >= 0.07 && v <= vr) return k
      v = Math.log(v * alpha / (a / (us * us) + b))
      if (v <= h - lgamma(k + 1) - lgamma(n - k + 1) + (k - m) * lpq) return k
    }
  }

  /** Splits n into classes with the given probabilities (which sum to 1). */
  multinomial (n: number, probs: number[]): number[] {
    const out = probs.map(() => 0)
    let left = n
    let mass = 1
    for (let i = 0; i < probs.length && left > 0; i++) {
      if (i === probs.length - 1) { out[i] = left; break }
      const k = this.binomial(left, Math.min(1, probs[i] / mass))
      out[i] = k
      left -= k
      mass -= probs[i]
    }
    return out
  }
}

function rotl (x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0
}

const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7]

/** log Γ(x) for x > 0 (Lanczos, g = 7; ~1e-13 relative). */
export function lgamma (x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x)
  x -= 1
  let s = LANCZOS[0]
  for (let i = 1; i < 9; i++) s += LANCZOS[i] / (x + i)
  const t = x + 7.5
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(s)
}
