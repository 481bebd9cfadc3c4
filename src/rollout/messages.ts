import type { CheckpointResult } from '../schemas/result.ts'
import type { CheckpointKind } from '../schemas/rollout.ts'
import type { RolloutSpec } from './types.ts'
import { formatLocal } from './timezone.ts'

/** "checkpoint 3 of 5" / "the decision" / "a manual checkpoint", for messages and logs. */
export function checkpointLabel (spec: RolloutSpec, index: number, kind: CheckpointKind): string {
  if (kind === 'decision') return 'the decision'
  if (kind === 'manual') return 'a manual checkpoint'
  return `checkpoint ${index + 1} of ${spec.planLength - 1}`
}

/** One line for people about a successful result: "checkpoint 2 of 5 at 2026-11-25T12:00:00+05:30: NO_GO (1 FAIL, 1 NO_DATA, 4 PASS of 6 apps)". */
export function describeResult (spec: RolloutSpec, index: number, kind: CheckpointKind, at: number, result: CheckpointResult): string {
  const counts = Object.entries(result.summary)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([status, n]) => `${n} ${status}`)
  const apps = result.apps.length
  return `${checkpointLabel(spec, index, kind)} at ${formatLocal(at, spec.timezone)}: ${result.recommendation}` +
    (counts.length > 0 ? ` (${counts.join(', ')} of ${apps} app${apps === 1 ? '' : 's'})` : '')
}

/** One line for a decision that could not read its data. */
export function describeFailedDecision (spec: RolloutSpec, at: number, error: string, previous: CheckpointResult | null): string {
  const before = previous === null
    ? 'no earlier checkpoint succeeded'
    : `the last successful checkpoint said ${previous.recommendation}`
  return `the decision at ${formatLocal(at, spec.timezone)} could not read New Relic data (${error}); INCONCLUSIVE, never GO on data that was not read; ${before}`
}
