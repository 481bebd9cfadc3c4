/**
 * A look at New Relic when a rollout is created, so a typo surfaces at once instead of
 * as an INCONCLUSIVE app hours later: apps with no transactions at all, and hosts named
 * in the request that report none of the apps. One host-stats query over the day before
 * the rollout (or before now); it never blocks creation for long and never fails it,
 * except for an account the caller named that the key cannot read at all.
 */
import type { NerdGraphClient } from '../newrelic/client.ts'
import { readHostStats } from '../newrelic/checkpoint-read.ts'
import { NerdGraphAuthError } from '../newrelic/errors.ts'
import { runSpecs, type QuerySpec } from '../newrelic/run-specs.ts'
import { HOST_QUERY_APPS } from '../newrelic/checkpoint-plan.ts'
import { hostKey } from '../judge/hosts.ts'
import { toUpstreamError } from './upstream-error.ts'
import type { Target } from '../rollout/target.ts'
import { BadRequestError } from '../errors.ts'
import { DeadlineError, withDeadline } from '../deadline.ts'

const DAY_MS = 24 * 3_600_000
/** A canary may take this long after startAt to show in New Relic (agent start, ingest lag). */
const CANARY_GRACE_MS = 15 * 60_000

export interface PreflightOptions {
  now: number
  startAt: number
  decisionAt: number
  /** Give up (with a warning) after this long. */
  timeoutMs: number
}

/** Warnings for the create response; throws only a BadRequestError for an unreadable named account. */
export async function preflight (client: NerdGraphClient, target: Target, opts: PreflightOptions): Promise<string[]> {
  const until = Math.min(opts.now, opts.decisionAt)
  const since = Math.min(opts.now, opts.startAt) - DAY_MS
  const values = { since, until }
  const specs: QuerySpec[] = []
  const names = target.apps.map(a => a.name)
  for (let i = 0; i < names.length; i += HOST_QUERY_APPS) {
    specs.push({ tag: 'preflight', template: 'host-stats', apps: names.slice(i, i + HOST_QUERY_APPS), values })
  }
  // Past the timeout the query is abandoned for good: no retries left running behind the 201.
  const stop = new AbortController()
  let answers
  try {
    answers = await withDeadline(runSpecs(client, target.accountId, specs, undefined, stop.signal), opts.timeoutMs, () => new DeadlineError(), () => stop.abort())
  } catch (err) {
    if (err instanceof DeadlineError) return [`could not check the app and host names against New Relic within ${opts.timeoutMs} ms`]
    const upstream = toUpstreamError(err, { accountId: target.accountId, accountFromRequest: target.accountFromRequest ?? false })
    if (upstream instanceof BadRequestError && err instanceof NerdGraphAuthError) throw upstream
    return [`could not check the app and host names against New Relic: ${upstream.message}`]
  }

  const byApp = new Map<string, Set<string>>()
  for (const a of answers) {
    for (const [app, hosts] of readHostStats(a.rows)) {
      const set = byApp.get(app) ?? new Set<string>()
      for (const h of hosts) if (h.count > 0) set.add(hostKey(h.host))
      byApp.set(app, set)
    }
  }
  const span = `between ${new Date(since).toISOString()} and ${new Date(until).toISOString()}`
  const warnings: string[] = []
  const silent = names.filter(n => (byApp.get(n)?.size ?? 0) === 0)
  if (silent.length > 0) {
    warnings.push(`no transactions in account ${target.accountId} ${span} for ${silent.length === 1 ? 'app' : 'apps'} ${silent.map(n => JSON.stringify(n)).join(', ')}: is the name right (New Relic app names are case-sensitive)?`)
  }
  const seen = new Set<string>()
  for (const hosts of byApp.values()) for (const h of hosts) seen.add(h)
  const missing = (hosts: string[]): string[] => hosts.filter(h => !seen.has(hostKey(h)))
  if (target.baselineHosts !== null) {
    const m = missing(target.baselineHosts)
    if (m.length > 0) warnings.push(`baseline ${m.length === 1 ? 'host' : 'hosts'} ${m.join(', ')} reported none of the apps ${span}: is the name right?`)
  }
  // A canary joining at startAt has nothing to show before it; only a rollout started a while ago is checked.
  if (opts.startAt + CANARY_GRACE_MS < opts.now && silent.length < names.length) {
    const m = missing(target.canaryHosts)
    if (m.length > 0) warnings.push(`canary ${m.length === 1 ? 'host' : 'hosts'} ${m.join(', ')} reported none of the apps ${span}: is the name right, and is the APM agent installed?`)
  }
  return warnings
}
