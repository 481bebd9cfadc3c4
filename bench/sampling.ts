/**
 * Verdicts of scenarios whose agents sample, next to the same scenarios unsampled:
 *   npx tsx bench/sampling.ts
 * Prints one markdown table per style (bench/README.md, "Sampled agents").
 */
import {
  POOL_ADD_WINDOW, POWER_WINDOW, powerStyle, seedStyle, verdictsOf, type Sampling, type Verdicts
} from './sampling-scenarios.ts'
import type { Scenario } from '../src/sim/index.ts'

const settings: Array<[string, Sampling | undefined]> = [
  ['unsampled', undefined],
  ['500 txn / 20 err per min', { transactionEventsPerMinute: 500, errorEventsPerMinute: 20 }],
  ['20 txn / 20 err per min', { transactionEventsPerMinute: 20, errorEventsPerMinute: 20 }]
]

async function table (title: string, build: (s?: Sampling) => Scenario, window: { from: number, until: number }): Promise<void> {
  const runs: Verdicts[] = []
  for (const [, s] of settings) {
    const started = Date.now()
    runs.push(await verdictsOf(build(s), window))
    process.stderr.write(`${title}: ${Date.now() - started} ms\n`)
  }
  console.log(`\n### ${title}\n`)
  console.log(`| app | ${settings.map(([name]) => name).join(' | ')} |`)
  console.log(`|---|${settings.map(() => '---').join('|')}|`)
  for (const app of Object.keys(runs[0].verdicts)) {
    const cells = runs.map(r => r.verdicts[app] === runs[0].verdicts[app] ? r.verdicts[app] : `**${r.verdicts[app]}**`)
    console.log(`| ${app} | ${cells.join(' | ')} |`)
  }
  console.log(`| recommendation | ${runs.map(r => r.recommendation).join(' | ')} |`)
}

await table('seed-style: pool-add, its 4 busiest apps sampled', seedStyle, POOL_ADD_WINDOW)
await table('power-style: 7 apps at 4,000 rpm, all sampled', powerStyle, POWER_WINDOW)
