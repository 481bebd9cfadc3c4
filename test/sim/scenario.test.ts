import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { stringify } from 'yaml'
import { loadScenario, parseScenario, ScenarioError } from '../../src/sim/index.ts'
import { FIXTURES, POOL_ADD, gql, startSim } from './helpers.ts'

const base = (): any => JSON.parse(readFileSync(FIXTURES + 'small.json', 'utf8'))

type Mutation = (s: any) => void

const BAD: Array<[string, Mutation, string, RegExp?]> = [
  ['missing name', s => { delete s.name }, 'name', /is required/],
  ['missing accountId', s => { delete s.accountId }, 'accountId'],
  ['accountId not positive', s => { s.accountId = 0 }, 'accountId', /positive integer/],
  ['accountId a string', s => { s.accountId = '1000001' }, 'accountId'],
  ['seed not integer', s => { s.seed = 1.5 }, 'seed', /integer/],
  ['missing from', s => { delete s.from }, 'from'],
  ['unknown top-level field', s => { s.color = 'blue' }, 'color', /not a known field/],
  ['until before from', s => { s.until = '2025-09-08T01:00:00Z' }, 'until', /after from/],
  ['until equal to from', s => { s.until = s.from }, 'until'],
  ['time without offset', s => { s.from = '2025-09-08T02:30:00' }, 'from', /offset/],
  ['unparseable time', s => { s.until = 'tomorrow' }, 'until'],
  ['impossible date', s => { s.until = '2025-02-30T00:00:00Z' }, 'until'],
  ['apps empty', s => { s.apps = [] }, 'apps', /non-empty/],
  ['apps not an array', s => { s.apps = {} }, 'apps'],
  ['app not an object', s => { s.apps[0] = 'RESTAPI' }, 'apps[0]'],
  ['app missing name', s => { delete s.apps[0].name }, 'apps[0].name'],
  ['throughputRpm zero', s => { s.apps[0].throughputRpm = 0 }, 'apps[0].throughputRpm', /> 0/],
  ['throughputRpm a string', s => { s.apps[0].throughputRpm = '1800' }, 'apps[0].throughputRpm'],
  ['missing latency', s => { delete s.apps[0].latency }, 'apps[0].latency'],
  ['negative sigma', s => { s.apps[0].latency.sigma = -1 }, 'apps[0].latency.sigma', /must be a number >= 0/],
  ['medianMs zero', s => { s.apps[0].latency.medianMs = 0 }, 'apps[0].latency.medianMs'],
  ['unknown latency field', s => { s.apps[0].latency.p95 = 3 }, 'apps[0].latency.p95'],
  ['errorRate above 1', s => { s.apps[0].errorRate = 1.5 }, 'apps[0].errorRate', /between 0 and 1/],
  ['error shares not summing to 1', s => { s.apps[0].errors = { A: 0.5, B: 0.4 } }, 'apps[0].errors', /sum to 1/],
  ['error share negative', s => { s.apps[0].errors = { A: 0.5, B: -0.2, C: 0.7 } }, 'apps[0].errors.B'],
  ['diurnal above 1', s => { s.apps[0].diurnal = 2 }, 'apps[0].diurnal'],
  ['unknown app field', s => { s.apps[0].owner = 'me' }, 'apps[0].owner', /not a known field/],
  ['hosts empty', s => { s.apps[0].hosts = [] }, 'apps[0].hosts'],
  ['host missing name', s => { s.apps[0].hosts[1] = {} }, 'apps[0].hosts[1].name'],
  ['host weight zero', s => { s.apps[0].hosts[0].weight = 0 }, 'apps[0].hosts[0].weight'],
  ['host joins without offset', s => { s.apps[0].hosts[2].joins = '2025-09-08 04:30:00' }, 'apps[0].hosts[2].joins'],
  ['host leaves before joins', s => { s.apps[0].hosts[2].leaves = '2025-09-08T03:00:00Z' }, 'apps[0].hosts[2].leaves'],
  ['unknown host field', s => { s.apps[0].hosts[0].os = 'win' }, 'apps[0].hosts[0].os'],
  ['duplicate host', s => { s.apps[0].hosts[1].name = 'PRDIIS01' }, 'apps[0].hosts[1].name', /duplicate/],
  ['duplicate app', s => { s.apps.push(structuredClone(s.apps[0])) }, 'apps[1].name', /duplicate/],
  ['effect host not in app', s => { s.apps[0].effects[0].host = 'PRDIIS77' }, 'apps[0].effects[0].host', /not one of this app's hosts/],
  ['effect missing host', s => { delete s.apps[0].effects[0].host }, 'apps[0].effects[0].host'],
  ['unknown effect field', s => { s.apps[0].effects[0].cpuMultiplier = 2 }, 'apps[0].effects[0].cpuMultiplier'],
  ['negative multiplier', s => { s.apps[0].effects[0].latencyMultiplier = -1 }, 'apps[0].effects[0].latencyMultiplier'],
  ['effect until before from', s => { s.apps[0].effects[0].until = '2025-09-08T04:00:00Z' }, 'apps[0].effects[0].until'],
  ['reporting not boolean', s => { s.apps[0].effects[0].reporting = 'no' }, 'apps[0].effects[0].reporting'],
  ['newErrors probability above 1', s => { s.apps[0].effects[0].newErrors = { X: 2 } }, 'apps[0].effects[0].newErrors.X'],
  ['effects not an array', s => { s.apps[0].effects = {} }, 'apps[0].effects']
]

/** What parseScenario throws for the base scenario changed by `mutate` (undefined if it accepts it). */
function refusalOf (mutate: (s: ReturnType<typeof base>) => void): unknown {
  const s = base()
  mutate(s)
  try {
    parseScenario(s)
  } catch (e) {
    return e
  }
  return undefined
}

t.test('invalid scenarios are refused with the field named', async t => {
  for (const [what, mutate, field, message] of BAD) {
    const err = refusalOf(mutate)
    t.ok(err instanceof ScenarioError, `${what}: throws ScenarioError`)
    if (!(err instanceof ScenarioError)) continue
    t.equal(err.field, field, `${what}: field is ${field}`)
    t.ok(err.message.startsWith(field), `${what}: message names ${field}: ${err.message}`)
    if (message !== undefined) t.match(err.message, message, `${what}: ${err.message}`)
  }
})

t.test('the example of the format page and the bundled scenario are accepted', async t => {
  t.equal(parseScenario(base()).name, 'small')
  const pool = loadScenario(POOL_ADD)
  t.equal(pool.apps.length, 12)
  t.ok(pool.apps.some(a => a.name === "O'Brien's API"))
  const defaults = base()
  delete defaults.apps[0].errors
  delete defaults.apps[0].errorRate
  defaults.apps[0].errors = {}
  t.doesNotThrow(() => parseScenario(defaults), 'errors may be empty and errorRate absent')
})

t.test('YAML with the same structure is accepted', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-yaml-'))
  const path = join(dir, 'small.yaml')
  writeFileSync(path, stringify(base()))
  const s = loadScenario(path)
  t.equal(s.apps[0].hosts[2].joins, '2025-09-08T04:30:00Z')
  // YAML without a .yaml extension is recognised by its content.
  const noExt = join(dir, 'scenario')
  writeFileSync(noExt, stringify(base()))
  t.equal(loadScenario(noExt).name, 'small')
  // And a simulator serves it.
  const sim = await startSim(t, { scenario: path })
  const { body } = await gql(sim.url, '{ actor { account(id: 1000001) { ' +
    'nrql(query: "SELECT count(*) FROM Transaction SINCE 1757298600000 UNTIL 1757305800000") { results } } } }')
  t.ok(body.data.actor.account.nrql.results[0].count > 0)
})

