/**
 * A client that hangs up is logged once, at info, as 499 "client closed request": no stack,
 * no 504, nothing at error. The service runs as an operator runs it (its own process, its log
 * on stdout) against a New Relic that never answers, and a real socket closes early: while the
 * analysis waits on New Relic, and in the middle of sending its body.
 */
import { spawn } from 'node:child_process'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import t, { type Test } from 'tap'
import { cleanPrefix, eventually, REDIS_URL, uniquePrefix } from '../helpers/redis.ts'
import { childEnv } from '../helpers/child-env.ts'

const ROOT = new URL('../../', import.meta.url).pathname

// New Relic that takes every request and never answers.
const pending: IncomingMessage[] = []
const hanging: Server = createServer((req) => { pending.push(req) })
await new Promise<void>(resolve => hanging.listen(0, '127.0.0.1', () => resolve()))
const nerdgraph = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/graphql`

const prefix = uniquePrefix('hangup')
const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'src/server.ts')], {
  cwd: ROOT,
  env: {
    ...childEnv(),
    NEW_RELIC_API_KEY: 'NRAK-TEST',
    NEW_RELIC_ACCOUNT_ID: '3300001',
    NERDGRAPH_URL: nerdgraph,
    NERDGRAPH_MAX_RETRIES: '0',
    REDIS_URL,
    GONOGO_REDIS_PREFIX: prefix,
    GONOGO_ROLE: 'api',
    GONOGO_PREFLIGHT_MS: '0',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info'
  },
  stdio: ['ignore', 'pipe', 'pipe']
})
interface Line { level: number, msg: string, statusCode?: number, err?: { stack?: string }, stack?: string, res?: { statusCode?: number }, reqId?: string }
const lines: Line[] = []
createInterface({ input: child.stdout }).on('line', line => { try { lines.push(JSON.parse(line) as Line) } catch {} })
t.teardown(async () => {
  if (child.exitCode === null) {
    child.kill('SIGTERM')
    await new Promise(resolve => child.once('exit', resolve))
  }
  for (const req of pending) req.socket.destroy()
  await new Promise(resolve => hanging.close(resolve))
  await cleanPrefix(prefix)
})

const docs = await eventually(async () => lines.find(l => (l as { docs?: string }).docs !== undefined) as { docs: string } | undefined,
  60_000, 'the service listening')
const { port } = new URL(docs.docs)

const T0 = Date.now()
const body = JSON.stringify({
  apps: ['RESTAPI'], canaryHosts: ['PRDIIS09'], from: new Date(T0 - 3 * 3_600_000).toISOString(), until: new Date(T0 - 3_600_000).toISOString()
})
const head = (length: number) =>
  `POST /v1/analyses HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n\r\n`

/** The log lines of one request (by its reqId), once `settled` holds for them. */
async function linesOf (reqIdOf: (l: Line) => boolean, settled: (ls: Line[]) => boolean): Promise<Line[]> {
  return await eventually(async () => {
    const first = lines.find(reqIdOf)
    if (first === undefined) return undefined
    const mine = lines.filter(l => l.reqId === first.reqId)
    return settled(mine) ? mine : undefined
  }, 20_000, 'the request\'s log lines')
}

function checkOnce (t: Test, mine: Line[]): void {
  const closed = mine.filter(l => l.msg === 'client closed request')
  t.equal(closed.length, 1, 'one "client closed request" line')
  t.equal(closed[0]?.level, 30, 'at info')
  t.equal(closed[0]?.statusCode, 499)
  t.same(mine.filter(l => l.level >= 40).map(l => l.msg), [], 'nothing at warn or error')
  t.notOk(mine.some(l => l.err?.stack !== undefined || l.stack !== undefined), 'no stack')
  t.notOk(mine.some(l => l.statusCode === 504 || l.res?.statusCode === 504), 'no 504')
}

t.test('hanging up while the analysis waits on New Relic', async t => {
  const before = pending.length
  const socket = connect(Number(port), '127.0.0.1')
  await new Promise<void>(resolve => socket.once('connect', () => resolve()))
  socket.write(head(Buffer.byteLength(body)) + body)
  await eventually(async () => pending.length > before ? true : undefined, 20_000, 'the analysis asking New Relic')
  socket.destroy()
  const mine = await linesOf(l => l.msg === 'analysis started', ls => ls.some(l => l.msg === 'client closed request'))
  // Anything logged late (the abandoned New Relic read failing) would come within moments.
  await new Promise(resolve => setTimeout(resolve, 1000))
  checkOnce(t, lines.filter(l => l.reqId === mine[0].reqId))
})

t.test('hanging up in the middle of the body', async t => {
  const socket = connect(Number(port), '127.0.0.1')
  await new Promise<void>(resolve => socket.once('connect', () => resolve()))
  const mark = lines.length
  socket.write(head(Buffer.byteLength(body)) + body.slice(0, 20))
  await eventually(async () => lines.slice(mark).some(l => l.msg === 'incoming request') ? true : undefined, 20_000, 'the request arriving')
  socket.destroy()
  const mine = await linesOf(l => lines.indexOf(l) >= mark && l.msg === 'incoming request', ls => ls.some(l => l.msg === 'client closed request'))
  await new Promise(resolve => setTimeout(resolve, 500))
  checkOnce(t, lines.filter(l => l.reqId === mine[0].reqId))
})
