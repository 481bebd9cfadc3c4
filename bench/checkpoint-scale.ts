/**
 * What a checkpoint costs as a rollout ages, reading New Relic incrementally (the default)
 * against reading the whole window each time (GONOGO_CHECKPOINT_READ=full), in the same run:
 * a 200-app rollout (10-800 rpm each, 4 existing hosts + 1 canary), six hourly checkpoints,
 * the decision at the sixth, the evidence carried as the worker carries it (JSON).
 *
 * - NRQL queries (the simulator's count) and bytes received (counted by a proxy in front of
 *   it) per checkpoint: target checkpoint 6 <= 1.2x checkpoint 1; a 6-checkpoint rollout's
 *   NRQL <= 6.5x a 1-checkpoint rollout's;
 * - peak RSS of a worker process running four 200-app checkpoints at once (the sixth, from the
 *   fifth's evidence; read, judge and serialise the evidence as the recorder does), measured
 *   in a child process (its VmHWM), the simulator outside it: <= 350 MB.
 *
 *   nice -n 10 npx tsx bench/checkpoint-scale.ts [--apps 200] [--concurrent 4]
 *   nice -n 10 npx tsx bench/checkpoint-scale.ts --only memory [--read incremental] [--keep DIR]
 *
 * `--only memory` skips the query and byte counts: it runs the five incremental checkpoints the
 * sixth continues from (about a minute), then the worker child(ren) (`--read full|incremental|both`,
 * default incremental). `--keep DIR` keeps the fifth checkpoint's evidence in DIR and reuses it on
 * the next run with the same --apps (the scenario is seeded, the start is the hour). The child also
 * reports its peak V8 heap and array buffers, sampled every 20 ms, to tell heap from the rest of RSS.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { Agent, createServer, request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import pino from 'pino'
import { runAnalysis, type ReadMode } from '../src/analysis/run.ts'
import { slowThresholdsOf, type EvidenceState } from '../src/judge/index.ts'
import { NerdGraphClient } from '../src/newrelic/client.ts'
import type { Target } from '../src/rollout/target.ts'
import { startSimulator } from '../src/sim/index.ts'
import { scaleScenario } from './scale-scenario.ts'

const { values: args } = parseArgs({
  options: {
    apps: { type: 'string', default: '200' },
    concurrent: { type: 'string', default: '4' },
    child: { type: 'string' },
    only: { type: 'string' },
    read: { type: 'string', default: 'incremental' },
    keep: { type: 'string' }
  }
})
const APPS = Number(args.apps)
const CONCURRENT = Number(args.concurrent)
const HOUR = 3_600_000
const KEY = 'bench-key'
const ACCOUNT = 1000001
// The child is told the parent's start: an hour may turn between them.
const startAt = args.child === undefined ? Math.floor(Date.now() / HOUR) * HOUR - 8 * HOUR : (JSON.parse(args.child) as ChildJob).startAt
const decisionAt = startAt + 6 * HOUR
const names = Array.from({ length: APPS }, (_, i) => `Scale App ${String(i + 1).padStart(3, '0')}`)
const target: Target = { accountId: ACCOUNT, apps: names.map(name => ({ name })), canaryHosts: ['PRDIIS09'], baselineHosts: null }

interface ChildJob { url: string, read: ReadMode, evidenceFile: string, concurrent: number, startAt: number }

/** One checkpoint; its evidence as the recorder serialises it. */
async function look (client: NerdGraphClient, read: ReadMode, until: number, evidence?: EvidenceState): Promise<string> {
  const out = await runAnalysis(client, target, { from: startAt, until }, {
    asOf: until, evidence, slowThresholdsS: evidence === undefined ? undefined : slowThresholdsOf(evidence), read, horizon: decisionAt
  })
  return JSON.stringify(out.evidence)
}

