import { readFileSync } from 'node:fs'
import t from 'tap'
import { parseScenario, ScenarioError } from '../../src/sim/index.ts'
import { FIXTURES, gql, startSim } from './helpers.ts'

const ACCOUNT = 1000001

function tagged (): any {
  const s = JSON.parse(readFileSync(FIXTURES + 'small.json', 'utf8'))
  s.apps[0].tags = { team: 'CCON', owner: ['Deepthi', 'Surya'] }
  const app = (name: string, extra: Record<string, unknown> = {}): any =>
    ({ name, throughputRpm: 10, latency: { medianMs: 50, sigma: 0.3 }, hosts: [{ name: 'PRDIIS01' }], ...extra })
  s.apps.push(app('RESTAPI Admin', { tags: { team: 'Platform' } }))
  s.apps.push(app("O'Brien's API", { guid: 'MTAwMDAwMXxBUE18QVBQTElDQVRJT058NDI', tags: { team: 'CCON', tier: '1' } }))
  s.apps.push(app('Other', { guid: 'custom-guid-1' }))
  return s
}

const SEARCH = `query($q: String, $b: EntitySearchQueryBuilder, $c: String) { actor { entitySearch(query: $q, queryBuilder: $b) {
  count query types { count domain type entityType }
  results(cursor: $c) { nextCursor entities { guid name accountId domain type entityType reporting tags { key values }
    ... on ApmApplicationEntityOutline { applicationId language }
    ... on BrowserApplicationEntityOutline { servingApmApplicationId } } } } } }`

async function search (url: string, vars: Record<string, unknown>): Promise<any> {
  const { status, body } = await gql(url, SEARCH, vars)
  if (status !== 200 || body.errors !== undefined) throw new Error(`search failed: ${JSON.stringify(body)}`)
  return body.data.actor.entitySearch
}

const names = (r: any): string[] => r.results.entities.map((e: any) => e.name)

t.test('entitySearch by query: exact name, IN, LIKE, accountId, tags; the entity shape', async t => {
  const sim = await startSim(t, { scenario: tagged() })
  const one = await search(sim.url, { q: "domain = 'APM' AND type = 'APPLICATION' AND name = 'RESTAPI'" })
  t.equal(one.count, 1)
  const [e] = one.results.entities
  t.match(e, {
    name: 'RESTAPI',
    accountId: ACCOUNT,
    domain: 'APM',
    type: 'APPLICATION',
    entityType: 'APM_APPLICATION_ENTITY',
    reporting: true,
    language: 'dotnet'
  })
  t.same(e.tags, [{ key: 'team', values: ['CCON'] }, { key: 'owner', values: ['Deepthi', 'Surya'] }], 'tags as key and list of values')
  t.notOk('servingApmApplicationId' in e, 'a fragment on another entity type does not apply')
  t.equal(Buffer.from(e.guid, 'base64').toString(), `${ACCOUNT}|APM|APPLICATION|${e.applicationId as number}`, "guid in New Relic's form")
  t.same(one.types, [{ count: 1, domain: 'APM', type: 'APPLICATION', entityType: 'APM_APPLICATION_ENTITY' }])
  t.equal(one.results.nextCursor, null)

  const again = await startSim(t, { scenario: tagged() })
  t.equal((await search(again.url, { q: "name = 'RESTAPI'" })).results.entities[0].guid, e.guid, 'the guid is stable across instances')

  t.same(names(await search(sim.url, { q: "name = 'restapi'" })), [], '= is exact')
  t.same(names(await search(sim.url, { q: "name LIKE 'restapi'" })), ['RESTAPI', 'RESTAPI Admin'], 'LIKE is a case-insensitive substring')
  t.same(names(await search(sim.url, { q: "name IN ('Other', 'RESTAPI') and domain = 'apm'" })), ['Other', 'RESTAPI'],
    'IN; keywords and enums in any case')
  t.same(names(await search(sim.url, { q: "name = 'O\\'Brien\\'s API'" })), ["O'Brien's API"], 'quotes escaped with a backslash')
  t.same(names(await search(sim.url, { q: `accountId = ${ACCOUNT} AND tags.team = 'CCON'` })), ["O'Brien's API", 'RESTAPI'])
  t.same(names(await search(sim.url, { q: "`tags.owner` = 'Surya' OR tier = '1'" })), ["O'Brien's API", 'RESTAPI'],
    'any value of a tag; a tag by its bare key')
  t.same(names(await search(sim.url, { q: "team = 'CCON' AND NOT name LIKE 'API'" })), [], 'NOT LIKE')
  t.same(names(await search(sim.url, { q: "team = 'CCON' AND NOT name = 'RESTAPI'" })), ["O'Brien's API"], 'NOT')
  t.same(names(await search(sim.url, { q: "team = 'CCON' AND name NOT IN ('RESTAPI')" })), ["O'Brien's API"], 'NOT IN')
  t.same(names(await search(sim.url, { q: "(team = 'Platform' OR name = 'Other') AND accountId = '1000001'" })), ['Other', 'RESTAPI Admin'])
  t.same((await search(sim.url, { q: 'accountId = 42' })).count, 0, 'another account has no entities')
  t.same(names(await search(sim.url, { q: "domain = 'BROWSER'" })), [])

  const given = (await search(sim.url, { q: "name = 'Other'" })).results.entities[0]
  t.equal(given.guid, 'custom-guid-1', 'a given guid is kept')
  const shaped = (await search(sim.url, { q: "id = 'MTAwMDAwMXxBUE18QVBQTElDQVRJT058NDI'" })).results.entities[0]
  t.equal(shaped.applicationId, 42, "a given guid in New Relic's form gives its application id")
})

