import type { Config } from '../config.ts'
import { BadRequestError } from '../errors.ts'
import { DurationError, parseDuration } from './duration.ts'
import { planLength } from './plan.ts'
import { isTimezone } from './timezone.ts'
import type { RolloutRequest } from '../schemas/rollout.ts'
import { parseTime, validateTarget, validateWindow } from './target.ts'
import type { RolloutSpec } from './types.ts'

/** How far ahead a rollout may start: far enough for any change calendar, not year 9999. */
const MAX_LEAD_DAYS = 90

/**
 * Turns a schema-valid create request into a rollout spec, checking what JSON
 * Schema cannot: configured caps, the window, the duration, the timezone.
 * Every refusal is a 400 naming the field. Notify targets are checked apart
 * (validateNotifyTargets resolves DNS, so it is async).
 */
export function buildSpec (body: RolloutRequest, config: Config, id: string, now: number): RolloutSpec {
  const target = validateTarget(body, config)
  const startAt = parseTime(body.startAt, 'startAt')
  const decisionAt = parseTime(body.decisionAt, 'decisionAt')
  validateWindow(startAt, decisionAt, ['startAt', 'decisionAt'], config, now, true)
  if (startAt > now + MAX_LEAD_DAYS * 86_400_000) {
    throw new BadRequestError(`body.startAt is more than ${MAX_LEAD_DAYS} days ahead`)
  }

  const checkpointEvery = body.checkpointEvery ?? 'PT1H'
  let everyMs: number
  try {
    everyMs = parseDuration(checkpointEvery)
  } catch (err) {
    if (err instanceof DurationError) throw new BadRequestError(`body.checkpointEvery ${err.message}`)
    throw err
  }
  if (everyMs < config.GONOGO_MIN_CHECKPOINT_SECONDS * 1000) {
    throw new BadRequestError(`body.checkpointEvery "${checkpointEvery}" is shorter than the minimum of ${config.GONOGO_MIN_CHECKPOINT_SECONDS} seconds (GONOGO_MIN_CHECKPOINT_SECONDS)`)
  }
  const length = planLength(startAt, decisionAt, everyMs)
  if (length > config.GONOGO_MAX_CHECKPOINTS) {
    throw new BadRequestError(`body.checkpointEvery "${checkpointEvery}" makes ${length} checkpoints between startAt and decisionAt; at most ${config.GONOGO_MAX_CHECKPOINTS} are allowed (GONOGO_MAX_CHECKPOINTS)`)
  }

  const timezone = body.timezone ?? 'UTC'
  if (!isTimezone(timezone)) {
    throw new BadRequestError(`body.timezone "${timezone}" is not an IANA timezone such as UTC, Asia/Kolkata or Europe/London` +
      (/^[A-Z]{2,5}$/.test(timezone) ? ' (abbreviations like IST or EST are ambiguous or ignore daylight saving)' : ''))
  }
  const notify = body.notify ?? []

  return {
    v: 1,
    id,
    name: body.name,
    target,
    startAt,
    decisionAt,
    everyMs,
    checkpointEvery,
    timezone,
    notify,
    planLength: length,
    createdAt: now,
    ...(body.newRelic === undefined ? {} : { newRelic: body.newRelic })
  }
}
