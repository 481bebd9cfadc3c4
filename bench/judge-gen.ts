/**
 * Synthetic CheckpointData following the simulator's model (docs: scenario-format.md):
 * per host and minute Poisson transactions, binomial errors, log-normal durations. Slow
 * counts are binomial with the log-normal tail probability; per-bucket p95s are sample
 * quantiles (drawn exactly for small buckets, from the order statistic's normal limit for
 * large ones). Hourly looks are cumulative from the rollout start, as the fetcher queries.
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf'
import type { AppData, CheckpointData, ErrorClassCount, HostStats, SeriesPoint } from '../src/judge/input.ts'
import { slowByP95 } from '../src/judge/outliers.ts'
import { Rng } from './judge-rng.ts'

export interface AppModel {
  name: string
  rpm: number
  errorRate: number
  /** Error class -> share of errors (sums to 1). */
  classes: Record<string, number>
  medianMs: number
  sigma: number
}

/** What is wrong with the new hosts, or with one host (all default to "nothing"). */
export interface CanaryEffect {
  errorRateMultiplier?: number
  latencyMultiplier?: number
  trafficMultiplier?: number
  /** New error class -> expected occurrences per hour on the canary. */
  newErrorsPerHour?: Record<string, number>
  /** false: the canary serves traffic but reports nothing. */
  reporting?: boolean
}

export interface RolloutModel {
  seed: number
  apps: AppModel[]
  effects?: Record<string, CanaryEffect>
  baselineHosts?: string[]
  canaryHost?: string
  /** Several new hosts (overrides canaryHost); traffic is shared equally by every serving host. */
  canaryHosts?: string[]
  /**
   * App -> host -> what is wrong with that one host, over the app's effect: a one-machine fault
   * on a new host, or a sick existing host (sick in the pre-window too; only its error rate and
   * latency apply there).
   */
  hostEffects?: Record<string, Record<string, CanaryEffect>>
  /** New host -> minute of the window at which it starts serving (staggered joins); 0 by default. */
  joinMinute?: Record<string, number>
  hours?: number
  preHours?: number
  /** Per-minute series (needed by Mann-Whitney and Kayenta) for all apps or the named ones; off makes big runs faster. */
  series?: boolean | string[]
}

const Z95 = 1.6448536269514722
const Z50 = 0
const Z99 = 2.3263478740408408
const PHI = (z: number): number => Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI)

/** A sample quantile (nearest rank) of n log-normal durations, in seconds. */
export function sampleQuantile (rng: Rng, n: number, mu: number, sigma: number, z: number, q: number): number | null {
  if (n <= 0) return null
  if (n <= 40) {
    const xs = new Float64Array(n)
    for (let i = 0; i < n; i++) xs[i] = mu + sigma * rng.normal()
    xs.sort()
    return Math.exp(xs[Math.min(n - 1, Math.ceil(q * n) - 1)])
  }
  const sd = sigma * Math.sqrt(q * (1 - q) / n) / PHI(z)
  return Math.exp(mu + sigma * z + sd * rng.normal())
}

/**
 * A sample quantile of n durations drawn from several hosts' log-normals (weights = their
 * counts): exact draws for small n, else the mixture's quantile (by bisection) plus the order
 * statistic's normal-limit noise. Used only where the hosts' latencies differ.
 */
export function mixtureQuantile (rng: Rng, parts: Array<{ n: number, mu: number }>, sigma: number, q: number): number | null {
  const used = parts.filter(p => p.n > 0)
  const n = used.reduce((a, p) => a + p.n, 0)
  if (n <= 0) return null
  if (n <= 40) {
    const xs: number[] = []
    for (const p of used) for (let i = 0; i < p.n; i++) xs.push(p.mu + sigma * rng.normal())
    xs.sort((a, b) => a - b)
    return Math.exp(xs[Math.min(n - 1, Math.ceil(q * n) - 1)])
  }
  const cdf = (lx: number): number => used.reduce((a, p) => a + p.n * normalCdf((lx - p.mu) / sigma, 0, 1), 0) / n
  let lo = Math.min(...used.map(p => p.mu)) - 10 * sigma
  let hi = Math.max(...used.map(p => p.mu)) + 10 * sigma
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2
    if (cdf(mid) < q) lo = mid
    else hi = mid
  }
  const lx = (lo + hi) / 2
  // Density of log-duration at the quantile; the sample quantile's sd on the log scale.
  const f = used.reduce((a, p) => a + p.n * PHI((lx - p.mu) / sigma) / sigma, 0) / n
  return Math.exp(lx + Math.sqrt(q * (1 - q) / n) / f * rng.normal())
}

