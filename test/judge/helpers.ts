/** Builders and fixture loading for the judge's tests. */
import { readFileSync } from 'node:fs'
import type { AppData, CheckpointData, ErrorClassCount, SeriesPoint } from '../../src/judge/input.ts'

/** Loads a fixture written by scripts/reference/make_fixtures.py. */
export function fixture<T> (name: string): T[] {
  const doc = JSON.parse(readFileSync(new URL(`../fixtures/judge/${name}`, import.meta.url), 'utf8')) as { cases: T[] }
  return doc.cases
}

/** Relative closeness with an absolute floor for values near 0. */
export function close (actual: number | null, expected: number | null, rel = 1e-6, abs = 1e-12): boolean {
  if (actual === null || expected === null) return actual === expected
  return Math.abs(actual - expected) <= Math.max(abs, rel * Math.abs(expected))
}

export interface SideSpec {
  count: number
  errors: number
  slow?: number | null
  p95S?: number | null
  /** Number of hosts the side's traffic is spread over. */
  hosts?: number
}

export interface AppSpecData {
  app?: string
  canary: SideSpec
  baseline: SideSpec
  slowThresholdS?: number | null
  classes?: ErrorClassCount[]
  preClasses?: ErrorClassCount[]
  preCount?: number
  series?: SeriesPoint[]
}

export const CANARY = 'PRDIIS09'
export const baselineName = (i: number): string => `PRDIIS0${i + 1}`

/** One app's data with the canary on PRDIIS09 and the baseline spread evenly over PRDIIS01.. */
export function appData (s: AppSpecData): AppData {
  const nb = s.baseline.hosts ?? 4
  const hosts = []
  if (s.canary.count > 0 || s.canary.errors > 0) {
    hosts.push({ host: CANARY, count: s.canary.count, errors: s.canary.errors, durationAvgS: s.canary.count > 0 ? 0.2 : null })
  }
  for (let i = 0; i < nb; i++) {
    const count = Math.floor(s.baseline.count / nb) + (i < s.baseline.count % nb ? 1 : 0)
    const errors = Math.floor(s.baseline.errors / nb) + (i < s.baseline.errors % nb ? 1 : 0)
    if (count > 0 || errors > 0) hosts.push({ host: baselineName(i), count, errors, durationAvgS: count > 0 ? 0.2 : null })
  }
  const side = (x: SideSpec): AppData['window']['canary'] => ({
    count: x.count,
    p50S: x.count > 0 ? 0.1 : null,
    p95S: x.p95S === undefined ? (x.count > 0 ? 0.4 : null) : x.p95S,
    p99S: null,
    slow: x.slow === undefined ? null : x.slow
  })
  const preCount = s.preCount ?? s.baseline.count
  return {
    app: s.app ?? 'Billing.Service',
    slowThresholdS: s.slowThresholdS === undefined ? 0.4 : s.slowThresholdS,
    window: { hosts, canary: side(s.canary), baseline: side(s.baseline), series: s.series ?? [], errorClasses: s.classes ?? [] },
    pre: {
      hosts: Array.from({ length: nb }, (_, i) => ({
        host: baselineName(i), count: Math.round(preCount / nb), errors: 0, durationAvgS: 0.2
      })),
      errorClasses: s.preClasses ?? []
    }
  }
}

export const FROM = Date.UTC(2025, 8, 8, 4, 30)
export const HOUR = 3600_000

/** A checkpoint over [FROM, FROM + hours). */
export function checkpoint (apps: AppData[], hours = 1): CheckpointData {
  return {
    from: FROM, until: FROM + hours * HOUR, preFrom: FROM - 6 * HOUR, bucketMinutes: 1, canaryHosts: ['PRDIIS09'], baselineHosts: null, apps
  }
}

/** Every number in a JSON-like value, with its path. */
export function numbers (v: unknown, path = '$'): Array<[string, number]> {
  if (typeof v === 'number') return [[path, v]]
  if (Array.isArray(v)) return v.flatMap((x, i) => numbers(x, `${path}[${i}]`))
  if (v !== null && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => numbers(x, `${path}.${k}`))
  return []
}
