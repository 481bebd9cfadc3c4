import { STATUS_CODES } from 'node:http'
import { isDeepStrictEqual } from 'node:util'
import { ERRORS, type ErrorStatus } from './responses.ts'
import { EXAMPLES, REQUEST_EXAMPLES, RESPONSE_EXAMPLES, type Example } from './examples.ts'

type Node = Record<string, unknown>
interface Operation {
  operationId?: string
  parameters?: Array<Node & { schema?: Node }>
  requestBody?: { content: Record<string, Node>, required?: boolean }
  responses: Record<string, { description: string, headers?: Record<string, Node>, content?: Record<string, Node> }>
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, Node>, examples?: Record<string, Example> } & Node
  [key: string]: unknown
}

const REF = '#/components/schemas/'
/** Operations whose body may be left out. */
const OPTIONAL_BODY = new Set(['cancelRollout'])
/** Keywords whose values are data, not schemas: never walked for names. */
const DATA = new Set(['enum', 'const', 'default', 'example', 'examples'])
/** Keywords a parameter moves out of its schema (@fastify/swagger): compared without them. */
const LIFTED = ['description', 'example', 'examples', 'deprecated']

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Finishes the document @fastify/swagger renders from the route schemas (its transformObject):
 * every schema with a title becomes components.schemas.<title> and its uses $refs to it (so a
 * generated client has model names), unions of single literals become one enum, and the
 * operations get their examples, headers and the /metrics route. A titled schema that is not a
 * component, or differs from it, stays inline with its title: test/openapi.test.ts fails on it.
 */
export function finishDocument (doc: OpenApiDocument): OpenApiDocument {
  const raw = doc.components.schemas
  const responses: Record<string, Node> = {}
  const done = new Map<string, Node>()
  const component = (name: string): Node | undefined => {
    let c = done.get(name)
    if (c === undefined && isNode(raw[name])) {
      c = named(raw[name], `components.schemas.${name}`, false) as Node
      done.set(name, c)
    }
    return c
  }

  /** A copy of a schema with its titled subschemas as $refs; `asParameter` compares without what a parameter lifts. */
  function named (schema: unknown, at: string, asParameter: boolean, root = true): unknown {
    if (Array.isArray(schema)) return schema.map((s, i) => named(s, `${at}.${i}`, asParameter, false))
    if (!isNode(schema)) return schema
    const out: Node = {}
    for (const [key, value] of Object.entries(schema)) {
      if (DATA.has(key)) out[key] = value
      else if (key === 'properties' && isNode(value)) {
        out[key] = Object.fromEntries(Object.entries(value).map(([p, s]) => [p, named(s, `${at}.${p}`, false, false)]))
      } else out[key] = named(value, `${at}.${key}`, false, false)
    }
    collapseEnum(out)
    if (typeof out.title !== 'string' || (root && at.startsWith('components.'))) return out
    const want = component(out.title)
    const same = want !== undefined && isDeepStrictEqual(asParameter ? omit(out, LIFTED) : out, asParameter ? omit(want, LIFTED) : want)
    if (!same) return out
    return { $ref: `${REF}${out.title}` }
  }

  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const at = `${method.toUpperCase()} ${path}`
      for (const p of op.parameters ?? []) {
        if (p.schema?.deprecated === true) {
          p.deprecated = true
          delete p.schema.deprecated
        }
        p.schema = named(p.schema, `${at} parameter ${String(p.name)}`, true) as Node
      }
      // Path parameters first, as the URL reads (@fastify/swagger lists the query first).
      if (op.parameters !== undefined) op.parameters.sort((a, b) => Number(b.in === 'path') - Number(a.in === 'path'))
      for (const media of Object.values(op.requestBody?.content ?? {})) media.schema = named(media.schema, `${at} body`, false)
      // @fastify/swagger marks every body required; a body whose every field is optional is not (cancel's reason).
      if (op.requestBody !== undefined && OPTIONAL_BODY.has(op.operationId ?? '')) op.requestBody.required = false
      const request = op.operationId === undefined ? undefined : REQUEST_EXAMPLES[op.operationId]
      if (request !== undefined && op.requestBody !== undefined) op.requestBody.content['application/json'].examples = request
      for (const [status, response] of Object.entries(op.responses)) {
        for (const media of Object.values(response.content ?? {})) media.schema = named(media.schema, `${at} ${status}`, false)
        const media = response.content?.['application/json']
        const example = op.operationId === undefined ? undefined : RESPONSE_EXAMPLES[op.operationId]?.[status]
        if (media !== undefined && example !== undefined) media.examples = { [example.name]: example.example }
        else if (media !== undefined && isSharedError(status, response.description, media)) {
          op.responses[status] = { $ref: `#/components/responses/${sharedError(Number(status) as ErrorStatus, responses)}` } as never
          continue
        }
        const headers = HEADERS[status]?.(at)
        if (headers !== undefined) response.headers = { ...response.headers, ...headers }
      }
    }
  }
  doc.components.schemas = Object.fromEntries(Object.keys(raw).sort().map(name => [name, component(name) as Node]))
  doc.components.responses = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)))
  doc.components.examples = EXAMPLES
  doc.paths = withMetrics(doc.paths)
  return doc
}

