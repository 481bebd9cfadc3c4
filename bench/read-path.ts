/**
 * The recommendation read path under load, against a bare Fastify route in
 * the same server and run.
 *
 *   npx tsx bench/read-path.ts [--duration 5] [--connections 50] [--rate 1000]
 *
 * The server (the real app: Redis, rate limiter, auth hook, params validation)
 * runs in a child process so autocannon does not share its event loop. It
 * replays the bundled pool-add rollout to a decision (a real 12-app result),
 * then serves:
 *   GET /v1/rollouts/{id}/recommendation   the read path
 *   GET /bench/bare                        the same bytes, a Buffer in memory (Fastify's floor for this payload)
 *   GET /bench/tiny                        {"ok":true} (Fastify's floor, period)
 * Targets: throughput >= 70% of the bare route's, p99 <= 10 ms at a fixed 1,000 req/s.
 */
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'

/** The slice of autocannon's API used here (the package ships no types). */
interface AutocannonResult {
  requests: { average: number }
  latency: { p50: number, p99: number }
  errors: number
  timeouts: number
  non2xx: number
}
const autocannon = createRequire(import.meta.url)('autocannon') as
  (opts: { url: string, duration: number, connections: number, overallRate?: number }) => Promise<AutocannonResult>

const HERE = new URL(import.meta.url).pathname

if (process.argv[2] === 'serve') {
  await serve()
} else {
  await main()
}

/** Child: the app with a decided rollout, listening; prints {"url","id"} and runs until stdin closes. */
async function serve (): Promise<void> {
  const { buildApp } = await import('../src/app.ts')
  const { loadConfig } = await import('../src/config.ts')
  const { startSimulator } = await import('../src/sim/index.ts')
  const { randomBytes } = await import('node:crypto')
  const sim = await startSimulator({
    scenario: new URL('../src/sim/scenarios/pool-add.json', import.meta.url).pathname, port: 0, apiKey: 'k'
  })
  const prefix = `gonogo-bench-${randomBytes(4).toString('hex')}`
  const app = await buildApp({
    config: loadConfig({
      NEW_RELIC_API_KEY: 'k',
      NEW_RELIC_ACCOUNT_ID: '3300001',
      GONOGO_REDIS_PREFIX: prefix,
      GONOGO_CHECKPOINT_LAG_SECONDS: '0',
      // One client hammering from one IP would be rate limited at the production default.
      GONOGO_RATE_LIMIT: '1000000',
      LOG_LEVEL: 'silent'
    }),
    logger: false,
    nerdgraph: { url: sim.url, apiKey: 'k' }
  })
  let payload: Buffer = Buffer.alloc(0)
  app.get('/bench/bare', async (_req, reply) => await reply.type('application/json; charset=utf-8').send(payload))
  app.get('/bench/tiny', async () => ({ ok: true }))
  const res = await app.inject({
    method: 'POST',
    url: '/v1/rollouts',
    payload: {
      name: 'bench',
      apps: ['Customer Portal', 'RESTAPI', 'Search Service', 'Auth.Gateway v2', 'Orders API', 'Inventory.Sync', 'Billing.Service',
        'Shipping Rates', 'Loyalty.Points', "O'Brien's API", 'Notifications.Worker', 'Payroll.Export'],
      canaryHosts: ['PRDIIS09'],
      startAt: '2026-11-25T04:30:00Z',
      decisionAt: '2026-11-25T10:00:00Z'
    }
  })
  const { id } = res.json()
  for (let i = 0; i < 600 && (await app.rollouts.get(id))?.state !== 'decided'; i++) await new Promise(resolve => setTimeout(resolve, 100))
  payload = (await app.inject(`/v1/rollouts/${id}/recommendation`)).rawPayload
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  process.stdout.write(JSON.stringify({ url, id, bytes: payload.length }) + '\n')
  const stop = async () => {
    await app.close()
    await sim.close()
    const { Redis } = await import('ioredis')
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 1000) // BullMQ's keys are under {<prefix>}
      cursor = next
      if (keys.length > 0) await redis.del(...keys)
    } while (cursor !== '0')
    await redis.quit()
    process.exit(0)
  }
  process.stdin.on('end', () => { stop().catch((err) => { process.stderr.write(`${String(err)}\n`); process.exit(1) }) })
  process.stdin.resume()
}

interface Run { rps: number, p50: number, p99: number, errors: number, non2xx: number }

async function load (url: string, opts: { duration: number, connections: number, rate?: number }): Promise<Run> {
  const r = await autocannon({
    url,
    duration: opts.duration,
    connections: opts.connections,
    ...(opts.rate === undefined ? {} : { overallRate: opts.rate })
  })
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx }
}

