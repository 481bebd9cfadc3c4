/**
 * The pool the scale benchmarks judge: `names.length` apps from 10 to 800 rpm (spread over the
 * list), 150 ms median latency, 1% errors in two classes, 4 existing hosts and PRDIIS09 joining
 * at `joinsAt`. One definition, so checkpoint-scale.ts and analysis-e2e.ts measure the same fleet.
 */
import type { Scenario } from '../src/sim/index.ts'

export interface ScaleScenario {
  name: string
  accountId: number
  seed: number
  names: string[]
  /** Epoch ms. */
  from: number
  until: number
  joinsAt: number
}

export function scaleScenario (o: ScaleScenario): Scenario {
  const n = o.names.length
  return {
    name: o.name,
    accountId: o.accountId,
    seed: o.seed,
    from: new Date(o.from).toISOString(),
    until: new Date(o.until).toISOString(),
    apps: o.names.map((name, i) => ({
      name,
      throughputRpm: 10 + Math.round(790 * ((i * 37) % n) / Math.max(1, n - 1)),
      latency: { medianMs: 150, sigma: 0.6 },
      errorRate: 0.01,
      errors: { 'System.Net.WebException': 0.7, 'System.TimeoutException': 0.3 },
      hosts: [
        { name: 'PRDIIS01' }, { name: 'PRDIIS02' }, { name: 'PRDIIS03' }, { name: 'PRDIIS04' },
        { name: 'PRDIIS09', joins: new Date(o.joinsAt).toISOString() }
      ]
    }))
  }
}