/** `anyOf` of single literals of one type (TypeBox unions of literals) is one `enum`, as clients expect. */
function collapseEnum (schema: Node): void {
  const members = schema.anyOf
  if (!Array.isArray(members) || members.length < 2) return
  const type = (members[0] as Node).type
  const single = (m: unknown): boolean =>
    isNode(m) && Object.keys(m).length === 2 && m.type === type && Array.isArray(m.enum) && m.enum.length === 1
  if (typeof type !== 'string' || !members.every(single)) return
  delete schema.anyOf
  schema.type = type
  schema.enum = members.map(m => ((m as Node).enum as unknown[])[0])
}

function omit (node: Node, keys: string[]): Node {
  return Object.fromEntries(Object.entries(node).filter(([k]) => !keys.includes(k)))
}

/** An error response as ERRORS describes it, with no example of its route's: one of components.responses. */
function isSharedError (status: string, description: string, media: Node): boolean {
  return Object.hasOwn(ERRORS, status) && ERRORS[Number(status) as ErrorStatus].description === description &&
    isDeepStrictEqual(media, { schema: { $ref: `${REF}Error` } })
}

/** Adds the shared response of an error status to `responses`; returns its name ("NotFound"). */
function sharedError (status: ErrorStatus, responses: Record<string, Node>): string {
  const reason = STATUS_CODES[status] as string
  const name = reason.replace(/[^A-Za-z]/g, '')
  const value = (message: string) => ({ statusCode: status, error: reason, message })
  const examples = status === 400
    ? {
        body: { summary: 'A bad body', value: value(ERRORS[400].message) },
        path: { summary: 'A bad path parameter', value: value('params.id "nope" is not of the expected form (Rollout id (ULID))') },
        query: { summary: 'A bad query parameter', value: value('querystring.limit must be <= 200') }
      }
    : undefined
  responses[name] = {
    description: ERRORS[status].description,
    ...(status === 429 || status === 503 ? { headers: RETRY_AFTER } : {}),
    content: {
      'application/json': {
        schema: { $ref: `${REF}Error` },
        ...(examples === undefined ? { example: value(ERRORS[status].message) } : { examples })
      }
    }
  }
  return name
}

const RETRY_AFTER = { 'retry-after': { description: 'Seconds to wait before trying again', schema: { type: 'integer' } } }
const LOCATION = { location: { description: 'Where the new resource is read', schema: { type: 'string' } } }
const REPLAYED = {
  'idempotent-replayed': {
    description: 'true when the Idempotency-Key was seen before: this is the rollout it created',
    schema: { type: 'string' }
  }
}
const HEADERS: Record<string, (at: string) => Record<string, Node> | undefined> = {
  201: at => at === 'POST /v1/rollouts' ? { ...LOCATION, ...REPLAYED } : LOCATION,
  202: () => LOCATION
}

/**
 * GET /metrics is registered before the swagger plugin (it measures every route), so
 * @fastify/swagger does not see it: its entry is written here, after /readyz.
 */
function withMetrics (paths: OpenApiDocument['paths']): OpenApiDocument['paths'] {
  const metrics = {
    get: {
      tags: ['health'],
      summary: 'Prometheus metrics',
      operationId: 'getMetrics',
      description: 'Open unless GONOGO_METRICS_TOKEN is set: then it needs `Authorization: Bearer <GONOGO_METRICS_TOKEN>`, ' +
        'and no API token opens it. Counted against GONOGO_RATE_LIMIT like every route but the probes.',
      security: [],
      responses: {
        200: {
          description: 'The gonogo_* metrics in the Prometheus text format',
          content: { 'text/plain': { schema: { type: 'string' }, example: METRICS_EXAMPLE } }
        },
        // Both shared responses exist: the mutating routes answer 401 and every route 429.
        401: { $ref: '#/components/responses/Unauthorized' } as never,
        429: { $ref: '#/components/responses/TooManyRequests' } as never
      }
    }
  }
  const out: OpenApiDocument['paths'] = {}
  for (const [path, item] of Object.entries(paths)) {
    if (path === '/metrics') continue
    out[path] = item
    if (path === '/readyz') out['/metrics'] = metrics
  }
  if (out['/metrics'] === undefined) out['/metrics'] = metrics
  return out
}

const METRICS_EXAMPLE = [
  '# HELP gonogo_checkpoints_total Checkpoints run, by kind (checkpoint, decision, analysis) and outcome (ok, failed)',
  '# TYPE gonogo_checkpoints_total counter',
  'gonogo_checkpoints_total{kind="analysis",outcome="ok"} 1',
  ''
].join('\n')
