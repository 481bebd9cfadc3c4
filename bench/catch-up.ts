/**
 * Catch-up throughput: after an outage, how fast do one and two worker processes record the
 * checkpoints that fell due, when New Relic is not the bottleneck?
 *   npx tsx bench/catch-up.ts [--rollouts 8] [--apps 50] [--checkpoints 24] [--concurrency 4]
 *
 * New Relic stand-in: a replay of the simulator. A first pass (one worker) runs every rollout
 * through a recording proxy in front of the simulator; the measured passes create the same
 * rollouts (same windows, so the same NRQL) on fresh prefixes and the proxy answers each
 * request from memory at once (a miss goes to the simulator and is counted). So what is
 * measured is gonogo: parsing, judging, Redis, the queue, the budget's pacing.
 * Prints checkpoints a minute for 1 and 2 workers, and what the NerdGraph budget would allow.
 */
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { Scenario, ScenarioApp } from '../src/sim/index.ts'
import { dropPrefix, freePort, startGonogo, startSim, stop, stopAll, waitReady } from './fleet.ts'

const { values } = parseArgs({
  options: {
    rollouts: { type: 'string', default: '8' },
    apps: { type: 'string', default: '50' },
    checkpoints: { type: 'string', default: '24' },
    concurrency: { type: 'string', default: '4' }
  }
})
const N_ROLLOUTS = Number(values.rollouts)
const N_APPS = Number(values.apps)
const N_CHECKPOINTS = Number(values.checkpoints)
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const KEY = 'bench-key'
const ACCOUNT = 3300032
const HOUR = 3_600_000
const CANARIES = ['PRDIIS09', 'PRDIIS10']
const iso = (ms: number): string => new Date(ms).toISOString()
const now = Math.floor(Date.now() / HOUR) * HOUR
const joined = now - (N_CHECKPOINTS + 4) * HOUR

function scenario (): Scenario {
  const hosts = [{ name: 'PRDIIS01' }, { name: 'PRDIIS02' }, { name: 'PRDIIS03' }, { name: 'PRDIIS04' },
    ...CANARIES.map(name => ({ name, joins: iso(joined) }))]
  const apps: ScenarioApp[] = Array.from({ length: N_APPS }, (_, i) => ({
    name: `Catchup.App${String(i + 1).padStart(3, '0')}`,
    throughputRpm: 60 + 30 * (i % 20),
    latency: { medianMs: 100 + 7 * (i % 30), sigma: 0.5 },
    errorRate: 0.004 + 0.001 * (i % 5),
    errors: { 'System.Net.WebException': 0.7, 'System.TimeoutException': 0.3 },
    hosts,
    ...(i % 10 === 3 ? { effects: [{ host: 'PRDIIS09', from: iso(joined), errorRateMultiplier: 3 }] } : {})
  }))
  return { name: 'bench-catch-up', accountId: ACCOUNT, seed: 32, from: iso(joined - 8 * HOUR), until: iso(now + HOUR), apps }
}

