/**
 * The deployment gate: open only on a GO that is current.
 */
import type { GateView, Override } from '../schemas/board.ts'
import type { Recommendation } from '../schemas/common.ts'
import type { RolloutState } from '../schemas/rollout.ts'
import type { OverdueState } from './overdue.ts'
import { newestFailed } from './statuses.ts'

const NOT_OVERDUE: OverdueState = { overdue: false }

/**
 * The gate opens only on a GO that is current: not once the rollout is cancelled (its
 * last GO is history), not while a due checkpoint is overdue (rollout/overdue.ts: nobody
 * has looked at the data since, and "GO so far" would hide that), and not when the newest
 * planned checkpoint failed (the GO is from before it, on data older than the deploy tool thinks).
 */
export function gateOf (state: RolloutState, rec: string | null, statuses: string, overdue: OverdueState = NOT_OVERDUE): { open: boolean, reason: string } {
  if (state === 'cancelled') return { open: false, reason: 'the rollout was cancelled' }
  if (overdue.overdue) return { open: false, reason: overdue.reason }
  if (rec === null) return { open: false, reason: 'no checkpoint has succeeded yet' }
  if (rec !== 'GO') return { open: false, reason: `the recommendation is ${rec}` }
  if (newestFailed(statuses)) return { open: false, reason: 'the newest checkpoint failed: the GO is from an earlier one' }
  return { open: true, reason: state === 'decided' ? 'final GO' : 'GO so far; not final until the decision' }
}

/**
 * The lean gate a pipeline polls: whether it is open, whether that is final, the recommendation it
 * follows (people's word applied) and why. An override after the decision decides the gate.
 */
export function gateView (
  state: RolloutState, rec: Recommendation | null, statuses: string, override: Override | null, overdue: OverdueState = NOT_OVERDUE
): GateView {
  if (override !== null && state !== 'cancelled') {
    const open = override.recommendation === 'GO'
    return { open, final: true, recommendation: override.recommendation, reason: `${override.recommendation} by override of ${override.by}: ${override.reason}` }
  }
  const { open, reason } = gateOf(state, rec, statuses, overdue)
  return { open, final: state === 'decided', recommendation: rec, reason }
}
