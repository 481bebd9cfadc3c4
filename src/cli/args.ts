/**
 * Parsers of option values, for commander: each throws InvalidArgumentError with a message
 * that says what is expected, and commander names the option.
 */
import { InvalidArgumentError } from 'commander'

/** Comma-separated values, and the option may be repeated: `--apps A,B --apps C`. */
export function list (value: string, previous: string[] = []): string[] {
  const items = value.split(',').map(s => s.trim()).filter(s => s !== '')
  if (items.length === 0) throw new InvalidArgumentError('expected one or more comma-separated names')
  return [...previous, ...items]
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** A duration in ms: "8h", "90s", "1h30m", "500ms" or ISO-8601 "PT8H". */
export function duration (value: string): number {
  const text = value.trim()
  const iso = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(text)
  if (iso !== null && text.length > 1 && !/T$/i.test(text)) {
    const [d, h, m, s] = iso.slice(1).map(x => Number(x ?? 0))
    return d * UNITS.d + h * UNITS.h + m * UNITS.m + Math.round(s * 1000)
  }
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy)]
  if (parts.length === 0 || parts.map(p => p[0]).join('') !== text) {
    throw new InvalidArgumentError('expected a duration such as 8h, 30m, 90s, 1h30m or PT8H')
  }
  return Math.round(parts.reduce((ms, p) => ms + Number(p[1]) * UNITS[p[2]], 0))
}

/**
 * A point in time as ISO-8601 UTC: a date-time with its offset (2026-11-25T10:00:00+05:30 or
 * ...Z), `now`, or relative to now (`now-6h`, `-6h`, `now+30m`). A time without an offset is
 * refused: it would mean the machine's timezone, which a pipeline rarely expects.
 */
export function instant (value: string, now = Date.now()): string {
  const text = value.trim()
  const rel = /^(?:now)?([+-])(.+)$/i.exec(text)
  if (text.toLowerCase() === 'now') return new Date(now).toISOString()
  if (rel !== null && !/^\d{4}-/.test(text)) {
    const ms = duration(rel[2])
    return new Date(now + (rel[1] === '-' ? -ms : ms)).toISOString()
  }
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/i.test(text) || Number.isNaN(Date.parse(text))) {
    throw new InvalidArgumentError('expected an ISO-8601 time with its offset (2026-11-25T10:00:00+05:30 or ...Z), now, or now-6h')
  }
  return new Date(text).toISOString()
}

/** A whole number from min to max. */
export function integer (min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value: string) => {
    const n = Number(value)
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? '' : ` to ${max}`}`)
    }
    return n
  }
}
