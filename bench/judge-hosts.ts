/**
 * The judge on the pools of issue 11, beside the Kayenta-style judge on the same data: several
 * new hosts (one bad host among three, or a fleet-wide fault), a sick existing host in front of
 * the canary, a new host that joins late, and policy.earlyDecision (how often and how early GO
 * and NO_GO come, how often they are wrong). Data from bench/judge-gen.ts, 6 hourly looks
 * carrying EvidenceState.
 *
 *   npx tsx bench/judge-hosts.ts [--clean 1000] [--seeds 300]
 *     [--only multi|multi-clean|warn-fleet|sick|sick-clean|stagger|stagger-clean|early|early-clean]
 *     [--setting alone|among] [--rows TEXT]
 */
import { parseArgs } from 'node:util'
import { judge, type EvidenceState } from '../src/judge/index.ts'
import type { Recommendation, Status } from '../src/schemas/common.ts'
import { appPopulation, simulateRollout, type AppModel, type CanaryEffect } from './judge-gen.ts'
import { kayentaJudge } from './judge-kayenta.ts'
import { Rng } from './judge-rng.ts'

const { values } = parseArgs({
  options: {
    clean: { type: 'string', default: '1000' },
    seeds: { type: 'string', default: '300' },
    only: { type: 'string' },
    /** Detection rows for one setting only (alone is fast, among 25 slow: separate processes on a loaded machine). */
    setting: { type: 'string' },
    /** Detection rows whose name contains this. */
    rows: { type: 'string' }
  }
})
const nClean = Number(values.clean)
const nSeeds = Number(values.seeds)
const part = (name: string): boolean => values.only === undefined || values.only === name
const settings = (['alone', 'among 25'] as const).filter(s => values.setting === undefined || values.setting === s.split(' ')[0])

const NEW3 = ['PRDWEB2025A', 'PRDWEB2025B', 'PRDWEB2025C']
const BAD = 'PRDWEB2025B'
const SICK = 'PRDIIS02'
const LOOKS = 6

interface Pool {
  canaryHosts?: string[]
  /** What is wrong with one host, for every app of the rollout (a host is sick for all its apps). */
  hostEffect?: Record<string, CanaryEffect>
  /** ...or for the target app only (a one-machine fault that one app's code path meets). */
  targetHostEffect?: Record<string, CanaryEffect>
  joinMinute?: Record<string, number>
}

interface Look {
  recommendation: Recommendation
  verdicts: Map<string, Status>
  /** Each app's reasons and its checks' details, in one string (to find a host's name in). */
  text: Map<string, string>
  findings: string[]
  failing: string[]
  kayentaFail: Set<string>
  early: Recommendation | null
}

interface RunOptions { pool: Pool, seriesFor?: string, early?: boolean, target?: string, kayenta?: boolean }

/** One rollout through both judges, look by look (with early decisions, the looks a rollout would go on to). */
function run (apps: AppModel[], effects: Record<string, CanaryEffect>, seed: number, o: RunOptions): Look[] {
  const hostEffects: Record<string, Record<string, CanaryEffect>> = {}
  for (const a of apps) {
    const own = { ...o.pool.hostEffect, ...(a.name === o.target ? o.pool.targetHostEffect : {}) }
    if (Object.keys(own).length > 0) hostEffects[a.name] = own
  }
  const looks = simulateRollout({
    seed,
    apps,
    effects,
    canaryHosts: o.pool.canaryHosts,
    hostEffects,
    joinMinute: o.pool.joinMinute,
    series: o.seriesFor === undefined ? true : [o.seriesFor]
  })
  let evidence: EvidenceState | undefined
  // Early NO_GO rests on critical apps only: with early decisions every app is critical (the worst case).
  const specs = apps.map(a => ({ name: a.name, ...(o.early === true ? { critical: true } : {}) }))
  return looks.map(data => {
    const out = judge({
      data,
      apps: specs,
      asOf: data.until,
      evidence,
      ...(o.early === true ? { policy: { earlyDecision: true }, looks: LOOKS } : {})
    })
    evidence = out.evidence
    const r = out.result
    return {
      recommendation: r.recommendation,
      verdicts: new Map(r.apps.map(a => [a.app, a.verdict])),
      text: new Map(r.apps.map(a => [a.app, [...a.reasons, ...a.metrics.map(m => m.detail)].join('\n')])),
      findings: (r.findings ?? []).map(f => f.text),
      failing: r.apps.filter(a => ['FAIL', 'NO_DATA'].includes(a.verdict))
        .flatMap(a => a.metrics.filter(m => m.status === a.verdict).map(m => m.metric)),
      kayentaFail: new Set(o.kayenta === false ? [] : kayentaJudge(data).filter(k => k.fail).map(k => k.app)),
      early: out.early?.recommendation ?? null
    }
  })
}

