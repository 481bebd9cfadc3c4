/**
 * Seeded randomness. Every (app, host, minute) gets its own generator seeded
 * from a hash of its identity, so the events of a minute never depend on which
 * other minutes were generated before it (query order does not matter).
 */

/** 128-bit string hash (cyrb128), as four 32-bit words. */
export function hash128 (text: string): [number, number, number, number] {
  let h1 = 1779033703
  let h2 = 3144134277
  let h3 = 1013904242
  let h4 = 2773480762
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i)
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067)
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233)
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213)
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179)
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067)
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233)
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213)
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179)
  h1 ^= (h2 ^ h3 ^ h4)
  h2 ^= h1
  h3 ^= h1
  h4 ^= h1
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0]
}

const LOG_FACT_TABLE: number[] = [0]
for (let k = 1; k < 32; k++) LOG_FACT_TABLE[k] = LOG_FACT_TABLE[k - 1] + Math.log(k)

/** log(k!) exactly for small k, Stirling series beyond. */
function logFactorial (k: number): number {
  if (k < 32) return LOG_FACT_TABLE[k]
  const x = k + 1
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) +
    1 / (12 * x) - 1 / (360 * x * x * x) + 1 / (1260 * x ** 5)
}

/** sfc32: small, fast, and good enough for simulation (passes PractRand to 2^60). */
export class Rng {
  #a: number
  #b: number
  #c: number
  #d: number
  #spareNormal: number | null = null

  constructor (seed: [number, number, number, number]) {
    [this.#a, this.#b, this.#c, this.#d] = seed
    for (let i = 0; i < 12; i++) this.next()
  }

  /** Generator for a key such as `${seed}|${app}|${host}|${minute}`. */
  static fromKey (key: string): Rng {
    return new Rng(hash128(key))
  }

  /** Uniform in [0, 1). */
  next (): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0
    this.#d = (this.#d + 1) | 0
    this.#a = this.#b ^ (this.#b >>> 9)
    this.#b = (this.#c + (this.#c << 3)) | 0
    this.#c = (this.#c << 21) | (this.#c >>> 11)
    this.#c = (this.#c + t) | 0
    return (t >>> 0) / 4294967296
  }

  /** Uniform in (0, 1], safe for log(). */
  positive (): number {
    return 1 - this.next()
  }

  /** Standard normal (Marsaglia polar method, caching the second value). */
  normal (): number {
    if (this.#spareNormal !== null) {
      const v = this.#spareNormal
      this.#spareNormal = null
      return v
    }
    let u: number, v: number, s: number
    do {
      u = 2 * this.next() - 1
      v = 2 * this.next() - 1
      s = u * u + v * v
    } while (s >= 1 || s === 0)
    const f = Math.sqrt(-2 * Math.log(s) / s)
    this.#spareNormal = v * f
    return u * f
  }

  /** Exponential with mean 1. */
  exponential (): number {
    return -Math.log(this.positive())
  }

  /**
   * Poisson with mean `lambda`: multiplication method for small means, Hörmann's
   * PTRS (transformed rejection) above 10, both exact in distribution.
   */
  poisson (lambda: number): number {
    if (!(lambda > 0)) return 0
    if (lambda < 10) {
      const limit = Math.exp(-lambda)
      let k = 0
      let p = this.next()
      while (p > limit) {
        k++
        p *= this.next()
      }
      return k
    }
    const slam = Math.sqrt(lambda)
    const loglam = Math.log(lambda)
    const b = 0.931 + 2.53 * slam
    const a = -0.059 + 0.02483 * b
    const invalpha = 1.1239 + 1.1328 / (b - 3.4)
    const vr = 0.9277 - 3.6224 / (b - 2)
    for (;;) {
      const u = this.next() - 0.5
      const v = this.next()
      const us = 0.5 - Math.abs(u)
      const k = Math.floor((2 * a / us + b) * u + lambda + 0.43)
      if (us >= 0.07 && v <= vr) return k
      if (k < 0 || (us < 0.013 && v > us)) continue
      if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logFactorial(k)) {
        return k
      }
    }
  }
}
