import { isTimezone } from '../../rollout/timezone.ts'

/** Locales tried in turn for a zone's short name: each knows the abbreviations of its own region. */
const NAME_LOCALES = ['en-US', 'en-GB', 'en-IN', 'en-AU', 'en-CA', 'en-NZ', 'en-ZA', 'en-SG', 'en-IE']

/**
 * A checkpoint time as people in the rollout's timezone say it: "14 May 15:30 IST".
 * The short zone name comes from the first locale that has a real
 * abbreviation for the zone (en-US says "GMT+5:30" for Asia/Kolkata, en-IN
 * says "IST"); zones without one keep the GMT offset. An unknown zone falls
 * back to UTC rather than failing a notification.
 */
export function formatLocalTime (iso: string, timeZone: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  const zone = isTimezone(timeZone) ? timeZone : 'UTC'
  const day = new Intl.DateTimeFormat('en-GB', { timeZone: zone, day: 'numeric', month: 'short' }).format(date)
  const clock = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(date)
  return `${day} ${clock} ${zoneName(date, zone)}`
}

function zoneName (date: Date, timeZone: string): string {
  let fallback = ''
  for (const locale of NAME_LOCALES) {
    const part = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' })
      .formatToParts(date).find(p => p.type === 'timeZoneName')?.value ?? ''
    if (fallback === '') fallback = part
    if (part !== '' && !/^(GMT|UTC)[+-−]/.test(part)) return part
  }
  return fallback
}
