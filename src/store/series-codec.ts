/**
 * A stored series (AppSeries JSON), smaller and read back the same: its bucket starts as a first
 * start and a step when they are evenly spaced (as on a rollout's grid: 120 epoch-ms starts are
 * a third of a series' bytes), and each side's error rates as error counts when every rate comes
 * back exactly from its count (small integers deflate to a quarter of six-digit rates). Series
 * stored before are plain AppSeries and read as they are.
 */
import type { AppSeries } from '../schemas/board.ts'

type Side = AppSeries['canary']
interface StoredSide { count: number[], errorRate?: Side['errorRate'], errors?: Array<number | null>, perHost?: Side['perHost'] }
interface Stepped {
  bucketMinutes: number
  /** First start (ms), step (ms), count. */
  steps: [number, number, number]
  canary: StoredSide
  baseline: StoredSide
}

/** As analysis/series.ts rounds a rate; a rate rounded otherwise is kept as a rate (the check below). */
function rateOf (errors: number, count: number): number {
  return Number((errors / count).toPrecision(6))
}

function packSide (side: Side): StoredSide {
  const errors = side.errorRate.map((r, i) => r === null ? null : Math.round(r * side.count[i]))
  // A null rate is a bucket without traffic; every other rate must come back exactly.
  const exact = side.errorRate.every((r, i) => r === null ? !(side.count[i] > 0) : side.count[i] > 0 && rateOf(errors[i] ?? NaN, side.count[i]) === r)
  const perHost = side.perHost === undefined ? {} : { perHost: side.perHost }
  return exact ? { count: side.count, errors, ...perHost } : { count: side.count, errorRate: side.errorRate, ...perHost }
}

function unpackSide (side: StoredSide): Side {
  const perHost = side.perHost === undefined ? {} : { perHost: side.perHost }
  if (side.errors === undefined) return { count: side.count, errorRate: side.errorRate ?? [], p95: [], ...perHost }
  const errors = side.errors
  return { count: side.count, errorRate: errors.map((e, i) => e === null ? null : rateOf(e, side.count[i])), p95: [], ...perHost }
}

export function packSeries (json: string): string {
  const s = JSON.parse(json) as AppSeries
  const { start } = s
  if (start.length < 2) return json
  const step = start[1] - start[0]
  if (!start.every((t, i) => t === start[0] + i * step)) return json
  const stepped: Stepped & { p95: [Side['p95'], Side['p95']] } = {
    bucketMinutes: s.bucketMinutes,
    steps: [start[0], step, start.length],
    canary: packSide(s.canary),
    baseline: packSide(s.baseline),
    p95: [s.canary.p95, s.baseline.p95]
  }
  return JSON.stringify(stepped)
}

export function unpackSeries (json: string): AppSeries {
  const s = JSON.parse(json) as AppSeries | (Stepped & { p95: [Side['p95'], Side['p95']] })
  if (!('steps' in s)) return s
  const [first, step, n] = s.steps
  const canary = unpackSide(s.canary)
  const baseline = unpackSide(s.baseline)
  return {
    bucketMinutes: s.bucketMinutes,
    start: Array.from({ length: n }, (_, i) => first + i * step),
    canary: { ...canary, p95: s.p95[0] },
    baseline: { ...baseline, p95: s.p95[1] }
  }
}
