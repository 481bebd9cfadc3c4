/**
 * Rollouts survive a restart of Redis itself when it runs with AOF, as docker-compose.yml
 * configures it: a private redis-server on its own port and folder, stopped and started
 * again between two instances of the service.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildTestApp, poolAddRollout } from '../helpers/app.ts'
import { eventually, redisToolEnv } from '../helpers/redis.ts'
import { waitForState } from '../helpers/wait.ts'

const hasRedis = spawnSync('redis-server', ['--version'], { env: redisToolEnv() }).status === 0
if (!hasRedis) {
  t.pass('skipped: redis-server is not installed, so no private Redis with AOF can be started')
} else {
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-aof-'))
  const port = 20000 + Math.floor(Math.random() * 20000)
  const url = `redis://127.0.0.1:${port}`
  let redis: ChildProcess | undefined

  const startRedis = async (): Promise<void> => {
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes',
      '--appendfsync', 'always', '--save', '', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore', env: redisToolEnv() })
    await eventually(
      async () => spawnSync('redis-cli', ['-p', String(port), 'ping'], { env: redisToolEnv() }).stdout?.toString().includes('PONG') === true
        ? true
        : undefined,
      10_000,
      'redis up'
    )
  }
  const stopRedis = async (): Promise<void> => {
    const proc = redis
    if (proc === undefined || proc.exitCode !== null) return
    const exited = new Promise(resolve => proc.once('exit', resolve))
    proc.kill('SIGTERM')
    await exited
  }
  t.teardown(async () => {
    await stopRedis()
    rmSync(dir, { recursive: true, force: true })
  })

  t.test('a decided rollout and its checkpoints are all there after Redis restarts', async (t) => {
    await startRedis()
    const first = await buildTestApp({ prefix: 'aof', env: { REDIS_URL: url } })
    const created = await first.app.inject({ method: 'POST', url: '/v1/rollouts', payload: poolAddRollout() })
    t.equal(created.statusCode, 201, created.body)
    const id = created.json().id as string
    const before = await waitForState(first.app, id, 'decided')
    const checkpointsBefore = (await first.app.inject(`/v1/rollouts/${id}/checkpoints`)).json()
    await first.close()

    await stopRedis()
    await startRedis()

    const second = await buildTestApp({ prefix: 'aof', env: { REDIS_URL: url } })
    t.teardown(second.close)
    const after = (await second.app.inject(`/v1/rollouts/${id}`)).json()
    t.equal(after.state, 'decided')
    t.equal(after.recommendation, before.recommendation)
    t.same(after.plan, before.plan)
    t.same((await second.app.inject(`/v1/rollouts/${id}/checkpoints`)).json(), checkpointsBefore,
      'every checkpoint result and cause, unchanged')
    const gate = await second.app.inject(`/v1/rollouts/${id}/gate`)
    t.equal(gate.statusCode, before.recommendation === 'GO' ? 200 : 409)
  })
}
