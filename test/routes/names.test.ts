/**
 * One name rule on every route that takes names: a name NRQL cannot quote is a 400 naming the
 * field and the character, before anything is stored or queried.
 */
import t from 'tap'
import { newRolloutId } from '../../src/store/ids.ts'
import { buildTestApp, poolAddRollout } from '../helpers/app.ts'
import { cleanPrefix, uniquePrefix } from '../helpers/redis.ts'

const prefix = uniquePrefix('names')
const { app, close } = await buildTestApp({ prefix, role: 'api' })
t.teardown(async () => {
  await close()
  await cleanPrefix(prefix)
})

const T0 = Date.now()
const at = (hours: number) => new Date(T0 + hours * 3_600_000).toISOString()
const rollout = (extra: Record<string, unknown>) => poolAddRollout({ apps: ['RESTAPI'], startAt: at(1), decisionAt: at(6), ...extra })
const analysis = (extra: Record<string, unknown>) => ({ apps: ['RESTAPI'], canaryHosts: ['PRDIIS09'], from: at(-3), until: at(-1), ...extra })

// Each unsafe class of NRQL quoting: C0, DEL, C1, and the Unicode separators.
const bad: Array<[string, string]> = [
  ['\u2028', 'U+2028 (LINE SEPARATOR)'],
  ['\u2029', 'U+2029 (PARAGRAPH SEPARATOR)'],
  ['\u0085', 'U+0085 (NEXT LINE)'],
  ['\u009f', 'U+009F (a control character)'],
  ['\u007f', 'U+007F (DELETE)'],
  ['\n', 'U+000A (LINE FEED)']
]
const because = (field: string, char: string) => `${field} contains ${char}, which NRQL cannot quote`

t.test('bodies: apps, app objects, canary and baseline hosts, teams', async t => {
  for (const [c, named] of bad) {
    const cases: Array<[string, object, string]> = [
      ['/v1/rollouts', rollout({ apps: ['RESTAPI', `Orders${c}API`] }), 'body.apps.1'],
      ['/v1/rollouts', rollout({ apps: ['RESTAPI', { name: `Orders${c}API` }] }), 'body.apps.1.name'],
      ['/v1/rollouts', rollout({ apps: [{ name: 'RESTAPI', team: `pay${c}ments` }] }), 'body.apps.0.team'],
      ['/v1/rollouts', rollout({ canaryHosts: [`PRDIIS${c}09`] }), 'body.canaryHosts.0'],
      ['/v1/rollouts', rollout({ baselineHosts: ['PRDIIS01', `PRDIIS${c}02`] }), 'body.baselineHosts.1'],
      ['/v1/analyses', analysis({ apps: [`Orders${c}API`] }), 'body.apps.0'],
      ['/v1/analyses', analysis({ canaryHosts: [`PRDIIS${c}09`] }), 'body.canaryHosts.0']
    ]
    for (const [url, payload, field] of cases) {
      const res = await app.inject({ method: 'POST', url, payload })
      t.equal(res.statusCode, 400, `${url} ${field} ${named}`)
      t.equal(res.json().message, because(field, named), `${url} ${field} ${named}`)
    }
  }
  t.same((await app.inject('/v1/rollouts')).json().items, [], 'nothing was stored')
})

t.test('paths and query strings: {app} and ?team=', async t => {
  const id = newRolloutId()
  for (const [c, named] of bad) {
    const app_ = encodeURIComponent(`Orders${c}API`)
    const cases: Array<[string, string, object | undefined, string]> = [
      ['POST', `/v1/rollouts/${id}/apps/${app_}/notes`, { text: 'fine' }, 'params.app'],
      ['POST', `/v1/rollouts/${id}/apps/${app_}/waiver`, { reason: 'known' }, 'params.app'],
      ['DELETE', `/v1/rollouts/${id}/apps/${app_}/waiver`, undefined, 'params.app'],
      ['GET', `/v1/rollouts/${id}/apps/${app_}`, undefined, 'params.app'],
      ['GET', `/v1/rollouts/${id}/matrix?team=${encodeURIComponent(`pay${c}`)}`, undefined, 'querystring.team']
    ]
    for (const [method, url, payload, field] of cases) {
      const res = await app.inject({ method: method as 'GET', url, ...(payload === undefined ? {} : { payload }) })
      t.equal(res.statusCode, 400, `${method} ${field} ${named}: ${res.body.slice(0, 200)}`)
      t.equal(res.json().message, because(field, named), `${method} ${url}`)
    }
  }
})

t.test('names NRQL can quote are accepted', async t => {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/rollouts',
    payload: rollout({ apps: ["O'Brien's API", 'Zahlungsdienst Ü', { name: 'Orders\u00a0API', team: 'paiements é' }] })
  })
  t.equal(res.statusCode, 201, res.body)
  const missing = await app.inject(`/v1/rollouts/${newRolloutId()}/apps/${encodeURIComponent('Zahlungsdienst Ü')}`)
  t.equal(missing.statusCode, 404, 'a quotable app name reaches the route')
})

t.test('a name longer than NRQL takes in UTF-16 units (astral characters) is refused', async t => {
  const res = await app.inject({ method: 'POST', url: '/v1/rollouts', payload: rollout({ apps: ['\u{1F600}'.repeat(200)] }) })
  t.equal(res.statusCode, 400)
  t.match(res.json().message, /^body\.apps\.0 name is 400 UTF-16 code units long; NRQL takes at most 255/)
})
