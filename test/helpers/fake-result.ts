import type { Recommendation } from '../../src/schemas/common.ts'
import type { CheckpointResult } from '../../src/schemas/result.ts'

/** A minimal valid checkpoint result, for tests that do not run the judge. */
export function fakeResult (recommendation: Recommendation, from: number, until: number): CheckpointResult {
  return {
    recommendation,
    reasons: [`fake ${recommendation}`],
    asOf: new Date(until).toISOString(),
    window: { from: new Date(from).toISOString(), until: new Date(until).toISOString() },
    summary: {
      PASS: recommendation === 'GO' ? 1 : 0,
      WARN: 0,
      FAIL: recommendation === 'NO_GO' ? 1 : 0,
      NO_DATA: 0,
      INCONCLUSIVE: recommendation === 'INCONCLUSIVE' ? 1 : 0
    },
    apps: []
  }
}
