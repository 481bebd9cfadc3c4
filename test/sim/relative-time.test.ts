import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { loadScenario, parseScenario, ScenarioError } from '../../src/sim/index.ts'
import { nrql, startSim } from './helpers.ts'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
// A loading moment off the whole minute, relative to today so the test never ages.
const LOADED = Math.floor(Date.now() / MINUTE) * MINUTE - 2 * HOUR + 37_123
const FLOOR = LOADED - 37_123

/** A scenario that starts three hours before it is loaded; a host joins an hour before. */
function relative (): any {
  return {
    name: 'now',
    accountId: 1000001,
    seed: 5,
    from: 'now-3h',
    until: 'now+90m',
    apps: [{
      name: 'Live',
      throughputRpm: 600,
      latency: { medianMs: 100, sigma: 0.4 },
      errorRate: 0.02,
      hosts: [{ name: 'H1' }, { name: 'H2', joins: 'now-1h', leaves: 'now+1d' }],
      effects: [{ host: 'H2', from: 'now-60m', until: 'now', errorRateMultiplier: 3 }]
    }]
  }
}

const iso = (ms: number): string => new Date(ms).toISOString()

t.test('relative times resolve against the loading moment floored to the minute', async t => {
  const s = parseScenario(relative(), { now: LOADED })
  t.equal(s.from, iso(FLOOR - 3 * HOUR))
  t.equal(s.until, iso(FLOOR + 90 * MINUTE))
  t.equal(s.apps[0].hosts[1].joins, iso(FLOOR - HOUR))
  t.equal(s.apps[0].hosts[1].leaves, iso(FLOOR + 24 * HOUR))
  t.equal(s.apps[0].effects?.[0].from, iso(FLOOR - HOUR))
  t.equal(s.apps[0].effects?.[0].until, iso(FLOOR))
  const plain = parseScenario({ ...relative(), from: 'now', until: 'now+1m' }, { now: LOADED })
  t.equal(plain.from, iso(FLOOR), 'now alone is the minute of loading')
  t.same(parseScenario(s, { now: LOADED + 5 * HOUR }), s, 're-reading the result resolves nothing again')
  const input = relative()
  parseScenario(input, { now: LOADED })
  t.equal(input.from, 'now-3h', 'the object given is not changed')

  const dir = mkdtempSync(join(tmpdir(), 'sim-relative-'))
  writeFileSync(join(dir, 's.yaml'), 'name: y\naccountId: 1\nseed: 1\nfrom: now-2d\nuntil: now\napps:\n' +
    '  - name: A\n    throughputRpm: 1\n    latency: { medianMs: 1, sigma: 0 }\n    hosts: [{ name: h }]\n')
  t.equal(loadScenario(join(dir, 's.yaml'), { now: LOADED }).from, iso(FLOOR - 48 * HOUR), 'the loader takes now too (YAML)')
  t.ok(Math.abs(Date.parse(loadScenario(join(dir, 's.yaml')).until) - Date.now()) < 2 * MINUTE, 'default: the real clock')
})

t.test('malformed relative times are refused naming the field', async t => {
  const cases: Array<[string, (s: any) => void, string]> = [
    ['unknown unit', s => { s.from = 'now-3x' }, 'from'],
    ['no amount', s => { s.until = 'now-' }, 'until'],
    ['fraction', s => { s.until = 'now+1.5h' }, 'until'],
    ['spaces', s => { s.from = 'now - 3h' }, 'from'],
    ['upper case', s => { s.from = 'NOW' }, 'from'],
    ['seconds', s => { s.apps[0].hosts[1].joins = 'now-30s' }, 'apps[0].hosts[1].joins'],
    ['bad leaves', s => { s.apps[0].hosts[1].leaves = 'nowish' }, 'apps[0].hosts[1].leaves'],
    ['bad effect until', s => { s.apps[0].effects[0].until = 'now+' }, 'apps[0].effects[0].until'],
    ['too far', s => { s.from = 'now-99999999999d' }, 'from']
  ]
  for (const [what, mutate, field] of cases) {
    const s = relative()
    mutate(s)
    const err = t.throws(() => parseScenario(s, { now: LOADED }), ScenarioError, what) as ScenarioError
    t.equal(err.field, field, `${what}: names ${field}`)
    t.match(err.message, new RegExp(`^${field.replace(/[[\].]/g, '\\$&')} `), `${what}: ${err.message}`)
  }
  const order = relative()
  order.until = 'now-4h'
  const late = t.throws(() => parseScenario(order, { now: LOADED })) as ScenarioError
  t.equal(late.field, 'until', 'resolved times are then checked as usual')
})

