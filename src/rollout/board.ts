/**
 * The board's reads, built from what is stored compactly: the matrix (apps x checkpoints with
 * people's word beside the verdicts) and one app across the rollout. Pure: the loader in
 * store/board-read.ts fetches, these shape.
 */
import type { AppSeries, AppView, GateView, Matrix, MatrixRow, Note, Waiver } from '../schemas/board.ts'
import type { Status } from '../schemas/common.ts'
import { expandAppCheckpoint, type CheckpointCells, type StoredAppCheckpoint } from './compact.ts'
import { gateView } from './gate.ts'
import type { OverdueState } from './overdue.ts'
import { effectiveRecommendation, type Effective, type PeopleWord } from './people.ts'
import { buildPlan } from './plan.ts'
import { planEntryStatus } from './statuses.ts'
import { formatLocal } from './timezone.ts'
import type { StoredRollout } from './types.ts'
import type { OverdueView } from '../schemas/rollout.ts'

const iso = (ms: number): string => new Date(ms).toISOString()

/** Everything stored that the matrix reads, and whether the rollout is overdue now (the caller has the clock). */
export interface BoardData {
  stored: StoredRollout
  cells: Map<number, CheckpointCells>
  people: PeopleWord
  overdue?: OverdueState
}

/** The recommendation now, with people's word, and the gate that follows it. */
export function currentOf (data: BoardData): { effective: Effective, gate: GateView } {
  const { stored } = data
  const plan = buildPlan(stored.spec.startAt, stored.spec.decisionAt, stored.spec.everyMs)
  const latest = stored.latestIndex === null ? null : data.cells.get(stored.latestIndex) ?? null
  // Sign-offs count from the previous checkpoint on: a word on the data the latest one added.
  const previous = stored.latestIndex === null ? null : plan[Math.min(stored.latestIndex, plan.length) - 1]
  const since = previous?.at ?? stored.spec.startAt
  const effective = effectiveRecommendation(stored.spec.target.apps, stored.spec.target.policy, latest, data.people, since)
  // A failed decision has no cells: its stored INCONCLUSIVE stands.
  if (latest === null && stored.recommendation !== null && data.people.override === null) {
    effective.recommendation = stored.recommendation
    effective.automated = stored.recommendation
  }
  const gate = gateView(stored.state, effective.recommendation, stored.statuses, data.people.override, data.overdue)
  return { effective, gate }
}

export function buildMatrix (data: BoardData, team?: string): Matrix {
  const { stored, cells, people } = data
  const { spec } = stored
  const plan = buildPlan(spec.startAt, spec.decisionAt, spec.everyMs)
  const { effective, gate } = currentOf(data)
  const waivers = new Map(people.waivers.map(w => [w.app, w]))
  const signOffs = new Map<string, MatrixRow['signOff']>()
  const noteCounts = new Map<string, number>()
  for (const n of people.notes) {
    noteCounts.set(n.app, (noteCounts.get(n.app) ?? 0) + 1)
    if (n.signOff !== null) signOffs.set(n.app, { value: n.signOff, by: n.by, at: n.at })
  }
  const apps = spec.target.apps.filter(a => team === undefined || a.team === team)
  const shortReasons: string[] = []
  const reasonAt = new Map<string, number>()
  const refer = (text: string): number => {
    let at = reasonAt.get(text)
    if (at === undefined) {
      at = shortReasons.push(text) - 1
      reasonAt.set(text, at)
    }
    return at
  }
  return {
    rolloutId: spec.id,
    name: spec.name,
    state: stored.state,
    timezone: spec.timezone,
    startAt: iso(spec.startAt),
    decisionAt: iso(spec.decisionAt),
    canaryHosts: spec.target.canaryHosts,
    recommendation: effective.recommendation,
    automated: effective.automated,
    reasons: effective.reasons,
    gate,
    overdue: overdueView(data.overdue),
    override: people.override,
    plan: plan.map(e => ({
      index: e.index,
      kind: e.kind,
      at: iso(e.at),
      localAt: formatLocal(e.at, spec.timezone),
      status: planEntryStatus(stored.statuses, e.index, stored.state),
      recommendation: cells.get(e.index)?.recommendation ?? null
    })),
    apps: apps.map((a): MatrixRow => {
      const verdicts: Array<Status | null> = []
      const reasons: Array<number | null> = []
      for (const e of plan) {
        const cell = cells.get(e.index)?.apps[a.name]
        verdicts.push(cell?.[0] ?? null)
        reasons.push(cell === undefined || cell[0] === 'PASS' || cell[1] === null ? null : refer(cell[1]))
      }
      return {
        app: a.name,
        team: a.team ?? null,
        owners: a.owners ?? [],
        critical: a.critical ?? false,
        verdicts,
        reasons,
        waiver: waivers.get(a.name) ?? null,
        signOff: signOffs.get(a.name) ?? null,
        notes: noteCounts.get(a.name) ?? 0
      }
    }),
    shortReasons,
    teams: [...new Set(spec.target.apps.flatMap(a => a.team === undefined ? [] : [a.team]))].sort()
  }
}

export function buildAppView (
  stored: StoredRollout, app: string, checkpoints: StoredAppCheckpoint[], series: AppSeries | null, notes: Note[], waiver: Waiver | null
): AppView | null {
  const spec = stored.spec.target.apps.find(a => a.name === app)
  if (spec === undefined) return null
  return {
    rolloutId: stored.spec.id,
    app,
    team: spec.team ?? null,
    owners: spec.owners ?? [],
    critical: spec.critical ?? false,
    checkpoints: checkpoints.map(expandAppCheckpoint).sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.index - b.index),
    series,
    notes: notes.filter(n => n.app === app),
    waiver
  }
}

/** The API's shape of an overdue entry (schemas/rollout.ts OverdueView), or null. */
export function overdueView (state: OverdueState | undefined): OverdueView | null {
  if (state === undefined || !state.overdue) return null
  return { index: state.index, kind: state.kind, at: iso(state.at), dueAt: iso(state.dueAt), lateSeconds: state.lateSeconds, reason: state.reason }
}