if (args.child !== undefined) {
  // A worker process: four checkpoints at once, from the evidence as Redis hands it over.
  const job = JSON.parse(args.child) as ChildJob
  const client = new NerdGraphClient({ url: job.url, apiKey: KEY, logger: pino({ level: 'silent' }), timeoutMs: 600_000 })
  // BENCH_ALLOC=file: a sampled profile of every allocation, collected or not (what churns the heap).
  const { Session } = await import('node:inspector/promises')
  const session = new Session()
  if (process.env.BENCH_ALLOC !== undefined) {
    session.connect()
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 65536, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true
    })
  }
  // Every GC's heap before and after it: the sampler below misses what a synchronous stretch allocates.
  const { GCProfiler } = await import('node:v8')
  const gcs = new GCProfiler()
  gcs.start()
  const idle = process.memoryUsage.rss()
  const started = Date.now()
  // RSS also counts freed heap not yet returned and Buffers: the V8 side is sampled apart.
  let heapMB = 0
  let heapTotalMB = 0
  let buffersMB = 0
  const sample = setInterval(() => {
    const m = process.memoryUsage()
    heapMB = Math.max(heapMB, m.heapUsed / 1e6)
    heapTotalMB = Math.max(heapTotalMB, m.heapTotal / 1e6)
    buffersMB = Math.max(buffersMB, m.arrayBuffers / 1e6)
  }, 20)
  await Promise.all(Array.from({ length: job.concurrent }, async () => {
    const evidence = JSON.parse(readFileSync(job.evidenceFile, 'utf8')) as EvidenceState
    return (await look(client, job.read, decisionAt, evidence)).length
  }))
  if (process.env.BENCH_ALLOC !== undefined) {
    const { profile } = await session.post('HeapProfiler.stopSampling')
    writeFileSync(process.env.BENCH_ALLOC, JSON.stringify(profile))
    session.disconnect()
  }
  if (process.env.BENCH_HEAP !== undefined) {
    const { writeHeapSnapshot } = await import('node:v8')
    writeHeapSnapshot(process.env.BENCH_HEAP)
  }
  clearInterval(sample)
  const gc = gcs.stop()?.statistics ?? []
  const maxOf = (f: (g: typeof gc[number]) => number): number => gc.reduce((m, g) => Math.max(m, f(g)), 0) / 1e6
  const gcStats = {
    gcs: gc.length,
    beforeGcMB: maxOf(g => g.beforeGC.heapStatistics.totalHeapSize),
    liveAfterGcMB: maxOf(g => g.gcType === 'MarkSweepCompact' ? g.afterGC.heapStatistics.usedHeapSize : 0)
  }
  await client.close()
  // The process's own high-water RSS (VmHWM). Not resourceUsage().maxRSS: Linux carries the
  // parent's peak over fork and exec into it, so a child of a 1.1 GB parent reported 1.1 GB.
  const hwm = /^VmHWM:\s+(\d+) kB/m.exec(existsSync('/proc/self/status') ? readFileSync('/proc/self/status', 'utf8') : '')
  const peakMB = hwm === null ? process.resourceUsage().maxRSS / 1e3 : Number(hwm[1]) / 1e3
  const inheritedMB = process.resourceUsage().maxRSS / 1e3
  const out = { idleMB: idle / 1e6, peakMB, inheritedMB, heapMB, heapTotalMB, buffersMB, ...gcStats, ms: Date.now() - started }
  process.stdout.write(JSON.stringify(out) + '\n')
  process.exit(0)
}

const scenario = scaleScenario({
  name: 'bench-checkpoint-scale', accountId: ACCOUNT, seed: 14, names, from: startAt - 6 * HOUR, until: decisionAt + HOUR, joinsAt: startAt
})
const sim = await startSimulator({ scenario, port: 0, apiKey: KEY })

