/** The carried state survives JSON and is never half-trusted: anything that does not fit is dropped. */
import t from 'tap'
import {
  carryText, decodeCarry, emptyApp, encodeCarry, packCarry, unpackCarry, type CarriedState, type CarryKey
} from '../../src/newrelic/carry.ts'

const from = 1_700_000_000_000
const key: CarryKey = {
  from,
  until: from + 3_600_000,
  preFrom: from - 6 * 3_600_000,
  bucketMinutes: 1,
  apps: ['A'],
  canaryHosts: ['PRDIIS09'],
  baselineHosts: null
}
const app = emptyApp()
app.hosts.set('PRDIIS01', { count: 10, errors: 1, durationSumS: 2.5 })
app.errorEvents.set('PRDIIS01', new Map([['System.TimeoutException', 1]]))
app.slow = { thresholdS: 0.3, byHost: new Map([['PRDIIS01', 2]]) }
app.series.set('PRDIIS01', {
  startMs: from, count: Uint32Array.from([4, 6]), errors: Uint32Array.from([0, 1]), p95S: Float64Array.from([0.25, Number.NaN])
})
app.pre = { hosts: [{ host: 'PRDIIS01', count: 5, errors: 0, durationAvgS: 0.2, p95S: 0.4 }], errorClasses: [], baselineP95S: 0.4 }
const state: CarriedState = {
  from,
  settledUntil: from + 55 * 60_000,
  preFrom: key.preFrom,
  bucketMinutes: 1,
  canaryHosts: ['PRDIIS09'],
  baselineHosts: null,
  apps: new Map([['A', app]])
}
const json = JSON.parse(JSON.stringify(encodeCarry(state)))

t.test('round trip through JSON', async t => {
  const back = decodeCarry(json, key)
  t.ok(back)
  const a = back!.apps.get('A')!
  t.same(a.hosts.get('PRDIIS01'), { count: 10, errors: 1, durationSumS: 2.5 })
  t.same([...a.series.get('PRDIIS01')!.count], [4, 6])
  t.ok(Number.isNaN(a.series.get('PRDIIS01')!.p95S[1]), 'a bucket without p95 stays without')
  t.equal(a.slow?.byHost.get('PRDIIS01'), 2)
  t.equal(a.pre.baselineP95S, 0.4)
  t.equal(back!.settledUntil, state.settledUntil)
})

t.test('state that does not fit is not continued', async t => {
  t.equal(decodeCarry(undefined, key), null, 'none')
  t.equal(decodeCarry({ ...json, v: 2 }, key), null, 'another version')
  t.equal(decodeCarry(json, { ...key, from: from + 1 }), null, 'another window start')
  t.equal(decodeCarry(json, { ...key, bucketMinutes: 2 }), null, 'another grid')
  t.equal(decodeCarry(json, { ...key, until: from + 50 * 60_000 }), null, 'newer than this checkpoint')
  t.equal(decodeCarry(json, { ...key, apps: ['A', 'B'] }), null, 'an app it does not hold')
  t.equal(decodeCarry(json, { ...key, canaryHosts: ['PRDIIS10'] }), null, 'other canaries')
  t.equal(decodeCarry(json, { ...key, baselineHosts: ['PRDIIS01'] }), null, 'another baseline')
  t.equal(decodeCarry({ ...json, apps: { A: { ...json.apps.A, h: [['PRDIIS01', 'ten', 1, 2]] } } }, key), null, 'a malformed count')
  t.equal(decodeCarry({ ...json, apps: { A: { ...json.apps.A, t: null } } }, key), null, 'a malformed series')
})

t.test('packed as the evidence stores it', async t => {
  const packed = JSON.parse(JSON.stringify(packCarry(state)))
  t.same(encodeCarry(unpackCarry(packed, key)!), encodeCarry(state), 'the same state back')
  t.equal(unpackCarry({ ...packed, z: 'not deflate' }, key), null, 'garbage is no state')
  t.equal(unpackCarry(json, key), null, 'an unpacked state is not taken for a packed one')
})

t.test('the packed text is the JSON of the state, written without number arrays', async t => {
  const two = emptyApp()
  two.series.set('PRDIIS09', {
    startMs: from + 60_000,
    count: Uint32Array.from([0, 3, 0]),
    errors: new Uint32Array(3),
    p95S: Float64Array.from([Number.NaN, 1e-7, 0.123456789012345])
  })
  two.pre = { hosts: [], errorClasses: [{ host: 'PRDIIS01', errorClass: 'X "quoted"', count: 2 }] }
  const apps = new Map([['A', app], ['O\'Brien\'s "API"', two], ['B', emptyApp()]])
  const three: CarriedState = { ...state, baselineHosts: ['PRDIIS01'], apps }
  t.equal(carryText(state), JSON.stringify(encodeCarry(state)), 'the same text as JSON.stringify')
  t.equal(carryText(three), JSON.stringify(encodeCarry(three)), 'the same text with several apps, quotes and empty series')
  t.ok(carryText(three).includes('[null,1e-7,0.123456789012345]'), 'a bucket without p95 is null, others as JSON writes them')
})
