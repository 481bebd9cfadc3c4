/**
 * The throughput sentence: "PRDIIS09 served 41 rpm vs 68 rpm expected from a typical existing
 * host (x0.60, p<0.001)", one entry per new host when there are several.
 */
import type { HostJudgement, HostTraffic, ThroughputFacts } from '../checks/throughput.ts'
import type { Numbers } from '../checks/types.ts'
import { SHORT_NO_BASELINE, TOO_LITTLE_TRAFFIC } from './common.ts'
import { formatCount, formatP, formatRatio } from './format.ts'

export function explainThroughput (result: Numbers, facts: ThroughputFacts): { detail: string, short: string } {
  if (facts.kind === 'no-data') return { detail: `no traffic reported by ${facts.canaryLabel}`, short: '' }
  if (facts.kind === 'no-baseline') {
    return {
      detail: `${facts.canaryLabel} served ${formatCount(facts.canaryCount)} transactions; ` +
        `no existing host served ${facts.app} at the same time to compare with`,
      short: SHORT_NO_BASELINE
    }
  }
  if (facts.kind === 'too-new') {
    const bucket = facts.bucketMinutes <= 1 ? 'minute' : `${facts.bucketMinutes}-minute bucket`
    return {
      detail: `${facts.canaryLabel} joined within the last ${bucket}: its traffic is judged from its first whole ${bucket}, next look`,
      short: 'joined just now'
    }
  }
  const { hosts, worst, canaryWeight, minShareRatio } = facts
  const weightNote = canaryWeight === 1 ? '' : ` at weight x${formatRatio(canaryWeight)}`
  let detail: string
  if (hosts.length === 1) {
    const j = hosts[0]
    detail = `${j.t.host} served ${served(j)}${since(j.t)} vs ${expected(j.t)} expected from a typical existing host${weightNote} ` +
      `(x${formatRatio(j.effect)}, ${formatP(j.p)})`
  } else {
    const each = [...hosts].sort((a, b) => a.effect - b.effect)
      .map(j => `${j.t.host} ${served(j)}${since(j.t)} (x${formatRatio(j.effect)}, ${formatP(j.p)})`).join(', ')
    detail = `${each} vs ${expected(worst.t)} expected from a typical existing host${weightNote}`
  }
  if (result.status === 'INCONCLUSIVE') detail = `${TOO_LITTLE_TRAFFIC}: ${detail}`
  if (result.status === 'FAIL') {
    detail += `: ${hosts.length > 1 ? `${worst.t.host} is ` : ''}under the x${formatRatio(minShareRatio)} margin, ` +
      'as when the balancer sends a slow or failing host less'
  }
  return { detail, short: `traffic x${formatRatio(worst.effect)}${hosts.length > 1 ? ` on ${worst.t.host}` : ''}` }
}

function served (j: HostJudgement): string {
  return j.t.minutes !== null ? `${formatRate(j.t.canary / j.t.minutes)} rpm` : `${formatCount(j.t.canary)} transactions`
}

function expected (t: HostTraffic): string {
  return t.minutes !== null ? `${formatRate(t.expected / t.minutes)} rpm` : formatCount(t.expected)
}

function since (t: HostTraffic): string {
  return t.sinceMs === null ? '' : ` since ${new Date(t.sinceMs).toISOString().slice(11, 16)}Z`
}

/** Requests per minute with two significant digits under 100: "0.42", "6.3", "68", "1,240". */
function formatRate (rpm: number): string {
  if (!Number.isFinite(rpm)) return 'n/a'
  if (rpm >= 100) return formatCount(rpm)
  if (rpm >= 10) return rpm.toFixed(0)
  if (rpm >= 1) return rpm.toFixed(1)
  return rpm.toPrecision(2)
}
