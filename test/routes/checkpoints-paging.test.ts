/**
 * GET /v1/rollouts/{id}/checkpoints pages read only the page: the order index says which
 * records, HMGET fetches just those; walking the pages gives every record once, in time order
 * (plan before manual on a tie, index 12 after index 9).
 */
import type { Command } from 'ioredis'
import t from 'tap'
import type { CheckpointRecord } from '../../src/rollout/types.ts'
import { buildTestApp } from '../helpers/app.ts'
import { cleanPrefix, uniquePrefix } from '../helpers/redis.ts'
import { makeSpec } from '../helpers/spec.ts'

const prefix = uniquePrefix('checkpoints-paging')
const test = await buildTestApp({ prefix, role: 'api' })
const { app } = test
t.teardown(async () => {
  await test.close()
  await cleanPrefix(prefix)
})

const HOUR = 3_600_000
const startAt = Math.floor(Date.now() / HOUR) * HOUR - 30 * HOUR
const spec = makeSpec({ startAt, decisionAt: startAt + 24 * HOUR, everyMs: HOUR })
await app.rollouts.create(spec)
await app.redis.set(app.rollouts.keys.lock(spec.id), 'tok')
// A result big enough that reading every record would show in the bytes.
const padding = 'x'.repeat(20_000)

async function record (index: number, at: number, kind: CheckpointRecord['kind']): Promise<void> {
  const outcome = await app.checkpointStore.record({
    rolloutId: spec.id,
    record: { index, kind, at: new Date(at).toISOString(), status: 'failed', attempts: 1, error: padding, result: null },
    statusChar: kind === 'manual' ? '' : 'f',
    evidence: '',
    latest: '',
    recommendation: '',
    decision: false,
    now: Date.now(),
    lockToken: 'tok'
  })
  if (outcome !== 'ok') throw new Error(`record ${index}: ${outcome}`)
}

// Plan entries 0..19 (not in time order of writing), then manual runs numbered after the plan:
// 25 ties entry 2's time, 26 comes before everything.
for (const i of [3, 0, 1, 2, ...Array.from({ length: 16 }, (_, k) => k + 4)]) await record(i, startAt + (i + 1) * HOUR, 'checkpoint')
await record(25, startAt + 3 * HOUR, 'manual')
await record(26, startAt + HOUR / 2, 'manual')
const ORDER = [26, 0, 1, 2, 25, ...Array.from({ length: 17 }, (_, k) => k + 3)]

/** Every command the app's store connection sends while `fn` runs. */
async function commandsDuring (fn: () => Promise<unknown>): Promise<Array<{ name: string, args: string[] }>> {
  const redis = app.redis as unknown as { sendCommand: (c: Command) => unknown }
  const original = redis.sendCommand
  const seen: Array<{ name: string, args: string[] }> = []
  redis.sendCommand = function (this: unknown, c: Command) {
    seen.push({ name: c.name, args: c.args.map(String) })
    return original.call(this, c)
  }
  try {
    await fn()
  } finally {
    redis.sendCommand = original
  }
  return seen
}

t.test('pages walk every record once, in time order', async t => {
  const seen: number[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const res = await app.inject(`/v1/rollouts/${spec.id}/checkpoints?limit=3${cursor === null ? '' : `&cursor=${cursor}`}`)
    t.equal(res.statusCode, 200, res.body)
    const body = res.json() as { items: CheckpointRecord[], nextCursor: string | null, nextAfter: number | null }
    seen.push(...body.items.map(c => c.index))
    t.equal(body.nextAfter === null ? null : String(body.nextAfter), body.nextCursor, 'the deprecated name says the same')
    cursor = body.nextCursor
    pages++
  } while (cursor !== null && pages < 20)
  t.same(seen, ORDER)
  t.equal(pages, Math.ceil(ORDER.length / 3))
  const all = (await app.inject(`/v1/rollouts/${spec.id}/checkpoints`)).json() as { items: CheckpointRecord[], nextCursor: string | null }
  t.same(all.items.map(c => c.index), ORDER, 'one page of everything: the same order')
  t.equal(all.nextCursor, null)
})

t.test('?limit=1 reads one record, not all', async t => {
  let res: Awaited<ReturnType<typeof app.inject>> | undefined
  const commands = await commandsDuring(async () => { res = await app.inject(`/v1/rollouts/${spec.id}/checkpoints?limit=1&cursor=2`) })
  t.equal(res?.statusCode, 200)
  t.same((res?.json() as { items: CheckpointRecord[] }).items.map(c => c.index), [25], 'the record after 2 by time')
  const onRecords = commands.filter(c => c.args[0] === app.checkpointStore.keys.checkpoints(spec.id))
  t.same(onRecords.filter(c => c.name !== 'hlen').map(c => c.name), ['hmget'], 'the records are read by one HMGET')
  t.same(onRecords.find(c => c.name === 'hmget')?.args.slice(1), ['25'], 'of the page\'s one field')
  t.ok((res?.body.length ?? 0) < 2 * padding.length, 'and the answer holds one record')
})

t.test('a cursor that is not a recorded checkpoint is a 400 naming it', async t => {
  const res = await app.inject(`/v1/rollouts/${spec.id}/checkpoints?cursor=24`)
  t.equal(res.statusCode, 400)
  t.match(res.json().message, /querystring\.cursor 24 is not a recorded checkpoint/)
  // The schema's own refusals say querystring.<name> (Fastify's word): ours must name it the same way.
  const schema = await app.inject(`/v1/rollouts/${spec.id}/checkpoints?limit=0`)
  t.equal(schema.statusCode, 400)
  t.match(schema.json().message, /^querystring\.limit /)
  const form = await app.inject(`/v1/rollouts/${spec.id}/checkpoints?cursor=abc`)
  t.equal(form.statusCode, 400)
  t.match(form.json().message, /^querystring\.cursor "abc" is not of the expected form \(digits: the nextCursor of the previous page/,
    'the form is said first, not only where it comes from')
})

t.test('records written before the order index existed are still paged, by reading them all', async t => {
  await app.redis.del(app.checkpointStore.keys.checkpointOrder(spec.id))
  const res = await app.inject(`/v1/rollouts/${spec.id}/checkpoints?limit=4&cursor=26`)
  t.equal(res.statusCode, 200)
  t.same((res.json() as { items: CheckpointRecord[] }).items.map(c => c.index), [0, 1, 2, 25])
  const bad = await app.inject(`/v1/rollouts/${spec.id}/checkpoints?after=24`)
  t.equal(bad.statusCode, 400)
  t.match(bad.json().message, /querystring\.after 24 is not a recorded checkpoint/)
})
