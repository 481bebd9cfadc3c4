import t from 'tap'
import { Redis } from 'ioredis'
import { RolloutLock } from '../../src/store/lock.ts'
import { cleanPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.ts'

const prefix = uniquePrefix('lock')
const redis = new Redis(REDIS_URL)
t.teardown(async () => {
  await cleanPrefix(prefix, redis)
  await redis.quit()
})
const sleep = async (ms: number) => await new Promise(resolve => setTimeout(resolve, ms))

t.test('one holder at a time; released after', async t => {
  const lock = new RolloutLock(redis, prefix, 1000)
  const inner = await lock.withLock('R1', async () => await lock.withLock('R1', async () => 'nested'))
  t.same(inner, { acquired: true, value: { acquired: false } })
  t.same(await lock.withLock('R1', async () => 'again'), { acquired: true, value: 'again' }, 'released')
  t.equal(await redis.exists(`${prefix}:rollout:{R1}:lock`), 0)
})

t.test('renewed while working past its TTL', async t => {
  const lock = new RolloutLock(redis, prefix, 300)
  const out = await lock.withLock('R2', async (held) => {
    await sleep(700)
    const other = await lock.withLock('R2', async () => 'stolen')
    return { held: held.held, other }
  })
  t.same(out, { acquired: true, value: { held: true, other: { acquired: false } } })
})

t.test('a lost lock is noticed and not released from under the new holder', async t => {
  const lock = new RolloutLock(redis, prefix, 300)
  const key = `${prefix}:rollout:{R3}:lock`
  const out = await lock.withLock('R3', async (held) => {
    await redis.set(key, 'someone-else')
    await sleep(250)
    return held.held
  })
  t.same(out, { acquired: true, value: false })
  t.equal(await redis.get(key), 'someone-else', 'compare-and-delete left the other holder alone')
})
