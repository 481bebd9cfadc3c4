/**
 * 1,500 generated hostile requests over every route the running app has (read from the app
 * itself, so a new route is fuzzed without touching this file): no answer may be a 5xx (the
 * 502/503/504 routes document for New Relic or Redis cannot happen here, on a healthy Redis
 * and the local simulator), every 4xx is { statusCode, error, message }, and nothing pollutes
 * Object.prototype. Seeded: FUZZ_SEED=<n> replays a run, FUZZ_COUNT=<n> makes it longer.
 */
import t from 'tap'
import { buildTestApp } from './helpers/app.ts'
import { cleanPrefix, uniquePrefix } from './helpers/redis.ts'
import { Prng, requestFor, routesOf, type FuzzContext } from './helpers/fuzz.ts'

const SEED = Number(process.env.FUZZ_SEED ?? 0x60_60)
const COUNT = Number(process.env.FUZZ_COUNT ?? 1500)
const TOKEN = 'fuzz-token-0123456789'

const prefix = uniquePrefix('fuzz')
// The API role: rollouts the fuzz creates stay scheduled (no worker), so the run costs requests only.
const test = await buildTestApp({ prefix, role: 'api', tokens: `fuzz:${TOKEN}`, env: { GONOGO_MANUAL_WAIT_MS: '0' } })
t.teardown(async () => {
  await test.close()
  await cleanPrefix(prefix)
})
const { app } = test
const auth = { authorization: `Bearer ${TOKEN}` }

const doc = app.swagger() as unknown as FuzzContext['doc']
const example = (path: string): unknown => {
  type Body = { content: Record<string, { examples: Record<string, { value: unknown }> }> }
  const content = (doc.paths[path].post.requestBody as Body).content
  return Object.values(content['application/json'].examples)[0].value
}
const created = await app.inject({
  method: 'POST', url: '/v1/rollouts', headers: auth, payload: example('/v1/rollouts') as object
})
t.equal(created.statusCode, 201, created.body)
const rollout = created.json() as { id: string, apps: Array<{ app: string }> }

const routes = routesOf(app.printRoutes({ commonPrefix: false }))
t.ok(routes.length >= 30, `${routes.length} routes found`)
t.ok(routes.some(r => r.method === 'POST' && r.pattern === '/v1/rollouts/:id/apps/:app/notes'), 'the route list reaches the leaves')

const ctx: FuzzContext = {
  ids: [rollout.id],
  apps: rollout.apps.map(a => a.app),
  token: TOKEN,
  doc,
  bodies: { '/v1/analyses': example('/v1/analyses'), '/v1/rollouts': example('/v1/rollouts') }
}

/**
 * A 4xx the document gives a body other than the error shape (the gate's 409 is the gate's
 * view: deploy tools read its reason): that body is checked by the route's own tests.
 */
function documentsOtherBody (route: { method: string, pattern: string }, status: number): boolean {
  const method = route.method === 'HEAD' ? 'get' : route.method.toLowerCase()
  const response = doc.paths[route.pattern.replace(/:(\w+)/g, '{$1}')]?.[method]?.responses as Record<string, unknown> | undefined
  const documented = response?.[String(status)]
  const text = JSON.stringify(documented ?? null)
  return documented !== undefined && !text.includes('#/components/schemas/Error"') && !text.includes('#/components/responses/')
}

t.test(`${COUNT} hostile requests, seed ${SEED}`, async (t) => {
  const r = new Prng(SEED)
  const failures = new Map<string, { count: number, example: string }>()
  const statuses = new Map<number, number>()
  const perRoute = new Map<string, number>()
  const fail = (key: string, example: string): void => {
    const seen = failures.get(key)
    failures.set(key, { count: (seen?.count ?? 0) + 1, example: seen?.example ?? example })
  }
  const started = Date.now()
  for (let i = 0; i < COUNT; i++) {
    // Every route once before any twice, then at random.
    const route = i < routes.length ? routes[i] : r.pick(routes)
    const req = requestFor(r, route, ctx)
    const where = `${route.method} ${route.pattern}`
    perRoute.set(where, (perRoute.get(where) ?? 0) + 1)
    const show = `#${i} ${req.method} ${req.url.slice(0, 200)} [${req.what}] ${JSON.stringify(req.headers).slice(0, 200)} ` +
      `${(req.payload ?? '').slice(0, 300)}`
    let res
    try {
      res = await app.inject({ ...req, payloadAsStream: true })
    } catch (err) {
      fail(`inject threw on ${where}: ${(err as Error).message}`, show)
      continue
    }
    statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
    const type = String(res.headers['content-type'] ?? '')
    if (type.startsWith('text/event-stream')) {
      res.stream().destroy()
      continue
    }
    const chunks: Buffer[] = []
    for await (const chunk of res.stream()) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks).toString('utf8')
    // An API role with no worker is not ready by design (/readyz's 503 names the missing heartbeat).
    const notReady = route.pattern === '/readyz' && res.statusCode === 503
    if (res.statusCode >= 500 && !notReady) fail(`${res.statusCode} on ${where}`, `${show} -> ${body.slice(0, 300)}`)
    if (res.statusCode >= 400 && res.statusCode < 500 && req.method !== 'HEAD' && !documentsOtherBody(route, res.statusCode)) {
      let shape = 'not JSON'
      try {
        const json = JSON.parse(body) as Record<string, unknown>
        shape = json.statusCode === res.statusCode && typeof json.error === 'string' && typeof json.message === 'string' &&
          json.message.length > 0
          ? 'ok'
          : `fields ${Object.keys(json).join(',')}`
      } catch {}
      if (shape !== 'ok') fail(`${res.statusCode} on ${where}: error body ${shape}`, `${show} -> ${body.slice(0, 300)}`)
    }
  }
  const seconds = (Date.now() - started) / 1000
  t.comment(`${COUNT} requests in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`)
  t.same([...failures].map(([key, f]) => `${key} (x${f.count}), e.g. ${f.example}`), [], 'no 5xx, every 4xx in the error shape')
  t.same(routes.filter(rt => (perRoute.get(`${rt.method} ${rt.pattern}`) ?? 0) === 0), [], 'every route was fuzzed')
  const probe: Record<string, unknown> = {}
  t.equal(probe.polluted, undefined, 'Object.prototype is not polluted')
  t.equal(Object.hasOwn(Object.prototype, 'x'), false)
  t.equal((await app.inject('/healthz')).statusCode, 200, 'the app still answers')
})