t.test('unreadable or malformed files say so', async t => {
  t.throws(() => loadScenario('/nonexistent/scenario.json'), /cannot read/)
  const dir = mkdtempSync(join(tmpdir(), 'sim-bad-'))
  writeFileSync(join(dir, 'bad.json'), '{ "name": ')
  t.throws(() => loadScenario(join(dir, 'bad.json')), /not valid JSON/)
  const yamlBad = base()
  yamlBad.apps[0].latency.sigma = -2
  writeFileSync(join(dir, 'bad.yml'), stringify(yamlBad))
  t.throws(() => loadScenario(join(dir, 'bad.yml')), new ScenarioError('apps[0].latency.sigma', 'must be a number >= 0'))
})

/** Writes `text` (JSON, so that 1e400 reaches the parser as written) and loads it. */
function loadText (text: string): unknown {
  const dir = mkdtempSync(join(tmpdir(), 'sim-num-'))
  writeFileSync(join(dir, 's.json'), text)
  try {
    return loadScenario(join(dir, 's.json'))
  } catch (err) {
    return err
  }
}

t.test('non-finite and absurd numbers are refused with the field named', async t => {
  // JSON 1e400 parses as Infinity: every number of the format must be finite.
  const infinite: Array<[string, string]> = [
    ['"throughputRpm": 1800', 'apps[0].throughputRpm'],
    ['"medianMs": 180', 'apps[0].latency.medianMs'],
    ['"sigma": 0.6', 'apps[0].latency.sigma'],
    ['"errorRate": 0.01', 'apps[0].errorRate'],
    ['"System.TimeoutException": 0.4', 'apps[0].errors.System.TimeoutException'],
    ['"errorRateMultiplier": 4', 'apps[0].effects[0].errorRateMultiplier'],
    ['"latencyMultiplier": 1.5', 'apps[0].effects[0].latencyMultiplier'],
    ['"trafficMultiplier": 0.5', 'apps[0].effects[0].trafficMultiplier'],
    ['"System.IO.DirectoryNotFoundException": 0.002', 'apps[0].effects[0].newErrors.System.IO.DirectoryNotFoundException'],
    ['{ "name": "PRDIIS01" }', 'apps[0].hosts[0].weight']
  ]
  const text = readFileSync(FIXTURES + 'small.json', 'utf8')
  for (const [written, field] of infinite) {
    const key = written.startsWith('{') ? null : written.slice(0, written.indexOf(':'))
    const replaced = key === null ? '{ "name": "PRDIIS01", "weight": 1e400 }' : `${key}: 1e400`
    t.ok(text.includes(written), written)
    const err = loadText(text.replace(written, replaced))
    t.ok(err instanceof ScenarioError, `${field} = 1e400 is refused`)
    if (!(err instanceof ScenarioError)) continue
    t.equal(err.field, field, `${field} = 1e400: ${err.message}`)
  }
  const diurnal = loadText(text.replace('"errorRate": 0.01,', '"errorRate": 0.01, "diurnal": -1e400,'))
  t.match(diurnal, { field: 'apps[0].diurnal', message: /-Infinity/ }, 'the message says what was read')

  // Finite but absurd: these broke generation (typed arrays of 1e12 events, Infinity durations).
  const absurd: Array<[string, Mutation, string, RegExp]> = [
    ['throughputRpm 1e12', s => { s.apps[0].throughputRpm = 1e12 }, 'apps[0].throughputRpm', /at most 1000000/],
    ['throughputRpm max double', s => { s.apps[0].throughputRpm = Number.MAX_VALUE }, 'apps[0].throughputRpm', /at most 1000000/],
    ['weight max double', s => { s.apps[0].hosts[0].weight = Number.MAX_VALUE }, 'apps[0].hosts[0].weight', /at most 1000000/],
    ['medianMs 1e308', s => { s.apps[0].latency.medianMs = 1e308 }, 'apps[0].latency.medianMs', /at most 3600000/],
    ['sigma 50', s => { s.apps[0].latency.sigma = 50 }, 'apps[0].latency.sigma', /at most 5/],
    ['latencyMultiplier max double', s => { s.apps[0].effects[0].latencyMultiplier = Number.MAX_VALUE },
      'apps[0].effects[0].latencyMultiplier', /at most 1000/],
    ['trafficMultiplier 1e4', s => { s.apps[0].effects[0].trafficMultiplier = 1e4 },
      'apps[0].effects[0].trafficMultiplier', /at most 1000/],
    ['errorRateMultiplier 1e7', s => { s.apps[0].effects[0].errorRateMultiplier = 1e7 },
      'apps[0].effects[0].errorRateMultiplier', /at most 1000000/],
    ['host traffic over the maximum', s => {
      s.apps[0].throughputRpm = 500_000
      s.apps[0].effects[0].trafficMultiplier = 3
    }, 'apps[0].effects[0].trafficMultiplier', /1500000 rpm .*1000000 rpm per host/],
    ['latency multipliers in force at once', s => {
      s.apps[0].effects.push({ host: 'PRDIIS09', from: '2025-09-08T05:00:00Z', until: '2025-09-08T06:00:00Z', latencyMultiplier: 1000 })
    }, 'apps[0].effects[1].latencyMultiplier',
    /together with the other effects in force on host PRDIIS09 at 2025-09-08T05:00:00.000Z would multiply latency by 1500/],
    ['effect from after the scenario, no until', s => {
      s.apps[0].effects[0].from = '2025-09-09T00:00:00Z'
    }, 'apps[0].effects[0].from', /before the scenario's until/],
    ['effect until before the scenario, no from', s => {
      delete s.apps[0].effects[0].from
      s.apps[0].effects[0].until = '2025-09-08T01:00:00Z'
    }, 'apps[0].effects[0].until', /after the scenario's from/]
  ]
  for (const [what, mutate, field, message] of absurd) {
    const err = refusalOf(mutate)
    t.ok(err instanceof ScenarioError, `${what}: refused`)
    if (!(err instanceof ScenarioError)) continue
    t.equal(err.field, field, `${what}: field is ${field}`)
    t.ok(err.message.startsWith(field), `${what}: message names ${field}`)
    t.match(err.message, message, `${what}: ${err.message}`)
  }
})

t.test('the bounds themselves are accepted and generate finite data', async t => {
  const s = base()
  s.from = '2025-09-08T02:30:00Z'
  s.until = '2025-09-08T02:32:00Z'
  s.apps[0].throughputRpm = 1_000_000
  s.apps[0].latency = { medianMs: 3_600_000, sigma: 5 }
  s.apps[0].hosts = [{ name: 'PRDIIS01', weight: 1_000_000 }, { name: 'PRDIIS09', weight: 1e-9 }]
  s.apps[0].effects = [
    { host: 'PRDIIS01', latencyMultiplier: 1000, errorRateMultiplier: 1_000_000 },
    // Not in force together with the next one: the products are per instant.
    { host: 'PRDIIS09', until: '2025-09-08T02:31:00Z', latencyMultiplier: 1000 },
    { host: 'PRDIIS09', from: '2025-09-08T02:31:00Z', latencyMultiplier: 1000, trafficMultiplier: 1 }
  ]
  t.doesNotThrow(() => parseScenario(s))
  const sim = await startSim(t, { scenario: s })
  const { status, body } = await gql(sim.url, '{ actor { account(id: 1000001) { ' +
    'nrql(query: "SELECT count(*), average(duration), max(duration), percentage(count(*), WHERE error IS TRUE) ' +
    'FROM Transaction SINCE 1757298600000 UNTIL 1757298720000") { results } } } }')
  t.equal(status, 200)
  const row = body.data.actor.account.nrql.results[0]
  t.ok(row.count > 1_900_000 && row.count < 2_100_000, `about 2M transactions: ${row.count}`)
  t.ok(Number.isFinite(row['average.duration']) && Number.isFinite(row['max.duration']), `finite durations: ${row['max.duration']}`)
  t.equal(row.percentage, 100, 'errorRate x errorRateMultiplier is capped at 1')
})

t.test('errorRate may be absent and then means no errors (documented default)', async t => {
  const s = base()
  delete s.apps[0].errorRate
  delete s.apps[0].effects
  const sim = await startSim(t, { scenario: s })
  const { body } = await gql(sim.url, '{ actor { account(id: 1000001) { ' +
    'nrql(query: "SELECT count(*), filter(count(*), WHERE error IS TRUE) AS e FROM Transaction SINCE 1757298600000 UNTIL 1757302200000") ' +
    '{ results } } } }')
  const row = body.data.actor.account.nrql.results[0]
  t.ok(row.count > 0)
  t.equal(row.e, 0)
})
