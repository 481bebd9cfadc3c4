import t from 'tap'
import type { Scenario, ScenarioApp } from '../../src/sim/index.ts'
import { nrql, startSim } from './helpers.ts'

const app = (name: string, newErrors: Record<string, number>): ScenarioApp => ({
  name,
  throughputRpm: 1000,
  latency: { medianMs: 100, sigma: 0.5 },
  errorRate: 0.3,
  errors: { Base: 1 },
  hosts: [{ name: 'h' }],
  effects: [{ host: 'h', newErrors }]
})

const SCENARIO: Scenario = {
  name: 'overlapping error sources',
  accountId: 5,
  seed: 99,
  from: '2026-05-01T00:00:00Z',
  until: '2026-05-01T01:00:00Z',
  // The same sources with the newErrors keys in both orders.
  apps: [app('xy', { X: 0.3, Y: 0.3 }), app('yx', { Y: 0.3, X: 0.3 })]
}

t.test('when several error sources fire, the class is chosen among them uniformly, whatever the key order', async t => {
  const sim = await startSim(t, { scenario: SCENARIO, now: () => Date.parse(SCENARIO.until) })
  // Three independent sources of probability 0.3: a class is chosen with probability
  // 0.3 x E[1 / (1 + others fired)] = 0.3 x (0.49 + 0.42 / 2 + 0.09 / 3) = 0.219.
  const share = 0.219
  for (const name of ['xy', 'yx']) {
    const [{ count, errors }] = await nrql(sim,
      `SELECT count(*), filter(count(*), WHERE error IS TRUE) AS errors FROM Transaction WHERE appName = '${name}'`, 5)
    const classes = await nrql(sim, `SELECT count(*) FROM TransactionError WHERE appName = '${name}' FACET error.class`, 5)
    t.equal(classes.reduce((s, r) => s + r.count, 0), errors, `${name}: one TransactionError per error transaction`)
    const pAny = 1 - 0.7 ** 3
    t.ok(Math.abs(errors / count - pAny) <= 4 * Math.sqrt(pAny * (1 - pAny) / count), `${name}: error rate ${errors / count} vs ${pAny}`)
    for (const cls of ['Base', 'X', 'Y']) {
      const n = classes.find(r => r.facet === cls)?.count ?? 0
      const se = Math.sqrt(share * (1 - share) / count)
      t.ok(Math.abs(n / count - share) <= 4 * se, `${name}: ${cls} ${(n / count).toFixed(4)} of transactions vs ${share}`)
    }
  }
})
