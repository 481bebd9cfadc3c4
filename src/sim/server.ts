/**
 * The simulator's HTTP server: NerdGraph at POST /graphql, fault injection and
 * counters under /admin, and /healthz. Plain node:http, because fault injection
 * needs full control of sockets (hanging requests, closing them on shutdown).
 * Long because one request's whole life is here, in order: concurrency limit,
 * fault plan, key check, resolution, simulated duration; then the admin API.
 */
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { FaultPlan, FaultsError, parseFaults } from './faults.ts'
import type { Faults } from './faults.ts'
import { badApiKeyBody, concurrencyBody, httpFaultBody } from './graphql/errors.ts'
import { AsyncQueries } from './graphql/async.ts'
import { ChangeLog } from './graphql/change-log.ts'
import type { ChangeEvent } from './graphql/change-log.ts'
import { executeGraphQL } from './graphql/execute.ts'
import type { ResolveContext } from './graphql/resolver.ts'
import { LimitsError, LimitState, parseLimits } from './limits.ts'
import type { Limits } from './limits.ts'
import { buildModel } from './model.ts'
import { loadScenario, parseScenario } from './scenario.ts'
import type { Scenario } from './scenario.ts'
import { BlockStore, cacheBudgetFor } from './store.ts'

export type { Faults } from './faults.ts'
export type { Limits } from './limits.ts'
export type { ChangeEvent } from './graphql/change-log.ts'

export interface SimulatorOptions {
  /** A scenario object or the path of a scenario file (JSON or YAML). */
  scenario: Scenario | string
  /** More scenarios, each answering for its own account (the demo serves a past and a live one). */
  also?: Array<Scenario | string>
  /** 0 or absent: a free port. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  /** Absent: any non-empty key is accepted. */
  apiKey?: string
  faults?: Faults
  /**
   * Clock for `SINCE n minutes ago` and the default UNTIL (default Date.now); relative
   * times in the scenario (`now-3h`) count from its value at start.
   */
  now?: () => number
  /** Most TIMESERIES buckets per query (default 366, as New Relic). */
  maxBuckets?: number
  /** Most generated events kept in memory (default: the scenario's size, at least 16M (~230 MB), at most 120M (~1.7 GB)). */
  cacheMaxEvents?: number
  /** Generate the scenario's events in the background right after start (CLI and embedded use: yes; tests: no). */
  warm?: boolean
  /** New Relic's limits to enforce: concurrency, NRQL rate, simulated query durations (default: none). */
  limits?: Limits
  /**
   * Clock of the limits (the NRQL rate window, simulated durations of async queries);
   * default Date.now. Separate from `now`, which is the data's clock and is often fixed in tests.
   */
  limitsClock?: () => number
}

export interface SimulatorStats {
  /** POST /graphql requests received, whatever their outcome. */
  requests: number
  /** nrql fields executed (a request with three aliases counts three). */
  nrqlQueries: number
}

/** Everything counted (GET /admin/stats shows these and the cache figures). */
export interface SimulatorCounters extends SimulatorStats {
  /** Refused by the limits: concurrency 429s plus rate-limited nrql fields. */
  rejected: number
  rejectedConcurrent: number
  rateLimited: number
  /** Most /graphql requests in flight at once. */
  maxInFlight: number
  /** Most NRQL queries of one account in any 60 seconds. */
  nrqlPerMinuteMax: number
  /** nrql fields answered TIMEOUT (simulated duration past `timeout`, fault, async past 10 minutes). */
  timeouts: number
  asyncQueries: number
  changeEvents: number
  /** Requests given an injected fault (429, 500, 503, timeout or hang). */
  faulted: number
}

export interface SimulatorHandle {
  /** The scenario served, relative times resolved to ISO times. */
  scenario: Scenario
  /** The accounts answered for: the scenario's, then those of `also`. */
  accounts: number[]
  /** When the scenarios were loaded: what their relative times count from. */
  loadedAt: number
  /** 'http://127.0.0.1:PORT/graphql' */
  url: string
  /** 'http://127.0.0.1:PORT' */
  baseUrl: string
  /** Replaces the fault settings. */
  setFaults: (f: Faults) => void
  /** Replaces the limits (and restarts the NRQL rate window). */
  setLimits: (l: Limits) => void
  /** Requests and nrql fields (the shape gonogo's tests compare); counters() has everything. */
  stats: () => SimulatorStats
  counters: () => SimulatorCounters
  /** Zeroes every counter (not the limits' rate window). */
  resetStats: () => void
  /** The change tracking events recorded by changeTrackingCreateEvent, oldest first. */
  changeEvents: () => ChangeEvent[]
  /** Resolves when the background warm-up (opts.warm) has generated what fits the cache; at once without it. */
  warmed: () => Promise<void>
  /** Stops listening and ends every open request, hanging ones included. */
  close: () => Promise<void>
}

