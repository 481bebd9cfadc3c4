/**
 * A stored series (AppSeries JSON) with its bucket starts as a first start and a step when they
 * are evenly spaced, as they are on a rollout's grid: 120 epoch-ms starts are a third of a
 * series' bytes. Series stored before are plain AppSeries and read as they are.
 */
import type { AppSeries } from '../schemas/board.ts'

interface Stepped extends Omit<AppSeries, 'start'> {
  /** First start (ms), step (ms), count. */
  steps: [number, number, number]
}

export function packSeries (json: string): string {
  const s = JSON.parse(json) as AppSeries
  const { start, ...rest } = s
  if (start.length < 2) return json
  const step = start[1] - start[0]
  if (!start.every((t, i) => t === start[0] + i * step)) return json
  const stepped: Stepped = { ...rest, steps: [start[0], step, start.length] }
  return JSON.stringify(stepped)
}

export function unpackSeries (json: string): AppSeries {
  const s = JSON.parse(json) as AppSeries | Stepped
  if (!('steps' in s)) return s
  const { steps: [first, step, n], ...rest } = s
  return { bucketMinutes: rest.bucketMinutes, start: Array.from({ length: n }, (_, i) => first + i * step), canary: rest.canary, baseline: rest.baseline }
}
