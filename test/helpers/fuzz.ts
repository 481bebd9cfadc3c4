/**
 * Generator of hostile requests for test/fuzz.test.ts: seeded, so a failure replays exactly.
 * Each request is one route of the running app (its pattern from printRoutes, its parameters
 * and body schema from the OpenAPI document when it has one) with a few things made wrong:
 * path ids, query values, headers, the body's content type, its JSON text, or one field of an
 * otherwise valid body.
 */

/** mulberry32: small, fast, and the same sequence for the same seed on every platform. */
export class Prng {
  #s: number
  constructor (seed: number) { this.#s = seed >>> 0 }

  next (): number {
    this.#s = (this.#s + 0x6d2b79f5) >>> 0
    let t = this.#s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  int (n: number): number { return Math.floor(this.next() * n) }
  chance (p: number): boolean { return this.next() < p }
  pick<T> (xs: readonly T[]): T { return xs[this.int(xs.length)] }
}

/** A JSON token written as is (NaN, 1e400): JSON.stringify cannot produce them. */
class Raw { constructor (readonly text: string) {} }

export const STRINGS: readonly string[] = [
  '', ' ', 'a', '\u0000', 'a\u0000b', '\uD800', 'x\uDFFFy', '\uDBFF\uDBFF', '\u2028', 'Orders\u2028API', '\u2029', '\u0085',
  '\u202Egnp.exe', 'مرحبا', '\u200F\u200E', '\uFEFF', '\u001B[31m', '😀'.repeat(50), 'x'.repeat(5000), 'y'.repeat(70_000),
  '__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', "' OR 1=1 --", "O'Brien's API", '"; DROP',
  '\\', '\\u0000', '../../../etc/passwd', '..', '%00', '%2e%2e%2f', '$' + '{7*7}', '{{7*7}}', '<script>alert(1)</script>',
  'null', 'NaN', '-1', '1e309', 'true', '2026-02-30T25:61:00Z', '0000-00-00T00:00:00Z', '+275760-09-13T00:00:00.001Z',
  "RESTAPI' FACET host LIMIT MAX SINCE 1 year ago --", 'http://169.254.169.254/latest', 'PRDIIS09', 'RESTAPI'
]

const NUMBERS: ReadonlyArray<number | Raw> = [
  0, -1, 1, 1.5, -0.0001, 2 ** 31, 2 ** 53 + 2, -(2 ** 53), Number.MAX_VALUE, Number.MIN_VALUE, 1e21,
  new Raw('NaN'), new Raw('Infinity'), new Raw('-Infinity'), new Raw('1e400'), new Raw('-1e400'), new Raw('-0'),
  new Raw('9007199254740993'), new Raw('1' + '0'.repeat(400)), new Raw('0x10'), new Raw('1_000'), new Raw('.5')
]

/** A hostile JSON value of any type. */
export function hostileValue (r: Prng, depth = 0): unknown {
  switch (r.int(9)) {
    case 0: case 1: return r.pick(STRINGS)
    case 2: return r.pick(NUMBERS)
    case 3: return r.pick([true, false, null])
    case 4: return depth > 2 ? [] : Array.from({ length: r.int(4) }, () => hostileValue(r, depth + 1))
    case 5: return depth > 2 ? {} : { [r.pick(STRINGS)]: hostileValue(r, depth + 1), __proto__x: 1 }
    case 6: return nested(r.pick([50, 500, 5000]), r.chance(0.5))
    case 7: return Array.from({ length: r.pick([1000, 20_000]) }, (_, i) => r.chance(0.5) ? `APP-${i}` : i)
    default: return r.pick(STRINGS) + r.pick(STRINGS)
  }
}

function nested (depth: number, asObject: boolean): Raw {
  return new Raw(asObject ? '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) : '['.repeat(depth) + ']'.repeat(depth))
}

/** JSON text of a value that may hold Raw tokens. */
export function toJson (v: unknown): string {
  if (v instanceof Raw) return v.text
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`
  if (v !== null && typeof v === 'object') {
    return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`).join(',')}}`
  }
  return JSON.stringify(v) ?? 'null'
}

type Json = Record<string, unknown>

/** Every place in a JSON value (object keys and array indexes), for mutating one of them. */
function paths (v: unknown, at: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  if (v !== null && typeof v === 'object' && !(v instanceof Raw)) {
    for (const [k, x] of Object.entries(v)) {
      const p = [...at, Array.isArray(v) ? Number(k) : k]
      out.push(p)
      paths(x, p, out)
    }
  }
  return out
}

/** A copy of a valid body with one or two things wrong in it. */
export function mutate (r: Prng, base: unknown): unknown {
  const body = structuredClone(base) as Json
  const steps = 1 + r.int(2)
  for (let i = 0; i < steps; i++) {
    const places = paths(body)
    const kind = r.int(6)
    if (kind === 0 || places.length === 0) {
      // an unknown or dangerous key at the top or deeper
      const key = r.pick(['__proto__', 'constructor', 'prototype', 'extra', r.pick(STRINGS)])
      const target = places.length > 0 && r.chance(0.5) ? parentOf(body, r.pick(places)) : body
      if (target !== null && typeof target === 'object' && !Array.isArray(target)) {
        Object.defineProperty(target, key, { value: hostileValue(r), enumerable: true, configurable: true, writable: true })
      }
      continue
    }
    const place = r.pick(places)
    const parent = parentOf(body, place) as Record<string | number, unknown>
    if (parent === null || typeof parent !== 'object') continue
    const last = place[place.length - 1]
    if (kind === 1) {
      if (Array.isArray(parent)) parent.splice(Number(last), 1)
      else Reflect.deleteProperty(parent, last)
    } else if (kind === 2 && typeof parent[last] === 'string') {
      parent[last] = (parent[last] as string) + r.pick(STRINGS)
    } else {
      parent[last] = hostileValue(r)
    }
  }
  return body
}

function parentOf (root: unknown, place: Array<string | number>): unknown {
  let v = root as Record<string | number, unknown>
  for (const k of place.slice(0, -1)) v = v[k] as Record<string | number, unknown>
  return v
}

/** A value that satisfies a JSON schema well enough to be a base for mutation (examples first). */
export function sampleOf (schema: Json | undefined, components: Record<string, Json>, depth = 0): unknown {
  if (schema === undefined || depth > 6) return undefined
  if (typeof schema.$ref === 'string') return sampleOf(components[schema.$ref.split('/').pop() as string], components, depth + 1)
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0]
  if (schema.example !== undefined) return schema.example
  if (schema.default !== undefined) return schema.default
  if (schema.const !== undefined) return schema.const
  if (Array.isArray(schema.enum)) return schema.enum[0]
  const alt = (schema.anyOf ?? schema.oneOf) as Json[] | undefined
  if (Array.isArray(alt)) return sampleOf(alt[0], components, depth + 1)
  switch (schema.type) {
    case 'object': {
      const out: Json = {}
      const props = (schema.properties ?? {}) as Record<string, Json>
      for (const key of (schema.required ?? []) as string[]) out[key] = sampleOf(props[key], components, depth + 1)
      return out
    }
    case 'array': return [sampleOf(schema.items as Json, components, depth + 1)].filter(x => x !== undefined)
    case 'integer': case 'number': return typeof schema.minimum === 'number' ? schema.minimum : 1
    case 'boolean': return true
    case 'string': return 'x'
    default: return undefined
  }
}

/** One route of the app: a method and a find-my-way pattern such as /v1/rollouts/:id/gate. */
export interface Route { method: string, pattern: string }

/**
 * Every route of a running app, read from `app.printRoutes({ commonPrefix: false })`: the
 * tree's lines hold a path piece and its methods, and a route's path is its ancestors' pieces.
 */
export function routesOf (printed: string): Route[] {
  const routes: Route[] = []
  const stack: string[] = []
  for (const line of printed.split('\n')) {
    const m = /^([│ ]*)[├└]── (.*) \(([A-Z, ]+)\)$/.exec(line)
    if (m === null) continue
    const depth = m[1].length / 4
    stack.length = depth
    stack.push(m[2])
    // The root's children print without their slash when the tree has no common prefix (`* (OPTIONS)`).
    const joined = stack.join('')
    const pattern = joined.startsWith('/') ? joined : '/' + joined
    for (const method of m[3].split(',').map(s => s.trim())) routes.push({ method, pattern })
  }
  return routes
}

/** A request for light-my-request's inject(). */
export interface FuzzRequest {
  method: string
  url: string
  headers: Record<string, string>
  payload?: string
  /** What was made wrong, for the failure report. */
  what: string
}

export interface FuzzContext {
  /** Values that exist (a rollout id, an app of it), so some requests get past the 404s. */
  ids: string[]
  apps: string[]
  token: string
  /** OpenAPI document of the app (paths with {param} names). */
  doc: { paths: Record<string, Record<string, Json>>, components: { schemas: Record<string, Json> } }
  /** Valid bodies to mutate, by route pattern; other routes take a sample of their schema. */
  bodies: Record<string, unknown>
}

const BAD_IDS = [
  '01ARZ3NDEKTSV4RRFFQ69G5FAV', '00000000000000000000000000', 'zzzzzzzzzzzzzzzzzzzzzzzzzz', '1', '-1', 'null', '..', '.',
  '%2e%2e', '%2F', '%00', '%ED%A0%80', '%E2%80%A8', '%', '%zz', '%C0%AE', 'a'.repeat(27), 'a'.repeat(500), '__proto__',
  'constructor', '01ARZ3NDEKTSV4RRFFQ69G5FA%0A', encodeURIComponent('\u202E01ARZ3NDEKTSV4RRFFQ69G5F'), '*', "'", '%22'
]
const BAD_INDEXES = ['0', '1', '-1', '99999999', '1e3', 'NaN', '0x1', '00', ' 1', '%20', '1.5', '9'.repeat(40)]
const CONTENT_TYPES = [
  'application/json', 'application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'text/plain',
  'application/x-www-form-urlencoded', 'multipart/form-data; boundary=xyz', 'application/json; charset=utf-16',
  'application/octet-stream', '', 'application/json, text/plain', 'application/vnd.api+json', 'application/jsonx', 'text/html'
]
const BAD_JSON = [
  '', '{', '}', '[', 'null', 'true', '0', '"x"', '[]', '{"a":1,}', "{'a':1}", '{"a":1}{"b":2}', '{"a":undefined}', 'NaN',
  '\uFEFF{}', '{"a":"\\ud800"}', '{"a":"\\u0000"}', '{"\\u0000":1}', '{"a":1e999999}', '{"a":"\u2028"}', '{"a":01}',
  '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', '{"a":{"__proto__":{"polluted":1}}}'
]

function pathValue (r: Prng, name: string, ctx: FuzzContext): string {
  const good = name === 'id' ? ctx.ids : name === 'app' ? ctx.apps : name === 'index' ? ['0'] : []
  if (good.length > 0 && r.chance(0.5)) return encodeURIComponent(r.pick(good))
  if (name === 'index') return r.pick(BAD_INDEXES)
  if (name === 'id' || r.chance(0.5)) return r.pick(BAD_IDS)
  return safeEncode(r.pick(STRINGS).slice(0, 300))
}

/** encodeURIComponent, or the UTF-8 bytes of a lone surrogate as a server would see them. */
function safeEncode (s: string): string {
  try {
    return encodeURIComponent(s)
  } catch {
    return s.replace(/[\uD800-\uDFFF]/g, '%ED%A0%80').replace(/[^\x21-\x7e]/g, c => encodeURIComponent(c))
  }
}

function queryOf (r: Prng, params: Json[]): string {
  const pairs: string[] = []
  if (r.chance(0.3)) return ''
  for (const p of params) {
    if (p.in !== 'query' || r.chance(0.3)) continue
    const value = r.chance(0.3)
      ? r.pick(['1', '50', 'true', 'monitoring', '0', ''])
      : String(r.pick([...STRINGS, ...NUMBERS.map(n => n instanceof Raw ? n.text : String(n))]))
    pairs.push(`${String(p.name)}=${safeEncode(value.slice(0, 2000))}`)
    if (r.chance(0.15)) pairs.push(`${String(p.name)}=${safeEncode(r.pick(STRINGS).slice(0, 100))}`)
  }
  if (r.chance(0.2)) {
    pairs.push(r.pick(['__proto__[x]=1', 'constructor[prototype][x]=1', 'a[b][c]=1', '=', '&&', 'x', '%=%', 'limit[]=1', '__proto__=1']))
  }
  if (r.chance(0.05)) pairs.push(`q=${'z'.repeat(20_000)}`)
  return pairs.length === 0 ? '' : '?' + pairs.join('&')
}

/** The OpenAPI operation of a route, when the document has it. */
function operationOf (ctx: FuzzContext, route: Route): Json | undefined {
  const path = route.pattern.replace(/:(\w+)/g, '{$1}')
  return ctx.doc.paths[path]?.[route.method.toLowerCase()]
}

function bodySchema (op: Json | undefined): Json | undefined {
  const content = (op?.requestBody as Json | undefined)?.content as Json | undefined
  return (content?.['application/json'] as Json | undefined)?.schema as Json | undefined
}

/** One hostile request to `route`. */
export function requestFor (r: Prng, route: Route, ctx: FuzzContext): FuzzRequest {
  const what: string[] = []
  const op = operationOf(ctx, route) ?? operationOf(ctx, { ...route, method: route.method === 'HEAD' ? 'GET' : route.method })
  const path = route.pattern
    .replace(/:(\w+)/g, (_m, name: string) => pathValue(r, name, ctx))
    .replace(/\*$/, () => safeEncode(r.pick(STRINGS).slice(0, 200)))
  const url = path + queryOf(r, (op?.parameters ?? []) as Json[])
  const headers: Record<string, string> = {}
  const auth = r.int(10)
  if (auth < 7) headers.authorization = `Bearer ${ctx.token}`
  else if (auth === 7) headers.authorization = r.pick(['Bearer', 'Bearer  ', 'Basic Zm9vOmJhcg==', `Bearer ${ctx.token}x`, 'x'.repeat(8e3)])
  if (r.chance(0.1)) headers['if-none-match'] = r.pick(['*', 'W/"x"', '"', '', 'x'.repeat(3000), '"a", "b"'])
  if (r.chance(0.1)) headers['idempotency-key'] = r.pick(STRINGS).replace(/[^\x20-\x7e]/g, '?').slice(0, 300)
  if (r.chance(0.05)) headers.accept = r.pick(['text/event-stream', 'application/xml', '*/*;q=0', ''])
  if (r.chance(0.05)) headers['x-forwarded-for'] = r.pick(['1.2.3.4', 'garbage', '::1, 10.0.0.1'])
  if (route.method === 'OPTIONS') {
    headers.origin = r.pick(['https://dashboard.example.com', 'null', 'x'])
    headers['access-control-request-method'] = r.pick(['POST', 'DELETE', 'X'])
  }
  let payload: string | undefined
  const wantsBody = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method) || r.chance(0.05)
  if (wantsBody) {
    const base = ctx.bodies[route.pattern] ?? sampleOf(bodySchema(op), ctx.doc.components.schemas) ?? {}
    const form = r.int(10)
    if (form === 0) { payload = r.pick(BAD_JSON); what.push('bad JSON') } else if (form === 1) {
      payload = toJson(hostileValue(r))
      what.push('hostile body')
    } else if (form === 2) {
      const text = toJson(base)
      const key = /^\{"([^"]+)"/.exec(text)?.[1] ?? 'a'
      payload = text.replace(/^\{/, `{${JSON.stringify(key)}:${toJson(hostileValue(r))},`)
      what.push('duplicate key')
    } else if (form === 3 && route.method !== 'DELETE') {
      payload = undefined
      what.push('no body')
    } else {
      payload = toJson(mutate(r, base))
      what.push('mutated body')
    }
    headers['content-type'] = r.chance(0.8) ? 'application/json' : r.pick(CONTENT_TYPES)
    if (headers['content-type'] === '') Reflect.deleteProperty(headers, 'content-type')
    if (payload !== undefined && r.chance(0.03)) { payload = payload + ' '.repeat(300_000); what.push('over the body limit') }
  }
  return { method: route.method, url, headers, payload, what: what.join(', ') }
}