interface HostState {
  name: string
  canary: boolean
  /** Window minute from which the host serves. */
  join: number
  /** Log-median of its durations and its error rate (the app's with the effects applied). */
  mu: number
  rate: number
  traffic: number
  eff: CanaryEffect
  count: number
  errors: number
  slow: number
  classes: Map<string, number>
}

/** Generates the hourly looks of one rollout (look t covers hours [0, t)). */
export function simulateRollout (model: RolloutModel): CheckpointData[] {
  const rng = new Rng(model.seed)
  // Draws the single-canary rows never made (each host's p95) come from a second stream, so
  // those rows see the same transactions, errors and slow counts as before.
  const extra = new Rng(model.seed ^ 0x5bd1e995)
  const baselineHosts = model.baselineHosts ?? ['PRDIIS01', 'PRDIIS02', 'PRDIIS03', 'PRDIIS04']
  const canaryHosts = model.canaryHosts ?? [model.canaryHost ?? 'PRDIIS09']
  const hours = model.hours ?? 6
  const preHours = model.preHours ?? 6
  const from = Date.UTC(2025, 8, 8, 4, 30)
  const looks: CheckpointData[] = Array.from({ length: hours }, (_, t) => ({
    from,
    until: from + (t + 1) * 3600_000,
    preFrom: from - preHours * 3600_000,
    bucketMinutes: 1,
    canaryHosts: canaryHosts.map(h => h.toLowerCase()),
    baselineHosts: null,
    apps: []
  }))
  for (const app of model.apps) {
    const eff = model.effects?.[app.name] ?? {}
    const withSeries = Array.isArray(model.series) ? model.series.includes(app.name) : (model.series ?? true)
    const names = Object.keys(app.classes)
    const shares = names.map(n => app.classes[n])
    const mu = Math.log(app.medianMs / 1000)
    const roles = [...baselineHosts.map(name => ({ name, canary: false })), ...canaryHosts.map(name => ({ name, canary: true }))]
    const hosts: HostState[] = roles.map(h => {
      const own = model.hostEffects?.[app.name]?.[h.name] ?? {}
      const side = h.canary ? eff : {}
      const lat = (side.latencyMultiplier ?? 1) * (own.latencyMultiplier ?? 1)
      return {
        ...h,
        join: h.canary ? (model.joinMinute?.[h.name] ?? 0) : 0,
        mu: mu + Math.log(lat),
        rate: Math.min(1, app.errorRate * (side.errorRateMultiplier ?? 1) * (own.errorRateMultiplier ?? 1)),
        traffic: (side.trafficMultiplier ?? 1) * (own.trafficMultiplier ?? 1),
        eff: {
          newErrorsPerHour: { ...side.newErrorsPerHour, ...own.newErrorsPerHour },
          reporting: side.reporting !== false && own.reporting !== false
        },
        count: 0,
        errors: 0,
        slow: 0,
        classes: new Map<string, number>()
      }
    })
    const existing = hosts.filter(h => !h.canary)
    // Pre-window: the existing hosts share all traffic (the new ones have not joined).
    const preHosts: HostStats[] = []
    const preClasses: ErrorClassCount[] = []
    for (const h of existing) {
      const count = rng.poisson(app.rpm / existing.length * 60 * preHours)
      const errors = rng.binomial(count, h.rate)
      preHosts.push({
        host: h.name,
        count,
        errors,
        durationAvgS: count > 0 ? Math.exp(h.mu + app.sigma ** 2 / 2) : null,
        p95S: sampleQuantile(extra, count, h.mu, app.sigma, Z95, 0.95)
      })
      rng.multinomial(errors, shares).forEach((k, i) => { if (k > 0) preClasses.push({ host: h.name, errorClass: names[i], count: k }) })
    }
    // The threshold as the fetcher takes it: the existing hosts' p95 without a host far above the others.
    const slowHosts = new Set(slowByP95(preHosts))
    const kept = existing.map((h, i) => ({ n: preHosts[i].count, mu: h.mu })).filter((_, i) => !slowHosts.has(existing[i].name))
    const threshold = quantileOf(rng, kept, app.sigma, Z95, 0.95)
    // A load balancer spreads the app's traffic over the hosts serving at that minute.
    const active = Array.from({ length: hours * 60 }, (_, at) => hosts.filter(o => at >= o.join).length)
    const series: SeriesPoint[] = []
    for (let t = 0; t < hours; t++) {
      for (const h of hosts) {
        const pSlow = threshold === null ? 0 : 1 - normalCdf((Math.log(threshold) - h.mu) / app.sigma, 0, 1)
        let hourErrors = 0
        let served = 0
        for (let minute = 0; minute < 60; minute++) {
          const at = t * 60 + minute
          if (at < h.join) continue
          served++
          const count = rng.poisson(app.rpm / active[at] * h.traffic)
          const errors = rng.binomial(count, h.rate)
          h.count += count
          hourErrors += errors
          h.slow += rng.binomial(count, pSlow)
          if (withSeries) {
            series.push({
              host: h.name,
              startMs: from + at * 60_000,
              count,
              errors,
              p95S: count > 0 ? sampleQuantile(rng, count, h.mu, app.sigma, Z95, 0.95) : null
            })
          }
        }
        h.errors += hourErrors
        rng.multinomial(hourErrors, shares).forEach((k, i) => { if (k > 0) h.classes.set(names[i], (h.classes.get(names[i]) ?? 0) + k) })
        if (h.canary && served > 0) {
          for (const [cls, perHour] of Object.entries(h.eff.newErrorsPerHour ?? {})) {
            const k = rng.poisson(perHour * served / 60)
            if (k > 0) {
              h.classes.set(cls, (h.classes.get(cls) ?? 0) + k)
              h.errors += k
            }
          }
        }
      }
      const until = from + (t + 1) * 3600_000
      const shown = hosts.filter(h => h.eff.reporting !== false && h.join < (t + 1) * 60)
      const side = (canary: boolean): AppData['window']['canary'] => {
        const hs = shown.filter(h => h.canary === canary)
        const count = hs.reduce((a, h) => a + h.count, 0)
        const parts = hs.map(h => ({ n: h.count, mu: h.mu }))
        return {
          count,
          p50S: quantileOf(rng, parts, app.sigma, Z50, 0.5),
          p95S: quantileOf(rng, parts, app.sigma, Z95, 0.95),
          p99S: quantileOf(rng, parts, app.sigma, Z99, 0.99),
          slow: threshold === null ? null : hs.reduce((a, h) => a + h.slow, 0)
        }
      }
      const reporting = new Set(shown.map(h => h.name))
      looks[t].apps.push({
        app: app.name,
        slowThresholdS: threshold,
        window: {
          hosts: shown.map(h => ({
            host: h.name,
            count: h.count,
            errors: Math.min(h.errors, h.count),
            durationAvgS: h.count > 0 ? Math.exp(h.mu + app.sigma ** 2 / 2) : null,
            p95S: sampleQuantile(extra, h.count, h.mu, app.sigma, Z95, 0.95),
            slow: threshold === null ? null : h.slow
          })),
          canary: side(true),
          baseline: side(false),
          series: withSeries ? series.filter(p => p.startMs < until && reporting.has(p.host)) : [],
          errorClasses: shown.flatMap(h => [...h.classes].map(([errorClass, count]) => ({ host: h.name, errorClass, count })))
        },
        pre: { hosts: preHosts, errorClasses: preClasses }
      })
    }
  }
  return looks
}

