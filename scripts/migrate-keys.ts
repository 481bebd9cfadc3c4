/**
 * One-off: renames the keys of a single-Redis install to the cluster-ready layout
 * (each rollout's keys under `<prefix>:rollout:{<id>}`, BullMQ's under `{<prefix>}`). Run it once,
 * with every gonogo process stopped, against the Redis they used:
 *
 *   REDIS_URL=redis://... GONOGO_REDIS_PREFIX=gonogo npx tsx scripts/migrate-keys.ts [--dry-run]
 *
 * Idempotent (a key already in the new layout is left alone; RENAMENX never overwrites). It needs
 * one Redis: RENAME cannot move a key between cluster slots, so migrate first, then move the data
 * to a cluster (e.g. redis-cli --cluster import).
 */
import { parseArgs } from 'node:util'
import { Redis } from 'ioredis'
import { queuePrefix } from '../src/store/keys.ts'

const { values } = parseArgs({ options: { 'dry-run': { type: 'boolean', default: false } } })
const dryRun = values['dry-run'] === true
const prefix = process.env.GONOGO_REDIS_PREFIX ?? 'gonogo'
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')

/** Every key matching a pattern, by SCAN (the shared Redis is never blocked by KEYS). */
async function scanAll (pattern: string): Promise<string[]> {
  const out: string[] = []
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000)
    cursor = next
    out.push(...keys)
  } while (cursor !== '0')
  return out
}

/** The new name of an old key, or null when it is not an old key. */
function renamed (key: string): string | null {
  const rollout = `${prefix}:rollout:`
  if (key.startsWith(rollout)) {
    const rest = key.slice(rollout.length)
    if (rest.startsWith('{')) return null
    const colon = rest.indexOf(':')
    const id = colon < 0 ? rest : rest.slice(0, colon)
    return `${rollout}{${id}}${colon < 0 ? '' : rest.slice(colon)}`
  }
  const queues = queuePrefix(prefix)
  if (queues !== prefix && (key.startsWith(`${prefix}:checkpoints:`) || key.startsWith(`${prefix}:notify:`))) {
    return queues + key.slice(prefix.length)
  }
  return null
}

let moved = 0
let kept = 0
try {
  for (const pattern of [`${prefix}:rollout:*`, `${prefix}:checkpoints:*`, `${prefix}:notify:*`]) {
    for (const key of await scanAll(pattern)) {
      const to = renamed(key)
      if (to === null) continue
      if (dryRun) { process.stdout.write(`${key} -> ${to}\n`); moved++; continue }
      if (await redis.renamenx(key, to) === 1) moved++
      else { kept++; process.stderr.write(`left ${key}: ${to} exists already\n`) }
    }
  }
  process.stdout.write(`${dryRun ? 'would rename' : 'renamed'} ${moved} keys${kept > 0 ? `, left ${kept} (see above)` : ''}\n`)
} finally {
  await redis.quit()
}
