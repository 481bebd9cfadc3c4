/**
 * Time parsing shared by scenario files (ISO-8601 with an offset, required) and
 * NRQL (`SINCE '2025-09-08 04:30:00'`, UTC unless WITH TIMEZONE says otherwise).
 */

export const MINUTE_MS = 60_000
export const HOUR_MS = 3_600_000

const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)$/
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/

interface Parts {
  y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number
}

function daysInMonth (y: number, mo: number): number {
  return new Date(Date.UTC(y, mo, 0)).getUTCDate()
}

/** Date.UTC silently rolls 2025-02-30 over to March; a scenario typo must not. */
function validParts (p: Parts): boolean {
  return p.mo >= 1 && p.mo <= 12 && p.d >= 1 && p.d <= daysInMonth(p.y, p.mo) &&
    p.h <= 23 && p.mi <= 59 && p.s <= 59
}

function toParts (m: RegExpMatchArray): Parts {
  return {
    y: Number(m[1]),
    mo: Number(m[2]),
    d: Number(m[3]),
    h: Number(m[4] ?? 0),
    mi: Number(m[5] ?? 0),
    s: Number(m[6] ?? 0),
    ms: m[7] === undefined ? 0 : Math.floor(Number(('0.' + m[7])) * 1000)
  }
}

function offsetMs (tz: string): number {
  if (tz === 'Z') return 0
  const sign = tz[0] === '-' ? -1 : 1
  const digits = tz.slice(1).replace(':', '')
  const h = Number(digits.slice(0, 2))
  const m = digits.length > 2 ? Number(digits.slice(2, 4)) : 0
  return sign * (h * 60 + m) * MINUTE_MS
}

function utcOf (p: Parts): number {
  return Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s, p.ms)
}

/**
 * Parses an ISO-8601 date-time that carries an explicit offset or `Z`.
 * Returns epoch ms, or null when the text is not such a time (no offset
 * included: a scenario's meaning must not depend on the machine's zone).
 */
export function parseIsoWithOffset (text: string): number | null {
  const m = ISO_WITH_OFFSET.exec(text)
  if (m === null) return null
  const p = toParts(m)
  if (!validParts(p)) return null
  return utcOf(p) - offsetMs(m[8])
}

/** Offset of an IANA zone from UTC at an instant, in ms (via Intl, no tz database of our own). */
function zoneOffsetMs (zone: string, at: number): number {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit'
  })
  const parts: Record<string, number> = {}
  for (const part of fmt.formatToParts(new Date(at))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value)
  }
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second)
  return asUtc - Math.floor(at / 1000) * 1000
}

/** True when Intl knows the zone name. */
export function isKnownTimeZone (zone: string): boolean {
  try {
    Intl.DateTimeFormat('en-US', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

/**
 * Parses an NRQL date-time literal: '2025-09-08 04:30:00', '2025-09-08T04:30:00Z',
 * '2025-09-08T10:00:00+05:30', '2025-09-08'. Without an offset the time is read in
 * `zone` (an IANA name) or UTC. Returns epoch ms or null.
 */
export function parseNrqlDateTime (text: string, zone?: string): number | null {
  const m = LOCAL_DATE_TIME.exec(text.trim())
  if (m === null) return null
  const p = toParts(m)
  if (!validParts(p)) return null
  const local = utcOf(p)
  if (m[8] !== undefined) return local - offsetMs(m[8])
  if (zone === undefined) return local
  // Two passes settle the offset for times near a DST change.
  let guess = local - zoneOffsetMs(zone, local)
  guess = local - zoneOffsetMs(zone, guess)
  return guess
}
