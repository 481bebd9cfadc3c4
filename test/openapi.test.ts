import { readFileSync } from 'node:fs'
import SwaggerParser from '@apidevtools/swagger-parser'
import { createConfig, lint } from '@redocly/openapi-core'
import type { TSchema } from '@sinclair/typebox'
import t from 'tap'
import { OPENAPI_PATH, renderOpenApi } from '../scripts/openapi.ts'
import * as examples from '../src/schemas/examples.ts'
import { AnalysisRequest } from '../src/schemas/analysis.ts'
import { CheckpointResult } from '../src/schemas/result.ts'
import { Checkpoint, CheckpointList, RecommendationView, Rollout, RolloutPage, RolloutRequest } from '../src/schemas/rollout.ts'
import { finishDocument } from '../src/schemas/document.ts'
import { validatorCompiler } from '../src/http/validation.ts'
import { buildTestApp } from './helpers/app.ts'
import { cleanPrefix, uniquePrefix } from './helpers/redis.ts'

type Node = Record<string, unknown>
interface Operation {
  operationId?: string
  security?: Array<Record<string, string[]>>
  requestBody?: { content: Record<string, Node> }
  responses: Record<string, Node>
}

const rendered = await renderOpenApi()
interface Document { openapi: string, paths: Record<string, Record<string, Operation>>, components: Record<string, Record<string, Node>> }
const doc = JSON.parse(rendered) as Document
const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({ at: `${method.toUpperCase()} ${path}`, method, op })))

t.test('the checked-in OpenAPI document matches the routes', async t => {
  let checkedIn = ''
  try {
    checkedIn = readFileSync(OPENAPI_PATH, 'utf8')
  } catch {}
  t.ok(checkedIn === rendered, 'openapi/openapi.json is stale: run `npm run openapi` and commit the result')
  t.equal(doc.openapi, '3.1.0')
  for (const path of ['/v1/analyses', '/v1/rollouts', '/v1/rollouts/{id}', '/v1/rollouts/{id}/cancel', '/v1/rollouts/{id}/recommendation',
    '/v1/rollouts/{id}/checkpoints', '/v1/rollouts/{id}/checkpoints/{index}', '/v1/rollouts/{id}/gate',
    '/healthz', '/readyz', '/metrics']) {
    t.ok(doc.paths[path], `documents ${path}`)
  }
  t.ok(doc.paths['/v1/rollouts/{id}/gate'].get.responses['409'], 'gate documents its 409')
  t.ok(doc.paths['/v1/rollouts'].post.responses['400'], 'create documents its 400')
})

t.test('swagger-parser validates the document', async t => {
  // validate() dereferences in place: give it a copy.
  await t.resolves(SwaggerParser.validate(structuredClone(doc) as never), 'no validation error')
})