/** A sample quantile of hosts' durations: one log-normal when they agree (the draws single-canary rows always made), else the mixture. */
function quantileOf (rng: Rng, parts: Array<{ n: number, mu: number }>, sigma: number, z: number, q: number): number | null {
  const n = parts.reduce((a, p) => a + p.n, 0)
  const mus = new Set(parts.filter(p => p.n > 0).map(p => p.mu))
  if (mus.size <= 1) return sampleQuantile(rng, n, mus.size === 1 ? [...mus][0] : 0, sigma, z, q)
  return mixtureQuantile(rng, parts, sigma, q)
}

/** A clean population of apps like a real IIS pool: rpm 5..3000, error rates 0.1%..3%, rare classes. */
export function appPopulation (rng: Rng, n: number): AppModel[] {
  const logUniform = (lo: number, hi: number): number => Math.exp(Math.log(lo) + rng.next() * (Math.log(hi) - Math.log(lo)))
  return Array.from({ length: n }, (_, i) => {
    const nClasses = 2 + Math.floor(rng.next() * 4)
    const raw = Array.from({ length: nClasses }, (_, k) => (k === 0 ? 1 : k < 3 ? 0.3 * rng.next() : 0.002 + 0.02 * rng.next()))
    const total = raw.reduce((a, b) => a + b, 0)
    const classes: Record<string, number> = {}
    raw.forEach((r, k) => { classes[`App${i}.Error${k}Exception`] = r / total })
    return {
      name: `App${String(i).padStart(2, '0')}.Service`,
      rpm: i === 0 ? 5 : i === 1 ? 3000 : logUniform(5, 3000),
      errorRate: logUniform(0.001, 0.03),
      classes,
      medianMs: logUniform(40, 800),
      sigma: 0.4 + 0.6 * rng.next()
    }
  })
}
