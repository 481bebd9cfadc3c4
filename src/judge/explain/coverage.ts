/**
 * The coverage sentence: who reports, and when a new host (or everyone) went quiet.
 */
import type { CoverageFacts } from '../checks/coverage.ts'
import { formatCount, formatHosts } from './format.ts'

export function explainCoverage (facts: CoverageFacts): { detail: string, short: string } {
  switch (facts.kind) {
    case 'nobody':
      return {
        detail: `no transactions from any host for ${facts.app} in the window: is the app name right and is it reporting to New Relic?`,
        short: 'no data from any host'
      }
    case 'canary-silent': {
      const label = facts.configured.length > 0 ? formatHosts(facts.configured, 'new') : 'the new hosts'
      return {
        detail: `no data from ${label} while ${formatHosts(facts.baselineHosts, 'existing')} served ${formatCount(facts.baselineCount)} ` +
          'transactions: is the APM agent installed and configured there?',
        short: `no data from ${label}`
      }
    }
    case 'some-silent':
      return {
        detail: `no data from ${facts.silent.join(', ')} while ${formatHosts(facts.baselineHosts, 'existing')} ` +
          `served ${formatCount(facts.baselineCount)} transactions` +
          ` (${facts.canaryHosts.join(', ')} served ${formatCount(facts.canaryCount)}): is the APM agent installed and configured there?`,
        short: `no data from ${facts.silent.join(', ')}`
      }
    case 'ended': {
      const at = clock(facts.lastMs)
      return {
        detail: `no host has reported ${facts.app} since ${at}Z, ${formatMinutes(facts.gapMs)} before the end of the window: ` +
          `is New Relic data delayed, or did the app stop everywhere? The other checks judge the data up to ${at}Z`,
        short: `no data from any host since ${at}Z`
      }
    }
    case 'quiet': {
      const since = clock(facts.sinceMs)
      return {
        detail: `${facts.host} has sent nothing since ${since}Z (${formatMinutes(facts.gapMs)}) ` +
          `while ${formatHosts(facts.baselineHosts, 'existing')} kept serving: did it leave the pool or lose its APM agent?`,
        short: `${facts.host} silent since ${since}Z`
      }
    }
    case 'reporting': {
      const served = `${formatHosts(facts.canaryHosts, 'new')} served ${formatCount(facts.canaryCount)} transactions`
      return {
        detail: facts.baselineCount === 0
          ? `${served}; no existing host served ${facts.app} to compare with`
          : `${served}, ${formatHosts(facts.baselineHosts, 'existing')} ${formatCount(facts.baselineCount)}`,
        short: 'reporting'
      }
    }
  }
}

/** "07:00": the UTC time of day, as the details print it (with a Z after). */
function clock (ms: number): string {
  return new Date(ms).toISOString().slice(11, 16)
}

function formatMinutes (ms: number): string {
  const minutes = Math.round(ms / 60_000)
  return minutes < 120 ? `${minutes} min` : `${(minutes / 60).toFixed(1)} h`
}
