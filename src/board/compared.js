// The panel's line that says which existing hosts an app was compared with and which the judge left out as outliers:
// without it a PASS with a sick existing host reads "every check passed" over numbers that silently skip that host.
import { h } from './dom.js'

/** Names shown before "+N more": a big fleet's list would bury the left-out host. */
const SHOWN = 6
const CHECK_WORDS = { errorRate: 'error-rate', latency: 'latency' }

/** The line for one app checkpoint, or null for checkpoints recorded before the hosts were kept. */
export function comparedLine (c) {
  if (!Array.isArray(c.baselineHosts)) return null
  const count = c.baselineHostCount ?? c.baselineHosts.length
  const excluded = c.excludedBaselineHosts ?? []
  const compared = count === 0
    ? 'No existing host to compare with.'
    : `Compared with ${count} existing host${count === 1 ? '' : 's'}: ${names(c.baselineHosts, count)}.`
  return h('p', { class: 'compared' }, compared, excluded.length === 0 ? null : [' ', leftOut(excluded)])
}

function names (shown, count) {
  const first = shown.slice(0, SHOWN)
  return count > first.length ? `${first.join(', ')} +${count - first.length} more` : first.join(', ')
}

/** "PRDWEB03 left out of the error-rate and latency baselines: it stood out ... (the other checks still count it)." */
function leftOut (excluded) {
  const byChecks = new Map()
  for (const x of excluded) {
    const key = x.checks.map(k => CHECK_WORDS[k] ?? k).join(' and ')
    byChecks.set(key, [...(byChecks.get(key) ?? []), x.host])
  }
  const parts = [...byChecks].map(([checks, hosts]) =>
    `${hosts.join(', ')} left out of the ${checks} baseline${checks.includes(' and ') ? 's' : ''}`)
  const they = excluded.length === 1 ? 'it stood' : 'they stood'
  return `${parts.join('; ')}: ${they} out from the other existing hosts (traffic, new errors and coverage still count ` +
    `${excluded.length === 1 ? 'it' : 'them'}).`
}
