/**
 * The matrix of a rollout: GET /v1/rollouts/{id}/matrix, or, from a service that has no such
 * route yet (404 "no route"), the same table put together from the rollout, its checkpoints
 * and its gate, so `gonogo status` works against either.
 */
import type { Matrix, MatrixRow } from '../schemas/board.ts'
import type { Checkpoint, Rollout } from '../schemas/rollout.ts'
import { ApiError, type Client } from './client.ts'
import { readGate } from './gate.ts'

export interface MatrixAnswer {
  matrix: Matrix
  /** Where it came from: the service's matrix, or put together here. */
  source: 'matrix' | 'checkpoints'
}

export async function loadMatrix (client: Client, id: string, team?: string, signal?: AbortSignal): Promise<MatrixAnswer> {
  const path = `/v1/rollouts/${encodeURIComponent(id)}`
  try {
    const { body } = await client.get<Matrix>(`${path}/matrix`, { query: { team }, signal })
    return { matrix: body, source: 'matrix' }
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404 && /^no route /.test(err.message))) throw err
  }
  const { body: rollout } = await client.get<Rollout>(path, { signal })
  const checkpoints = await allCheckpoints(client, path, signal)
  const { view: gate } = await readGate(client, id, signal)
  return { matrix: matrixOf(rollout, checkpoints, gate, team), source: 'checkpoints' }
}

async function allCheckpoints (client: Client, path: string, signal?: AbortSignal): Promise<Checkpoint[]> {
  const items: Checkpoint[] = []
  let cursor: string | undefined
  do {
    const { body } = await client.get<{ items: Checkpoint[], nextCursor: string | null }>(`${path}/checkpoints`, {
      query: { cursor }, signal
    })
    items.push(...body.items)
    cursor = body.nextCursor ?? undefined
  } while (cursor !== undefined)
  return items
}

/** The matrix from the rollout's own views: no waivers, sign-offs or notes (that service has none). */
export function matrixOf (rollout: Rollout, checkpoints: Checkpoint[], gate: Matrix['gate'], team?: string): Matrix {
  const byIndex = new Map(checkpoints.filter(c => c.kind !== 'manual').map(c => [c.index, c]))
  const latest = [...checkpoints].reverse().find(c => c.status === 'ok' && c.result !== null)
  const apps = rollout.apps.filter(a => team === undefined || a.team === team)
  const rows: MatrixRow[] = apps.map(spec => {
    const cells = rollout.plan.map(entry => {
      const apps = byIndex.get(entry.index)?.result?.apps ?? []
      const result = apps.find(r => r.app === spec.name) ?? apps.find(r => r.app.toLowerCase() === spec.name.toLowerCase())
      return result === undefined
        ? { verdict: null, reason: null }
        : { verdict: result.verdict, reason: result.verdict === 'PASS' ? null : result.reasons.join('; ') }
    })
    return {
      app: spec.name,
      team: spec.team ?? null,
      owners: spec.owners ?? [],
      critical: spec.critical === true,
      verdicts: cells.map(c => c.verdict),
      reasons: cells.map(c => c.reason),
      waiver: null,
      signOff: null,
      notes: 0
    }
  })
  return {
    rolloutId: rollout.id,
    name: rollout.name,
    state: rollout.state,
    timezone: rollout.timezone,
    startAt: rollout.startAt,
    decisionAt: rollout.decisionAt,
    canaryHosts: rollout.canaryHosts,
    recommendation: rollout.recommendation,
    automated: rollout.recommendation,
    reasons: latest?.result?.reasons ?? [],
    gate,
    override: null,
    plan: rollout.plan.map(p => ({ ...p, recommendation: byIndex.get(p.index)?.result?.recommendation ?? null })),
    apps: rows,
    teams: [...new Set(rollout.apps.map(a => a.team).filter((t): t is string => t !== undefined))].sort()
  }
}
