/**
 * Why the e-process's prior over rate ratios looks the way it does: power of the default
 * grid against a flat grid over 1.1-10 (the obvious choice) and a denser flat grid, on the
 * error-rate increments alone, at the Holm level of the first-ranked test in a family of
 * m tests (alpha / m): m = 2 is one app, m = 50 is 25 apps.
 *
 *   npx tsx bench/judge-prior.ts [--seeds 4000]
 */
import { parseArgs } from 'node:util'
import { DEFAULT_GRID, DEFAULT_WEIGHTS, newEProcess, updateEProcess, type RateCounts } from '../src/judge/stats/e-process.ts'
import { Rng } from './judge-rng.ts'

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '4000' } } })
const seeds = Number(values.seeds)
const flat = (g: number[]): [number[], number[]] => [g, g.map(() => 1 / g.length)]
const priors: Record<string, [number[], number[]]> = {
  default: [DEFAULT_GRID, DEFAULT_WEIGHTS],
  'flat 1.1-10': flat([1.1, 1.25, 1.5, 2, 3, 5, 10]),
  'flat dense 1.1-20': flat([1.1, 1.2, 1.35, 1.5, 1.75, 2, 2.5, 3, 4, 6, 10, 20])
}

function power (grid: number[], weights: number[], rpm: number, rate: number, ratio: number, looks: number, m: number): number {
  const rng = new Rng(999)
  let hit = 0
  for (let i = 0; i < seeds; i++) {
    let s = newEProcess(grid, weights)
    const c: RateCounts = { canaryN: 0, canaryX: 0, baselineN: 0, baselineX: 0 }
    for (let t = 0; t < looks; t++) {
      const nc = rng.poisson(rpm * 60 / 5)
      const nb = rng.poisson(rpm * 60 * 4 / 5)
      c.canaryN += nc; c.baselineN += nb
      c.canaryX += rng.binomial(nc, Math.min(1, rate * ratio)); c.baselineX += rng.binomial(nb, rate)
      s = updateEProcess(s, { ...c }).state
    }
    if (s.maxLogE >= Math.log(m / 0.05)) hit++
  }
  return hit / seeds
}

const rows: Array<[string, number, number, number, number, number]> = [
  ['2x errors, 200 rpm, by look 2', 200, 0.01, 2, 2, 0],
  ['2x errors, 50 rpm, by look 6', 50, 0.01, 2, 6, 0],
  ['3x errors, 20 rpm, by look 6', 20, 0.01, 3, 6, 0],
  ['1.5x errors, 1,000 rpm, by look 2', 1000, 0.01, 1.5, 2, 0],
  ['no change, 200 rpm, 6 looks (false alarm)', 200, 0.01, 1, 6, 0]
]
console.log(`| Scenario (1% base error rate, canary 1/5 of traffic, ${seeds} seeds) | m | ${Object.keys(priors).join(' | ')} |`)
console.log(`| --- | --- |${Object.keys(priors).map(() => ' --- |').join('')}`)
for (const m of [2, 50]) {
  for (const [name, rpm, rate, ratio, looks] of rows) {
    const cells = Object.values(priors).map(([g, w]) => `${(100 * power(g, w, rpm, rate, ratio, looks, m)).toFixed(1)}%`)
    console.log(`| ${name} | ${m} | ${cells.join(' | ')} |`)
  }
}
