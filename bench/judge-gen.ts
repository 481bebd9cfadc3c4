/**
 * Synthetic CheckpointData following the simulator's model (docs: scenario-format.md):
 * per host and minute Poisson transactions, binomial errors, log-normal durations. Slow
 * counts are binomial with the log-normal tail probability; per-bucket p95s are sample
 * quantiles (drawn exactly for small buckets, from the order statistic's normal limit for
 * large ones). Hourly looks are cumulative from the rollout start, as the fetcher queries.
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf'
import type { AppData, CheckpointData, ErrorClassCount, HostStats, SeriesPoint } from '../src/judge/input.ts'
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

/** What is wrong with the canary (all default to "nothing"). */
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

interface HostState { name: string, canary: boolean, count: number, errors: number, slow: number, classes: Map<string, number> }

/** Generates the hourly looks of one rollout (look t covers hours [0, t)). */
export function simulateRollout (model: RolloutModel): CheckpointData[] {
  const rng = new Rng(model.seed)
  const baselineHosts = model.baselineHosts ?? ['PRDIIS01', 'PRDIIS02', 'PRDIIS03', 'PRDIIS04']
  const canaryHost = model.canaryHost ?? 'PRDIIS09'
  const hours = model.hours ?? 6
  const preHours = model.preHours ?? 6
  const from = Date.UTC(2025, 8, 8, 4, 30)
  const looks: CheckpointData[] = Array.from({ length: hours }, (_, t) => ({
    from,
    until: from + (t + 1) * 3600_000,
    preFrom: from - preHours * 3600_000,
    bucketMinutes: 1,
    canaryHosts: [canaryHost.toLowerCase()],
    baselineHosts: null,
    apps: []
  }))
  for (const app of model.apps) {
    const eff = model.effects?.[app.name] ?? {}
    const withSeries = Array.isArray(model.series) ? model.series.includes(app.name) : (model.series ?? true)
    const names = Object.keys(app.classes)
    const shares = names.map(n => app.classes[n])
    const mu = Math.log(app.medianMs / 1000)
    const perHost = app.rpm / (baselineHosts.length + 1)
    // Pre-window: the existing hosts share all traffic (the canary has not joined).
    const preHosts: HostStats[] = []
    const preClasses: ErrorClassCount[] = []
    let preCount = 0
    for (const h of baselineHosts) {
      const count = rng.poisson(app.rpm / baselineHosts.length * 60 * preHours)
      const errors = rng.binomial(count, app.errorRate)
      preCount += count
      preHosts.push({ host: h, count, errors, durationAvgS: count > 0 ? Math.exp(mu + app.sigma ** 2 / 2) : null })
      rng.multinomial(errors, shares).forEach((k, i) => { if (k > 0) preClasses.push({ host: h, errorClass: names[i], count: k }) })
    }
    const threshold = sampleQuantile(rng, preCount, mu, app.sigma, Z95, 0.95)
    const hosts: HostState[] = [...baselineHosts.map(name => ({ name, canary: false })), { name: canaryHost, canary: true }]
      .map(h => ({ ...h, count: 0, errors: 0, slow: 0, classes: new Map<string, number>() }))
    const series: SeriesPoint[] = []
    for (let t = 0; t < hours; t++) {
      for (const h of hosts) {
        const lat = h.canary ? (eff.latencyMultiplier ?? 1) : 1
        const hmu = mu + Math.log(lat)
        const rate = Math.min(1, app.errorRate * (h.canary ? (eff.errorRateMultiplier ?? 1) : 1))
        const pSlow = threshold === null ? 0 : 1 - normalCdf((Math.log(threshold) - hmu) / app.sigma, 0, 1)
        const mean = perHost * (h.canary ? (eff.trafficMultiplier ?? 1) : 1)
        let hourErrors = 0
        for (let minute = 0; minute < 60; minute++) {
          const count = rng.poisson(mean)
          const errors = rng.binomial(count, rate)
          h.count += count
          hourErrors += errors
          h.slow += rng.binomial(count, pSlow)
          if (withSeries) {
            series.push({
              host: h.name,
              startMs: from + (t * 60 + minute) * 60_000,
              count,
              errors,
              p95S: count > 0 ? sampleQuantile(rng, count, hmu, app.sigma, Z95, 0.95) : null
            })
          }
        }
        h.errors += hourErrors
        rng.multinomial(hourErrors, shares).forEach((k, i) => { if (k > 0) h.classes.set(names[i], (h.classes.get(names[i]) ?? 0) + k) })
        if (h.canary) {
          for (const [cls, perHour] of Object.entries(eff.newErrorsPerHour ?? {})) {
            const k = rng.poisson(perHour)
            if (k > 0) {
              h.classes.set(cls, (h.classes.get(cls) ?? 0) + k)
              h.errors += k
            }
          }
        }
      }
      const reporting = (h: HostState): boolean => !h.canary || eff.reporting !== false
      const shown = hosts.filter(reporting)
      const side = (canary: boolean): AppData['window']['canary'] => {
        const hs = shown.filter(h => h.canary === canary)
        const count = hs.reduce((a, h) => a + h.count, 0)
        const hmu = mu + Math.log(canary ? (eff.latencyMultiplier ?? 1) : 1)
        return {
          count,
          p50S: sampleQuantile(rng, count, hmu, app.sigma, Z50, 0.5),
          p95S: sampleQuantile(rng, count, hmu, app.sigma, Z95, 0.95),
          p99S: sampleQuantile(rng, count, hmu, app.sigma, Z99, 0.99),
          slow: threshold === null ? null : hs.reduce((a, h) => a + h.slow, 0)
        }
      }
      const until = from + (t + 1) * 3600_000
      looks[t].apps.push({
        app: app.name,
        slowThresholdS: threshold,
        window: {
          hosts: shown.map(h => ({
            host: h.name,
            count: h.count,
            errors: Math.min(h.errors, h.count),
            durationAvgS: h.count > 0 ? Math.exp(mu + app.sigma ** 2 / 2) : null
          })),
          canary: side(true),
          baseline: side(false),
          series: withSeries ? series.filter(p => p.startMs < until && (eff.reporting !== false || p.host !== canaryHost)) : [],
          errorClasses: shown.flatMap(h => [...h.classes].map(([errorClass, count]) => ({ host: h.name, errorClass, count })))
        },
        pre: { hosts: preHosts, errorClasses: preClasses }
      })
    }
  }
  return looks
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
