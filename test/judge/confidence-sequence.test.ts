/** The confidence sequence: coverage over repeated looks, agreement with the decision's p-value, no widening. */
import t from 'tap'
import { confidenceSequence } from '../../src/judge/stats/confidence-sequence.ts'
import { DEFAULT_GRID, DEFAULT_WEIGHTS, anytimeP, newEProcess, updateEProcess, type RateCounts } from '../../src/judge/stats/e-process.ts'
import { Rng } from '../../bench/judge-rng.ts'

const ALPHA = 0.05

/** Six hourly looks of a canary at 1/5 of the traffic, its rate `ratio` x the baseline's. */
function looks (rng: Rng, ratio: number, rpm: number, baseRate: number): RateCounts[] {
  const steps: RateCounts[] = []
  for (let h = 0; h < 6; h++) {
    const canaryN = rng.poisson(rpm / 5 * 60)
    const baselineN = rng.poisson(rpm * 4 / 5 * 60)
    steps.push({
      canaryN, canaryX: rng.binomial(canaryN, Math.min(1, baseRate * ratio)), baselineN, baselineX: rng.binomial(baselineN, baseRate)
    })
  }
  return steps
}

t.test('each end holds at every one of six looks at once in >= 95% of rollouts', async t => {
  const rng = new Rng(7)
  const n = 300
  for (const ratio of [1, 2]) {
    let lowMissed = 0
    let highMissed = 0
    for (let i = 0; i < n; i++) {
      const steps = looks(rng, ratio, 300, 0.01)
      let lowOk = true
      let highOk = true
      for (let k = 1; k <= steps.length; k++) {
        const cs = confidenceSequence(steps.slice(0, k), DEFAULT_GRID, DEFAULT_WEIGHTS, ALPHA)
        if (cs.low > ratio) lowOk = false
        if (cs.high !== null && cs.high < ratio) highOk = false
      }
      if (!lowOk) lowMissed++
      if (!highOk) highMissed++
    }
    t.ok(lowMissed / n <= ALPHA, `ratio ${ratio}: low end above the truth at some look in ${lowMissed} of ${n}`)
    t.ok(highMissed / n <= ALPHA, `ratio ${ratio}: high end below the truth at some look in ${highMissed} of ${n}`)
  }
})

t.test('a rejected test always shows a low end above 1, and an unrejected one never does', async t => {
  const rng = new Rng(11)
  let rejected = 0
  for (let i = 0; i < 400; i++) {
    const ratio = [1, 1.3, 1.6, 2, 3][i % 5]
    const steps = looks(rng, ratio, 40 + (i % 7) * 60, 0.02)
    let state = newEProcess()
    const cumulative = { canaryN: 0, canaryX: 0, baselineN: 0, baselineX: 0 }
    for (const s of steps) {
      cumulative.canaryN += s.canaryN
      cumulative.canaryX += s.canaryX
      cumulative.baselineN += s.baselineN
      cumulative.baselineX += s.baselineX
      state = updateEProcess(state, { ...cumulative }).state
      const cs = confidenceSequence(state.steps ?? [], state.grid, state.weights, ALPHA)
      const p = anytimeP(state)
      if (p <= ALPHA) {
        rejected++
        if (!(cs.low > 1)) t.fail(`p=${p} but the low end is ${cs.low}`)
      } else if (cs.low > 1 + 1e-9) {
        t.fail(`p=${p} yet the low end is ${cs.low}`)
      }
    }
  }
  t.ok(rejected > 100, `the cases include rejections (${rejected} looks)`)
})

t.test('the sequence never widens from one look to the next', async t => {
  const rng = new Rng(5)
  for (let i = 0; i < 50; i++) {
    const steps = looks(rng, 1 + (i % 4) * 0.4, 200, 0.01)
    let prev = confidenceSequence(steps.slice(0, 1), DEFAULT_GRID, DEFAULT_WEIGHTS, ALPHA)
    for (let k = 2; k <= steps.length; k++) {
      const cs = confidenceSequence(steps.slice(0, k), DEFAULT_GRID, DEFAULT_WEIGHTS, ALPHA)
      t.ok(cs.low >= prev.low - 1e-9, `low ${cs.low} after ${prev.low}`)
      if (prev.high !== null) t.ok(cs.high !== null && cs.high <= prev.high + 1e-9, `high ${cs.high} after ${prev.high}`)
      prev = cs
    }
  }
})

t.test('without events or traffic the sequence says nothing', async t => {
  t.same(confidenceSequence([], DEFAULT_GRID, DEFAULT_WEIGHTS, ALPHA), { low: 0, high: null })
  t.same(confidenceSequence([{ canaryN: 100, canaryX: 0, baselineN: 400, baselineX: 0 }], DEFAULT_GRID, DEFAULT_WEIGHTS, ALPHA),
    { low: 0, high: null })
  const noBaselineErrors = confidenceSequence(
    [{ canaryN: 5000, canaryX: 60, baselineN: 20000, baselineX: 0 }], DEFAULT_GRID, DEFAULT_WEIGHTS, ALPHA
  )
  t.ok(noBaselineErrors.low > 1 && noBaselineErrors.high === null, 'errors only on the canary: bounded below, not above')
})
