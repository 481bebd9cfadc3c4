/** Times and durations for people: a rollout's instants in its own timezone, spans as "2h 05m". */

/** "2026-11-25 15:30 +05:30" in the given IANA timezone ("... UTC" for UTC; UTC when the zone is unknown to this Node). */
export function formatLocal (iso: string, timeZone = 'UTC'): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  let parts: Intl.DateTimeFormatPart[]
  try {
    parts = localParts(date, timeZone)
  } catch {
    parts = localParts(date, 'UTC')
  }
  const get = (type: string): string => parts.find(p => p.type === type)?.value ?? ''
  const offset = /^(Etc\/)?UTC$/.test(timeZone) ? 'UTC' : get('timeZoneName').replace(/^GMT/, '') || '+00:00'
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')} ${offset}`
}

function localParts (date: Date, timeZone: string): Intl.DateTimeFormatPart[] {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'longOffset'
  }).formatToParts(date)
}

/** The clock time of an ISO string written with its own offset ("2026-11-25T11:00:00+05:30" -> "11:00"). */
export function clockOf (localAt: string): string {
  return /T(\d\d:\d\d)/.exec(localAt)?.[1] ?? localAt
}

/** "45s", "12m", "2h 05m", "3d 4h". */
export function formatSpan (ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m`
  const h = Math.floor(m / 60)
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`
  return `${Math.floor(h / 24)}d ${h % 24}h`
}

/** "in 2h 05m" or "12m ago". */
export function relative (iso: string, now = Date.now()): string {
  const delta = Date.parse(iso) - now
  return delta >= 0 ? `in ${formatSpan(delta)}` : `${formatSpan(-delta)} ago`
}
