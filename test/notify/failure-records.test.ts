/**
 * Failure records are kept per event and target id: two targets on one host (two Slack
 * channels, two webhook paths of one receiver) each keep their record on the rollout.
 */
import t from 'tap'
import { buildTestApp, poolAddRollout } from '../helpers/app.ts'
import { cleanPrefix, eventually, uniquePrefix } from '../helpers/redis.ts'
import { waitForState } from '../helpers/wait.ts'
import { Receiver } from './helpers/receiver.ts'
import { SECRET } from './helpers/fixtures.ts'

const prefix = uniquePrefix('failure-records')
// 410 Gone: permanent, so each delivery gives up at its first attempt.
const gone = await Receiver.start(() => ({ status: 410, body: 'gone' }))
const test = await buildTestApp({ prefix, env: { GONOGO_NOTIFY_ATTEMPTS: '2', GONOGO_NOTIFY_BACKOFF_MS: '50' } })
t.teardown(async () => {
  await test.close()
  await gone.stop()
  await cleanPrefix(prefix)
})
const { app } = test

interface Failure { eventId: string, type: string, target: string, targetId: string, label?: string, error: string }

t.test('two targets on one host: a failure record each, named by target id', async t => {
  const create = await app.inject({
    method: 'POST',
    url: '/v1/rollouts',
    payload: poolAddRollout({
      apps: ['RESTAPI'],
      notify: [
        { kind: 'webhook', url: gone.url('/hooks/cab'), secret: SECRET, label: '#release-cab', events: ['decision.made'] },
        { kind: 'webhook', url: gone.url('/hooks/ops'), secret: SECRET, events: ['decision.made'] }
      ]
    })
  })
  t.equal(create.statusCode, 201, create.body)
  const id = create.json().id as string
  const ids = (create.json().notify as Array<{ id: string }>).map(n => n.id)
  t.equal(new Set(ids).size, 2, 'the two targets have two ids')
  await waitForState(app, id, 'decided')

  const failures = await eventually(async () => {
    const list = (await app.inject(`/v1/rollouts/${id}`)).json().notifyFailures as Failure[]
    return list.length >= 2 ? list : undefined
  }, 30_000, 'two failure records')
  t.equal(failures.length, 2, 'one per target, neither overwriting the other')
  t.ok(failures.every(f => f.type === 'decision.made' && f.target === `http://127.0.0.1:${gone.port}`), 'same event, same host')
  t.same(failures.map(f => f.targetId).sort(), [...ids].sort(), 'each names its target by the id the rollout lists')
  t.equal(failures.find(f => f.targetId === ids[0])?.label, '#release-cab', 'with its label')
  t.equal(failures.find(f => f.targetId === ids[1])?.label, undefined)
})
