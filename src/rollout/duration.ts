/**
 * ISO-8601 durations for `checkpointEvery`. Only fixed-length units are
 * accepted (weeks, days, hours, minutes, seconds): a month or a year has no
 * fixed length, and a checkpoint plan must be a plain arithmetic progression.
 * A day is 24 hours, whatever the rollout's timezone does with its clocks.
 */
import { GonogoError } from '../errors.ts'

const PATTERN = /^P(?:(\d{1,6})W)?(?:(\d{1,6})D)?(?:T(?:(\d{1,6})H)?(?:(\d{1,6})M)?(?:(\d{1,9})S)?)?$/

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const WEEK = 7 * DAY

/** Why a duration was refused, phrased to follow the field name. */
export class DurationError extends GonogoError {
  constructor (message: string) {
    super('GONOGO_DURATION', message, { statusCode: 400 })
  }
}

/**
 * Parses `PT30M`, `PT1H30M`, `P1D`, `PT90S`, `P1W` into milliseconds.
 * Refuses months and years, fractions, signs, an empty `PT` and zero.
 */
export function parseDuration (text: string): number {
  if (/^P[^T]*[YM]/.test(text)) {
    throw new DurationError(`"${text}" uses months or years, which have no fixed length; use weeks, days, hours, minutes or seconds`)
  }
  const m = PATTERN.exec(text)
  if (m === null || text === 'P' || text.endsWith('T')) {
    throw new DurationError(`"${text}" is not an ISO-8601 duration such as PT1H, PT30M, PT1H30M or P1D`)
  }
  const [, w, d, h, min, s] = m.map(x => (x === undefined ? 0 : Number(x)))
  const ms = w * WEEK + d * DAY + h * HOUR + min * MINUTE + s * SECOND
  if (ms <= 0) throw new DurationError(`"${text}" is zero`)
  return ms
}

/** The shortest ISO-8601 spelling of a whole number of seconds (for messages and defaults). */
export function formatDuration (ms: number): string {
  let rest = Math.round(ms / SECOND)
  const days = Math.floor(rest / 86400); rest -= days * 86400
  const hours = Math.floor(rest / 3600); rest -= hours * 3600
  const minutes = Math.floor(rest / 60); rest -= minutes * 60
  const time = (hours > 0 ? `${hours}H` : '') + (minutes > 0 ? `${minutes}M` : '') + (rest > 0 ? `${rest}S` : '')
  return `P${days > 0 ? `${days}D` : ''}${time === '' ? (days > 0 ? '' : 'T0S') : `T${time}`}`
}