/** Answers a request body it has seen from memory; anything else goes to the simulator and is kept. */
async function startReplay (upstream: string): Promise<{ url: string, misses: () => number, close: () => void }> {
  const cache = new Map<string, { status: number, body: string }>()
  let misses = 0
  const read = async (req: IncomingMessage): Promise<string> => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    return Buffer.concat(chunks).toString()
  }
  const server = createServer((req, res) => {
    (async () => {
      const body = await read(req)
      const key = createHash('sha256').update(body).digest('hex')
      let hit = cache.get(key)
      if (hit === undefined) {
        misses++
        const up = await fetch(upstream, { method: 'POST', headers: { 'content-type': 'application/json', 'api-key': KEY }, body })
        hit = { status: up.status, body: await up.text() }
        if (up.ok) cache.set(key, hit)
      }
      res.writeHead(hit.status, { 'content-type': 'application/json' }).end(hit.body)
    })().catch(err => { res.writeHead(502).end(String(err)) })
  })
  const port = await freePort()
  await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${port}/graphql`, misses: () => misses, close: () => { server.close() } }
}

interface Pass { label: string, workers: number, seconds: number, checkpoints: number, misses: number, recommendations: string[] }

async function pass (label: string, workers: number, nerdgraph: string, misses: () => number): Promise<Pass> {
  const prefix = `gonogo-bench-catchup-${Date.now().toString(36)}`
  const env = {
    NEW_RELIC_API_KEY: KEY,
    NEW_RELIC_ACCOUNT_ID: String(ACCOUNT),
    NERDGRAPH_URL: nerdgraph,
    REDIS_URL,
    GONOGO_REDIS_PREFIX: prefix,
    GONOGO_CHECKPOINT_LAG_SECONDS: '0',
    GONOGO_PREFLIGHT_MS: '0',
    GONOGO_RATE_LIMIT: '100000',
    GONOGO_WORKER_CONCURRENCY: String(Number(values.concurrency)),
    NERDGRAPH_TIMEOUT_MS: '120000',
    LOG_LEVEL: 'error'
  }
  const apiPort = await freePort()
  const procs = [startGonogo('api', apiPort, env)]
  const ports = [apiPort]
  for (let i = 0; i < workers; i++) {
    const port = await freePort()
    ports.push(port)
    procs.push(startGonogo('worker', port, env))
  }
  await Promise.all(ports.map(waitReady))
  const missesBefore = misses()
  const started = Date.now()
  const ids = await Promise.all(Array.from({ length: N_ROLLOUTS }, async (_, i) => {
    const end = now - HOUR - (i % 3) * HOUR
    const res = await fetch(`http://127.0.0.1:${apiPort}/v1/rollouts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: `catch-up ${i}`,
        apps: Array.from({ length: N_APPS }, (_, a) => `Catchup.App${String(a + 1).padStart(3, '0')}`),
        canaryHosts: [CANARIES[i % CANARIES.length]],
        baselineHosts: ['PRDIIS01', 'PRDIIS02', 'PRDIIS03', 'PRDIIS04'],
        startAt: iso(end - (N_CHECKPOINTS - 1) * HOUR),
        decisionAt: iso(end),
        checkpointEvery: 'PT1H'
      })
    })
    if (res.status !== 201) throw new Error(`create ${i}: ${res.status} ${await res.text()}`)
    return (await res.json() as { id: string }).id
  }))
  for (;;) {
    const page = await (await fetch(`http://127.0.0.1:${apiPort}/v1/rollouts?state=decided&limit=100`)).json() as { items: unknown[] }
    if (page.items.length >= N_ROLLOUTS) break
    if (Date.now() - started > 60 * 60_000) throw new Error(`${label}: only ${page.items.length} decided after an hour`)
    await new Promise(resolve => setTimeout(resolve, 500))
  }
  const seconds = (Date.now() - started) / 1000
  let checkpoints = 0
  const recommendations: string[] = []
  for (const id of ids) {
    const r = await (await fetch(`http://127.0.0.1:${apiPort}/v1/rollouts/${id}`)).json() as {
      progress: { ok: number, failed: number }, recommendation: string | null
    }
    checkpoints += r.progress.ok + r.progress.failed
    recommendations.push(r.recommendation ?? 'none')
  }
  await stop(procs)
  await dropPrefix(REDIS_URL, prefix)
  return { label, workers, seconds, checkpoints, misses: misses() - missesBefore, recommendations }
}

const file = join(tmpdir(), `gonogo-bench-catch-up-${process.pid}.json`)
writeFileSync(file, JSON.stringify(scenario()))
const passes: Pass[] = []
try {
  const sim = await startSim(file, KEY, [])
  const replay = await startReplay(sim.url)
  const record = await pass('record (simulator behind the proxy)', 1, replay.url, replay.misses)
  passes.push(record)
  passes.push(await pass('replay, 1 worker', 1, replay.url, replay.misses))
  passes.push(await pass('replay, 2 workers', 2, replay.url, replay.misses))
  replay.close()
  sim.proc.kill('SIGTERM')
} finally {
  stopAll()
}

console.log(`\n${N_ROLLOUTS} rollouts x ${N_APPS} apps x ${N_CHECKPOINTS} checkpoints, ` +
  `GONOGO_WORKER_CONCURRENCY=${values.concurrency}\n`)
console.log('| pass | seconds | checkpoints | checkpoints a minute | NerdGraph misses (to the simulator) | recommendations as recorded |')
console.log('|---|---|---|---|---|---|')
for (const p of passes) {
  const same = p.recommendations.every((r, i) => r === passes[0].recommendations[i])
  const rate = (p.checkpoints / p.seconds * 60).toFixed(1)
  console.log(`| ${p.label} | ${p.seconds.toFixed(0)} | ${p.checkpoints} | ${rate} | ${p.misses} | ${same ? 'yes' : 'NO'} |`)
}
const one = passes[1]
const two = passes[2]
console.log(`\n2 workers / 1 worker: x${((two.checkpoints / two.seconds) / (one.checkpoints / one.seconds)).toFixed(2)}`)
