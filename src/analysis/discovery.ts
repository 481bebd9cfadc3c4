/**
 * What New Relic knows about a new rollout's apps: which apps its existing hosts served before it
 * started (when the rollout names baselineHosts and no apps), and each app's team and owners
 * from its APM entity's tags (when the rollout does not give them). Both run once, at creation,
 * and what they find is stored in the rollout's spec.
 */
import type { NerdGraphClient } from '../newrelic/client.ts'
import { apmTags } from '../newrelic/entities.ts'
import { facetOf, countOf } from '../newrelic/parse.ts'
import { runSpecs } from '../newrelic/run-specs.ts'
import { hostKey } from '../judge/hosts.ts'
import type { AppSpec } from '../schemas/thresholds.ts'
import { toUpstreamError } from './upstream-error.ts'

/** Host names in one `host IN` list: each given name three ways, under the list's cap. */
const HOSTS_PER_QUERY = 150

/**
 * The apps any of `hosts` served in [since, until), by traffic (most first), names as New Relic
 * reports them. Throws an UpstreamError when New Relic cannot be read.
 */
export async function appsServedBy (
  client: NerdGraphClient, accountId: number, hosts: string[], window: { since: number, until: number }, signal?: AbortSignal
): Promise<string[]> {
  const wanted = new Set(hosts.map(hostKey))
  const specs = []
  for (let i = 0; i < hosts.length; i += HOSTS_PER_QUERY) {
    const names = [...new Set(hosts.slice(i, i + HOSTS_PER_QUERY).flatMap(h => [h, h.toLowerCase(), h.toUpperCase()]))]
    const values = { since: window.since, until: window.until }
    specs.push({ tag: 'discovery', template: 'apps-on-hosts' as const, apps: [], hosts: names, values })
  }
  let answers
  try {
    answers = await runSpecs(client, accountId, specs, undefined, signal)
  } catch (err) {
    throw toUpstreamError(err, { accountId, accountFromRequest: true })
  }
  const traffic = new Map<string, number>()
  for (const { rows } of answers) {
    for (const row of rows) {
      const facet = facetOf(row, ['appName', 'host'])
      if (facet === null || !wanted.has(hostKey(facet.host))) continue
      const n = countOf(row, 'count')
      if (n > 0) traffic.set(facet.appName, (traffic.get(facet.appName) ?? 0) + n)
    }
  }
  return [...traffic].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([app]) => app)
}

export interface TagKeys {
  /** Tag keys whose first value is the team, in order of preference. */
  team: string[]
  /** Tag keys whose values are the owners. */
  owners: string[]
}

/**
 * `apps` with team and owners filled from their APM entities' tags where the app has none of its
 * own (an app's own `team` or `owners` always wins). Apps without an entity or tags stay as they are.
 */
export async function withOwnersFromTags (
  client: NerdGraphClient, accountId: number, apps: AppSpec[], keys: TagKeys, signal?: AbortSignal
): Promise<{ apps: AppSpec[], filled: number }> {
  const missing = apps.filter(a => a.team === undefined || a.owners === undefined).map(a => a.name)
  if (missing.length === 0) return { apps, filled: 0 }
  const tags = await apmTags(client, accountId, missing, signal)
  let filled = 0
  const out = apps.map(app => {
    const t = tags.get(app.name)
    if (t === undefined) return app
    const team = app.team ?? keys.team.map(k => t[k]?.[0]).find(v => v !== undefined)
    const owners = app.owners ?? unique(keys.owners.flatMap(k => t[k] ?? []))
    const next: AppSpec = { ...app }
    if (team !== undefined && app.team === undefined) next.team = team.slice(0, 200)
    if (app.owners === undefined && owners.length > 0) next.owners = owners.slice(0, 50).map(o => o.slice(0, 200))
    if (next.team !== app.team || next.owners !== app.owners) filled++
    return next
  })
  return { apps: out, filled }
}

function unique (xs: string[]): string[] {
  return [...new Set(xs)]
}