function pct (k: number, n: number): string {
  return n === 0 ? '-' : `${(100 * k / n).toFixed(1)}%`
}

const started = performance.now()
const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(0)} s`
// Rows print as they finish, so a run cut short on a loaded machine still leaves its finished rows.
const out = { push: (...lines: string[]): void => { for (const l of lines) console.log(l) } }
const section = (title: string, header: string): void => {
  out.push('', `### ${title}`, '', header, `| ${header.split('|').slice(1, -1).map(() => '---').join(' | ')} |`)
}

const target = (rpm: number): AppModel => ({
  name: 'Target.Service',
  rpm,
  errorRate: 0.01,
  classes: { 'System.TimeoutException': 0.7, 'System.Net.WebException': 0.3 },
  medianMs: 200,
  sigma: 0.6
})

/** Clean 25-app rollouts in a pool: false NO_GO at any look, Kayenta's, and how often a host is flagged. */
function clean (name: string, pool: Pool, flagged?: string, kayenta = true, nApps = 25): void {
  let noGo = 0
  let nKayenta = 0
  let flags = 0
  let warnApps = 0
  let warnAny = 0
  const causes = new Map<string, number>()
  for (let i = 0; i < nClean; i++) {
    const apps = appPopulation(new Rng(10_000 + i), nApps)
    const looks = run(apps, {}, 20_000 + i, { pool, kayenta })
    if (looks.some(l => l.recommendation === 'NO_GO')) {
      noGo++
      for (const c of new Set(looks.flatMap(l => l.failing))) causes.set(c, (causes.get(c) ?? 0) + 1)
    }
    if (looks.some(l => l.kayentaFail.size > 0)) nKayenta++
    if (flagged !== undefined && looks.some(l => l.findings.some(f => f.includes(flagged)))) flags++
    warnApps += [...looks[LOOKS - 1].verdicts.values()].filter(v => v === 'WARN').length
    warnAny += new Set(looks.flatMap(l => [...l.verdicts].filter(([, v]) => v === 'WARN').map(([a]) => a))).size
    if ((i + 1) % 25 === 0) console.error(`${name}: ${i + 1}/${nClean}, NO_GO ${noGo}, kayenta ${nKayenta}, flags ${flags} (${elapsed()})`)
  }
  const k = kayenta ? `${pct(nKayenta, nClean)} (${nKayenta})` : 'not run'
  out.push(`| ${name} (${nClean} rollouts) | <= 2% | **${pct(noGo, nClean)}** (${noGo}) | ${k} | ` +
    `causes ${JSON.stringify(Object.fromEntries(causes))}; ${(warnApps / nClean).toFixed(2)} WARN apps at look 6 ` +
    `(${(warnAny / nClean).toFixed(2)} WARN at any look)` +
    `${flagged === undefined ? '' : `; ${flagged} flagged in ${pct(flags, nClean)}`} |`)
  console.error(`${name}: ${noGo}/${nClean} NO_GO, kayenta ${nKayenta} (${elapsed()})`)
}

interface Detect {
  name: string
  rpm: number
  effect?: CanaryEffect
  pool: Pool
  byLook: number
  want: Status[]
  target: string
  /** The host the reason must name, at the look that is FAIL. */
  named?: string
  /** The host a rollout-level finding must name, by byLook. */
  flagged?: string
}

