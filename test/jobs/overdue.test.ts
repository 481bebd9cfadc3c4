/** The overdue sweep (jobs/overdue.ts) on real Redis: marked once per entry, retried when the notifier fails, nothing when on time. */
import t from 'tap'
import { Redis } from 'ioredis'
import pino from 'pino'
import { announceOverdue } from '../../src/jobs/overdue.ts'
import type { OverdueOutcome } from '../../src/rollout/outcome.ts'
import { OverdueMarks } from '../../src/store/overdue-marks.ts'
import { RolloutStore } from '../../src/store/rollout-store.ts'
import { cleanPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.ts'
import { makeSpec } from '../helpers/spec.ts'

const HOUR = 3_600_000
const prefix = uniquePrefix('overdue-sweep')
const redis = new Redis(REDIS_URL)
t.teardown(async () => {
  await cleanPrefix(prefix, redis)
  await redis.quit()
})

const rollouts = new RolloutStore(redis, prefix)
const marks = new OverdueMarks(redis, prefix)
const settings = { lagMs: 60_000, graceMs: 30_000 }
const log = pino({ level: 'silent' })

t.test('late entries are announced once; a failed publish is tried again; an on-time rollout is not', async t => {
  const now = Date.now()
  // Created ten minutes ago, its first checkpoint an hour ago: overdue since creation + grace.
  const late = makeSpec({ startAt: now - 2 * HOUR, decisionAt: now + HOUR, createdAt: now - 10 * 60_000 })
  // Its first checkpoint is half an hour away.
  const onTime = makeSpec({ startAt: now - HOUR / 2, decisionAt: now + 2 * HOUR, createdAt: now - 60_000 })
  await rollouts.create(late)
  await rollouts.create(onTime)

  const sent: OverdueOutcome[] = []
  let failing = true
  const publish = async (o: OverdueOutcome) => {
    if (failing) throw new Error('notify queue down')
    sent.push(o)
  }
  const sweep = async () => await announceOverdue({ rollouts, marks, publish, now: () => now, settings, log })

  t.same(await sweep(), { overdue: 1, announced: 0 }, 'the notifier failed: nothing announced')
  failing = false
  t.same(await sweep(), { overdue: 1, announced: 1 }, 'not marked: the next sweep sends it')
  t.same(await sweep(), { overdue: 1, announced: 0 }, 'and no sweep after that')
  t.same(await Promise.all([sweep(), sweep()]).then(r => r.map(x => x.announced)), [0, 0])
  t.equal(sent.length, 1, 'marked: queued once (racing first sweeps may queue twice: the same delivery job ids, so one delivery)')
  t.match(sent[0], {
    kind: 'overdue',
    rollout: { id: late.id },
    checkpointIndex: 0,
    planKind: 'checkpoint',
    at: new Date(late.startAt + HOUR).toISOString(),
    dueAt: new Date(late.startAt + HOUR + 60_000).toISOString(),
    lateSeconds: 59 * 60,
    previous: null
  })
})
