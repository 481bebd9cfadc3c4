/**
 * Validation of the optional app fields of the format's "Additions": `tags`,
 * `guid` and `agent` (event sampling). Errors name the offending field.
 */
import { ScenarioError } from './scenario-error.ts'

/** Tag key to one value or several. */
export type ScenarioTags = Record<string, string | string[]>

export interface ScenarioAgent {
  /** Most Transaction events kept per host and minute (absent: all). */
  transactionEventsPerMinute?: number
  /** Most TransactionError events kept per host and minute (absent: all). */
  errorEventsPerMinute?: number
}

/** New Relic's tag limits: keys up to 128 characters, values up to 256. */
export const TAG_KEY_MAX = 128
export const TAG_VALUE_MAX = 256
/** Far above any agent's reservoir (the defaults are 10,000 and 100 per minute). */
export const AGENT_EVENTS_MAX = 1_000_000

const AGENT_FIELDS = ['transactionEventsPerMinute', 'errorEventsPerMinute']

function isObj (v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function tagValue (v: unknown, path: string): void {
  if (typeof v !== 'string' || v.trim() === '') throw new ScenarioError(path, 'must be a non-empty string')
  if (v.length > TAG_VALUE_MAX) throw new ScenarioError(path, `must be at most ${TAG_VALUE_MAX} characters`)
}

export function checkTags (v: unknown, path: string): ScenarioTags {
  if (!isObj(v)) throw new ScenarioError(path, 'must be an object of tag names to a string or an array of strings')
  for (const [key, value] of Object.entries(v)) {
    const p = `${path}.${key}`
    if (key.trim() === '') throw new ScenarioError(path, 'must not have an empty tag name')
    if (key.length > TAG_KEY_MAX) throw new ScenarioError(p, `is a tag name longer than ${TAG_KEY_MAX} characters`)
    if (Array.isArray(value)) {
      if (value.length === 0) throw new ScenarioError(p, 'must have at least one value')
      value.forEach((x, i) => tagValue(x, `${p}[${i}]`))
      if (new Set(value).size !== value.length) throw new ScenarioError(p, 'must not repeat a value')
    } else {
      if (typeof value !== 'string') throw new ScenarioError(p, 'must be a string or an array of strings')
      tagValue(value, p)
    }
  }
  return v as ScenarioTags
}

export function checkGuid (v: unknown, path: string): string {
  if (typeof v !== 'string' || !/^[A-Za-z0-9+/=_-]{1,255}$/.test(v)) {
    throw new ScenarioError(path, 'must be a non-empty string of letters, digits and + / = _ - (an entity guid)')
  }
  return v
}

export function checkAgent (v: unknown, path: string): ScenarioAgent {
  if (!isObj(v)) throw new ScenarioError(path, 'must be an object')
  for (const key of Object.keys(v)) {
    if (!AGENT_FIELDS.includes(key)) {
      throw new ScenarioError(`${path}.${key}`, `is not a known field (expected one of: ${AGENT_FIELDS.join(', ')})`)
    }
  }
  for (const key of AGENT_FIELDS) {
    const x = v[key]
    if (x === undefined) continue
    if (typeof x !== 'number' || !Number.isInteger(x) || x <= 0 || x > AGENT_EVENTS_MAX) {
      throw new ScenarioError(`${path}.${key}`, `must be an integer > 0 and at most ${AGENT_EVENTS_MAX}`)
    }
  }
  return v as ScenarioAgent
}