t.test('a relative scenario serves exactly the data of the same scenario written with absolute times', async t => {
  const absolute = parseScenario(relative(), { now: LOADED })
  const rel = await startSim(t, { scenario: relative(), now: () => LOADED })
  const abs = await startSim(t, { scenario: absolute, now: () => LOADED })
  t.equal(rel.scenario.from, iso(FLOOR - 3 * HOUR), 'the handle shows the resolved scenario')
  const window = `SINCE ${FLOOR - 3 * HOUR} UNTIL ${FLOOR + 90 * MINUTE}`
  const q = `SELECT count(*), filter(count(*), WHERE error IS TRUE) AS e FROM Transaction FACET host TIMESERIES 30 minutes ${window}`
  const a = await nrql(rel, q)
  t.same(a, await nrql(abs, q), 'same seed, same instants: same numbers')
  t.ok(a.reduce((s: number, r: any) => s + r.count, 0) > 0, 'the window has data')

  const count = async (host: string, since: number, until: number): Promise<number> =>
    (await nrql(rel, `SELECT count(*) FROM Transaction WHERE host = '${host}' SINCE ${since} UNTIL ${until}`))[0].count
  t.equal(await count('H1', FLOOR - 3 * HOUR - MINUTE, FLOOR - 3 * HOUR), 0, 'nothing before from (now-3h)')
  t.ok(await count('H1', FLOOR - 3 * HOUR, FLOOR - 3 * HOUR + MINUTE) > 0, 'data from the first minute')
  t.equal(await count('H2', FLOOR - 3 * HOUR, FLOOR - HOUR), 0, 'H2 serves nothing before it joins (now-1h)')
  t.ok(await count('H2', FLOOR - HOUR, FLOOR - HOUR + MINUTE) > 0, 'H2 serves from its join minute')
  const [now] = await nrql(rel, 'SELECT count(*) FROM Transaction SINCE 10 minutes ago')
  t.ok(now.count > 0, 'SINCE 10 minutes ago on the same clock sees data: the rollout is happening now')
})

t.test('the bundled live scenario is a rollout two hours in, whenever it is loaded', async t => {
  const live = fileURLToPath(new URL('../../src/sim/scenarios/pool-add-live.json', import.meta.url))
  const sim = await startSim(t, { scenario: live, now: () => LOADED })
  const hosts = async (since: number, until: number): Promise<string[]> =>
    (await nrql(sim, `SELECT count(*) FROM Transaction WHERE appName = 'RESTAPI' FACET host SINCE ${since} UNTIL ${until}`, 3300002))
      .map(r => r.host).sort()
  t.same(await hosts(FLOOR - 4 * HOUR, FLOOR - 2 * HOUR), ['PRDIIS01', 'PRDIIS02', 'PRDIIS03', 'PRDIIS04'], 'before now-2h: the old pool')
  t.same(await hosts(FLOOR - 2 * HOUR, FLOOR), ['PRDIIS01', 'PRDIIS02', 'PRDIIS03', 'PRDIIS04', 'PRDIIS09'], 'since: PRDIIS09 too')
  t.same(await hosts(FLOOR - 5 * HOUR, FLOOR - 4 * HOUR), [], 'nothing before now-4h')
})
