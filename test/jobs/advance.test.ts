import pino from 'pino'
/** advanceRollout against real Redis with a fake analysis: order, evidence, retries, failure policy, locking. */
import t from 'tap'
import { Redis } from 'ioredis'
import { UpstreamError } from '../../src/errors.ts'
import { advanceRollout } from '../../src/jobs/advance.ts'
import type { AdvanceDeps, Analyse } from '../../src/jobs/types.ts'
import type { CheckpointOutcome } from '../../src/rollout/outcome.ts'
import type { Recommendation } from '../../src/schemas/common.ts'
import { CheckpointStore } from '../../src/store/checkpoint-store.ts'
import { RolloutLock } from '../../src/store/lock.ts'
import { RolloutStore } from '../../src/store/rollout-store.ts'
import type { RolloutSpec } from '../../src/rollout/types.ts'
import { fakeResult } from '../helpers/fake-result.ts'
import { cleanPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.ts'
import { makeSpec } from '../helpers/spec.ts'

const prefix = uniquePrefix('advance')
const redis = new Redis(REDIS_URL)
const rollouts = new RolloutStore(redis, prefix)
const checkpoints = new CheckpointStore(redis, prefix)
t.teardown(async () => {
  await cleanPrefix(prefix, redis)
  await redis.quit()
})

const silent = pino({ level: 'silent' })

interface Call { until: number, evidence: unknown }

/** A fake analysis: evidence is the list of windows seen so far; `fail(until, n)` decides failures. */
function harness (opts: {
  fail?: (until: number, call: number) => Error | undefined
  rec?: (until: number) => Recommendation
  attempts?: number
  during?: () => Promise<void>
} = {}) {
  const calls: Call[] = []
  const published: CheckpointOutcome[] = []
  const analyse: Analyse = async (target, window, o) => {
    calls.push({ until: window.until, evidence: o.evidence })
    await opts.during?.()
    const err = opts.fail?.(window.until, calls.length)
    if (err !== undefined) throw err
    const seen = (o.evidence as number[] | undefined) ?? []
    return { result: fakeResult(opts.rec?.(window.until) ?? 'GO', window.from, window.until), evidence: [...seen, window.until] }
  }
  const deps: AdvanceDeps = {
    rollouts,
    checkpoints,
    lock: new RolloutLock(redis, prefix),
    analyse,
    slowThresholds: () => undefined,
    notifier: { publish: async (o) => { if (o.kind !== 'cancel') published.push(o) } },
    log: silent,
    now: Date.now,
    settings: { attempts: opts.attempts ?? 3, backoffMs: 0, lagMs: 0 }
  }
  return { deps, calls, published }
}

async function created (overrides: Partial<RolloutSpec> = {}): Promise<RolloutSpec> {
  const spec = makeSpec(overrides)
  await rollouts.create(spec)
  return spec
}

/** Runs advance until it is done, as the job would by coming back later. */
async function runToEnd (deps: AdvanceDeps, id: string): Promise<number> {
  let rounds = 0
  for (;;) {
    rounds++
    const out = await advanceRollout(deps, id)
    if (out.kind === 'done') return rounds
    if (rounds > 50) throw new Error('advance does not finish')
  }
}

t.test('a past window catches up in order, carries evidence, decides', async t => {
  const spec = await created()
  const { deps, calls, published } = harness({ rec: (until) => (until === spec.decisionAt ? 'NO_GO' : 'GO') })
  const out = await advanceRollout(deps, spec.id)
  t.same(out, { kind: 'done', ran: 6 })
  t.same(calls.map(c => new Date(c.until).toISOString().slice(11, 16)), ['05:30', '06:30', '07:30', '08:30', '09:30', '10:00'])
  t.same(calls.map(c => (c.evidence as number[] | undefined)?.length ?? 0), [0, 1, 2, 3, 4, 5], 'each look builds on the previous')
  const stored = await rollouts.get(spec.id)
  t.equal(stored?.state, 'decided')
  t.equal(stored?.recommendation, 'NO_GO')
  t.equal(stored?.statuses, 'oooooo')
  const records = await checkpoints.list(spec.id)
  t.same(records.map(r => [r.index, r.kind, r.status, r.attempts]), [
    [0, 'checkpoint', 'ok', 1], [1, 'checkpoint', 'ok', 1], [2, 'checkpoint', 'ok', 1],
    [3, 'checkpoint', 'ok', 1], [4, 'checkpoint', 'ok', 1], [5, 'decision', 'ok', 1]
  ])
  t.same(published.map(p => [p.kind, p.checkpointIndex, p.rollout.state]), [
    ['checkpoint', 0, 'monitoring'], ['checkpoint', 1, 'monitoring'], ['checkpoint', 2, 'monitoring'],
    ['checkpoint', 3, 'monitoring'], ['checkpoint', 4, 'monitoring'], ['decision', 5, 'decided']
  ])
  t.equal(published[0].previous, null)
  t.equal(published[5].previous?.recommendation, 'GO')
  t.same(await advanceRollout(deps, spec.id), { kind: 'done', ran: 0 }, 'nothing more to do')
  const latest = JSON.parse((await rollouts.latest(spec.id))?.latest ?? '{}')
  t.equal(latest.recommendation, 'NO_GO')
  t.same(latest.checkpoint, { index: 5, kind: 'decision', at: '2026-11-25T10:00:00.000Z' })
  t.match(latest.message, /^the decision at 2026-11-25T15:30:00\+05:30: NO_GO/)
})

t.test('New Relic faults are retried, then the checkpoint succeeds', async t => {
  const spec = await created()
  const target = spec.startAt + 2 * 3_600_000
  let failures = 0
  const { deps, calls } = harness({
    fail: (until) => (until === target && failures++ < 2 ? new UpstreamError('NerdGraph answered 500') : undefined)
  })
  const rounds = await runToEnd(deps, spec.id)
  t.equal(rounds, 3, 'came back twice')
  t.equal(calls.length, 8)
  const records = await checkpoints.list(spec.id)
  t.same(records.map(r => r.status), ['ok', 'ok', 'ok', 'ok', 'ok', 'ok'])
  t.equal(records[1].attempts, 3)
  t.equal((await checkpoints.attempts(spec.id, 1)).count, 0, 'retry bookkeeping cleared')
})

t.test('backoff: the next try waits, whichever job comes', async t => {
  const spec = await created()
  const { deps } = harness({ fail: () => new UpstreamError('down') })
  deps.settings.backoffMs = 60_000
  const out = await advanceRollout(deps, spec.id)
  t.equal(out.kind, 'later')
  if (out.kind === 'later') {
    t.equal(out.why, 'retry')
    t.ok(out.at > Date.now() + 50_000)
  }
  const again = await advanceRollout(deps, spec.id)
  t.same(again.kind === 'later' && again.why, 'retry', 'still waiting: no second try yet')
  t.equal((await checkpoints.attempts(spec.id, 0)).count, 1)
})

t.test('a checkpoint that keeps failing is recorded failed; the next one builds on the last good evidence', async t => {
  const spec = await created()
  const bad = spec.startAt + 2 * 3_600_000
  const { deps, calls, published } = harness({
    fail: (until) => (until === bad ? new UpstreamError('NerdGraph timed out (504)', 504) : undefined), attempts: 2
  })
  await runToEnd(deps, spec.id)
  const records = await checkpoints.list(spec.id)
  t.same(records.map(r => r.status), ['ok', 'failed', 'ok', 'ok', 'ok', 'ok'])
  t.equal(records[1].error, 'NerdGraph timed out (504)')
  t.equal(records[1].attempts, 2)
  t.equal(records[1].result, null)
  const third = calls.find(c => c.until === spec.startAt + 3 * 3_600_000)
  t.same(third?.evidence, [spec.startAt + 3_600_000], 'evidence of checkpoint 0, not the failed 1')
  const told = published.find(p => p.checkpointIndex === 1)
  t.equal(told?.error, 'NerdGraph timed out (504)')
  t.equal(told?.result, null)
  t.equal((await rollouts.get(spec.id))?.statuses, 'ofoooo')
})

t.test('a decision that cannot read its data is final INCONCLUSIVE, never GO', async t => {
  const spec = await created()
  const { deps, published } = harness({
    fail: (until) => (until === spec.decisionAt ? new UpstreamError('NerdGraph answered 503') : undefined), attempts: 2
  })
  await runToEnd(deps, spec.id)
  const stored = await rollouts.get(spec.id)
  t.equal(stored?.state, 'decided')
  t.equal(stored?.recommendation, 'INCONCLUSIVE')
  const latest = JSON.parse((await rollouts.latest(spec.id))?.latest ?? '{}')
  t.equal(latest.recommendation, 'INCONCLUSIVE')
  t.equal(latest.error, 'NerdGraph answered 503')
  t.equal(latest.result, null)
  t.match(latest.message, /could not read New Relic data.*never GO.*last successful checkpoint said GO/)
  const decision = published.find(p => p.kind === 'decision')
  t.equal(decision?.error, 'NerdGraph answered 503')
  t.equal(decision?.rollout.state, 'decided')
})

t.test('a bug in the analysis is recorded as an internal error without its message', async t => {
  const spec = await created({ decisionAt: Date.parse('2026-11-25T05:00:00Z') })
  const { deps } = harness({ fail: () => new TypeError('cannot read x of undefined'), attempts: 1 })
  await runToEnd(deps, spec.id)
  const [decision] = await checkpoints.list(spec.id)
  t.equal(decision.error, 'internal error (TypeError); see the worker log')
})

t.test('manual checkpoints read the plan evidence but never extend it', async t => {
  const now = Date.now()
  const spec = await created({ startAt: now - 150 * 60_000, decisionAt: now + 3_600_000 })
  const { deps, calls } = harness()
  t.same(await advanceRollout(deps, spec.id), { kind: 'done', ran: 2 }, 'the two due hourly checkpoints')
  const asked = await checkpoints.requestManual(spec.id, now - 60_000, spec.planLength)
  t.equal(asked.outcome, 'new')
  t.same(await advanceRollout(deps, spec.id), { kind: 'done', ran: 1 })
  const manual = calls[2]
  t.same(manual.evidence, [spec.startAt + 3_600_000, spec.startAt + 7_200_000])
  const records = await checkpoints.list(spec.id)
  t.same(records.map(r => r.kind), ['checkpoint', 'checkpoint', 'manual'])
  t.equal((await rollouts.get(spec.id))?.statuses.slice(0, 2), 'oo', 'plan statuses untouched by the manual run')
  t.same(await checkpoints.pendingManual(spec.id), [])
  t.equal(JSON.parse((await rollouts.latest(spec.id))?.latest ?? '{}').checkpoint.kind, 'manual', 'the newest result is the latest')
})

t.test('two workers at once: each checkpoint runs once', async t => {
  const spec = await created()
  const a = harness({ during: async () => await new Promise(resolve => setTimeout(resolve, 20)) })
  const b = harness({ during: async () => await new Promise(resolve => setTimeout(resolve, 20)) })
  const [ra, rb] = await Promise.all([advanceRollout(a.deps, spec.id), advanceRollout(b.deps, spec.id)])
  t.same([ra.kind, rb.kind].sort(), ['done', 'later'])
  t.equal(a.calls.length + b.calls.length, 6)
  t.equal(a.published.length + b.published.length, 6)
})

t.test('cancelled while a checkpoint runs: not recorded, nothing after', async t => {
  const spec = await created()
  let n = 0
  const { deps, calls, published } = harness({
    during: async () => {
      if (++n === 2) await rollouts.transition(spec.id, 'cancelled', ['scheduled', 'monitoring'], 'cancelledAt', Date.now())
    }
  })
  t.same(await advanceRollout(deps, spec.id), { kind: 'done', ran: 1 })
  t.equal(calls.length, 2)
  t.equal(published.length, 1)
  t.same((await checkpoints.list(spec.id)).map(r => r.index), [0])
  t.equal((await rollouts.get(spec.id))?.state, 'cancelled')
})

t.test('shutdown: stops between checkpoints and asks to come back now', async t => {
  const spec = await created()
  const stop = new AbortController()
  const { deps, calls } = harness({ during: async () => { if (calls.length === 2) stop.abort() } })
  deps.signal = stop.signal
  const out = await advanceRollout(deps, spec.id)
  t.equal(out.kind, 'later')
  t.equal(out.kind === 'later' && out.why, 'stopping')
  t.equal(out.ran, 2)
  t.equal((await rollouts.get(spec.id))?.statuses, 'oo----')
})

t.test('a plan job that fires early waits for its time; one already recorded finishes', async t => {
  const now = Date.now()
  const spec = await created({ startAt: now - 30 * 60_000, decisionAt: now + 90 * 60_000 })
  const { deps, calls } = harness()
  const early = await advanceRollout(deps, spec.id, { reason: 'plan', index: 0 })
  t.equal(early.kind, 'later')
  t.equal(early.kind === 'later' && early.at, spec.startAt + 3_600_000)
  t.equal(calls.length, 0)
  t.equal((await rollouts.get(spec.id))?.state, 'scheduled')
  t.same(await advanceRollout(deps, spec.id, { reason: 'start' }), { kind: 'done', ran: 0 })
  t.equal((await rollouts.get(spec.id))?.state, 'monitoring', 'the start job moves it to monitoring')
})
