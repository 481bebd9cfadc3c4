/** The sequential test: unit behaviour and a seeded simulation of its error rates. */
import t from 'tap'
import {
  anytimeP, incrementLogLR, logMixture, newEProcess, updateEProcess, DEFAULT_GRID, DEFAULT_WEIGHTS, type RateCounts
} from '../../src/judge/stats/e-process.ts'
import { Rng } from '../../bench/judge-rng.ts'

t.test('weights sum to 1 and the grid only holds alternatives above 1', async t => {
  t.ok(Math.abs(DEFAULT_WEIGHTS.reduce((a, b) => a + b, 0) - 1) < 1e-12)
  t.ok(DEFAULT_GRID.every(l => l > 1))
  t.equal(DEFAULT_GRID.length, DEFAULT_WEIGHTS.length)
})

t.test('no information gives no evidence', async t => {
  t.same(incrementLogLR([2], { canaryN: 0, canaryX: 0, baselineN: 100, baselineX: 5 }), [0], 'no canary traffic')
  t.same(incrementLogLR([2], { canaryN: 100, canaryX: 0, baselineN: 0, baselineX: 0 }), [0], 'no baseline traffic')
  t.same(incrementLogLR([2], { canaryN: 100, canaryX: 0, baselineN: 100, baselineX: 0 }), [0], 'no events')
  const s = newEProcess()
  t.equal(anytimeP(s), 1)
  t.equal(logMixture([0.5, 0.5], [-Infinity, -Infinity]), -Infinity)
})

t.test('evidence accumulates over increments and the running max never falls', async t => {
  let s = newEProcess()
  const cum: RateCounts = { canaryN: 0, canaryX: 0, baselineN: 0, baselineX: 0 }
  const ps: number[] = []
  for (let look = 0; look < 4; look++) {
    cum.canaryN += 2400; cum.canaryX += 60; cum.baselineN += 9600; cum.baselineX += 96
    s = updateEProcess(s, { ...cum }).state
    ps.push(anytimeP(s))
  }
  t.ok(ps.every((p, i) => i === 0 || p <= ps[i - 1]), `anytime p non-increasing: ${ps.join(', ')}`)
  t.ok(ps[3] < 1e-6)
  // Then the canary behaves: E falls, the running max (and so p) stays.
  for (let look = 0; look < 3; look++) {
    cum.canaryN += 2400; cum.canaryX += 0; cum.baselineN += 9600; cum.baselineX += 96
    s = updateEProcess(s, { ...cum }).state
  }
  t.equal(anytimeP(s), ps[3])
})

t.test('an increment equals the sum of its parts when p0 is the same', async t => {
  const a = updateEProcess(newEProcess(), { canaryN: 1000, canaryX: 20, baselineN: 4000, baselineX: 40 })
  const b = updateEProcess(a.state, { canaryN: 2000, canaryX: 50, baselineN: 8000, baselineX: 90 })
  const whole = updateEProcess(newEProcess(), { canaryN: 2000, canaryX: 50, baselineN: 8000, baselineX: 90 })
  // Not equal in general (the conditional likelihoods differ), but both finite and close here.
  t.ok(Math.abs(b.state.logLR[3] - whole.state.logLR[3]) < 1, 'same order of evidence')
  t.same(b.increment, { canaryN: 1000, canaryX: 30, baselineN: 4000, baselineX: 50 })
})

t.test('counts that go backwards give no evidence and reset the reference', async t => {
  const a = updateEProcess(newEProcess(), { canaryN: 1000, canaryX: 30, baselineN: 4000, baselineX: 40 })
  const b = updateEProcess(a.state, { canaryN: 900, canaryX: 30, baselineN: 4100, baselineX: 41 })
  t.same(b.state.logLR, a.state.logLR)
  t.same(b.state.last, { canaryN: 900, canaryX: 30, baselineN: 4100, baselineX: 41 })
  const c = updateEProcess(b.state, { canaryN: NaN, canaryX: -1, baselineN: Infinity, baselineX: 5 })
  t.ok(c.state.logLR.every(Number.isFinite), 'garbage in, no NaN out')
})

t.test('state survives a JSON round trip', async t => {
  const a = updateEProcess(newEProcess(), { canaryN: 1000, canaryX: 30, baselineN: 4000, baselineX: 40 })
  const copy = JSON.parse(JSON.stringify(a.state))
  const next = { canaryN: 2000, canaryX: 60, baselineN: 8000, baselineX: 80 }
  t.same(updateEProcess(copy, next).state, updateEProcess(a.state, next).state)
})

/** One rollout of `looks` hourly increments; returns the look of first rejection (0 if none). */
function rollout (rng: Rng, rpm: number, rate: number, ratio: number, looks: number, alpha: number): number {
  let s = newEProcess()
  const cum: RateCounts = { canaryN: 0, canaryX: 0, baselineN: 0, baselineX: 0 }
  for (let look = 1; look <= looks; look++) {
    // Hour-to-hour traffic and canary share vary, so every increment has its own p0.
    const share = 0.12 + 0.16 * rng.next()
    const nc = rng.poisson(rpm * 60 * share)
    const nb = rng.poisson(rpm * 60 * (1 - share))
    cum.canaryN += nc; cum.baselineN += nb
    cum.canaryX += rng.binomial(nc, Math.min(1, rate * ratio)); cum.baselineX += rng.binomial(nb, rate)
    s = updateEProcess(s, { ...cum }).state
    if (anytimeP(s) <= alpha) return look
  }
  return 0
}

t.test('simulation: false alarms over 6 looks stay under alpha (2,000 seeded runs per setting)', async t => {
  const rng = new Rng(42)
  for (const [rpm, rate] of [[200, 0.01], [50, 0.03], [3000, 0.001], [20, 0.2]] as const) {
    let alarms = 0
    for (let i = 0; i < 2000; i++) if (rollout(rng, rpm, rate, 1, 6, 0.05) > 0) alarms++
    // Ville: P(sup E >= 20) <= 0.05; allow binomial noise of the estimate (sd ~0.5%).
    t.ok(alarms / 2000 <= 0.05 + 0.01, `rpm ${rpm}, rate ${rate}: ${alarms / 20}% false alarms`)
  }
})

t.test('simulation: a 2x error rate at moderate traffic is detected', async t => {
  const rng = new Rng(7)
  let byLook2 = 0
  for (let i = 0; i < 500; i++) { const at = rollout(rng, 200, 0.01, 2, 2, 0.05 / 2); if (at > 0) byLook2++ }
  t.ok(byLook2 / 500 >= 0.9, `2x at 200 rpm by look 2 (alpha/2 as with Holm over 2 tests): ${byLook2 / 5}%`)
  let byLook6 = 0
  for (let i = 0; i < 500; i++) { const at = rollout(rng, 50, 0.01, 2, 6, 0.05 / 2); if (at > 0) byLook6++ }
  t.ok(byLook6 / 500 >= 0.6, `2x at 50 rpm by look 6: ${byLook6 / 5}%`)
})
