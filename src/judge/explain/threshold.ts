import type { ThresholdFacts } from '../threshold.ts'
import { formatSeconds } from './format.ts'

/** Why this look's slow counts do not feed the latency test, or null when they do. */
export function thresholdNote (facts: ThresholdFacts): string | null {
  switch (facts.kind) {
    case 'fixed': return null
    case 'mismatch':
      return `slow counts were taken against ${formatSeconds(facts.given)}, not this rollout's ${formatSeconds(facts.fixed)}: ` +
        'latency evidence not updated this checkpoint'
    case 'next':
      return facts.next !== null
        ? 'no slow-latency threshold yet: from the next checkpoint, ' +
          `transactions over ${formatSeconds(facts.next)} (baseline p95 now) count as slow`
        : 'no slow-latency threshold yet (no baseline p95)'
  }
}
