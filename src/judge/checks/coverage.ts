/**
 * Coverage: does the canary report at all? A canary that sends nothing while the baseline
 * serves the app is a monitoring gap (agent missing or misconfigured), never a PASS.
 */
import { formatCount, formatHosts } from '../format.ts'
import { hostKey } from '../hosts.ts'
import type { AppSides } from '../sides.ts'
import type { CheckOutcome } from './types.ts'

/** Coverage of one app. `sides` is null when the fetcher returned nothing for the app. */
export function checkCoverage (app: string, sides: AppSides | null): CheckOutcome {
  const configured = sides?.configuredCanary ?? []
  const configuredLabel = configured.length > 0 ? formatHosts(configured, 'new') : 'the new hosts'
  const base = { metric: 'coverage' as const, effect: null, pValue: null }
  if (sides === null || (sides.canary.count === 0 && sides.baseline.count === 0)) {
    return {
      // Nobody reporting is not the canary's fault (NO_DATA means the canary alone is silent):
      // a wrong app name or an idle app leaves us unable to tell, never PASS.
      result: { ...base, status: 'INCONCLUSIVE', canary: 0, baseline: 0, detail: `no transactions from any host for ${app} in the window: is the app name right and is it reporting to New Relic?` },
      short: 'no data from any host'
    }
  }
  const { canary, baseline } = sides
  if (canary.count === 0) {
    return {
      result: {
        ...base,
        status: 'NO_DATA',
        canary: 0,
        baseline: baseline.count,
        detail: `no data from ${configuredLabel} while ${formatHosts(baseline.hosts, 'existing')} served ${formatCount(baseline.count)} transactions: is the APM agent installed and configured there?`
      },
      short: `no data from ${configuredLabel}`
    }
  }
  const reporting = new Set(canary.hosts.map(hostKey))
  const silent = configured.filter(h => !reporting.has(hostKey(h)))
  if (silent.length > 0) {
    return {
      result: {
        ...base,
        status: 'WARN',
        canary: canary.count,
        baseline: baseline.count,
        effect: null,
        detail: `no data from ${silent.join(', ')} while ${canary.hosts.join(', ')} served ${formatCount(canary.count)} transactions: is the APM agent installed there?`
      },
      short: `no data from ${silent.join(', ')}`
    }
  }
  const detail = baseline.count === 0
    ? `${formatHosts(canary.hosts, 'new')} served ${formatCount(canary.count)} transactions; no existing host served ${app} to compare with`
    : `${formatHosts(canary.hosts, 'new')} served ${formatCount(canary.count)} transactions, ${formatHosts(baseline.hosts, 'existing')} ${formatCount(baseline.count)}`
  return { result: { ...base, status: 'PASS', canary: canary.count, baseline: baseline.count, detail }, short: 'reporting' }
}
