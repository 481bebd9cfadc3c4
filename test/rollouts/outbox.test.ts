/**
 * The outbox of a cancel and of a checkpoint: written in the same step as the change (and only
 * when the change is made), queued by a dispatch or a sweep as one BullMQ job per event and
 * target however often it is dispatched, and unmarked once the rollout can get no more.
 */
import t from 'tap'
import { dispatchOutbox, sweepOutbox, type OutboxDeps } from '../../src/jobs/outbox.ts'
import { deliveryJobId } from '../../src/notify/job.ts'
import { cancelEntry, checkpointEntry } from '../../src/rollout/outbox.ts'
import type { CheckpointRecord } from '../../src/rollout/types.ts'
import { buildTestApp } from '../helpers/app.ts'
import { cleanPrefix, uniquePrefix } from '../helpers/redis.ts'
import { Receiver } from '../notify/helpers/receiver.ts'
import { healthyRollout } from '../helpers/scenarios.ts'

const prefix = uniquePrefix('outbox')
const receiver = await Receiver.start()
// The API role: its notifier queues and does not deliver, so the queued jobs can be read.
const test = await buildTestApp({ prefix, role: 'api' })
const { app } = test
t.teardown(async () => {
  await test.close()
  await receiver.stop()
  await cleanPrefix(prefix)
})
const outbox = app.checkpointStore.outbox
const deps: OutboxDeps = { outbox, notifier: app.notifier, log: app.log, now: Date.now }
const iso = (ms: number) => new Date(ms).toISOString()

async function create (): Promise<string> {
  const startAt = Date.now() + 3_600_000
  const res = await app.inject({
    method: 'POST',
    url: '/v1/rollouts',
    payload: healthyRollout({
      startAt: iso(startAt),
      decisionAt: iso(startAt + 3_600_000),
      notify: [{ kind: 'webhook', url: receiver.url(), secret: 'whsec-outbox-0123456789abcdef' }]
    })
  })
  if (res.statusCode !== 201) throw new Error(res.body)
  return res.json().id as string
}

const marked = async (id: string): Promise<boolean> => await app.redis.zscore(outbox.keys.outboxPending(), id) !== null
const jobsOf = async (id: string): Promise<string[]> => (await app.notifier.pendingJobIds()).filter(j => j.startsWith(id)).sort()

t.test('a cancel that dies before queueing: its entry was written with it, and the sweep sends it once', async t => {
  const id = await create()
  const stored = await app.rollouts.get(id)
  if (stored === null) throw new Error('not stored')
  const now = Date.now()
  const entry = cancelEntry(stored.spec, { by: 'ops', reason: 'moved to Friday' }, null, now)
  await outbox.mark(id, now)
  const moved = await app.rollouts.transition(id, 'cancelled', ['scheduled', 'monitoring'], 'cancelledAt', now, { cancelledBy: 'ops' }, entry)
  t.same(moved, { moved: true, state: 'scheduled' })
  t.same((await outbox.entries(id)).map(e => e.id), [`${id}.cancel`], 'the entry is there, nothing queued yet')
  t.same(await jobsOf(id), [])

  t.same(await sweepOutbox(deps, {}), { rollouts: 0, sent: 0 }, 'a young mark belongs to a cancel still under way')
  t.same(await sweepOutbox(deps, { olderThanMs: 0 }), { rollouts: 1, sent: 1 })
  const job = deliveryJobId(`${id}.rollout.cancelled`, 0)
  t.same(await jobsOf(id), [job], 'one rollout.cancelled delivery, id from the event')
  t.same(await outbox.entries(id), [])
  t.notOk(await marked(id), 'cancelled and sent: unmarked')

  const again = await app.rollouts.transition(id, 'cancelled', ['scheduled', 'monitoring'], 'cancelledAt', now, {}, entry)
  t.same(again, { moved: false, state: 'cancelled' })
  t.same(await outbox.entries(id), [], 'a refused cancel writes no entry')
})

t.test('a dispatch that dies after queueing sends again as the same job', async t => {
  const id = await create()
  const stored = await app.rollouts.get(id)
  if (stored === null) throw new Error('not stored')
  const entry = cancelEntry(stored.spec, { by: 'ops' }, null, Date.now())
  await outbox.mark(id, Date.now())
  await app.rollouts.transition(id, 'cancelled', ['scheduled'], 'cancelledAt', Date.now(), {}, entry)
  // What the dead process got done: the queue add, not the delete.
  await app.notifier.publish(entry.outcome, new Date(entry.occurredAt))
  const before = await app.notifier.jobCounts()
  t.equal(await dispatchOutbox(deps, id), 1, 'the entry is sent again')
  t.same(await app.notifier.jobCounts(), before, 'and BullMQ keeps the one job')
  t.same(await jobsOf(id), [deliveryJobId(`${id}.rollout.cancelled`, 0)])
  t.equal(await dispatchOutbox(deps, id), 0, 'a second dispatch finds nothing')
})

t.test('the cancel route goes through the outbox', async t => {
  const id = await create()
  const res = await app.inject({ method: 'POST', url: `/v1/rollouts/${id}/cancel`, payload: { reason: 'not today' } })
  t.equal(res.statusCode, 200, res.body)
  t.same(await jobsOf(id), [deliveryJobId(`${id}.rollout.cancelled`, 0)])
  t.same(await outbox.entries(id), [])
  t.notOk(await marked(id))
})

t.test('a checkpoint entry is written only by the record that records it; a live rollout stays marked', async t => {
  const id = await create()
  const stored = await app.rollouts.get(id)
  if (stored === null) throw new Error('not stored')
  await app.redis.set(app.rollouts.keys.lock(id), 'tok')
  const at = stored.spec.startAt + 3_600_000
  const record: CheckpointRecord = { index: 0, kind: 'checkpoint', at: iso(at), status: 'failed', attempts: 1, error: 'boom', result: null }
  const input = {
    rolloutId: id, record, statusChar: 'f', evidence: '', latest: '', recommendation: '', decision: false, now: Date.now(), lockToken: 'tok'
  }
  await outbox.mark(id, Date.now())
  t.equal(await app.checkpointStore.record({ ...input, lockToken: 'stolen', outbox: checkpointEntry(stored.spec, record, record, null, Date.now()) }), 'lost-lock')
  t.same(await outbox.entries(id), [], 'no record, no entry')
  t.equal(await app.checkpointStore.record({ ...input, outbox: checkpointEntry(stored.spec, record, record, null, Date.now()) }), 'ok')
  t.same((await outbox.entries(id)).map(e => e.id), [`${id}.0.checkpoint`])
  t.equal(await app.checkpointStore.record({ ...input, outbox: checkpointEntry(stored.spec, record, record, null, Date.now() + 1) }), 'duplicate')
  t.equal((await outbox.entries(id)).length, 1, 'a duplicate adds none')
  t.equal(await dispatchOutbox(deps, id), 1)
  t.same(await jobsOf(id), [deliveryJobId(`${id}.0.checkpoint.failed`, 0)])
  t.ok(await marked(id), 'still live: stays marked, so a mark and a settle never race')
  t.notOk(await outbox.settle(id))
})
