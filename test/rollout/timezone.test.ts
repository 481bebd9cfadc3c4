import t from 'tap'
import { formatLocal, isTimezone } from '../../src/rollout/timezone.ts'

t.test('IANA zones', async t => {
  for (const tz of ['UTC', 'Asia/Kolkata', 'Europe/London', 'America/New_York']) t.ok(isTimezone(tz), tz)
  for (const tz of ['', 'Mars/Olympus', 'IST+5', 'x'.repeat(100), 'Asia/Kolkata\n']) t.notOk(isTimezone(tz), JSON.stringify(tz))
})

t.test('local times carry the zone offset', async t => {
  const ms = Date.parse('2026-11-25T10:00:00Z')
  t.equal(formatLocal(ms, 'UTC'), '2026-11-25T10:00:00Z')
  t.equal(formatLocal(ms, 'Asia/Kolkata'), '2026-11-25T15:30:00+05:30')
  t.equal(formatLocal(ms, 'America/New_York'), '2026-11-25T05:00:00-05:00')
  t.equal(formatLocal(Date.parse('2026-07-01T00:00:00Z'), 'Europe/London'), '2026-07-01T01:00:00+01:00')
})