/** A target app alone and among 24 clean apps: the share of seeds with a wanted verdict by a look. */
function detect (d: Detect): void {
  if (values.rows !== undefined && !d.name.includes(values.rows)) return
  for (const setting of settings) {
    let hit = 0
    let named = 0
    let khit = 0
    let flags = 0
    for (let i = 0; i < nSeeds; i++) {
      const app = target(d.rpm)
      const apps = setting === 'alone' ? [app] : [app, ...appPopulation(new Rng(30_000 + i), 25).slice(1)]
      const effects = d.effect === undefined ? {} : { [app.name]: d.effect }
      const looks = run(apps, effects, 40_000 + i, { pool: d.pool, seriesFor: app.name, target: app.name })
        .slice(0, d.byLook)
      const first = looks.find(l => d.want.includes(l.verdicts.get(app.name) as Status))
      if (first !== undefined) {
        hit++
        if (d.named !== undefined && (first.text.get(app.name) ?? '').includes(d.named)) named++
      }
      if (looks.some(l => l.kayentaFail.has(app.name))) khit++
      if (d.flagged !== undefined && looks.some(l => l.findings.some(f => f.includes(d.flagged as string)))) flags++
    }
    const notes = [
      ...(d.named === undefined ? [] : [`reason names ${d.named} in ${named} of ${hit}`]),
      ...(d.flagged === undefined ? [] : [`${d.flagged} flagged by look ${d.byLook} in ${pct(flags, nSeeds)} (${flags})`])
    ]
    out.push(`| ${d.name}, ${setting === 'alone' ? 'alone' : 'among 24 clean apps'} (${nSeeds} seeds) | ${d.target} | ` +
      `**${pct(hit, nSeeds)}** (${hit}) | ${pct(khit, nSeeds)} | ${notes.join('; ')} |`)
    console.error(`${d.name} [${setting}]: ${pct(hit, nSeeds)} ${notes.join('; ')} (${elapsed()})`)
  }
}

const HEADER = '| Row | Target | gonogo (count) | Kayenta-style | Notes |'
const three: Pool = { canaryHosts: NEW3 }
const SICK_ONES = [
  ['p95 x2', { latencyMultiplier: 2 }], ['p95 x1.6', { latencyMultiplier: 1.6 }], ['x3 error rate', { errorRateMultiplier: 3 }]
] as const

if (part('multi')) {
  section('Three new hosts (PRDWEB2025A-C) and 4 existing', HEADER)
  const oneBad = (effect: CanaryEffect): Pool => ({ ...three, targetHostEffect: { [BAD]: effect } })
  detect({
    name: 'x2 error rate on one host of three, 700 rpm, FAIL by look 2',
    rpm: 700,
    pool: oneBad({ errorRateMultiplier: 2 }),
    byLook: 2,
    want: ['FAIL'],
    target: '>= 95%',
    named: BAD
  })
  detect({
    name: 'x2 error rate on one host of three, 200 rpm, FAIL by look 2',
    rpm: 200,
    pool: oneBad({ errorRateMultiplier: 2 }),
    byLook: 2,
    want: ['FAIL'],
    target: '>= 95%',
    named: BAD
  })
  detect({
    name: 'x2 error rate on one host of three, 50 rpm, FAIL by look 6',
    rpm: 50,
    pool: oneBad({ errorRateMultiplier: 2 }),
    byLook: 6,
    want: ['FAIL'],
    target: '>= 60%',
    named: BAD
  })
  detect({
    name: 'p95 x1.5 on one host of three, 200 rpm, FAIL by look 1',
    rpm: 200,
    pool: oneBad({ latencyMultiplier: 1.5 }),
    byLook: 1,
    want: ['FAIL'],
    target: '>= 95%',
    named: BAD
  })
  detect({
    name: 'p95 +30% on one host of three, 200 rpm, FAIL by look 2',
    rpm: 200,
    pool: oneBad({ latencyMultiplier: 1.3 }),
    byLook: 2,
    want: ['FAIL'],
    target: '>= 95%',
    named: BAD
  })
  detect({
    name: 'x2 error rate on all three new hosts (fleet-wide), 200 rpm, FAIL by look 2',
    rpm: 200,
    effect: { errorRateMultiplier: 2 },
    pool: three,
    byLook: 2,
    want: ['FAIL'],
    target: '>= 95%'
  })
}

if (part('multi-clean')) {
  section('Clean 25-app rollouts with three new hosts', HEADER)
  clean('False alarms: clean 25-app rollout, 3 new hosts, NO_GO at any of 6 looks', three)
}

if (part('warn-fleet')) {
  // Issue 11: "a clean 120-app fleet with two new hosts shows at most 1 WARN app per 10 rollouts".
  section('Clean 120-app fleets with two new hosts: how many WARNs people see', HEADER)
  clean('Clean 120-app fleet, 2 new hosts, NO_GO at any of 6 looks', { canaryHosts: NEW3.slice(0, 2) }, undefined, false, 120)
}