t.test("redocly's recommended rules: no error, and only the warnings openapi/README.md lists", async t => {
  const problems = await lint({ ref: OPENAPI_PATH, config: await createConfig({ extends: ['recommended'] }) })
  const found = problems.map(p => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer ?? ''}`).sort()
  const listed = [...readFileSync(new URL('../openapi/README.md', import.meta.url), 'utf8')
    .matchAll(/^\| `([a-z0-9-]+)` \| `(#[^`]*)` \|/gm)].map(m => `warn ${m[1]} ${m[2]}`).sort()
  t.ok(listed.length > 0, 'openapi/README.md lists the warnings kept')
  t.same(found, listed, problems.map(p => `${p.ruleId}: ${p.message}`).join('\n'))
})

t.test('every operation is named, described and secured as it behaves', async t => {
  const ids = operations.map(o => o.op.operationId)
  t.equal(new Set(ids).size, ids.length, 'operationIds are unique')
  for (const { at, method, op } of operations) {
    t.match(op.operationId, /^[a-z][A-Za-z]+$/, `${at} has an operationId`)
    // The bearer token is asked of every mutating request (src/plugins/auth.ts); reads are open.
    t.same(op.security, ['post', 'put', 'patch', 'delete'].includes(method) ? [{ bearerAuth: [] }] : [], `${at} security`)
    if (method === 'post') t.ok(op.responses['401'], `${at} documents its 401`)
    for (const [status, response] of Object.entries(op.responses)) {
      const description = (response.$ref === undefined ? response : resolve(response.$ref as string)).description
      t.ok(typeof description === 'string' && description !== 'Default Response', `${at} ${status} is described`)
    }
  }
  t.ok(doc.components.securitySchemes.bearerAuth, 'bearerAuth is a security scheme')
})

t.test('models are named components, referenced wherever they appear', async t => {
  for (const name of ['Rollout', 'RolloutSpec', 'RolloutSummary', 'RolloutPage', 'AnalysisRequest', 'CheckpointResult', 'AppResult',
    'MetricResult', 'Checkpoint', 'CheckpointPage', 'Gate', 'RecommendationView', 'Error', 'NotifyTarget', 'Status', 'Recommendation',
    'Thresholds', 'Policy']) {
    t.ok(doc.components.schemas[name], `components.schemas.${name}`)
  }
  t.same(doc.paths['/v1/rollouts'].post.requestBody?.content['application/json'].schema, { $ref: '#/components/schemas/RolloutSpec' })
  const result = doc.paths['/v1/analyses'].post.responses['200'].content as Record<string, Node>
  t.same(result['application/json'].schema, { $ref: '#/components/schemas/CheckpointResult' })
  // A title marks a named schema: outside the components' own roots, every one became a $ref.
  const titled: string[] = []
  walk(doc.paths, '#/paths', (node, at) => { if (typeof node.title === 'string') titled.push(at) })
  for (const [name, schema] of Object.entries(doc.components.schemas)) {
    t.equal(schema.title, name, `components.schemas.${name} is titled as it is named`)
    const own = { ...schema, title: undefined }
    walk(own, `#/components/schemas/${name}`, (node, at) => { if (typeof node.title === 'string') titled.push(at) })
  }
  t.same(titled, [], 'no named schema is repeated inline')
  t.equal(doc.components.schemas.RolloutState.type, 'string', 'a union of literals is one enum')
  t.same(doc.components.schemas.RolloutState.enum, ['scheduled', 'monitoring', 'decided', 'cancelled'])
})

t.test('a titled schema that is not its component is left inline, for the test above to catch', async t => {
  const schema = (type: string) => ({ title: 'Thing', type })
  const answering = (s: Node) => ({ responses: { 200: { description: 'ok', content: { 'application/json': { schema: s } } } } })
  const op = (type: string) => answering({ type: 'object', properties: { a: schema(type) } })
  const out = finishDocument({
    paths: {
      '/same': { get: op('string') },
      '/other': { get: op('number') },
      '/unknown': { get: answering({ title: 'Nope', type: 'string' }) }
    },
    components: { schemas: { Thing: schema('string') } }
  })
  const at = (path: string) => (out.paths[path].get.responses['200'].content as Record<string, Node>)['application/json'].schema
  t.same(at('/same'), { type: 'object', properties: { a: { $ref: '#/components/schemas/Thing' } } })
  t.same(at('/other'), { type: 'object', properties: { a: { title: 'Thing', type: 'number' } } }, 'a different schema keeps its own body')
  t.same(at('/unknown'), { title: 'Nope', type: 'string' }, 'a title that names no component too')
  t.ok(out.paths['/metrics'], 'GET /metrics is added even after no /readyz')
})

t.test('no regex gibberish in generated examples: every pattern has an example', async t => {
  const bare: string[] = []
  walk(doc, '#', (node, at) => {
    if (typeof node.pattern === 'string' && !Array.isArray(node.examples) && !at.endsWith('/schema')) bare.push(at)
  })
  t.same(bare, [], 'string schemas with a pattern carry examples')
  for (const { at, op } of operations) {
    for (const p of (op as { parameters?: Node[] }).parameters ?? []) {
      const schema = p.schema as Node
      const pattern = (schema.$ref === undefined ? schema : resolve(schema.$ref as string)).pattern
      if (pattern !== undefined) t.ok(p.example !== undefined, `${at} parameter ${String(p.name)} has an example`)
    }
  }
})

t.test('the examples are what the runtime schemas accept and answer', async t => {
  const checks: Array<[string, TSchema, unknown]> = [
    ['ANALYSIS_REQUEST', AnalysisRequest, examples.ANALYSIS_REQUEST],
    ['ROLLOUT_REQUEST', RolloutRequest, examples.ROLLOUT_REQUEST],
    ['ANALYSIS_RESULT', CheckpointResult, examples.ANALYSIS_RESULT],
    ['DECISION_RESULT', CheckpointResult, examples.DECISION_RESULT],
    ['NO_GO_RECOMMENDATION', RecommendationView, examples.NO_GO_RECOMMENDATION],
    ['GO_RECOMMENDATION', RecommendationView, examples.GO_RECOMMENDATION],
    ['DECISION_CHECKPOINT', Checkpoint, examples.DECISION_CHECKPOINT],
    ['CHECKPOINT_PAGE', CheckpointList, examples.CHECKPOINT_PAGE],
    ['CREATED_ROLLOUT', Rollout, examples.CREATED_ROLLOUT],
    ['DECIDED_ROLLOUT', Rollout, examples.DECIDED_ROLLOUT],
    ['CANCELLED_ROLLOUT', Rollout, examples.CANCELLED_ROLLOUT],
    ['ROLLOUT_PAGE', RolloutPage, examples.ROLLOUT_PAGE]
  ]
  for (const [name, schema, value] of checks) {
    // The service's own validator (ajv with formats), as strict as for request bodies.
    type Validate = ((v: unknown) => boolean) & { errors?: unknown }
    const validate = validatorCompiler({ schema, method: 'POST', url: '/', httpPart: 'body' }) as Validate
    t.ok(validate(structuredClone(value)), `${name}: ${JSON.stringify(validate.errors ?? null)}`)
  }
})

t.test('the request examples can be sent as they are', async t => {
  const prefix = uniquePrefix('openapi')
  const { app, close } = await buildTestApp({ prefix })
  t.teardown(async () => { await close(); await cleanPrefix(prefix) })
  const analysis = await app.inject({ method: 'POST', url: '/v1/analyses', payload: examples.ANALYSIS_REQUEST })
  t.equal(analysis.statusCode, 200, analysis.body.slice(0, 300))
  t.equal(analysis.json().recommendation, examples.ANALYSIS_RESULT.recommendation, 'the documented answer')
  t.same(analysis.json().summary, examples.ANALYSIS_RESULT.summary)
  const created = await app.inject({ method: 'POST', url: '/v1/rollouts', payload: examples.ROLLOUT_REQUEST })
  t.equal(created.statusCode, 201, created.body.slice(0, 300))
  t.same(created.json().apps, examples.CREATED_ROLLOUT.apps)
  t.same(created.json().plan.map((p: { at: string }) => p.at), examples.CREATED_ROLLOUT.plan.map(p => p.at))
})

/** Resolves a local `$ref` of the document. */
function resolve (ref: string): Node {
  return ref.slice(2).split('/').reduce<Node>((node, key) => node[key] as Node, doc as unknown as Node)
}

/** Visits every object of a JSON value but the data in examples. */
function walk (value: unknown, at: string, visit: (node: Node, at: string) => void): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, `${at}/${i}`, visit))
    return
  }
  if (typeof value !== 'object' || value === null) return
  visit(value as Node, at)
  for (const [key, child] of Object.entries(value)) {
    if (key === 'example' || key === 'examples' || key === 'enum' || key === 'default') continue
    walk(child, `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, visit)
  }
}
