/**
 * IANA timezones: rollouts are stored and computed in UTC; the timezone only
 * changes how times are shown in views and chat messages.
 */

/** True when Intl knows the zone (e.g. "Asia/Kolkata", "UTC"). */
export function isTimezone (tz: string): boolean {
  if (tz.length === 0 || tz.length > 64) return false
  // Abbreviations are ambiguous (IST: India, Ireland or Israel) or wrong half the year
  // (ICU maps EST to Panama, without daylight saving): only Area/City names and UTC.
  // POSIX-style names such as EST5EDT keep daylight saving and are in the IANA database.
  if (!tz.includes('/') && tz !== 'UTC' && tz !== 'GMT' && !/^[A-Z]{3}\d[A-Z]{3}$/.test(tz)) return false
  try {
    // eslint-disable-next-line no-new
    new Intl.DateTimeFormat('en-US', { timeZone: tz })
    return true
  } catch {
    return false
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter (tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz)
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'longOffset'
    })
    // Bounded: only validated zones reach here, and there are a few hundred of them.
    if (formatters.size < 1000) formatters.set(tz, f)
  }
  return f
}

/** An instant as local ISO-8601 with the zone's offset: 2026-11-25T15:30:00+05:30. */
export function formatLocal (ms: number, tz: string): string {
  const parts: Record<string, string> = {}
  for (const p of formatter(tz).formatToParts(new Date(ms))) parts[p.type] = p.value
  // longOffset is "GMT+05:30", and "GMT" or "GMT+00:00" at offset zero, depending on the ICU version.
  const offset = (parts.timeZoneName ?? 'GMT').replace(/^GMT/, '')
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset === '' || offset === '+00:00' ? 'Z' : offset}`
}
