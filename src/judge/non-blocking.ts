/**
 * Policies that can never block: the ways a policy lets a rollout through whatever the data
 * says. Creation refuses them unless `policy.allowNonBlocking` is given (rollout/target.ts),
 * and every result of one says so (verdict.ts).
 */
import type { ResolvedPolicy } from '../schemas/thresholds.ts'

/**
 * - `never-no-go`: noGoOn is empty, no verdict makes it NO_GO.
 * - `fail-passes`: noGoOn leaves out FAIL, so a regression the checks prove is never a NO_GO.
 * - `go-unjudged`: inconclusiveOn is never and noGoOn leaves out INCONCLUSIVE, so GO even when
 *   not one app could be judged (wrong names, an idle window).
 */
export type NonBlocking = 'never-no-go' | 'fail-passes' | 'go-unjudged'

export function nonBlockingWays (policy: Pick<ResolvedPolicy, 'noGoOn' | 'inconclusiveOn'>): NonBlocking[] {
  const out: NonBlocking[] = []
  if (policy.noGoOn.length === 0) out.push('never-no-go')
  else if (!policy.noGoOn.includes('FAIL')) out.push('fail-passes')
  if (policy.inconclusiveOn === 'never' && !policy.noGoOn.includes('INCONCLUSIVE')) out.push('go-unjudged')
  return out
}
