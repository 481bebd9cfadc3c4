/**
 * App verdicts and the rollout's recommendation.
 */
import type { Status, Recommendation } from '../schemas/common.ts'
import type { ResolvedPolicy } from '../schemas/thresholds.ts'
import { SEVERITY } from './constants.ts'
import { explainNonBlocking, explainRecommendation } from './explain/recommendation.ts'
import { nonBlockingWays } from './non-blocking.ts'
import type { CheckOutcome } from './checks/types.ts'
import type { JudgedApp, RecommendationFacts } from './verdict-facts.ts'

export type { JudgedApp } from './verdict-facts.ts'

/**
 * Worst status in the order NO_DATA > FAIL > WARN > INCONCLUSIVE > PASS. NO_DATA comes
 * first because it means we cannot see the canary at all, so nothing else about it can be
 * trusted, and a monitoring gap needs a different fix (install the agent) than a FAIL.
 * They can meet when one of several new hosts is silent and another fails a check: the
 * app's reasons then list both, the gap first. Empty input is PASS.
 */
export function worstStatus (statuses: Iterable<Status>): Status {
  let worst = SEVERITY.length - 1
  for (const s of statuses) worst = Math.min(worst, SEVERITY.indexOf(s))
  return SEVERITY[worst]
}

/** An app's verdict (worst of its checks) and reasons (the details of non-PASS checks, worst first). */
export function appVerdict (outcomes: CheckOutcome[]): { verdict: Status, reasons: string[], short: string } {
  const verdict = worstStatus(outcomes.map(o => o.result.status))
  const nonPass = outcomes.filter(o => o.result.status !== 'PASS')
    .sort((a, b) => SEVERITY.indexOf(a.result.status) - SEVERITY.indexOf(b.result.status))
  const short = [...new Set(outcomes.filter(o => o.result.status === verdict && o.short !== '').map(o => o.short))].join(', ')
  return { verdict, reasons: nonPass.map(o => o.result.detail), short }
}

/** Apps per verdict, every status present. */
export function summarize (apps: Array<{ verdict: Status }>): Record<Status, number> {
  const out = { PASS: 0, WARN: 0, FAIL: 0, NO_DATA: 0, INCONCLUSIVE: 0 }
  for (const a of apps) out[a.verdict]++
  return out
}

/**
 * The recommendation under the policy: NO_GO when any app's verdict is in noGoOn; else
 * INCONCLUSIVE when an INCONCLUSIVE app counts (critical ones by default) or when every app
 * is INCONCLUSIVE (unless inconclusiveOn is 'never'); else GO.
 */
export function decide (apps: JudgedApp[], policy: ResolvedPolicy): { recommendation: Recommendation, facts: RecommendationFacts } {
  if (apps.length === 0) return { recommendation: 'INCONCLUSIVE', facts: { kind: 'no-apps' } }
  const by = (s: Status): JudgedApp[] => apps.filter(a => a.result.verdict === s)
  const blocking = SEVERITY.filter(s => policy.noGoOn.includes(s) && by(s).length > 0).map(s => ({ status: s, apps: by(s) }))
  if (blocking.length > 0) {
    // What else could not be judged matters to whoever fixes the blockers and runs it again.
    const openCritical = policy.noGoOn.includes('INCONCLUSIVE') ? [] : by('INCONCLUSIVE').filter(a => a.result.critical)
    return { recommendation: 'NO_GO', facts: { kind: 'blocked', blocking, openCritical } }
  }
  const inconclusive = by('INCONCLUSIVE')
  const counting = policy.inconclusiveOn === 'any'
    ? inconclusive
    : policy.inconclusiveOn === 'critical' ? inconclusive.filter(a => a.result.critical) : []
  if (counting.length > 0) {
    return {
      recommendation: 'INCONCLUSIVE',
      facts: { kind: 'inconclusive', apps: counting, critical: policy.inconclusiveOn === 'critical' }
    }
  }
  // GO is a claim that the canary was seen doing well somewhere. When not one app could be
  // judged (wrong names, an idle window, too little traffic everywhere) that claim is empty,
  // whatever the policy says about non-critical apps.
  if (inconclusive.length === apps.length && policy.inconclusiveOn !== 'never') {
    return { recommendation: 'INCONCLUSIVE', facts: { kind: 'none-judged', apps: inconclusive } }
  }
  const summary = summarize(apps.map(a => a.result))
  if (summary.PASS === apps.length) return { recommendation: 'GO', facts: { kind: 'all-pass', total: apps.length } }
  const others = SEVERITY.filter(s => s !== 'PASS' && by(s).length > 0).map(s => ({ status: s, apps: by(s) }))
  return {
    recommendation: 'GO',
    facts: {
      kind: 'go',
      noGoOn: policy.noGoOn,
      pass: summary.PASS,
      total: apps.length,
      others,
      inconclusiveNotCritical: policy.inconclusiveOn === 'critical'
    }
  }
}

/**
 * The recommendation with the short lines a person reads in a chat message. A policy that
 * can never block says so first, in every result, so nobody reads its GO as the data's.
 */
export function recommend (apps: JudgedApp[], policy: ResolvedPolicy): { recommendation: Recommendation, reasons: string[] } {
  const { recommendation, facts } = decide(apps, policy)
  return { recommendation, reasons: [...explainNonBlocking(nonBlockingWays(policy)), ...explainRecommendation(facts)] }
}
