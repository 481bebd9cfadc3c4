/**
 * A Kayenta-style judge for comparison: Mann-Whitney at 98% confidence on per-minute
 * error % and per-minute p95 (canary host-minutes against baseline host-minutes), a
 * metric is "High" when the 98% CI of the shift has its lower bound above
 * 0.25 x |Hodges-Lehmann estimate|, and any High metric fails the app. Applied at every
 * hourly look without correction, as Kayenta does. A metric without canary data is
 * NODATA and does not fail (Kayenta's default without mustHaveData).
 */
import type { AppData, CheckpointData } from '../src/judge/input.ts'
import { hostKey } from '../src/judge/hosts.ts'
import { shiftInterval } from '../src/judge/stats/mann-whitney.ts'

export interface KayentaApp { app: string, errorHigh: boolean, latencyHigh: boolean, fail: boolean }

/** Is the canary's metric "High" against the baseline's? */
export function high (canary: number[], baseline: number[]): boolean {
  if (canary.length === 0 || baseline.length === 0) return false
  const s = shiftInterval(canary, baseline, 0.98)
  if (s === null || s.low === null) return false
  return s.low > 0.25 * Math.abs(s.estimate)
}

function series (app: AppData, canaryKeys: Set<string>): { errC: number[], errB: number[], p95C: number[], p95B: number[] } {
  const out = { errC: [] as number[], errB: [] as number[], p95C: [] as number[], p95B: [] as number[] }
  for (const p of app.window.series) {
    if (!(p.count > 0)) continue
    const canary = canaryKeys.has(hostKey(p.host))
    ;(canary ? out.errC : out.errB).push(100 * p.errors / p.count)
    if (p.p95S !== null) (canary ? out.p95C : out.p95B).push(p.p95S)
  }
  return out
}

/** Judges every app of a checkpoint the Kayenta way. */
export function kayentaJudge (data: CheckpointData): KayentaApp[] {
  const canaryKeys = new Set(data.canaryHosts.map(hostKey))
  return data.apps.map(app => {
    const s = series(app, canaryKeys)
    const errorHigh = high(s.errC, s.errB)
    const latencyHigh = high(s.p95C, s.p95B)
    return { app: app.app, errorHigh, latencyHigh, fail: errorHigh || latencyHigh }
  })
}
