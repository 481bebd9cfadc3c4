import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis'
import type { RedisTarget } from '../config.ts'
import { closeWithin } from '../deadline.ts'

/**
 * What a connection is for. `state`: the stores and reads, failing fast while Redis is
 * away so the API answers, auto-pipelined so the many small reads of concurrent requests
 * go out in one write; `queue`: a BullMQ producer, failing fast too; `blocking`: BullMQ
 * workers and subscribers, which must never give up on a command while Redis restarts
 * (BullMQ refuses a worker connection without maxRetriesPerRequest: null).
 */
export type RedisRole = 'state' | 'queue' | 'blocking'

/**
 * A connection to one Redis, a Redis Cluster or the master Sentinels name, as the target says;
 * not connected yet (lazyConnect). A Cluster is typed as a Redis: ioredis gives it the same
 * commands, scripts (defineCommand), pub/sub, connect/quit and duplicate, which is all gonogo
 * and BullMQ use (BullMQ tells a Cluster apart at run time). What a Cluster cannot do is a
 * pipeline or MULTI over keys of several slots; the stores send such reads one command each.
 */
export function createRedis (target: RedisTarget, role: RedisRole): Redis {
  const common = {
    lazyConnect: true,
    enableOfflineQueue: true
  }
  // A hung Redis (it accepts, it never answers) must not hang an API request or a checkpoint: those
  // commands fail after the timeout. Blocking connections wait by design, so they have none.
  const timeout = role === 'blocking' || target.commandTimeoutMs === undefined ? {} : { commandTimeout: target.commandTimeoutMs }
  const perNode: RedisOptions = { ...credentials(target.url), maxRetriesPerRequest: role === 'blocking' ? null : 2, ...timeout }
  if (target.kind === 'cluster') {
    const options: ClusterOptions = {
      ...common,
      enableAutoPipelining: role === 'state',
      redisOptions: perNode,
      // A master that restarts or fails over answers MOVED, CLUSTERDOWN or TRYAGAIN for a while.
      retryDelayOnClusterDown: 200,
      retryDelayOnTryAgain: 200,
      retryDelayOnMoved: 50
    }
    return new Cluster(target.nodes, options) as unknown as Redis
  }
  if (target.kind === 'sentinel') {
    return new Redis({
      ...common,
      ...perNode,
      enableAutoPipelining: role === 'state',
      sentinels: target.sentinels,
      name: target.name,
      ...(target.sentinelPassword === undefined ? {} : { sentinelPassword: target.sentinelPassword })
    })
  }
  return new Redis(target.url, { ...common, maxRetriesPerRequest: perNode.maxRetriesPerRequest, ...timeout, enableAutoPipelining: role === 'state' })
}

/** The user, password, TLS and database REDIS_URL gives, for the nodes of a cluster or a Sentinel-named master. */
export function credentials (url: string): RedisOptions {
  const u = new URL(url)
  const db = Number(u.pathname.replace(/^\//, '') || 0)
  return {
    ...(u.username === '' ? {} : { username: decodeURIComponent(u.username) }),
    ...(u.password === '' ? {} : { password: decodeURIComponent(u.password) }),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    ...(Number.isInteger(db) && db > 0 ? { db } : {})
  }
}

/** Where the target is, without secrets, for messages. */
export function describeTarget (target: RedisTarget): string {
  const list = (nodes: Array<{ host: string, port: number }>) => nodes.map(n => `${n.host}:${n.port}`).join(',')
  if (target.kind === 'cluster') return `the Redis Cluster at ${list(target.nodes)}`
  if (target.kind === 'sentinel') return `the master ${target.name} of the Sentinels at ${list(target.sentinels)}`
  return `Redis at ${safeUrl(target.url)}`
}

/** The URL without its password. */
function safeUrl (url: string): string {
  try {
    const u = new URL(url)
    if (u.password !== '') u.password = '***'
    return u.toString()
  } catch {
    return 'REDIS_URL'
  }
}

/** How long a connection's QUIT may take at shutdown before the socket is simply dropped. */
export const QUIT_MS = 2000

/** Closes a connection politely (QUIT: replies in flight still arrive), or drops it when QUIT does not answer in time. */
export async function closeRedis (redis: Redis | undefined, ms = QUIT_MS): Promise<void> {
  if (redis === undefined) return
  await closeWithin(async () => await redis.quit(), ms, () => { redis.disconnect() })
}
