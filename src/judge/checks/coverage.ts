/**
 * Coverage: does the canary report at all? A canary that sends nothing while the baseline
 * serves the app is a monitoring gap (agent missing or misconfigured), never a PASS.
 */
import { hostKey } from '../hosts.ts'
import type { SeriesPoint } from '../input.ts'
import { clean, type AppSides } from '../sides.ts'
import type { Finding } from './types.ts'

/** Shortest silence at the end of the window that can count as the canary going quiet. */
const MIN_SILENCE_MS = 15 * 60_000
/** Transactions the canary would have sent in that silence at its own earlier rate: P(0) = e^-20. */
const MIN_EXPECTED_IN_SILENCE = 20

/** A silence of `gapMs` after `count` transactions in `spanMs`: long enough, and too long for chance. */
function unexplainedSilence (count: number, spanMs: number, gapMs: number): boolean {
  return gapMs >= MIN_SILENCE_MS && (count / spanMs) * gapMs >= MIN_EXPECTED_IN_SILENCE
}

/**
 * When a canary host stopped reporting before the end of the window while the baseline
 * kept serving: long enough, at that host's own earlier rate, that it cannot be chance.
 * Each canary host is looked at on its own, so one of two new hosts going quiet is seen
 * even while the other keeps the canary side busy. The longest silence wins.
 */
export function silentSince (
  series: SeriesPoint[], sides: AppSides, bucketMinutes: number
): { host: string, sinceMs: number, gapMs: number } | null {
  const canary = new Map<string, { first: number, last: number, count: number }>()
  let lastBaseline = -Infinity
  for (const p of series) {
    const c = clean(p.count)
    if (c <= 0) continue
    if (sides.isCanary(p.host)) {
      const h = canary.get(p.host)
      if (h === undefined) canary.set(p.host, { first: p.startMs, last: p.startMs, count: c })
      else {
        h.count += c
        h.first = Math.min(h.first, p.startMs)
        h.last = Math.max(h.last, p.startMs)
      }
    } else if (sides.isBaseline(p.host)) {
      lastBaseline = Math.max(lastBaseline, p.startMs)
    }
  }
  if (!Number.isFinite(lastBaseline)) return null
  const bucketMs = Math.max(1, bucketMinutes) * 60_000
  let worst: { host: string, sinceMs: number, gapMs: number } | null = null
  for (const [host, h] of canary) {
    const gapMs = lastBaseline - h.last
    if (!unexplainedSilence(h.count, h.last - h.first + bucketMs, gapMs)) continue
    if (worst === null || gapMs > worst.gapMs) worst = { host, sinceMs: h.last + bucketMs, gapMs }
  }
  return worst
}

/**
 * When no host at all has reported the app for the end of the window: New Relic data
 * delayed or missing, or the app stopped everywhere. Not the canary's fault, but the
 * window's last part is unjudged, so the app cannot PASS on it.
 */
export function dataEndsEarly (
  series: SeriesPoint[], windowEndMs: number, bucketMinutes: number
): { lastMs: number, gapMs: number } | null {
  let first = Infinity
  let last = -Infinity
  let count = 0
  for (const p of series) {
    const c = clean(p.count)
    if (c <= 0) continue
    count += c
    first = Math.min(first, p.startMs)
    last = Math.max(last, p.startMs)
  }
  if (!Number.isFinite(last) || !Number.isFinite(windowEndMs)) return null
  const bucketMs = Math.max(1, bucketMinutes) * 60_000
  const lastMs = last + bucketMs
  const gapMs = windowEndMs - lastMs
  if (!unexplainedSilence(count, lastMs - first, gapMs)) return null
  return { lastMs, gapMs }
}

export type CoverageFacts =
  | { kind: 'nobody', app: string }
  | { kind: 'canary-silent', configured: string[], baselineHosts: string[], baselineCount: number }
  | { kind: 'some-silent', silent: string[], canaryHosts: string[], canaryCount: number, baselineHosts: string[], baselineCount: number }
  | { kind: 'ended', app: string, lastMs: number, gapMs: number }
  | { kind: 'quiet', host: string, sinceMs: number, gapMs: number, baselineHosts: string[] }
  | { kind: 'reporting', app: string, canaryHosts: string[], canaryCount: number, baselineHosts: string[], baselineCount: number }

/**
 * Coverage of one app. `sides` is null when the fetcher returned nothing for the app.
 * `windowEndMs` (the checkpoint's `until`) lets it notice data that stops early everywhere.
 */
export function checkCoverage (
  app: string, sides: AppSides | null, series: SeriesPoint[] = [], bucketMinutes = 1, windowEndMs = NaN
): Finding<CoverageFacts> {
  const base = { metric: 'coverage' as const, effect: null, pValue: null }
  if (sides === null || (sides.canary.count === 0 && sides.baseline.count === 0)) {
    // Nobody reporting is not the canary's fault (NO_DATA means the canary alone is silent):
    // a wrong app name or an idle app leaves us unable to tell, never PASS.
    return { result: { ...base, status: 'INCONCLUSIVE', canary: 0, baseline: 0 }, facts: { kind: 'nobody', app } }
  }
  const { canary, baseline } = sides
  const numbers = (status: 'NO_DATA' | 'INCONCLUSIVE' | 'PASS'): Finding<CoverageFacts>['result'] =>
    ({ ...base, status, canary: canary.count, baseline: baseline.count })
  if (canary.count === 0) {
    return {
      result: numbers('NO_DATA'),
      facts: { kind: 'canary-silent', configured: sides.configuredCanary, baselineHosts: baseline.hosts, baselineCount: baseline.count }
    }
  }
  // Every new host must report for every app the pool serves: one new host without the
  // agent is a monitoring gap however well the others do, as it would be on its own.
  const reporting = new Set(canary.hosts.map(hostKey))
  const silent = sides.configuredCanary.filter(h => !reporting.has(hostKey(h)))
  if (silent.length > 0 && baseline.count > 0) {
    return {
      result: numbers('NO_DATA'),
      facts: {
        kind: 'some-silent',
        silent,
        canaryHosts: canary.hosts,
        canaryCount: canary.count,
        baselineHosts: baseline.hosts,
        baselineCount: baseline.count
      }
    }
  }
  const ended = dataEndsEarly(series, windowEndMs, bucketMinutes)
  if (ended !== null) return { result: numbers('INCONCLUSIVE'), facts: { kind: 'ended', app, ...ended } }
  const quiet = silentSince(series, sides, bucketMinutes)
  if (quiet !== null) return { result: numbers('NO_DATA'), facts: { kind: 'quiet', ...quiet, baselineHosts: baseline.hosts } }
  return {
    result: numbers('PASS'),
    facts: {
      kind: 'reporting',
      app,
      canaryHosts: canary.hosts,
      canaryCount: canary.count,
      baselineHosts: baseline.hosts,
      baselineCount: baseline.count
    }
  }
}
