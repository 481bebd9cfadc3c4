/**
 * Error rates of the judge on synthetic rollouts (bench/judge-gen.ts), side by side with a
 * Kayenta-style judge (bench/judge-kayenta.ts) on the same data. Pool: 4 existing hosts
 * + 1 canary, 6 hourly looks carrying EvidenceState, as in production.
 *
 *   npx tsx bench/judge-sim.ts [--clean 1000] [--seeds 300] [--only NAME]
 */
import { parseArgs } from 'node:util'
import { judge, type EvidenceState } from '../src/judge/index.ts'
import type { Status } from '../src/schemas/common.ts'
import { appPopulation, simulateRollout, type AppModel, type CanaryEffect } from './judge-gen.ts'
import { kayentaJudge } from './judge-kayenta.ts'
import { Rng } from './judge-rng.ts'

const { values } = parseArgs({
  options: { clean: { type: 'string', default: '1000' }, seeds: { type: 'string', default: '300' }, only: { type: 'string' } }
})
const nClean = Number(values.clean)
const nSeeds = Number(values.seeds)

interface LookOutcome { recommendation: string, verdicts: Map<string, Status>, failing: string[], kayentaFail: Set<string> }

/** Runs one rollout through both judges, look by look. */
function run (apps: AppModel[], effects: Record<string, CanaryEffect>, seed: number, seriesFor?: string): LookOutcome[] {
  // Series only for the app under test keeps big detection runs fast; the others still count in Holm.
  const looks = simulateRollout({ seed, apps, effects, series: seriesFor === undefined ? true : [seriesFor] })
  let evidence: EvidenceState | undefined
  return looks.map(data => {
    const out = judge({ data, apps: apps.map(a => ({ name: a.name })), asOf: data.until, evidence })
    evidence = out.evidence
    const failing = out.result.apps.filter(a => ['FAIL', 'NO_DATA'].includes(a.verdict))
      .flatMap(a => a.metrics.filter(m => m.status === a.verdict).map(m => `${m.metric}`))
    return {
      recommendation: out.result.recommendation,
      verdicts: new Map(out.result.apps.map(a => [a.app, a.verdict])),
      failing,
      kayentaFail: new Set(kayentaJudge(data).filter(k => k.fail).map(k => k.app))
    }
  })
}

function pct (k: number, n: number): string {
  return `${(100 * k / n).toFixed(1)}%`
}

const rows: string[] = []
const inconclusiveTable: string[] = []
const started = performance.now()

// False alarms: clean rollouts of 25 apps.
if (values.only === undefined || values.only === 'clean') {
  let gonogo = 0
  let kayenta = 0
  let warnApps = 0
  let inconclusiveApps = 0
  const causes = new Map<string, number>()
  // How long apps stay INCONCLUSIVE, by traffic: [bucket][look] -> [inconclusive, apps].
  const buckets = [[5, 20], [20, 50], [50, 200], [200, 1000], [1000, 3001]]
  const slow = buckets.map(() => Array.from({ length: 6 }, () => [0, 0]))
  for (let i = 0; i < nClean; i++) {
    const apps = appPopulation(new Rng(10_000 + i), 25)
    const looks = run(apps, {}, 20_000 + i)
    for (const a of apps) {
      const b = buckets.findIndex(([lo, hi]) => a.rpm >= lo && a.rpm < hi)
      looks.forEach((l, t) => { slow[b][t][1]++; if (l.verdicts.get(a.name) === 'INCONCLUSIVE') slow[b][t][0]++ })
    }
    if (looks.some(l => l.recommendation === 'NO_GO')) {
      gonogo++
      for (const c of new Set(looks.flatMap(l => l.failing))) causes.set(c, (causes.get(c) ?? 0) + 1)
    }
    if (looks.some(l => l.kayentaFail.size > 0)) kayenta++
    const last = looks[looks.length - 1]
    warnApps += [...last.verdicts.values()].filter(v => v === 'WARN').length
    inconclusiveApps += [...last.verdicts.values()].filter(v => v === 'INCONCLUSIVE').length
    if ((i + 1) % 100 === 0) {
      console.error(`clean ${i + 1}/${nClean}: gonogo ${gonogo}, kayenta ${kayenta} ` +
        `(${((performance.now() - started) / 1000).toFixed(0)} s)`)
    }
  }
  rows.push(`| False alarms: clean 25-app rollout called NO_GO at any of 6 looks (${nClean} rollouts) | <= 5% | ` +
    `${pct(gonogo, nClean)} | ${pct(kayenta, nClean)} |`)
  console.error(`false NO_GO causes: ${JSON.stringify(Object.fromEntries(causes))}`)
  console.error(`at look 6, per clean rollout: ${(warnApps / nClean).toFixed(2)} WARN apps, ` +
    `${(inconclusiveApps / nClean).toFixed(2)} INCONCLUSIVE apps of 25`)
  inconclusiveTable.push(
    '| App traffic (rpm, whole pool) | look 1 | look 2 | look 3 | look 4 | look 5 | look 6 |', '| --- | --- | --- | --- | --- | --- | --- |'
  )
  buckets.forEach(([lo, hi], b) =>
    inconclusiveTable.push(`| ${lo}-${hi === 3001 ? 3000 : hi} | ${slow[b].map(([k, n]) => pct(k, n)).join(' | ')} |`))
}