if (part('sick')) {
  section(`A sick existing host (${SICK} of PRDIIS01-04, sick for every app, in the pre-window too) and one new host`, HEADER)
  for (const [label, sick] of SICK_ONES) {
    const pool: Pool = { hostEffect: { [SICK]: sick } }
    detect({
      name: `clean canary behind an existing host with ${label}, 200 rpm, FAIL at any of 6 looks`,
      rpm: 200,
      pool,
      byLook: 6,
      want: ['FAIL'],
      target: '<= 1%',
      flagged: SICK
    })
  }
  detect({
    name: 'p95 +25% canary behind an existing host with p95 x2, 200 rpm, FAIL by look 1',
    rpm: 200,
    effect: { latencyMultiplier: 1.25 },
    pool: { hostEffect: { [SICK]: { latencyMultiplier: 2 } } },
    byLook: 1,
    want: ['FAIL'],
    target: '>= 95%'
  })
  detect({
    name: 'p95 +25% canary behind an existing host with p95 x1.6, 200 rpm, FAIL by look 2',
    rpm: 200,
    effect: { latencyMultiplier: 1.25 },
    pool: { hostEffect: { [SICK]: { latencyMultiplier: 1.6 } } },
    byLook: 2,
    want: ['FAIL'],
    target: '>= 95%'
  })
  // The issue's row: an existing host with x4 errors in front of a x2 canary.
  for (const rpm of [200, 700]) {
    detect({
      name: `x2 error rate canary behind an existing host with x4 error rate, ${rpm} rpm, FAIL by look 2`,
      rpm,
      effect: { errorRateMultiplier: 2 },
      pool: { hostEffect: { [SICK]: { errorRateMultiplier: 4 } } },
      byLook: 2,
      want: ['FAIL'],
      target: '>= 95%',
      flagged: SICK
    })
  }
  detect({
    name: 'x2 error rate canary behind an existing host with x3 error rate, 200 rpm, FAIL by look 2',
    rpm: 200,
    effect: { errorRateMultiplier: 2 },
    pool: { hostEffect: { [SICK]: { errorRateMultiplier: 3 } } },
    byLook: 2,
    want: ['FAIL'],
    target: '>= 95%'
  })
}

if (part('sick-clean')) {
  section(`Clean 25-app rollouts behind a sick existing host (${SICK}, sick for every app)`, HEADER)
  for (const [label, sick] of SICK_ONES) {
    const name = `False alarms: clean 25-app rollout behind an existing host with ${label}, NO_GO at any of 6 looks`
    clean(name, { hostEffect: { [SICK]: sick } }, SICK, false)
  }
}

if (part('stagger')) {
  const late: Pool = { canaryHosts: NEW3, joinMinute: { PRDWEB2025C: 90 } }
  const lateBad = (effect: CanaryEffect): Pool => ({ ...late, targetHostEffect: { PRDWEB2025C: effect } })
  section('Staggered joins: PRDWEB2025C joins at minute 90 (2 of 3 new hosts from minute 0)', HEADER)
  detect({
    name: 'x2 error rate on the late host, 700 rpm, FAIL by look 3 (1.5 h of its own)',
    rpm: 700,
    pool: lateBad({ errorRateMultiplier: 2 }),
    byLook: 3,
    want: ['FAIL'],
    target: '>= 95%',
    named: 'PRDWEB2025C'
  })
  detect({
    name: 'p95 x1.5 on the late host, 200 rpm, FAIL by look 2 (30 min of its own)',
    rpm: 200,
    pool: lateBad({ latencyMultiplier: 1.5 }),
    byLook: 2,
    want: ['FAIL'],
    target: '>= 95%',
    named: 'PRDWEB2025C'
  })
}

if (part('stagger-clean')) {
  section('Clean 25-app rollouts with a new host joining at minute 90', HEADER)
  const late: Pool = { canaryHosts: NEW3, joinMinute: { PRDWEB2025C: 90 } }
  clean('False alarms: clean 25-app rollout, a new host joining at minute 90, NO_GO at any of 6 looks', late, undefined, false)
}

interface EarlyTally { n: number, earlyGo: number[], earlyNoGo: number[], scheduled: Map<string, number>, noGoLook: number[] }

