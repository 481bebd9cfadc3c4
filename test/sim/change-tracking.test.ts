import t from 'tap'
import { gql, startSim } from './helpers.ts'

const NOW = Date.parse('2025-09-08T05:00:00Z')
const MUTATION = `mutation($e: ChangeTrackingCreateEventInput!, $rules: ChangeTrackingDataHandlingRules) {
  changeTrackingCreateEvent(changeTrackingEvent: $e, dataHandlingRules: $rules) {
    changeTrackingEvent {
      __typename category type categoryAndType changeTrackingId customAttributes description groupId shortDescription timestamp user
      entity { guid name }
      ... on ChangeTrackingDeploymentEvent { version commit changelog deepLink }
      ... on ChangeTrackingFeatureFlagEvent { featureFlagId }
    }
    messages
  }
}`

const deployment = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  categoryAndTypeData: {
    kind: { category: 'Deployment', type: 'Basic' },
    categoryFields: { deployment: { version: '2.4.1', commit: 'abc123' } }
  },
  entitySearch: { query: "name = 'RESTAPI' AND domain = 'APM'" },
  user: 'gonogo',
  shortDescription: 'PRDIIS09 joins the pool',
  groupId: 'rollout-42',
  customAttributes: { host: 'PRDIIS09', canary: true, share: 0.2 },
  ...extra
})

t.test('a deployment event is recorded and answered in New Relic\'s shape', async t => {
  const sim = await startSim(t, { now: () => NOW })
  const { status, body } = await gql(sim.url, MUTATION, { e: deployment() })
  t.equal(status, 200)
  t.notOk(body.errors)
  const r = body.data.changeTrackingCreateEvent
  t.same(r.messages, [])
  const e = r.changeTrackingEvent
  t.match(e, {
    __typename: 'ChangeTrackingDeploymentEvent',
    category: 'Deployment',
    type: 'Basic',
    timestamp: NOW,
    user: 'gonogo',
    groupId: 'rollout-42',
    version: '2.4.1',
    commit: 'abc123',
    changelog: null,
    customAttributes: { host: 'PRDIIS09', canary: true, share: 0.2 },
    entity: { name: 'RESTAPI' }
  })
  t.match(e.changeTrackingId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/)
  t.notOk('featureFlagId' in e, 'a fragment on another event type adds nothing')
  const { body: search } = await gql(sim.url, "{ actor { entitySearch(query: \"name = 'RESTAPI'\") { results { entities { guid } } } } }")
  t.equal(e.entity.guid, search.data.actor.entitySearch.results.entities[0].guid, 'the entity found by the entity search')

  const listed = (await (await fetch(sim.baseUrl + '/admin/change-events')).json()) as any
  t.equal(listed.events.length, 1)
  t.match(listed.events[0], { changeTrackingId: e.changeTrackingId, category: 'Deployment', version: '2.4.1', entity: { name: 'RESTAPI' } })
  t.same(sim.changeEvents().map(x => x.changeTrackingId), [e.changeTrackingId])
  t.equal(sim.counters().changeEvents, 1)

  const inline = await gql(sim.url, `mutation { changeTrackingCreateEvent(changeTrackingEvent: {
    categoryAndTypeData: {
      kind: { category: "FEATURE_FLAG", type: "BASIC" }, categoryFields: { featureFlag: { featureFlagId: "new-pool" } }
    }
    entitySearch: { query: "name = 'RESTAPI'" }, timestamp: ${NOW - 3_600_000} }) {
      changeTrackingEvent { __typename timestamp ... on ChangeTrackingFeatureFlagEvent { featureFlagId } } } }`)
  t.same(inline.body.data.changeTrackingCreateEvent.changeTrackingEvent,
    { __typename: 'ChangeTrackingFeatureFlagEvent', timestamp: NOW - 3_600_000, featureFlagId: 'new-pool' },
    'inline literals; categories in any case')
  const cleared = await fetch(sim.baseUrl + '/admin/change-events', { method: 'DELETE' })
  t.equal(cleared.status, 200)
  t.same(sim.changeEvents(), [])
})

t.test('invalid events are refused with INVALID_INPUT, and nothing is recorded', async t => {
  const sim = await startSim(t, { now: () => NOW })
  const custom = {
    categoryAndTypeData: { kind: { category: 'External Event', type: 'Cloud Provider Outage' } },
    entitySearch: { query: "name = 'RESTAPI'" }
  }
  const cases: Array<[string, Record<string, unknown>, RegExp, unknown?]> = [
    ['custom category without the flag', custom, /ALLOW_CUSTOM_CATEGORY_OR_TYPE/],
    ['deployment without version', deployment({ categoryAndTypeData: { kind: { category: 'deployment', type: 'rolling' } } }), /version/],
    ['no entity', deployment({ entitySearch: { query: "name = 'Nope'" } }), /exactly one entity; .* matches 0/],
    ['bad entity query', deployment({ entitySearch: { query: 'name =' } }), /Invalid entity search query/],
    ['timestamp two days away', deployment({ timestamp: NOW - 2 * 86_400_000 }), /within 24 hours/],
    ['restricted attribute', deployment({ customAttributes: { timestamp: 1 } }), /restricted/],
    ['attribute of the wrong type', deployment({ customAttributes: { list: [1] } }), /string, a number or a boolean/],
    ['no kind', { entitySearch: { query: "name = 'RESTAPI'" }, categoryAndTypeData: {} }, /kind is required/]
  ]
  for (const [what, e, message] of cases) {
    const { status, body } = await gql(sim.url, MUTATION, { e })
    t.equal(status, 200, what)
    t.equal(body.data?.changeTrackingCreateEvent, null, `${what}: no event`)
    t.equal(body.errors?.[0].extensions?.errorClass, 'INVALID_INPUT', what)
    t.match(body.errors?.[0].message, message, `${what}: ${body.errors?.[0].message}`)
  }
  t.same(sim.changeEvents(), [])
  const allowed = await gql(sim.url, MUTATION, { e: custom, rules: { validationFlags: ['ALLOW_CUSTOM_CATEGORY_OR_TYPE'] } })
  t.equal(allowed.body.data.changeTrackingCreateEvent.changeTrackingEvent.__typename, 'ChangeTrackingGenericEvent',
    'custom category with the flag')
  const unknown = await gql(sim.url, 'mutation { alertsPolicyCreate(accountId: 1) { id } }')
  t.match(unknown.body.errors?.[0].message, /Cannot query field "alertsPolicyCreate"/)
})