interface Scenario { name: string, rpm: number, effect: CanaryEffect, byLook: number, want: Status[], target: number }
const scenarios: Scenario[] = [
  {
    name: '2x error rate at 200 rpm, FAIL by look 2', rpm: 200, effect: { errorRateMultiplier: 2 }, byLook: 2, want: ['FAIL'], target: 0.95
  },
  { name: '2x error rate at 50 rpm, FAIL by look 6', rpm: 50, effect: { errorRateMultiplier: 2 }, byLook: 6, want: ['FAIL'], target: 0.6 },
  {
    name: 'p95 +25% (latencyMultiplier 1.25) at 200 rpm, FAIL by look 1',
    rpm: 200,
    effect: { latencyMultiplier: 1.25 },
    byLook: 1,
    want: ['FAIL'],
    target: 0.95
  },
  {
    name: 'p95 +10% at 1,000 rpm, WARN or FAIL by look 2',
    rpm: 1000,
    effect: { latencyMultiplier: 1.1 },
    byLook: 2,
    want: ['WARN', 'FAIL'],
    target: 0.9
  },
  {
    name: 'new error class 5x/hour on the canary (200 rpm), FAIL by look 1',
    rpm: 200,
    effect: { newErrorsPerHour: { 'System.IO.DirectoryNotFoundException': 5 } },
    byLook: 1,
    want: ['FAIL'],
    target: 0.95
  },
  {
    name: 'silent canary (agent not reporting, 200 rpm), NO_DATA by look 1',
    rpm: 200,
    effect: { reporting: false },
    byLook: 1,
    want: ['NO_DATA'],
    target: 1
  }
]
const target = (rpm: number): AppModel => ({
  name: 'Target.Service',
  rpm,
  errorRate: 0.01,
  classes: { 'System.TimeoutException': 0.7, 'System.Net.WebException': 0.3 },
  medianMs: 200,
  sigma: 0.6
})

for (const sc of scenarios) {
  if (values.only !== undefined && !sc.name.startsWith(values.only)) continue
  for (const setting of ['alone', 'among 25'] as const) {
    let hit = 0
    let khit = 0
    for (let i = 0; i < nSeeds; i++) {
      const app = target(sc.rpm)
      const apps = setting === 'alone' ? [app] : [app, ...appPopulation(new Rng(30_000 + i), 25).slice(1)]
      const looks = run(apps, { [app.name]: sc.effect }, 40_000 + i, app.name).slice(0, sc.byLook)
      if (looks.some(l => sc.want.includes(l.verdicts.get(app.name) as Status))) hit++
      if (looks.some(l => l.kayentaFail.has(app.name))) khit++
    }
    rows.push(`| ${sc.name}, ${setting === 'alone' ? 'the app alone' : 'among 24 clean apps (Holm over 50 tests)'} (${nSeeds} seeds) | ` +
      `>= ${sc.target * 100}% | ${pct(hit, nSeeds)} | ${pct(khit, nSeeds)} |`)
    console.error(`${sc.name} [${setting}]: gonogo ${pct(hit, nSeeds)}, kayenta ${pct(khit, nSeeds)} ` +
      `(${((performance.now() - started) / 1000).toFixed(0)} s)`)
  }
}

console.log('| Row | Target | gonogo | Kayenta-style |')
console.log('| --- | --- | --- | --- |')
for (const r of rows) console.log(r)
console.log('\nbase error rate 1%, sigma 0.6, median 200 ms for detection rows; ' +
  `${((performance.now() - started) / 1000).toFixed(0)} s in all`)
if (inconclusiveTable.length > 0) {
  console.log('\nShare of clean apps INCONCLUSIVE at each look, by traffic:\n')
  for (const r of inconclusiveTable) console.log(r)
}
