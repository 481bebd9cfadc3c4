/**
 * Early decisions in the checkpoint run (policy.earlyDecision), against real Redis with a fake
 * analysis that says what the judge's early rule would: the record becomes the decision, what
 * was still to run is skipped, and people's word (waivers, sign-offs) holds an early call back.
 */
import pino from 'pino'
import t from 'tap'
import { Redis } from 'ioredis'
import type { EarlyCall } from '../../src/judge/index.ts'
import { advanceRollout } from '../../src/jobs/advance.ts'
import type { AdvanceDeps, Analyse, PeopleWordReader } from '../../src/jobs/types.ts'
import type { CheckpointOutcome } from '../../src/rollout/outcome.ts'
import { planEntryStatus } from '../../src/rollout/statuses.ts'
import type { RolloutSpec } from '../../src/rollout/types.ts'
import type { Note, Waiver } from '../../src/schemas/board.ts'
import type { Recommendation } from '../../src/schemas/common.ts'
import type { Policy } from '../../src/schemas/thresholds.ts'
import { CheckpointStore } from '../../src/store/checkpoint-store.ts'
import { RolloutLock } from '../../src/store/lock.ts'
import { RolloutStore } from '../../src/store/rollout-store.ts'
import { fakeResult } from '../helpers/fake-result.ts'
import { cleanPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.ts'
import { makeSpec } from '../helpers/spec.ts'

const HOUR = 3_600_000
const prefix = uniquePrefix('early-decision')
const redis = new Redis(REDIS_URL)
const rollouts = new RolloutStore(redis, prefix)
const checkpoints = new CheckpointStore(redis, prefix)
t.teardown(async () => {
  await cleanPrefix(prefix, redis)
  await redis.quit()
})

interface Call { until: number, looks: number | undefined }

/** A fake analysis whose early call comes at the look `earlyAt` returns one for. */
function harness (opts: { earlyAt: (until: number) => EarlyCall | null, rec?: Recommendation, people?: PeopleWordReader }) {
  const calls: Call[] = []
  const published: CheckpointOutcome[] = []
  const analyse: Analyse = async (target, window, o) => {
    calls.push({ until: window.until, looks: o.looks })
    const early = o.looks === undefined ? null : opts.earlyAt(window.until)
    return { result: fakeResult(early?.recommendation ?? opts.rec ?? 'GO', window.from, window.until), evidence: [], early }
  }
  const deps: AdvanceDeps = {
    rollouts,
    checkpoints,
    lock: new RolloutLock(redis, prefix),
    analyse,
    slowThresholds: () => undefined,
    notifier: { publish: async (o) => { if (o.kind !== 'cancel') published.push(o) } },
    ...(opts.people === undefined ? {} : { people: opts.people }),
    log: pino({ level: 'silent' }),
    now: Date.now,
    settings: { attempts: 1, backoffMs: 0, lagMs: 0 }
  }
  return { deps, calls, published }
}

/** A rollout of six hourly looks that started 3.5 h ago: checkpoints 0-2 are due, the rest ahead. */
async function created (policy: Policy | undefined, apps = [{ name: 'RESTAPI', critical: true }]): Promise<RolloutSpec> {
  const startAt = Math.floor(Date.now() / 60_000) * 60_000 - 3.5 * HOUR
  const spec = makeSpec({ startAt, decisionAt: startAt + 5.5 * HOUR, createdAt: Date.now() })
  spec.target = { ...spec.target, apps, ...(policy === undefined ? {} : { policy }) }
  await rollouts.create(spec)
  return spec
}

const noGo = (apps: string[]): EarlyCall => ({
  recommendation: 'NO_GO', reason: `decided early: the FAIL of critical app ${apps.join(', ')} stands`, apps
})
const go: EarlyCall = {
  recommendation: 'GO', reason: 'decided early: the app passes with every confidence bound under its margins', apps: ['RESTAPI']
}

function people (word: { notes?: Note[], waivers?: Waiver[] }): PeopleWordReader {
  return { notes: async () => word.notes ?? [], waivers: async () => word.waivers ?? [] }
}

t.test('an early NO_GO: the look that shows it is recorded as the decision, the rest skipped', async t => {
  const spec = await created({ earlyDecision: true })
  const second = spec.startAt + 2 * HOUR
  const { deps, calls, published } = harness({ earlyAt: (until) => (until === second ? noGo(['RESTAPI']) : null) })
  t.same(await advanceRollout(deps, spec.id), { kind: 'done', ran: 2 }, 'two looks, the second decided')
  t.same(calls.map(c => c.looks), [6, 6], 'the judge is told the rollout plans six looks')
  const stored = await rollouts.get(spec.id)
  t.equal(stored?.state, 'decided')
  t.equal(stored?.recommendation, 'NO_GO')
  t.equal(stored?.statuses, 'o----o', 'checkpoint 0, then the decision; 1-4 never run')
  t.same([0, 1, 2, 3, 4, 5].map(i => planEntryStatus(stored?.statuses ?? '', i, 'decided')),
    ['ok', 'skipped', 'skipped', 'skipped', 'skipped', 'ok'])
  const records = await checkpoints.list(spec.id)
  t.same(records.map(r => [r.index, r.kind, r.at]), [
    [0, 'checkpoint', new Date(spec.startAt + HOUR).toISOString()],
    [5, 'decision', new Date(second).toISOString()]
  ], 'the decision judged the window up to the look that decided')
  t.same(records[1].early, {
    checkpoint: 1,
    plannedAt: new Date(spec.decisionAt).toISOString(),
    reason: 'decided early: the FAIL of critical app RESTAPI stands'
  })
  t.equal(records[1].result?.reasons[0], 'Decided early: the FAIL of critical app RESTAPI stands', 'said first')
  t.same(published.map(p => [p.kind, p.checkpointIndex, p.rollout.state]), [['checkpoint', 0, 'monitoring'], ['decision', 5, 'decided']])
  const latest = JSON.parse((await rollouts.latest(spec.id))?.latest ?? '{}')
  t.same(latest.checkpoint.kind, 'decision')
  t.same(await advanceRollout(deps, spec.id), { kind: 'done', ran: 0 }, 'a decided rollout runs nothing more')
})

t.test('an early GO', async t => {
  const spec = await created({ earlyDecision: true })
  const { deps } = harness({ earlyAt: () => go })
  t.same(await advanceRollout(deps, spec.id), { kind: 'done', ran: 1 })
  const stored = await rollouts.get(spec.id)
  t.equal(stored?.recommendation, 'GO')
  t.equal(stored?.statuses, '-----o')
  t.equal((await checkpoints.list(spec.id))[0].early?.checkpoint, 0)
})

t.test('without policy.earlyDecision the judge is not asked and the plan runs to decisionAt', async t => {
  const spec = await created(undefined)
  const { deps, calls } = harness({ earlyAt: () => noGo(['RESTAPI']), rec: 'NO_GO' })
  t.same(await advanceRollout(deps, spec.id), { kind: 'done', ran: 3 }, 'the three due checkpoints')
  t.same(calls.map(c => c.looks), [undefined, undefined, undefined])
  const stored = await rollouts.get(spec.id)
  t.equal(stored?.state, 'monitoring')
  t.equal(stored?.statuses, 'ooo---')
})

t.test('a waived critical FAIL does not decide early; an unwaived one among them does', async t => {
  const waiver: Waiver = { app: 'RESTAPI', reason: 'known', by: 'alice', at: new Date().toISOString(), fromIndex: null }
  const apps = [{ name: 'RESTAPI', critical: true }, { name: 'Orders API', critical: true }]
  const held = await created({ earlyDecision: true }, apps)
  const one = harness({ earlyAt: () => noGo(['RESTAPI']), rec: 'NO_GO', people: people({ waivers: [waiver] }) })
  t.same(await advanceRollout(one.deps, held.id), { kind: 'done', ran: 3 })
  t.equal((await rollouts.get(held.id))?.state, 'monitoring', 'the waived app alone does not decide')

  const decides = await created({ earlyDecision: true }, apps)
  const two = harness({ earlyAt: () => noGo(['RESTAPI', 'Orders API']), rec: 'NO_GO', people: people({ waivers: [waiver] }) })
  t.same(await advanceRollout(two.deps, decides.id), { kind: 'done', ran: 1 })
  t.equal((await rollouts.get(decides.id))?.state, 'decided')
})

t.test('an early GO waits for the sign-offs policy.requireSignOff asks for', async t => {
  const policy: Policy = { earlyDecision: true, requireSignOff: 'critical' }
  const waiting = await created(policy)
  const one = harness({ earlyAt: () => go, people: people({}) })
  t.same(await advanceRollout(one.deps, waiting.id), { kind: 'done', ran: 3 })
  t.equal((await rollouts.get(waiting.id))?.state, 'monitoring', 'no sign-off: no early GO')

  const signed = await created(policy)
  const at = new Date(signed.startAt + 10 * 60_000).toISOString()
  const ok: Note = { id: '1', app: 'RESTAPI', text: 'looks fine', signOff: 'ok', by: 'bob', at, checkpointIndex: null }
  const two = harness({ earlyAt: () => go, people: people({ notes: [ok] }) })
  t.same(await advanceRollout(two.deps, signed.id), { kind: 'done', ran: 1 }, 'signed off since the previous look: decided at the first')
  t.equal((await rollouts.get(signed.id))?.recommendation, 'GO')
})
