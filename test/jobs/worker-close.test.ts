import { spawn } from 'node:child_process'
import t from 'tap'
import { childEnv } from '../helpers/child-env.ts'
import { cleanPrefix, uniquePrefix } from '../helpers/redis.ts'

const CHILD = new URL('../helpers/stuck-worker-child.ts', import.meta.url).pathname

// CI's cluster test hung after its last assertion: a BullMQ close stuck on a job made close(true) a
// no-op, and the worker's lock renewals kept the process alive for ever.
t.test('a worker whose job never ends is forced after its grace, and its process then exits by itself', async t => {
  const prefix = uniquePrefix('worker-close')
  t.teardown(async () => { await cleanPrefix(prefix) })
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), CHILD, prefix], {
    env: { ...childEnv(), REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' }, stdio: ['ignore', 'pipe', 'inherit']
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => { out += d.toString() })
  const exited = await new Promise<string>(resolve => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); resolve('still alive after 30 s') }, 30_000)
    child.once('exit', (code, signal) => { clearTimeout(timer); resolve(signal ?? String(code)) })
  })
  t.equal(exited, '0', 'the process ended on its own')
  t.same(out.trim().split('\n'), ['forced', 'closed'], 'the running job was forced, then everything closed')
})
