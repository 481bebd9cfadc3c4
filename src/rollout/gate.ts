/**
 * The deployment gate: open only on a GO that is current.
 */
import type { RolloutState } from '../schemas/rollout.ts'
import { newestFailed } from './statuses.ts'

/**
 * The gate opens only on a GO that is current: not once the rollout is cancelled (its
 * last GO is history), and not when the newest planned checkpoint failed (the GO is from
 * before it, on data older than the deploy tool thinks).
 */
export function gateOf (state: RolloutState, rec: string | null, statuses: string): { open: boolean, reason: string } {
  if (state === 'cancelled') return { open: false, reason: 'the rollout was cancelled' }
  if (rec === null) return { open: false, reason: 'no checkpoint has succeeded yet' }
  if (rec !== 'GO') return { open: false, reason: `the recommendation is ${rec}` }
  if (newestFailed(statuses)) return { open: false, reason: 'the newest checkpoint failed: the GO is from an earlier one' }
  return { open: true, reason: state === 'decided' ? 'final GO' : 'GO so far; not final until the decision' }
}
