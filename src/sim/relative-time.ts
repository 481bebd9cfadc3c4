/**
 * Relative times in scenario files: `now`, `now-3h`, `now+90m`, `now-2d`, counted
 * from the moment the file is loaded, floored to the whole minute.
 */
import { MINUTE_MS } from './time.ts'

const UNIT_MS: Record<string, number> = { m: MINUTE_MS, h: 60 * MINUTE_MS, d: 24 * 60 * MINUTE_MS }
const RELATIVE = /^now(?:([+-])(\d+)([mhd]))?$/
/** The most a JavaScript Date can hold. */
const MAX_DATE_MS = 8.64e15

/** True when the text means to be a relative time (it starts with `now`), well formed or not. */
export function looksRelative (text: string): boolean {
  return /^\s*now/i.test(text)
}

/**
 * Resolves a relative time against `loadedAt` (epoch ms, floored here to the minute).
 * Returns epoch ms, or a sentence saying what is wrong with the text.
 */
export function resolveRelativeTime (text: string, loadedAt: number): number | string {
  const m = RELATIVE.exec(text)
  if (m === null) {
    return `must be now, or now followed by +N or -N and a unit m, h or d (e.g. now-3h, now+90m, now-2d), got '${text}'`
  }
  const base = Math.floor(loadedAt / MINUTE_MS) * MINUTE_MS
  if (m[1] === undefined) return base
  const offset = Number(m[2]) * UNIT_MS[m[3]]
  const ms = m[1] === '-' ? base - offset : base + offset
  if (!Number.isSafeInteger(ms) || Math.abs(ms) > MAX_DATE_MS) return `'${text}' is too far from now to be a date`
  return ms
}
