/**
 * The compact app checkpoints (rollout/compact.ts) in the `:app-checkpoints` hash. Bounded Redis:
 * one field per app and run of SEGMENT checkpoints, `a<segment>|<app>`, holds them as one JSON
 * line each, deflated together (an app's reasons and numbers change little from hour to hour, so
 * the deflate finds them again); segments keep what one checkpoint re-deflates bounded however
 * long the plan (GONOGO_MAX_CHECKPOINTS allows 1,000). Rollouts recorded before kept one field per
 * checkpoint and app, `<index>|<app>` (a digit first, never `a`); they are read as they are, and a
 * rollout that was live across the change has both.
 */
import type { Redis } from 'ioredis'
import type { StoredAppCheckpoint } from '../rollout/compact.ts'
import { pack, unpack } from './packed.ts'

/** Checkpoints per field: a whole 24-hour hourly rollout in one, and a 1,000-entry plan re-deflates 32 at most. */
export const SEGMENT = 32

export function appField (app: string, index: number): string {
  return `a${Math.floor(index / SEGMENT)}|${app}`
}

function oldField (index: number, app: string): string {
  return `${index}|${app}`
}

/**
 * The new values of the apps' fields with these entries added (app -> one entry as JSON). The
 * caller holds the rollout's lock and writes them in the record script, which refuses a
 * checkpoint already recorded: no entry is added twice.
 */
export async function appendedAppCheckpoints (
  redis: Redis, key: string, index: number, entries: Array<[string, string]>
): Promise<Array<[string, Buffer]>> {
  if (entries.length === 0) return []
  const fields = entries.map(([app]) => appField(app, index))
  const current = await redis.hmgetBuffer(key, ...fields)
  return entries.map(([, json], i) => {
    const before = unpack(current[i])
    return [fields[i], pack(before === null || before === '' ? json : `${before}\n${json}`)]
  })
}

function parseLines (value: Buffer | null): StoredAppCheckpoint[] {
  const text = unpack(value)
  if (text === null || text === '') return []
  return text.split('\n').map(line => JSON.parse(line) as StoredAppCheckpoint)
}

/** Each of these apps' stored checkpoints, by app and index, from either layout. */
export async function readAppCheckpoints (
  redis: Redis, key: string, apps: string[], indexes: number[]
): Promise<Map<string, Map<number, StoredAppCheckpoint>>> {
  const out = new Map<string, Map<number, StoredAppCheckpoint>>()
  if (apps.length === 0) return out
  const segments = [...new Set(indexes.map(i => Math.floor(i / SEGMENT)))]
  const news = apps.flatMap(app => segments.map(seg => appField(app, seg * SEGMENT)))
  const olds = apps.flatMap(app => indexes.map(i => oldField(i, app)))
  const values = await redis.hmgetBuffer(key, ...news, ...olds)
  const wanted = new Set(indexes)
  apps.forEach((app, a) => {
    const byIndex = new Map<number, StoredAppCheckpoint>()
    indexes.forEach((index, i) => {
      const v = values[news.length + a * indexes.length + i]
      if (v !== null) byIndex.set(index, JSON.parse(v.toString()) as StoredAppCheckpoint)
    })
    segments.forEach((_, s) => {
      for (const c of parseLines(values[a * segments.length + s])) if (wanted.has(c[0])) byIndex.set(c[0], c)
    })
    out.set(app, byIndex)
  })
  return out
}

/** Every stored app checkpoint of the rollout, by app and index, from either layout. */
export async function readAllAppCheckpoints (redis: Redis, key: string): Promise<Map<string, Map<number, StoredAppCheckpoint>>> {
  const all = await redis.hgetallBuffer(key)
  const out = new Map<string, Map<number, StoredAppCheckpoint>>()
  const of = (app: string): Map<number, StoredAppCheckpoint> => {
    let m = out.get(app)
    if (m === undefined) out.set(app, m = new Map())
    return m
  }
  for (const [field, value] of Object.entries(all)) {
    const bar = field.indexOf('|')
    if (bar < 0) continue
    const app = field.slice(bar + 1)
    if (field.startsWith('a')) {
      for (const c of parseLines(value)) of(app).set(c[0], c)
      continue
    }
    const index = Number(field.slice(0, bar))
    if (!of(app).has(index)) of(app).set(index, JSON.parse(value.toString()) as StoredAppCheckpoint)
  }
  return out
}
