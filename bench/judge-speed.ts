/**
 * How fast is the judge? 1,000 apps x 5 checks over 6 hours of per-minute data (4 existing
 * hosts + 1 canary: 1,800 series points per app), judged in one checkpoint that continues
 * the evidence of the previous one. Target: <= 1 s on the 2-core dev machine.
 *
 *   npx tsx bench/judge-speed.ts [--apps 1000] [--reps 7]
 */
import { parseArgs } from 'node:util'
import { judge } from '../src/judge/index.ts'
import type { CheckpointData } from '../src/judge/input.ts'
import { appPopulation, simulateRollout } from './judge-gen.ts'
import { Rng } from './judge-rng.ts'

const { values } = parseArgs({ options: { apps: { type: 'string', default: '1000' }, reps: { type: 'string', default: '7' } } })
const nApps = Number(values.apps)
const reps = Number(values.reps)

const t0 = performance.now()
const apps = appPopulation(new Rng(2025), nApps)
const looks = simulateRollout({ seed: 1, apps, hours: 6 })
const data = looks[5]
const genMs = performance.now() - t0
const specs = apps.map(a => ({ name: a.name }))
const evidence = judge({ data: looks[4], apps: specs, asOf: looks[4].until }).evidence
const points = data.apps.reduce((a, app) => a + app.window.series.length, 0)

/** The least any judge must do: touch every host row, series point and error class once. */
function trivial (d: CheckpointData): number {
  let acc = 0
  for (const app of d.apps) {
    for (const h of app.window.hosts) acc += h.count + h.errors
    for (const p of app.window.series) acc += p.count + p.errors + (p.p95S ?? 0)
    for (const c of app.window.errorClasses) acc += c.count
    for (const c of app.pre.errorClasses) acc += c.count
  }
  return acc
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const judgeMs: number[] = []
const trivialMs: number[] = []
let sink = 0
for (let r = 0; r < reps; r++) {
  let s = performance.now()
  const out = judge({ data, apps: specs, asOf: data.until, evidence })
  judgeMs.push(performance.now() - s)
  sink += out.result.apps.length
  s = performance.now()
  sink += trivial(data)
  trivialMs.push(performance.now() - s)
}
const j = median(judgeMs)
const b = median(trivialMs)
console.log(`judge-speed: ${nApps} apps x 5 checks, 6 h of per-minute data (${points.toLocaleString('en-US')} series points), ` +
  `generated in ${(genMs / 1000).toFixed(1)} s`)
console.log(`judge():        median ${j.toFixed(0)} ms over ${reps} runs (min ${Math.min(...judgeMs).toFixed(0)}, ` +
  `max ${Math.max(...judgeMs).toFixed(0)})  target <= 1000 ms: ${j <= 1000 ? 'met' : 'MISSED'}`)
console.log(`trivial loop:   median ${b.toFixed(1)} ms  (judge / trivial = ${(j / b).toFixed(0)}x)`)
if (sink === 0) console.log('')
