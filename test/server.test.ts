/** The process entry as an operator runs it: configuration errors, start-up, SIGTERM. */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import t from 'tap'
import { cleanPrefix, REDIS_URL, uniquePrefix } from './helpers/redis.ts'
import { childEnv } from './helpers/child-env.ts'

const ROOT = new URL('../', import.meta.url).pathname

function start (env: Record<string, string>, cwd = ROOT) {
  // tsx and the entry by absolute path: the process may run in another folder (the .env tests).
  return spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'src/server.ts')], {
    cwd,
    env: { ...childEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
}

async function exitOf (child: ReturnType<typeof start>, timeoutMs: number): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no exit within ${timeoutMs} ms`)), timeoutMs)
    child.once('exit', code => { clearTimeout(timer); resolve(code) })
  })
}

t.test('bad configuration: every problem on stderr, exit 2', async (t) => {
  const child = start({ PORT: 'eighty', NEW_RELIC_REGION: 'mars' })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  t.equal(await exitOf(child, 20_000), 2)
  t.match(stderr, /PORT must be an integer/)
  t.match(stderr, /NEW_RELIC_REGION must be one of us, eu/)
  t.match(stderr, /NEW_RELIC_API_KEY is required/)
})

t.test('starts on the embedded simulator, serves, and shuts down cleanly on SIGTERM', async (t) => {
  const prefix = uniquePrefix('server')
  t.teardown(async () => { await cleanPrefix(prefix) })
  const child = start({
    GONOGO_SIM_SCENARIO: 'src/sim/scenarios/pool-add.json',
    REDIS_URL,
    GONOGO_REDIS_PREFIX: prefix,
    PORT: '0',
    LOG_LEVEL: 'info'
  })
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  const lines = createInterface({ input: child.stdout })
  const docs = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('not ready within 30 s')), 30_000)
    lines.on('line', line => {
      const entry = JSON.parse(line) as { msg: string, docs?: string }
      if (entry.docs !== undefined) { clearTimeout(timer); resolve(entry.docs) }
    })
  })
  const base = docs.replace(/\/docs$/, '')
  t.same(await (await fetch(`${base}/healthz`)).json(), { status: 'ok' })
  t.equal((await fetch(`${base}/readyz`)).status, 200)
  child.kill('SIGTERM')
  t.equal(await exitOf(child, 20_000), 0, 'exit 0 after closing HTTP, queues and Redis')
})

t.test('a .env in the working directory is read at start-up; the real environment wins over it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-env-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  writeFileSync(join(dir, '.env'), 'NEW_RELIC_API_KEY=NRAK-from-file\nPORT=eighty\nNEW_RELIC_REGION=mars\nLOG_LEVEL=loud\n')
  const child = start({ NEW_RELIC_REGION: 'eu', LOG_LEVEL: 'info' }, dir)
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  t.equal(await exitOf(child, 20_000), 2)
  t.match(stderr, /PORT must be an integer, got "eighty"/, 'PORT came from the file')
  t.notMatch(stderr, /NEW_RELIC_API_KEY/, 'so did the API key')
  t.notMatch(stderr, /NEW_RELIC_REGION|LOG_LEVEL/, 'the exported values won over the file\'s')
})

t.test('a .env that starts the service', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-env-'))
  const prefix = uniquePrefix('server-env')
  t.teardown(async () => {
    rmSync(dir, { recursive: true, force: true })
    await cleanPrefix(prefix)
  })
  writeFileSync(join(dir, '.env'), [
    `GONOGO_SIM_SCENARIO=${join(ROOT, 'src/sim/scenarios/pool-add.json')}`,
    `REDIS_URL=${REDIS_URL}`,
    `GONOGO_REDIS_PREFIX=${prefix}`,
    'PORT=0',
    'LOG_LEVEL=info'
  ].join('\n'))
  const child = start({}, dir)
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  const lines = createInterface({ input: child.stdout })
  const ready = await new Promise<{ docs: string, envFile?: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('not ready within 30 s')), 30_000)
    lines.on('line', line => {
      const entry = JSON.parse(line) as { docs?: string, envFile?: string }
      if (entry.docs !== undefined) { clearTimeout(timer); resolve({ docs: entry.docs, envFile: entry.envFile }) }
    })
  })
  t.equal(ready.envFile, '.env', 'the ready line says a .env was read')
  t.equal((await fetch(ready.docs.replace(/\/docs$/, '/readyz'))).status, 200, 'on the Redis the file named')
  child.kill('SIGTERM')
  t.equal(await exitOf(child, 20_000), 0)
})