async function main (): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '5' }, connections: { type: 'string', default: '50' }, rate: { type: 'string', default: '1000' }
    }
  })
  const duration = Number(values.duration)
  const connections = Number(values.connections)
  const rate = Number(values.rate)
  const child = spawn(process.execPath, ['--import', 'tsx', HERE, 'serve'], { stdio: ['pipe', 'pipe', 'inherit'] })
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve)
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)))
  })
  const { url, id, bytes } = JSON.parse(first) as { url: string, id: string, bytes: number }
  const rec = `${url}/v1/rollouts/${id}/recommendation`
  const bare = `${url}/bench/bare`
  const tiny = `${url}/bench/tiny`
  process.stdout.write(`server ${url}, recommendation body ${bytes} bytes, ${duration}s per run, ${connections} connections\n`)

  // Fixed rate first, then saturation; two interleaved rounds of each so drift hits both routes alike.
  for (const u of [bare, rec]) await load(u, { duration: 2, connections: 10, rate })
  const fixed: Record<string, Run[]> = { bare: [], rec: [] }
  for (let round = 0; round < 2; round++) {
    fixed.rec.push(await load(rec, { duration: 2 * duration, connections: 10, rate }))
    fixed.bare.push(await load(bare, { duration: 2 * duration, connections: 10, rate }))
  }
  for (const u of [bare, rec, tiny]) await load(u, { duration: 1, connections })
  // Two interleaved rounds so drift (CPU frequency, GC, other load) hits both routes alike. The
  // rate limiter (per IP, per minute, at most 1,000,000 in config) must never answer here: its
  // 429s are cheaper than real answers. A pause before the second round gives it a new window.
  const runs: Record<string, Run[]> = { bare: [], rec: [], tiny: [] }
  for (let round = 0; round < 2; round++) {
    if (round > 0) await new Promise(resolve => setTimeout(resolve, 61_000))
    runs.bare.push(await load(bare, { duration, connections }))
    runs.rec.push(await load(rec, { duration, connections }))
  }
  runs.tiny.push(await load(tiny, { duration, connections }))
  const limited = [...runs.bare, ...runs.rec, ...runs.tiny, ...fixed.rec, ...fixed.bare].some(r => r.non2xx > 0 || r.errors > 0)
  const mean = (rs: Run[], k: keyof Run) => rs.reduce((s, r) => s + r[k], 0) / rs.length
  child.stdin.end()

  const line = (name: string, rs: Run[]) =>
    `${name.padEnd(28)} ${mean(rs, 'rps').toFixed(0).padStart(8)} req/s   p50 ${mean(rs, 'p50').toFixed(1)} ms   ` +
    `p99 ${mean(rs, 'p99').toFixed(1)} ms   errors ${mean(rs, 'errors') + mean(rs, 'non2xx')}`
  const ratio = mean(runs.rec, 'rps') / mean(runs.bare, 'rps')
  const ratioTiny = mean(runs.rec, 'rps') / mean(runs.tiny, 'rps')
  process.stdout.write([
    '',
    'max throughput:',
    line('/bench/tiny {"ok":true}', runs.tiny),
    line('/bench/bare (same bytes)', runs.bare),
    line('/v1/rollouts/{id}/recommendation', runs.rec),
    `ratio recommendation / bare (same bytes): ${(100 * ratio).toFixed(1)}%  (target >= 70%) ${ratio >= 0.7 ? 'OK' : 'MISSED'}`,
    `ratio recommendation / tiny:              ${(100 * ratioTiny).toFixed(1)}%`,
    '',
    `fixed ${rate} req/s, 10 connections, ${2 * duration}s per run (two runs each):`,
    `  recommendation: ${fixed.rec.map(r => `${r.rps.toFixed(0)} req/s p50 ${r.p50} ms p99 ${r.p99} ms`).join(' | ')}  ` +
      `worst p99 ${Math.max(...fixed.rec.map(r => r.p99))} ms (target <= 10 ms) ` +
      `${Math.max(...fixed.rec.map(r => r.p99)) <= 10 ? 'OK' : 'MISSED'}`,
    `  bare:           ${fixed.bare.map(r => `${r.rps.toFixed(0)} req/s p50 ${r.p50} ms p99 ${r.p99} ms`).join(' | ')}`,
    '',
    limited ? 'WARNING: some answers were errors or not 2xx (rate limited?); these numbers are not valid\n' : ''
  ].join('\n'))
  await new Promise(resolve => child.once('exit', resolve))
}