// Bytes the client receives: a pass-through proxy counts every reply body on the wire.
let bytes = 0
const agent = new Agent({ keepAlive: true })
const proxy = createServer((req, res) => {
  const target = new URL(sim.url)
  const options = { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers, agent }
  const up = request(options, reply => {
    res.writeHead(reply.statusCode ?? 502, reply.headers)
    reply.on('data', (chunk: Buffer) => { bytes += chunk.length })
    reply.pipe(res)
  })
  // A dropped connection is the client's to retry, as it would be with New Relic.
  up.on('error', () => { res.destroy() })
  req.on('error', () => { up.destroy() })
  req.pipe(up)
})
await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve))
const address = proxy.address()
const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}${new URL(sim.url).pathname}`
const client = new NerdGraphClient({ url, apiKey: KEY, logger: pino({ level: 'silent' }), timeoutMs: 600_000 })

const onlyMemory = args.only === 'memory'
if (args.only !== undefined && !onlyMemory) throw new Error(`--only ${args.only}: only "memory" is known`)
const childReads: ReadMode[] = args.read === 'both' ? ['full', 'incremental'] : [args.read as ReadMode]
const dir = args.keep ?? mkdtempSync(join(tmpdir(), 'gonogo-scale-'))
mkdirSync(dir, { recursive: true })
const evidenceFile = (read: ReadMode): string => join(dir, `${read}-${APPS}-${startAt}.json`)
const plan = [1, 2, 3, 4, 5, 6].map(h => startAt + h * HOUR)
const rows: Array<{ read: ReadMode, queries: number[], bytes: number[], ms: number[], evidenceBytes: number }> = []
const reads: ReadMode[] = onlyMemory ? childReads.filter(r => !existsSync(evidenceFile(r))) : ['full', 'incremental']
for (const read of reads) {
  const row = { read, queries: [] as number[], bytes: [] as number[], ms: [] as number[], evidenceBytes: 0 }
  let evidence: EvidenceState | undefined
  for (const [i, at] of (onlyMemory ? plan.slice(0, 5) : plan).entries()) {
    const q0 = sim.stats().nrqlQueries
    const b0 = bytes
    const t0 = Date.now()
    const json = await look(client, read, at, evidence)
    row.queries.push(sim.stats().nrqlQueries - q0)
    row.bytes.push(bytes - b0)
    row.ms.push(Date.now() - t0)
    evidence = JSON.parse(json) as EvidenceState
    if (i === 4) writeFileSync(evidenceFile(read), json)
    row.evidenceBytes = json.length
  }
  rows.push(row)
}
await client.close()

interface Memory {
  idleMB: number
  peakMB: number
  inheritedMB: number
  heapMB: number
  heapTotalMB: number
  buffersMB: number
  ms: number
  gcs: number
  beforeGcMB: number
  liveAfterGcMB: number
}
async function child (read: ReadMode): Promise<Memory> {
  const job: ChildJob = { url, read, evidenceFile: evidenceFile(read), concurrent: CONCURRENT, startAt }
  // BENCH_CHILD_FLAGS: node flags for the worker alone (--max-old-space-size=N, --heap-prof).
  const flags = (process.env.BENCH_CHILD_FLAGS ?? '').split(' ').filter(f => f !== '')
  const argv = [...flags, ...process.execArgv, new URL(import.meta.url).pathname, '--child', JSON.stringify(job)]
  const proc = spawn(process.execPath, argv, {
    stdio: ['ignore', 'pipe', 'inherit']
  })
  let out = ''
  proc.stdout.on('data', (c: Buffer) => { out += c.toString() })
  await new Promise(resolve => proc.on('close', resolve))
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}')
}
const memory: Partial<Record<ReadMode, Memory>> = {}
for (const read of onlyMemory ? childReads : ['full', 'incremental'] as const) memory[read] = await child(read)
await new Promise(resolve => proxy.close(resolve))
await sim.close()

const mb = (n: number): string => (n / 1e6).toFixed(1)
if (!onlyMemory) {
  console.log(`${APPS} apps, 4 existing hosts + 1 canary, 6 hourly checkpoints (the sixth decides)\n`)
  console.log('read         | NRQL per checkpoint 1..6     | total | cp6/cp1 | ' +
    'MB received per checkpoint 1..6       | cp6/cp1 | time s 1..6')
  for (const r of rows) {
    console.log([
      r.read.padEnd(12),
      r.queries.join(' ').padEnd(28),
      String(r.queries.reduce((a, b) => a + b, 0)).padEnd(5),
      (r.queries[5] / r.queries[0]).toFixed(2).padEnd(7),
      r.bytes.map(mb).join(' ').padEnd(37),
      (r.bytes[5] / r.bytes[0]).toFixed(2).padEnd(7),
      r.ms.map(ms => (ms / 1000).toFixed(1)).join(' ')
    ].join(' | '))
  }
  const inc = rows[1]
  const ratio = (r: typeof inc): string => (r.queries.reduce((a, b) => a + b, 0) / r.queries[0]).toFixed(2)
  console.log(`\n6-checkpoint rollout vs 1-checkpoint rollout, NRQL: ${ratio(inc)}x incremental, ${ratio(rows[0])}x full (target <= 6.5x)`)
  console.log(`evidence JSON after the decision: ${mb(rows[0].evidenceBytes)} MB full, ` +
    `${mb(inc.evidenceBytes)} MB incremental (with its carried state)`)
}
for (const [read, m] of Object.entries(memory)) {
  console.log(`worker, ${CONCURRENT} concurrent ${APPS}-app checkpoints (the sixth), ${read}: ` +
    `peak RSS ${m.peakMB.toFixed(0)} MB (maxRSS with the parent's ${m.inheritedMB.toFixed(0)} MB) ` +
    `(idle ${m.idleMB.toFixed(0)} MB; V8 heap used peak ${m.heapMB.toFixed(0)} MB of ${m.heapTotalMB.toFixed(0)} MB, ` +
    `array buffers ${m.buffersMB.toFixed(0)} MB; ${m.gcs} GCs, heap at most ${m.beforeGcMB.toFixed(0)} MB before one, ` +
    `at most ${m.liveAfterGcMB.toFixed(0)} MB live after a full one), ` +
    `${(m.ms / 1000).toFixed(1)} s (target <= 350 MB)`)
}