t.test('entitySearch by queryBuilder, as the Go client sends it', async t => {
  const sim = await startSim(t, { scenario: tagged() })
  const r = await search(sim.url, { b: { domain: 'APM', type: 'APPLICATION', name: 'RESTAPI' } })
  t.same(names(r), ['RESTAPI', 'RESTAPI Admin'], "the builder's name matches as a substring, as New Relic's does")
  t.equal(r.query, "domain = 'APM' AND type = 'APPLICATION' AND name LIKE 'RESTAPI'", 'query shows the generated query')
  t.same(names(await search(sim.url, { b: { tags: [{ key: 'team', value: 'Platform' }] } })), ['RESTAPI Admin'])
  const { body } = await gql(sim.url,
    '{ actor { entitySearch(queryBuilder: {domain: APM, type: APPLICATION, name: "Other"}) { count results { entities { name } } } } }')
  t.same(body.data.actor.entitySearch, { count: 1, results: { entities: [{ name: 'Other' }] } }, 'inline enum literals')
})

t.test('pages of 200 with nextCursor; bad queries are INVALID_INPUT', async t => {
  const s = tagged()
  for (let i = 0; i < 230; i++) {
    const name = `Bulk ${String(i).padStart(3, '0')}`
    s.apps.push({ name, throughputRpm: 1, latency: { medianMs: 5, sigma: 0 }, hosts: [{ name: 'h' }] })
  }
  const sim = await startSim(t, { scenario: s })
  const first = await search(sim.url, { q: "name LIKE 'Bulk'" })
  t.equal(first.count, 230)
  t.equal(first.results.entities.length, 200)
  t.type(first.results.nextCursor, 'string')
  const second = await search(sim.url, { q: "name LIKE 'Bulk'", c: first.results.nextCursor })
  t.equal(second.results.entities.length, 30)
  t.equal(second.results.nextCursor, null)
  t.equal(new Set([...names(first), ...names(second)]).size, 230, 'the pages do not overlap')

  for (const q of ["name = 'x' AND", "name ~ 'x'", "name = 'x", '', 'name IN ()']) {
    const { status, body } = await gql(sim.url, SEARCH, { q })
    t.equal(status, 200)
    t.equal(body.data.actor.entitySearch, null, `${JSON.stringify(q)}: entitySearch null`)
    t.equal(body.errors?.[0].extensions?.errorClass, 'INVALID_INPUT', `${JSON.stringify(q)}: ${body.errors?.[0].message}`)
  }
  const { body } = await gql(sim.url, SEARCH, { q: "name LIKE 'Bulk'", c: 'bm9wZQ' })
  t.equal(body.errors?.[0].extensions?.errorClass, 'INVALID_INPUT', 'a cursor of nothing is refused')
})

t.test('entity(guid) and entities(guids)', async t => {
  const sim = await startSim(t, { scenario: tagged() })
  const q = '{ actor { entity(guid: "custom-guid-1") { name guid ... on ApmApplicationEntity { applicationId } } ' +
    'entities(guids: ["custom-guid-1", "nope"]) { name } missing: entity(guid: "nope") { name } } }'
  const { body } = await gql(sim.url, q)
  t.equal(body.data.actor.entity.name, 'Other')
  t.type(body.data.actor.entity.applicationId, 'number')
  t.same(body.data.actor.entities, [{ name: 'Other' }])
  t.equal(body.data.actor.missing, null)
})

t.test('tags and guid are validated, naming the field', async t => {
  const cases: Array<[string, (s: any) => void, string]> = [
    ['tags not an object', s => { s.apps[0].tags = ['a'] }, 'apps[0].tags'],
    ['tag value a number', s => { s.apps[0].tags = { tier: 1 } }, 'apps[0].tags.tier'],
    ['empty tag list', s => { s.apps[0].tags = { owner: [] } }, 'apps[0].tags.owner'],
    ['empty tag value', s => { s.apps[0].tags = { owner: ['a', ''] } }, 'apps[0].tags.owner[1]'],
    ['guid with spaces', s => { s.apps[0].guid = 'a b' }, 'apps[0].guid'],
    ['duplicate guid', s => { s.apps[2].guid = 'custom-guid-1' }, 'apps[3].guid']
  ]
  for (const [what, mutate, field] of cases) {
    const s = tagged()
    mutate(s)
    const err = t.throws(() => parseScenario(s), ScenarioError, what) as ScenarioError
    t.equal(err.field, field, `${what}: ${err.message}`)
  }
})
