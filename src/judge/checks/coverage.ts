/**
 * Coverage: does the canary report at all? A canary that sends nothing while the baseline
 * serves the app is a monitoring gap (agent missing or misconfigured), never a PASS.
 */
import { formatCount, formatHosts } from '../format.ts'
import { hostKey } from '../hosts.ts'
import type { SeriesPoint } from '../input.ts'
import { clean, type AppSides } from '../sides.ts'
import type { CheckOutcome } from './types.ts'

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
export function silentSince (series: SeriesPoint[], sides: AppSides, bucketMinutes: number): { host: string, sinceMs: number, gapMs: number } | null {
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
export function dataEndsEarly (series: SeriesPoint[], windowEndMs: number, bucketMinutes: number): { lastMs: number, gapMs: number } | null {
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

/**
 * Coverage of one app. `sides` is null when the fetcher returned nothing for the app.
 * `windowEndMs` (the checkpoint's `until`) lets it notice data that stops early everywhere.
 */
export function checkCoverage (app: string, sides: AppSides | null, series: SeriesPoint[] = [], bucketMinutes = 1, windowEndMs = NaN): CheckOutcome {
  const configured = sides?.configuredCanary ?? []
  const configuredLabel = configured.length > 0 ? formatHosts(configured, 'new') : 'the new hosts'
  const base = { metric: 'coverage' as const, effect: null, pValue: null }
  if (sides === null || (sides.canary.count === 0 && sides.baseline.count === 0)) {
    return {
      // Nobody reporting is not the canary's fault (NO_DATA means the canary alone is silent):
      // a wrong app name or an idle app leaves us unable to tell, never PASS.
      result: { ...base, status: 'INCONCLUSIVE', canary: 0, baseline: 0, detail: `no transactions from any host for ${app} in the window: is the app name right and is it reporting to New Relic?` },
      short: 'no data from any host'
    }
  }
  const { canary, baseline } = sides
  const finding = (status: 'NO_DATA' | 'INCONCLUSIVE', detail: string, short: string): CheckOutcome =>
    ({ result: { ...base, status, canary: canary.count, baseline: baseline.count, detail }, short })
  if (canary.count === 0) {
    return {
      result: {
        ...base,
        status: 'NO_DATA',
        canary: 0,
        baseline: baseline.count,
        detail: `no data from ${configuredLabel} while ${formatHosts(baseline.hosts, 'existing')} served ${formatCount(baseline.count)} transactions: is the APM agent installed and configured there?`
      },
      short: `no data from ${configuredLabel}`
    }
  }
  // Every new host must report for every app the pool serves: one new host without the
  // agent is a monitoring gap however well the others do, as it would be on its own.
  const reporting = new Set(canary.hosts.map(hostKey))
  const silent = configured.filter(h => !reporting.has(hostKey(h)))
  if (silent.length > 0 && baseline.count > 0) {
    return finding('NO_DATA',
      `no data from ${silent.join(', ')} while ${formatHosts(baseline.hosts, 'existing')} served ${formatCount(baseline.count)} transactions` +
        ` (${canary.hosts.join(', ')} served ${formatCount(canary.count)}): is the APM agent installed and configured there?`,
      `no data from ${silent.join(', ')}`)
  }
  const ended = dataEndsEarly(series, windowEndMs, bucketMinutes)
  if (ended !== null) {
    const at = clock(ended.lastMs)
    return finding('INCONCLUSIVE',
      `no host has reported ${app} since ${at}Z, ${formatMinutes(ended.gapMs)} before the end of the window: is New Relic data delayed, or did the app stop everywhere? The other checks judge the data up to ${at}Z`,
      `no data from any host since ${at}Z`)
  }
  const quiet = silentSince(series, sides, bucketMinutes)
  if (quiet !== null) {
    const since = clock(quiet.sinceMs)
    return finding('NO_DATA',
      `${quiet.host} has sent nothing since ${since}Z (${formatMinutes(quiet.gapMs)}) while ${formatHosts(baseline.hosts, 'existing')} kept serving: did it leave the pool or lose its APM agent?`,
      `${quiet.host} silent since ${since}Z`)
  }
  const detail = baseline.count === 0
    ? `${formatHosts(canary.hosts, 'new')} served ${formatCount(canary.count)} transactions; no existing host served ${app} to compare with`
    : `${formatHosts(canary.hosts, 'new')} served ${formatCount(canary.count)} transactions, ${formatHosts(baseline.hosts, 'existing')} ${formatCount(baseline.count)}`
  return { result: { ...base, status: 'PASS', canary: canary.count, baseline: baseline.count, detail }, short: 'reporting' }
}

/** "07:00": the UTC time of day, as the details print it (with a Z after). */
function clock (ms: number): string {
  return new Date(ms).toISOString().slice(11, 16)
}

function formatMinutes (ms: number): string {
  const minutes = Math.round(ms / 60_000)
  return minutes < 120 ? `${minutes} min` : `${(minutes / 60).toFixed(1)} h`
}