const MAX_BODY = 10 * 1024 * 1024

function send (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.headersSent) return
  const text = body === undefined ? '' : JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers })
  res.end(text)
}

function readBody (req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY) {
        reject(new Error('request body too large'))
        req.destroy()
        return
      }
      chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function parseJson (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Starts a simulator; resolves once it is listening. */
export async function startSimulator (opts: SimulatorOptions): Promise<SimulatorHandle> {
  const now = opts.now ?? Date.now
  // Relative times in the scenario (`now-3h`) count from the simulator's own clock.
  const loadedAt = { now: now() }
  const scenario = typeof opts.scenario === 'string' ? loadScenario(opts.scenario, loadedAt) : parseScenario(opts.scenario, loadedAt)
  const model = buildModel(scenario)
  const store = new BlockStore(model, opts.cacheMaxEvents ?? cacheBudgetFor(model))
  const stores = new Map<number, BlockStore>([[model.accountId, store]])
  for (const s of opts.also ?? []) {
    const extra = buildModel(typeof s === 'string' ? loadScenario(s, loadedAt) : parseScenario(s, loadedAt))
    if (stores.has(extra.accountId)) throw new Error(`two scenarios answer for account ${extra.accountId}`)
    stores.set(extra.accountId, new BlockStore(extra, cacheBudgetFor(extra)))
  }
  const plan = new FaultPlan(opts.faults ?? {})
  const limits = new LimitState(opts.limits ?? {}, opts.limitsClock ?? Date.now)
  const asyncQueries = new AsyncQueries(limits.clock)
  const changes = new ChangeLog()
  const zero = (): Omit<SimulatorCounters, 'maxInFlight' | 'nrqlPerMinuteMax'> => ({
    requests: 0,
    nrqlQueries: 0,
    rejected: 0,
    rejectedConcurrent: 0,
    rateLimited: 0,
    timeouts: 0,
    asyncQueries: 0,
    changeEvents: 0,
    faulted: 0
  })
  let counters = zero()
  const allCounters = (): SimulatorCounters => ({ ...counters, ...limits.stats })
  const resetCounters = (): void => {
    counters = zero()
    limits.resetStats()
  }
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()
  let closed = false

  const delay = (ms: number): Promise<void> => new Promise(resolve => {
    const t = setTimeout(() => {
      timers.delete(t)
      resolve()
    }, ms)
    timers.add(t)
  })

  async function graphql (req: IncomingMessage, res: ServerResponse): Promise<void> {
    counters.requests++
    const key = req.headers['api-key']
    const keyText = Array.isArray(key) ? key[0] : key
    const text = await readBody(req)
    // New Relic's concurrency limit, per API key, counted from arrival to answer.
    const leave = limits.enter(keyText ?? '')
    if (leave === null) {
      counters.rejected++
      counters.rejectedConcurrent++
      return send(res, 429, concurrencyBody(limits.maxConcurrent), { 'retry-after': String(limits.retryAfterSeconds) })
    }
    res.once('close', leave)
    if (plan.latencyMs > 0) await delay(plan.latencyMs)
    if (closed) return
    const outcome = plan.next()
    if (outcome !== 'ok') counters.faulted++
    // A hanging request is simply never answered; close() destroys its socket.
    if (outcome === 'hang') return
    if (outcome === '429') return send(res, 429, httpFaultBody(429), { 'retry-after': String(plan.retryAfterSeconds) })
    if (outcome === '500' || outcome === '503') return send(res, Number(outcome), httpFaultBody(Number(outcome)))

    if (keyText === undefined || keyText.trim() === '') return send(res, 401, badApiKeyBody(true))
    if (opts.apiKey !== undefined && keyText !== opts.apiKey) return send(res, 401, badApiKeyBody(false))

    const body = parseJson(text)
    if (typeof body !== 'object' || body === null) {
      return send(res, 400, { errors: [{ message: 'The request body must be a JSON object with a "query" string.' }] })
    }
    const ctx: ResolveContext = {
      store,
      stores,
      now: now(),
      maxBuckets: opts.maxBuckets,
      nrqlMode: outcome === 'timeout' ? 'timeout' : 'ok',
      onNrql: () => { counters.nrqlQueries++ },
      limits,
      asyncQueries,
      changes,
      delayMs: 0,
      onTimeout: () => { counters.timeouts++ },
      onRateLimited: () => {
        counters.rejected++
        counters.rateLimited++
      },
      onAsync: () => { counters.asyncQueries++ },
      onChangeEvent: () => { counters.changeEvents++ }
    }
    const answer = executeGraphQL(ctx, body as Record<string, unknown>)
    // The simulated query durations: the answer comes when the slowest field is done.
    if (ctx.delayMs > 0) await delay(ctx.delayMs)
    if (closed) return
    send(res, 200, answer)
  }

  async function admin (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (path === '/admin/faults' && req.method === 'GET') return send(res, 200, plan.get())
    if (path === '/admin/faults' && req.method === 'PUT') {
      const body = parseJson(await readBody(req))
      try {
        plan.set(parseFaults(body))
      } catch (err) {
        if (err instanceof FaultsError) return send(res, 400, { error: err.message })
        throw err
      }
      return send(res, 200, plan.get())
    }
    if (path === '/admin/limits' && req.method === 'GET') return send(res, 200, limits.get())
    if (path === '/admin/limits' && req.method === 'PUT') {
      const body = parseJson(await readBody(req))
      try {
        limits.set(parseLimits(body))
      } catch (err) {
        if (err instanceof LimitsError) return send(res, 400, { error: err.message })
        throw err
      }
      return send(res, 200, limits.get())
    }
    if (path === '/admin/stats' && req.method === 'GET') {
      return send(res, 200, { ...allCounters(), inFlight: limits.inFlight, cache: store.stats() })
    }
    if ((path === '/admin/stats/reset' && req.method === 'POST') || (path === '/admin/stats' && req.method === 'DELETE')) {
      resetCounters()
      return send(res, 200, allCounters())
    }
    if (path === '/admin/change-events' && req.method === 'GET') return send(res, 200, { events: changes.events })
    if (path === '/admin/change-events' && req.method === 'DELETE') {
      changes.events = []
      return send(res, 200, { events: [] })
    }
    send(res, 404, { error: `no route ${req.method ?? ''} ${path}` })
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    const handle = async (): Promise<void> => {
      if (path === '/graphql' && req.method === 'POST') return await graphql(req, res)
      if (path === '/healthz' && req.method === 'GET') return send(res, 200, { status: 'ok', scenario: store.model.name })
      if (path.startsWith('/admin/')) return await admin(req, res, path)
      send(res, 404, { error: `no route ${req.method ?? ''} ${path}` })
    }
    handle().catch((err: unknown) => {
      send(res, 500, {
        errors: [{ message: `simulator error: ${(err as Error).message}`, extensions: { errorClass: 'INTERNAL_SERVER_ERROR' } }]
      })
    })
  })
  server.on('connection', s => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })

  const host = opts.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : opts.port ?? 0
  const hostPart = host.includes(':') ? `[${host}]` : host
  const baseUrl = `http://${hostPart}:${port}`
  const warming = opts.warm === true
    ? Promise.all([...stores.values()].map(async s => await s.warm(() => closed))).catch(() => {})
    : Promise.resolve()

  return {
    scenario,
    accounts: [...stores.keys()],
    loadedAt: loadedAt.now,
    url: `${baseUrl}/graphql`,
    baseUrl,
    setFaults: f => plan.set(f),
    setLimits: l => limits.set(l),
    warmed: async () => { await warming },
    stats: () => ({ requests: counters.requests, nrqlQueries: counters.nrqlQueries }),
    counters: allCounters,
    resetStats: resetCounters,
    changeEvents: () => changes.events.map(e => structuredClone(e)),
    close: async () => {
      if (closed) return
      closed = true
      for (const t of timers) clearTimeout(t)
      timers.clear()
      const done = new Promise<void>(resolve => server.close(() => resolve()))
      for (const s of sockets) s.destroy()
      await done
    }
  }
}
