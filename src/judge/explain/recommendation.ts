/**
 * The recommendation's reasons: "3 apps FAIL: Customer Portal (p95 x1.60, traffic x0.60), ...".
 */
import type { Status } from '../../schemas/common.ts'
import type { NonBlocking } from '../non-blocking.ts'
import type { JudgedApp, RecommendationFacts } from '../verdict-facts.ts'

/** Apps named in one line before "and N more". */
const NAMED = 5

export function explainRecommendation (facts: RecommendationFacts): string[] {
  switch (facts.kind) {
    case 'no-apps': return ['no apps to judge']
    case 'blocked': {
      const reasons = facts.blocking.map(g => line(g.status, g.apps))
      if (facts.openCritical.length > 0) reasons.push(line('INCONCLUSIVE', facts.openCritical, 'critical '))
      return reasons
    }
    case 'inconclusive': return [line('INCONCLUSIVE', facts.apps, facts.critical ? 'critical ' : '')]
    case 'none-judged': return [`no app could be judged: ${line('INCONCLUSIVE', facts.apps)}`]
    case 'all-pass': return [`all ${facts.total} app${facts.total === 1 ? '' : 's'} PASS`]
    case 'go': return [
      (facts.noGoOn.length === 0 ? '' : `no app ${facts.noGoOn.join(' or ')}; `) +
        `${facts.pass === 0 ? 'none' : facts.pass} of ${facts.total} app${facts.total === 1 ? '' : 's'} PASS`,
      ...facts.others.map(g => line(g.status, g.apps) +
        (g.status === 'INCONCLUSIVE' && facts.inconclusiveNotCritical ? ' (not critical)' : ''))
    ]
  }
}

const NON_BLOCKING: Record<NonBlocking, string> = {
  'never-no-go': 'policy.allowNonBlocking: this rollout can never be NO_GO (policy.noGoOn is empty)',
  'fail-passes': 'policy.allowNonBlocking: a FAIL app never makes this rollout NO_GO (policy.noGoOn leaves out FAIL)',
  'go-unjudged': 'policy.allowNonBlocking: this rollout is GO even when no app could be judged (policy.inconclusiveOn is never)'
}

/** What a policy that can never block lets through, one line each. */
export function explainNonBlocking (ways: NonBlocking[]): string[] {
  return ways.map(w => NON_BLOCKING[w])
}

/** "2 critical apps INCONCLUSIVE: A (too little traffic), B". */
function line (status: Status, apps: JudgedApp[], qualifier = ''): string {
  return `${apps.length} ${qualifier}app${apps.length === 1 ? '' : 's'} ${status}: ` +
    apps.slice(0, NAMED).map(a => a.short !== '' ? `${a.result.app} (${a.short})` : a.result.app).join(', ') +
    (apps.length > NAMED ? ` and ${apps.length - NAMED} more` : '')
}

/** A new host nobody has seen, named in the recommendation's reasons. */
export function unseenCanariesReason (unseen: string[]): string {
  return `${unseen.join(', ')} (new) reported no app in the window: not in the pool yet, a misspelt name, or no APM agent`
}

/**
 * An existing host that stands out: "PRDIIS03 (existing) stands out from the other existing hosts, left out of their baseline:
 * Billing.Service error rate 6.0% vs 1.0%; ...".
 */
export function sickHostReason (host: string, what: string[]): string {
  const shown = what.slice(0, 3).join('; ') + (what.length > 3 ? `; and ${what.length - 3} more` : '')
  return `${host} (existing) stands out from the other existing hosts, left out of their baseline: ${shown}: worth a look`
}