/** Rollouts with policy.earlyDecision (every app critical): where they stop and what they decide. */
function early (
  apps: () => AppModel[], effects: (apps: AppModel[]) => Record<string, CanaryEffect>, n: number, seed: number, allSeries = false
): EarlyTally {
  const tally: EarlyTally = { n, earlyGo: Array(LOOKS).fill(0), earlyNoGo: Array(LOOKS).fill(0), scheduled: new Map(), noGoLook: [] }
  for (let i = 0; i < n; i++) {
    const as = apps()
    const looks = run(as, effects(as), seed + i, { pool: {}, early: true, kayenta: false, seriesFor: allSeries ? undefined : as[0].name })
    // The decision look decides anyway; only looks before it are early.
    const stop = looks.slice(0, LOOKS - 1).findIndex(l => l.early !== null)
    if (stop >= 0) (looks[stop].early === 'GO' ? tally.earlyGo : tally.earlyNoGo)[stop]++
    const rec = looks[LOOKS - 1].recommendation
    tally.scheduled.set(rec, (tally.scheduled.get(rec) ?? 0) + 1)
    const firstNoGo = looks.findIndex(l => l.recommendation === 'NO_GO')
    if (firstNoGo >= 0) tally.noGoLook.push(firstNoGo + 1)
  }
  return tally
}

function earlyRow (name: string, t: EarlyTally, regressed: boolean): void {
  const go = t.earlyGo.reduce((a, b) => a + b, 0)
  const noGo = t.earlyNoGo.reduce((a, b) => a + b, 0)
  const byLook = (xs: number[]): string => xs.slice(0, LOOKS - 1).map((k, i) => `${i + 1}: ${k}`).join(', ')
  const meanGo = go === 0 ? '-' : (t.earlyGo.reduce((a, k, i) => a + k * (i + 1), 0) / go).toFixed(2)
  const meanNoGo = noGo === 0 ? '-' : (t.earlyNoGo.reduce((a, k, i) => a + k * (i + 1), 0) / noGo).toFixed(2)
  const sched = [...t.scheduled].sort().map(([k, v]) => `${k} ${pct(v, t.n)}`).join(', ')
  const goShare = regressed ? `**${pct(go, t.n)}** (${go})` : `${pct(go, t.n)} (${go})`
  out.push(`| ${name} (${t.n}) | ${goShare} | ${meanGo} | ${byLook(t.earlyGo)} | ` +
    `${pct(noGo, t.n)} (${noGo}) | ${meanNoGo} | ${sched} |`)
  console.error(`early ${name}: GO ${go}, NO_GO ${noGo}, scheduled ${sched} (${elapsed()})`)
}

if (part('early')) {
  section('Early decisions (policy.earlyDecision: true, every app critical, 6 planned looks; early = looks 1-5)',
    '| Rollouts (count) | early GO | mean look of early GO | early GO by look | early NO_GO | mean look of early NO_GO | ' +
    'scheduled decision at look 6 |')
  const alone = settings.includes('alone')
  const among = settings.includes('among 25')
  for (const rpm of alone ? [200, 1000] : []) {
    earlyRow(`clean app alone, ${rpm} rpm`, early(() => [target(rpm)], () => ({}), nClean, 50_000), false)
  }
  for (const rpm of alone ? [200, 1000] : []) {
    for (const x of [1.5, 2]) {
      const regressed = (as: AppModel[]): Record<string, CanaryEffect> => ({ [as[0].name]: { errorRateMultiplier: x } })
      earlyRow(`x${x} error rate, app alone, ${rpm} rpm`, early(() => [target(rpm)], regressed, nSeeds, 40_000), true)
    }
  }
  let k = 0
  if (among) {
    earlyRow('x2 error rate at 200 rpm among 24 clean apps',
      early(() => [target(200), ...appPopulation(new Rng(30_000 + k++), 25).slice(1)],
        as => ({ [as[0].name]: { errorRateMultiplier: 2 } }), nSeeds, 40_000), true)
    let m = 0
    earlyRow('x1.5 error rate at 1,000 rpm among 24 clean apps',
      early(() => [target(1000), ...appPopulation(new Rng(30_000 + m++), 25).slice(1)],
        as => ({ [as[0].name]: { errorRateMultiplier: 1.5 } }), nSeeds, 40_000), true)
  }
}

if (part('early-clean')) {
  section('Early decisions on clean 25-app rollouts (policy.earlyDecision: true, every app critical)',
    '| Rollouts (count) | early GO | mean look of early GO | early GO by look | early NO_GO | mean look of early NO_GO | ' +
    'scheduled decision at look 6 |')
  const pop = (i: number): AppModel[] => appPopulation(new Rng(10_000 + i), 25)
  let c = 0
  earlyRow('clean 25-app rollouts', early(() => pop(c++), () => ({}), nClean, 20_000, true), false)
}

console.log(`\n${elapsed()} in all; base error rate 1%, sigma 0.6, median 200 ms for target apps`)
