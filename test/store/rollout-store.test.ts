import t from 'tap'
import { Redis } from 'ioredis'
import { CheckpointStore } from '../../src/store/checkpoint-store.ts'
import { newRolloutId, idTime } from '../../src/store/ids.ts'
import { NotifyFailureStore } from '../../src/store/notify-failure-store.ts'
import { RolloutStore } from '../../src/store/rollout-store.ts'
import type { CheckpointRecord } from '../../src/rollout/types.ts'
import { cleanPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.ts'
import { makeSpec } from '../helpers/spec.ts'

const prefix = uniquePrefix('store')
const redis = new Redis(REDIS_URL)
const rollouts = new RolloutStore(redis, prefix)
const checkpoints = new CheckpointStore(redis, prefix)
t.teardown(async () => {
  await cleanPrefix(prefix, redis)
  await redis.quit()
})

const record = (index: number, at: string, status: 'ok' | 'failed' = 'ok'): CheckpointRecord => ({
  index, kind: 'checkpoint', at, status, attempts: 1, result: null, ...(status === 'failed' ? { error: 'boom' } : {})
})

t.test('ids sort by creation time and carry it', async t => {
  const a = newRolloutId(1_000_000)
  const b = newRolloutId(1_000_001)
  t.ok(a < b)
  t.equal(idTime(a), 1_000_000)
  t.match(a, /^[0-9A-HJKMNP-TV-Z]{26}$/)
})

t.test('create, get, list newest first with a cursor, filter by state', async t => {
  const specs = [0, 1, 2, 3, 4].map(i => makeSpec({ createdAt: 1_700_000_000_000 + i }))
  for (const s of specs) t.same(await rollouts.create(s), { created: true })
  const got = await rollouts.get(specs[0].id)
  t.equal(got?.state, 'scheduled')
  t.equal(got?.statuses, '------')
  t.same(got?.spec, specs[0])
  t.equal(await rollouts.get(newRolloutId()), null)

  const page1 = await rollouts.list({ limit: 2 })
  t.same(page1.items.map(r => r.spec.id), [specs[4].id, specs[3].id])
  const page2 = await rollouts.list({ limit: 2, cursor: page1.nextCursor ?? undefined })
  t.same(page2.items.map(r => r.spec.id), [specs[2].id, specs[1].id])
  const page3 = await rollouts.list({ limit: 2, cursor: page2.nextCursor ?? undefined })
  t.same(page3.items.map(r => r.spec.id), [specs[0].id])
  t.equal(page3.nextCursor, null)

  t.same(await rollouts.transition(specs[1].id, 'cancelled', ['scheduled', 'monitoring'], 'cancelledAt', 5),
    { moved: true, state: 'scheduled' })
  t.same(await rollouts.transition(specs[1].id, 'cancelled', ['scheduled', 'monitoring'], 'cancelledAt', 6),
    { moved: false, state: 'cancelled' })
  t.same(await rollouts.transition(newRolloutId(), 'cancelled', ['scheduled'], 'cancelledAt', 6), { moved: false, state: null })
  t.same((await rollouts.list({ limit: 10, state: 'cancelled' })).items.map(r => r.spec.id), [specs[1].id])
  t.notOk((await rollouts.list({ limit: 10, state: 'scheduled' })).items.some(r => r.spec.id === specs[1].id))
  t.equal((await rollouts.get(specs[1].id))?.cancelledAt, 5)
})

t.test('idempotency key: second create names the first rollout', async t => {
  const a = makeSpec()
  const b = makeSpec()
  const idem = { keyHash: 'k1', fingerprint: 'f1' }
  t.same(await rollouts.create(a, idem), { created: true })
  t.same(await rollouts.create(b, idem), { created: false, id: a.id, fingerprint: 'f1' })
  t.equal(await rollouts.get(b.id), null, 'the second was not stored')
})

t.test('record: once, only with the lock, only while live; state follows', async t => {
  const spec = makeSpec()
  await rollouts.create(spec)
  const lockKey = rollouts.keys.lock(spec.id)
  await redis.set(lockKey, 'tok')
  const base = { rolloutId: spec.id, evidence: '{"e":1}', recommendation: 'GO', decision: false, now: 10, lockToken: 'tok' }

  t.equal(await checkpoints.record({
    ...base, record: record(0, '2026-11-25T05:30:00.000Z'), statusChar: 'o', latest: '{"recommendation":"GO"}', lockToken: 'other'
  }), 'lost-lock')
  t.equal(await checkpoints.record({
    ...base, record: record(0, '2026-11-25T05:30:00.000Z'), statusChar: 'o', latest: '{"recommendation":"GO"}'
  }), 'ok')
  t.equal(await checkpoints.record({
    ...base, record: record(0, '2026-11-25T05:30:00.000Z'), statusChar: 'o', latest: '{"recommendation":"GO"}'
  }), 'duplicate')
  let r = await rollouts.get(spec.id)
  t.equal(r?.state, 'monitoring')
  t.equal(r?.statuses, 'o-----')
  t.equal(r?.recommendation, 'GO')
  t.equal(await checkpoints.evidence(spec.id, 0), '{"e":1}')
  t.same((await rollouts.latest(spec.id))?.latest, '{"recommendation":"GO"}')

  t.equal(await checkpoints.record({
    ...base, record: record(1, '2026-11-25T06:30:00.000Z', 'failed'), statusChar: 'f', evidence: '', latest: ''
  }), 'ok')
  r = await rollouts.get(spec.id)
  t.equal(r?.statuses, 'of----')
  t.equal(r?.recommendation, 'GO', 'a failed checkpoint keeps the latest recommendation')

  // A manual checkpoint older than the latest does not replace it.
  t.equal(await checkpoints.record({
    ...base,
    record: { ...record(6, '2026-11-25T05:00:00.000Z'), kind: 'manual' },
    statusChar: '',
    latest: '{"recommendation":"NO_GO"}',
    recommendation: 'NO_GO'
  }), 'ok')
  t.equal((await rollouts.get(spec.id))?.recommendation, 'GO')

  t.equal(await checkpoints.record({
    ...base,
    record: { ...record(5, '2026-11-25T10:00:00.000Z'), kind: 'decision' },
    statusChar: 'o',
    latest: '{"recommendation":"NO_GO"}',
    recommendation: 'NO_GO',
    decision: true
  }), 'ok')
  r = await rollouts.get(spec.id)
  t.equal(r?.state, 'decided')
  t.equal(r?.recommendation, 'NO_GO')
  t.equal(r?.statuses, 'of---o')
  t.equal(await checkpoints.record({ ...base, record: record(2, '2026-11-25T07:30:00.000Z'), statusChar: 'o', latest: '' }), 'decided')
  t.same((await checkpoints.list(spec.id)).map(c => c.index), [6, 0, 1, 5], 'listed by time')
  t.same((await rollouts.list({ limit: 50, state: 'decided' })).items.map(x => x.spec.id), [spec.id])
  t.same((await rollouts.list({ limit: 50, state: 'monitoring' })).items.map(x => x.spec.id), [])
})

t.test('a cancelled rollout records nothing more', async t => {
  const spec = makeSpec()
  await rollouts.create(spec)
  await redis.set(rollouts.keys.lock(spec.id), 'tok')
  await rollouts.transition(spec.id, 'cancelled', ['scheduled', 'monitoring'], 'cancelledAt', 1)
  t.equal(await checkpoints.record({
    rolloutId: spec.id,
    record: record(0, '2026-11-25T05:30:00.000Z'),
    statusChar: 'o',
    evidence: '',
    latest: '',
    recommendation: '',
    decision: false,
    now: 2,
    lockToken: 'tok'
  }), 'cancelled')
  t.same(await checkpoints.list(spec.id), [])
})

t.test('manual requests coalesce and are numbered after the plan', async t => {
  const spec = makeSpec()
  await rollouts.create(spec)
  const first = await checkpoints.requestManual(spec.id, 1000, spec.planLength)
  t.same(first, { outcome: 'new', index: spec.planLength, at: 1000 })
  t.same(await checkpoints.requestManual(spec.id, 2000, spec.planLength), { outcome: 'pending', index: spec.planLength, at: 1000 })
  t.same(await checkpoints.pendingManual(spec.id), [{ index: spec.planLength, at: 1000 }])
  await rollouts.transition(spec.id, 'cancelled', ['scheduled'], 'cancelledAt', 3)
  t.same(await checkpoints.requestManual(spec.id, 3000, spec.planLength), { outcome: 'state', state: 'cancelled' })
})

t.test('purgeFinishedBefore deletes rollouts that ended before the cutoff, with every key', async t => {
  // Its own prefix: the tests above leave old finished rollouts behind.
  const own = uniquePrefix('purge')
  const rollouts = new RolloutStore(redis, own)
  t.teardown(async () => { await cleanPrefix(own, redis) })
  const DAY = 86_400_000
  const now = Date.parse('2027-03-01T00:00:00Z')
  const created = (days: number) => makeSpec({ createdAt: now - days * DAY })
  const [oldDecided, oldCancelled, oldLive, lateDecided, newDecided] = [created(100), created(95), created(120), created(100), created(10)]
  for (const s of [oldDecided, oldCancelled, oldLive, lateDecided, newDecided]) await rollouts.create(s)
  await rollouts.transition(oldDecided.id, 'decided', ['scheduled'], 'decidedAt', now - 97 * DAY)
  await rollouts.transition(oldCancelled.id, 'cancelled', ['scheduled'], 'cancelledAt', now - 91 * DAY)
  // Created 100 days ago for a window far ahead, decided 5 days ago: kept.
  await rollouts.transition(lateDecided.id, 'decided', ['scheduled'], 'decidedAt', now - 5 * DAY)
  await rollouts.transition(newDecided.id, 'decided', ['scheduled'], 'decidedAt', now - 1 * DAY)
  await redis.hset(rollouts.keys.checkpoints(oldDecided.id), '0', '{}')
  await new NotifyFailureStore(redis, own).record(oldDecided.id, {
    eventId: 'e', type: 'decision.made', kind: 'slack', target: 'https://x', targetId: 'r:x', attempts: 1, error: 'boom', at: 'now'
  })

  const gone = await rollouts.purgeFinishedBefore(now - 90 * DAY, 500)
  t.same(gone.sort(), [oldDecided.id, oldCancelled.id].sort())
  for (const id of gone) {
    t.equal(await rollouts.get(id), null)
    t.equal(await redis.exists(...rollouts.keys.allOf(id)), 0, 'no key of it is left')
    t.equal(await redis.zscore(rollouts.keys.index(), id), null, 'out of the index')
  }
  t.ok(await rollouts.get(oldLive.id), 'a live rollout stays, however old')
  t.ok(await rollouts.get(lateDecided.id), 'retention counts from the decision, not the creation')
  t.ok(await rollouts.get(newDecided.id), 'a recent decision stays')
  t.same(await rollouts.purgeFinishedBefore(now - 90 * DAY, 500), [], 'idempotent')
  t.equal((await rollouts.purgeFinishedBefore(now, 1)).length, 1, 'max bounds one call')
  t.equal((await rollouts.purgeFinishedBefore(now, 500)).length, 1, 'the next call takes the rest')
})

t.test('only the newest evidence is kept; an older checkpoint never replaces it', async t => {
  const spec = makeSpec()
  await rollouts.create(spec)
  await redis.set(rollouts.keys.lock(spec.id), 'tok')
  const base = { rolloutId: spec.id, recommendation: 'GO', decision: false, now: 10, lockToken: 'tok', statusChar: 'o', latest: '' }
  t.equal(await checkpoints.record({ ...base, record: record(0, '2026-11-25T05:30:00.000Z'), evidence: '{"e":0}' }), 'ok')
  t.equal(await checkpoints.record({ ...base, record: record(2, '2026-11-25T07:30:00.000Z'), evidence: '{"e":2}' }), 'ok')
  t.equal(await checkpoints.evidence(spec.id, 0), null, 'the previous evidence is gone')
  t.equal(await checkpoints.evidence(spec.id, 2), '{"e":2}')
  t.equal(await checkpoints.record({ ...base, record: record(1, '2026-11-25T06:30:00.000Z'), evidence: '{"e":1}' }), 'ok')
  t.same(await redis.hkeys(rollouts.keys.evidence(spec.id)), ['2'], 'an older checkpoint recorded late keeps the newer evidence')
})

t.test('every key of a rollout shares its hash tag; the indexes do not', async t => {
  const id = newRolloutId()
  for (const key of rollouts.keys.allOf(id)) t.ok(key.includes(`:rollout:{${id}}`), key)
  t.notMatch(rollouts.keys.index('monitoring'), /\{/)
})

t.test('repairIndexes puts right what a crash between a script and its index writes leaves', async t => {
  const p = uniquePrefix('repair')
  const store = new RolloutStore(redis, p)
  t.teardown(async () => { await cleanPrefix(p, redis) })
  const k = store.keys
  const now = Date.now()
  const moved = makeSpec({ createdAt: now - 3_600_000 })
  const gone = makeSpec({ createdAt: now - 3_600_000 })
  const creating = makeSpec({ createdAt: now })
  const unlisted = makeSpec({ createdAt: now - 3_600_000 })
  for (const s of [moved, unlisted]) await store.create(s)
  // moved: the script ran (cancelled), the index writes around it did not.
  await store.transition(moved.id, 'cancelled', ['scheduled'], 'cancelledAt', now)
  await redis.zrem(k.index('cancelled'), moved.id)
  await redis.zadd(k.index('scheduled'), 0, moved.id)
  // gone: listed, never stored (its create died after listing it); creating: the same, but just now.
  for (const s of [gone, creating]) {
    await redis.zadd(k.index(), 0, s.id)
    await redis.zadd(k.index('scheduled'), 0, s.id)
  }
  // unlisted: stored as monitoring, its index entry lost.
  await redis.hset(k.rollout(unlisted.id), 'state', 'monitoring')
  await redis.zrem(k.index('scheduled'), unlisted.id)

  t.equal(await store.repairIndexes(now), 5, 'two fixes for the moved one (listed under its state, unlisted from the old)')
  t.same(await store.idsIn('scheduled', 10), [creating.id], 'a create that may still be running is left alone')
  t.same(await store.idsIn('cancelled', 10), [moved.id])
  t.same(await store.idsIn('monitoring', 10), [unlisted.id])
  t.same((await redis.zrange(k.index(), 0, -1)).sort(), [creating.id, moved.id, unlisted.id].sort(), 'the never-stored one is unlisted')
  t.equal(await store.repairIndexes(now), 0, 'nothing more to do')
})

t.test('an Idempotency-Key whose first create died after claiming it is taken over', async t => {
  const dead = makeSpec()
  const retry = makeSpec()
  await redis.set(rollouts.keys.idempotency('k-dead'), `${dead.id}|f`, 'EX', 60)
  t.same(await rollouts.create(retry, { keyHash: 'k-dead', fingerprint: 'f' }), { created: true })
  t.equal(await redis.get(rollouts.keys.idempotency('k-dead')), `${retry.id}|f`)
  t.same(await rollouts.create(makeSpec(), { keyHash: 'k-dead', fingerprint: 'f' }), { created: false, id: retry.id, fingerprint: 'f' })
})
