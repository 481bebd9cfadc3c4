/** Bad requests get a 400 naming the field; unknown ids 404; tokens guard mutations. */
import t from 'tap'
import { newRolloutId } from '../../src/store/ids.ts'
import { buildTestApp, poolAddRollout } from '../helpers/app.ts'
import { cleanPrefix, uniquePrefix } from '../helpers/redis.ts'

const prefix = uniquePrefix('validation')
// API only: nothing here should run; the production minimum interval applies.
const { app, sim, close } = await buildTestApp({ prefix, role: 'api', env: { GONOGO_MIN_CHECKPOINT_SECONDS: '60' } })
const guarded = await buildTestApp({ prefix, role: 'api', sim, tokens: 'tok-one,tok-two' })
t.teardown(async () => {
  await guarded.close()
  await close()
  await cleanPrefix(prefix)
})

// One base instant: times taken a millisecond apart made a 5 h window 5 h + 1 ms (one more checkpoint).
const T0 = Date.now()
const future = (hours: number) => new Date(T0 + hours * 3_600_000).toISOString()
const valid = () => poolAddRollout({ apps: ['RESTAPI'], startAt: future(1), decisionAt: future(6) })
const without = (field: string) => { const b: Record<string, unknown> = valid(); delete b[field]; return b }

const cases: Array<[string, Record<string, unknown>, RegExp]> = [
  ['name of the wrong type', { ...valid(), name: 5 }, /body\.name must be string/],
  ['apps not an array', { ...valid(), apps: 'RESTAPI' }, /body\.apps/],
  ['an app of the wrong type', { ...valid(), apps: [42] }, /body\.apps\.0/],
  ['accountId not an integer', { ...valid(), accountId: 'abc' }, /body\.accountId/],
  ['startAt not a date-time', { ...valid(), startAt: 'yesterday' }, /body\.startAt must match format "date-time"/],
  ['decisionAt missing', without('decisionAt'), /body is missing the field "decisionAt"/],
  ['decisionAt before startAt', { ...valid(), startAt: future(5), decisionAt: future(2) }, /body\.decisionAt must be after body\.startAt/],
  ['decisionAt equal to startAt', { ...valid(), startAt: future(2), decisionAt: future(2) }, /body\.decisionAt must be after body\.startAt/],
  ['window too long', { ...valid(), decisionAt: future(1 + 100) }, /100\.0 hours; at most 72 .*GONOGO_MAX_WINDOW_HOURS/],
  ['start too far ahead', { ...valid(), startAt: future(24 * 200), decisionAt: future(24 * 200 + 5) }, /body\.startAt is more than 90 days ahead/],
  ['no canary hosts', { ...valid(), canaryHosts: [] }, /body\.canaryHosts must NOT have fewer than 1 items/],
  ['canaryHosts missing', without('canaryHosts'), /missing the field "canaryHosts"/],
  ['a canary host twice', { ...valid(), canaryHosts: ['PRDIIS09', 'prdiis09'] }, /body\.canaryHosts\.1/],
  ['a baseline host that is a canary', { ...valid(), baselineHosts: ['PRDIIS09'] }, /body\.baselineHosts/],
  ['thousands of apps', { ...valid(), apps: Array.from({ length: 3000 }, (_, i) => `app-${i}`) }, /body\.apps has 3000 apps; at most 200 .*GONOGO_MAX_APPS/],
  ['too many apps for the schema', { ...valid(), apps: Array.from({ length: 6000 }, (_, i) => `a${i}`) }, /body\.apps must NOT have more than 5000 items/],
  ['a huge name', { ...valid(), name: 'x'.repeat(10_000) }, /body\.name must NOT have more than 200 characters/],
  ['a huge app name', { ...valid(), apps: ['y'.repeat(300)] }, /body\.apps\.0/],
  ['a control character in the name', { ...valid(), name: 'a\u0000b' }, /^body\.name "a\\u0000b" is not of the expected form \(What is rolled out/],
  ['a bad timezone', { ...valid(), timezone: 'Mars/Olympus' }, /body\.timezone "Mars\/Olympus" is not an IANA timezone/],
  ['a webhook without its secret', { ...valid(), notify: [{ kind: 'webhook', url: 'https://example.com/x' }] }, /^body\.notify\.0 is missing the field "secret"$/],
  ['a teams target with a secret', { ...valid(), notify: [{ kind: 'teams', url: 'https://example.com/x', secret: 'abcdefghijklmnopqrstuvwxyz' }] }, /^body\.notify\.0 has an unknown field "secret"$/],
  ['an unknown notify kind', { ...valid(), notify: [{ kind: 'pager', url: 'https://example.com/x' }] }, /^body\.notify\.0\.kind must be one of "slack", "teams", "webhook"$/],
  ['a blank name', { ...valid(), name: '   ' }, /body\.name/],
  ['year zero', { ...valid(), startAt: '0000-01-01T00:00:00Z', decisionAt: '0000-01-01T01:00:00Z' }, /body\.startAt "0000-01-01T00:00:00Z" is outside 2000-2199/],
  ['an ambiguous abbreviation', { ...valid(), timezone: 'IST' }, /body\.timezone "IST" is not an IANA timezone .*abbreviations like IST or EST are ambiguous/],
  ['a huge timezone', { ...valid(), timezone: 'z'.repeat(500) }, /body\.timezone must NOT have more than 64 characters/],
  ['months', { ...valid(), checkpointEvery: 'P1M' }, /body\.checkpointEvery "P1M" uses months or years/],
  ['not a duration', { ...valid(), checkpointEvery: 'hourly' }, /body\.checkpointEvery "hourly" is not an ISO-8601 duration/],
  ['a fractional duration', { ...valid(), checkpointEvery: 'PT0.5H' }, /body\.checkpointEvery/],
  ['below the minimum interval', { ...valid(), checkpointEvery: 'PT30S' }, /shorter than the minimum of 60 seconds \(GONOGO_MIN_CHECKPOINT_SECONDS\)/],
  ['too many checkpoints', { ...valid(), decisionAt: future(60), checkpointEvery: 'PT1M' }, /makes 3540 checkpoints.*GONOGO_MAX_CHECKPOINTS/],
  ['checkpointEvery of the wrong type', { ...valid(), checkpointEvery: 3600 }, /body\.checkpointEvery must be string/],
  ['an unknown field', { ...valid(), foo: 1 }, /body has an unknown field "foo"/],
  ['an unknown field in a threshold', { ...valid(), thresholds: { errorRate: { ratio: 2, bogus: 1 } } }, /body\.thresholds\.errorRate has an unknown field "bogus"/],
  ['a notify target of an unknown kind', { ...valid(), notify: [{ kind: 'email', url: 'https://example.com/x' }] }, /body\.notify\.0/],
  ['a webhook without its secret', { ...valid(), notify: [{ kind: 'webhook', url: 'https://example.com/x' }] }, /body\.notify\.0/],
  ['a notify URL on a private address', { ...valid(), notify: [{ kind: 'webhook', url: 'https://10.1.2.3/hook', secret: 's'.repeat(20) }] }, /body\.notify\.0\.url/]
]

t.test('invalid bodies: 400 naming the field', async t => {
  for (const [what, payload, message] of cases) {
    const res = await app.inject({ method: 'POST', url: '/v1/rollouts', payload })
    t.equal(res.statusCode, 400, `${what}: ${res.body.slice(0, 200)}`)
    t.equal(res.json().error, 'Bad Request', what)
    t.match(res.json().message, message, what)
  }
  const notJson = await app.inject({ method: 'POST', url: '/v1/rollouts', headers: { 'content-type': 'application/json' }, payload: '{"name": ' })
  t.equal(notJson.statusCode, 400)
  const tooBig = await app.inject({ method: 'POST', url: '/v1/rollouts', payload: { ...valid(), name: 'x'.repeat(300_000) } })
  t.equal(tooBig.statusCode, 413)
  t.same((await app.inject('/v1/rollouts')).json().items, [], 'nothing was stored')
})

t.test('the valid body is accepted', async t => {
  const res = await app.inject({ method: 'POST', url: '/v1/rollouts', payload: valid() })
  t.equal(res.statusCode, 201, res.body)
  t.equal(res.json().state, 'scheduled')
  t.equal(res.json().plan.length, 5)
})

t.test('unknown and malformed ids', async t => {
  const unknown = newRolloutId()
  for (const path of ['', '/recommendation', '/gate', '/checkpoints']) {
    const res = await app.inject(`/v1/rollouts/${unknown}${path}`)
    t.equal(res.statusCode, 404, path)
    t.match(res.json().message, `no rollout with id ${unknown}`)
  }
  t.equal((await app.inject({ method: 'POST', url: `/v1/rollouts/${unknown}/cancel` })).statusCode, 404)
  t.equal((await app.inject({ method: 'POST', url: `/v1/rollouts/${unknown}/checkpoints` })).statusCode, 404)
  const long = await app.inject(`/v1/rollouts/${'x'.repeat(500)}`)
  t.equal(long.statusCode, 414, 'an overlong id is refused by the router (maxParamLength), not a 500')
  for (const garbage of ['nope', '../../etc', '%00', 'x'.repeat(27), `${unknown.toLowerCase()}`]) {
    const res = await app.inject(`/v1/rollouts/${encodeURIComponent(garbage)}`)
    t.equal(res.statusCode, 400, garbage)
    t.match(res.json().message, /params\.id/)
  }
  t.equal((await app.inject('/v1/rollouts/nope/recommendation')).statusCode, 400)
  t.equal((await app.inject(`/v1/rollouts/${unknown}/checkpoints/-1`)).statusCode, 400)
})

t.test('list query validation', async t => {
  t.match((await app.inject('/v1/rollouts?limit=500')).json().message, /querystring\.limit/)
  t.match((await app.inject('/v1/rollouts?state=bogus')).json().message, /querystring\.state/)
  t.match((await app.inject('/v1/rollouts?cursor=abc')).json().message, /querystring\.cursor/)
  t.match((await app.inject('/v1/rollouts?foo=1')).json().message, /unknown field "foo"/)
  t.equal((await app.inject('/v1/rollouts?limit=1&state=scheduled')).statusCode, 200)
})

t.test('Idempotency-Key: a retried create returns the first rollout', async t => {
  const payload = valid()
  const headers = { 'idempotency-key': `create-${prefix}` }
  const first = await app.inject({ method: 'POST', url: '/v1/rollouts', payload, headers })
  const again = await app.inject({ method: 'POST', url: '/v1/rollouts', payload, headers })
  t.equal(first.statusCode, 201)
  t.equal(again.statusCode, 201)
  t.equal(again.json().id, first.json().id)
  t.equal(again.headers['idempotent-replayed'], 'true')
  const other = await app.inject({ method: 'POST', url: '/v1/rollouts', payload: { ...payload, name: 'something else' }, headers })
  t.equal(other.statusCode, 422)
  t.match(other.json().message, /Idempotency-Key was already used with a different body/)
})

t.test('with tokens set: mutations need a bearer token, reads do not', async t => {
  const g = guarded.app
  const noToken = await g.inject({ method: 'POST', url: '/v1/rollouts', payload: valid() })
  t.equal(noToken.statusCode, 401)
  t.match(noToken.json().message, /Authorization: Bearer/)
  const wrong = await g.inject({ method: 'POST', url: '/v1/rollouts', payload: valid(), headers: { authorization: 'Bearer nope' } })
  t.equal(wrong.statusCode, 401)
  const ok = await g.inject({ method: 'POST', url: '/v1/rollouts', payload: valid(), headers: { authorization: 'Bearer tok-two' } })
  t.equal(ok.statusCode, 201)
  const id = ok.json().id
  for (const url of [`/v1/rollouts/${id}/cancel`, `/v1/rollouts/${id}/checkpoints`]) {
    t.equal((await g.inject({ method: 'POST', url })).statusCode, 401, url)
  }
  for (const url of ['/v1/rollouts', `/v1/rollouts/${id}`, `/v1/rollouts/${id}/recommendation`, `/v1/rollouts/${id}/checkpoints`]) {
    t.equal((await g.inject(url)).statusCode, 200, url)
  }
  t.equal((await g.inject(`/v1/rollouts/${id}/gate`)).statusCode, 409)
  const cancel = await g.inject({ method: 'POST', url: `/v1/rollouts/${id}/cancel`, headers: { authorization: 'Bearer tok-one' } })
  t.equal(cancel.statusCode, 200)
  t.equal(cancel.json().cancellation.by, 'token-1', 'a bare token is named by its position')
})

t.test('GONOGO_READ_TOKENS_REQUIRED=true: every route but the probes needs a token', async t => {
  const env = { GONOGO_READ_TOKENS_REQUIRED: 'true' }
  const closed = await buildTestApp({ prefix, role: 'api', sim, tokens: 'ana:tok-ana,tok-bare', env })
  t.teardown(closed.close)
  const g = closed.app
  const bare = { authorization: 'Bearer tok-bare' }
  const ok = await g.inject({ method: 'POST', url: '/v1/rollouts', payload: valid(), headers: { authorization: 'Bearer tok-ana' } })
  t.equal(ok.statusCode, 201, 'a named token')
  const id = ok.json().id as string
  const reads = ['/v1/rollouts', `/v1/rollouts/${id}`, `/v1/rollouts/${id}/recommendation`, `/v1/rollouts/${id}/gate`,
    '/metrics', '/docs/json', '/nope']
  for (const url of reads) {
    const res = await g.inject(url)
    t.equal(res.statusCode, 401, `${url} without a token`)
    t.equal(res.headers['www-authenticate'], 'Bearer')
    t.equal((await g.inject({ url, headers: { authorization: 'Bearer tok-nope' } })).statusCode, 401, `${url} with a wrong token`)
    t.not((await g.inject({ url, headers: bare })).statusCode, 401, `${url} with a bare token`)
  }
  t.equal((await g.inject('/healthz')).statusCode, 200, 'probes stay open')
  t.not((await g.inject('/readyz?verbose=1')).statusCode, 401, 'readiness too (503 here: no worker runs on this prefix)')
  const preflightHeaders = { origin: 'https://board.example', 'access-control-request-method': 'POST' }
  const preflight = await g.inject({ method: 'OPTIONS', url: '/v1/rollouts', headers: preflightHeaders })
  t.equal(preflight.statusCode, 204, 'a CORS preflight carries no credentials and needs none')
  const ana = { authorization: 'Bearer tok-ana' }
  const cancel = await g.inject({ method: 'POST', url: `/v1/rollouts/${id}/cancel`, payload: { reason: 'wrong pool' }, headers: ana })
  t.equal(cancel.statusCode, 200)
  t.same((await g.inject({ url: `/v1/rollouts/${id}`, headers: bare })).json().cancellation,
    { at: cancel.json().cancelledAt, by: 'ana', reason: 'wrong pool' },
    'recorded under the caller\'s token name')
})
