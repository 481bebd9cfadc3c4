/**
 * GET /metrics as Prometheus scrapes it: a listening app that has run an analysis and a live
 * rollout, its exposition fed to `promtool check metrics` (the Prometheus project's own lint),
 * which must exit 0 and say nothing.
 */
import { spawn, spawnSync } from 'node:child_process'
import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { cleanPrefix, eventually, uniquePrefix } from '../helpers/redis.ts'
import { healthyRollout, liveScenario } from '../helpers/scenarios.ts'

const hasPromtool = spawnSync('promtool', ['--version']).status === 0
t.ok(hasPromtool, 'promtool is installed (Debian package prometheus; .ci/run installs it)')

const prefix = uniquePrefix('metrics')
const now = Date.now()
const { app, close } = await buildTestApp({ prefix, scenario: liveScenario(now) })
t.teardown(async () => {
  await close()
  await cleanPrefix(prefix)
})
const base = await app.listen({ port: 0, host: '127.0.0.1' })
const iso = (ms: number) => new Date(ms).toISOString()
const post = async (path: string, body: unknown) =>
  await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

async function promtool (text: string): Promise<{ code: number | null, out: string }> {
  const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr.on('data', (d: Buffer) => { out += d.toString() })
  const code = new Promise<number | null>(resolve => child.once('close', resolve))
  child.stdin.end(text)
  return { code: await code, out }
}

t.test('a little traffic, then /metrics passes promtool check metrics with no warning', { skip: !hasPromtool }, async t => {
  const window = { from: iso(now - 2 * 3_600_000), until: iso(now - 60_000) }
  const analysis = await post('/v1/analyses', { apps: ['RESTAPI', 'Orders API'], canaryHosts: ['PRDIIS09'], ...window })
  t.equal(analysis.status, 200)
  const created = await post('/v1/rollouts', healthyRollout({ startAt: iso(now - 90 * 60_000), decisionAt: iso(now + 90 * 60_000) }))
  t.equal(created.status, 201)
  const { id } = await created.json() as { id: string }
  await eventually(async () => ((await app.rollouts.get(id))?.recommendation !== null ? true : undefined), 30_000, 'first checkpoint')
  t.equal((await post(`/v1/rollouts/${id}/cancel`, {})).status, 200)
  const live = await post('/v1/rollouts', healthyRollout({ startAt: iso(now - 90 * 60_000), decisionAt: iso(now + 90 * 60_000) }))
  const liveId = (await live.json() as { id: string }).id
  await eventually(async () => ((await app.rollouts.get(liveId))?.recommendation !== null ? true : undefined), 30_000, 'first checkpoint')

  const res = await fetch(`${base}/metrics`)
  t.equal(res.status, 200)
  t.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/)
  const text = await res.text()
  // The families a scrape should see after this traffic, so the lint below checks them all.
  t.match(text, /^gonogo_checkpoints_total\{kind="analysis",outcome="ok"\} 1$/m)
  t.match(text, /^gonogo_nerdgraph_request_duration_seconds_bucket\{le="\+Inf"\} [1-9]/m)
  t.match(text, new RegExp(`^gonogo_rollout_recommendation\\{rollout="${liveId}"\\} 1$`, 'm'), 'the live rollout, GO')
  t.notMatch(text, new RegExp(`gonogo_rollout_recommendation\\{rollout="${id}"`), 'not the cancelled one')
  t.match(text, /^gonogo_rollouts_finished_total\{outcome="cancelled"\} 1$/m)
  t.match(text, /^gonogo_rollouts_finished_total\{outcome="GO"\} 0$/m)
  t.match(text, /^gonogo_queue_jobs\{queue="notify",state="waiting"\} \d+$/m)
  t.notMatch(text, /^# TYPE \S+_total gauge$/m, 'no gauge named like a counter')

  const lint = await promtool(text)
  t.equal(lint.out, '', 'promtool says nothing')
  t.equal(lint.code, 0, 'promtool exits 0')
})

t.test('promtool does fail on a warning, so the check above can fail', { skip: !hasPromtool }, async t => {
  const lint = await promtool('# HELP x_total a gauge named like a counter\n# TYPE x_total gauge\nx_total 1\n')
  t.not(lint.code, 0)
  t.match(lint.out, /non-counter metrics should not have "_total" suffix/)
})
