import { buildPlan, entryAt } from '../../rollout/plan.ts'
import { counts, isFinal, nextPending, planEntryStatus } from '../../rollout/statuses.ts'
import { formatLocal } from '../../rollout/timezone.ts'
import { viewTarget } from '../../notify/targets/view.ts'
import type { NotifyFailure, PlanEntry, Progress, Rollout, RolloutSummary } from '../../schemas/rollout.ts'
import type { StoredRollout } from '../../rollout/types.ts'
import { overdueView } from '../../rollout/board.ts'
import type { OverdueState } from '../../rollout/overdue.ts'

const iso = (ms: number) => new Date(ms).toISOString()
const NOT_OVERDUE: OverdueState = { overdue: false }

/** The parts of a rollout shared by its full view and its list entry; `overdue` is the route's, which has the clock. */
function common (r: StoredRollout, overdue: OverdueState): RolloutSummary {
  const { spec } = r
  const next = isFinal(r.state) ? -1 : nextPending(r.statuses)
  return {
    id: spec.id,
    name: spec.name,
    state: r.state,
    accountId: spec.target.accountId,
    apps: spec.target.apps,
    canaryHosts: spec.target.canaryHosts,
    baselineHosts: spec.target.baselineHosts,
    startAt: iso(spec.startAt),
    decisionAt: iso(spec.decisionAt),
    checkpointEvery: spec.checkpointEvery,
    timezone: spec.timezone,
    ...(spec.target.policy === undefined ? {} : { policy: spec.target.policy }),
    ...(spec.target.thresholds === undefined ? {} : { thresholds: spec.target.thresholds }),
    ...(spec.newRelic === undefined ? {} : { newRelic: spec.newRelic }),
    notify: spec.notify.map(viewTarget),
    recommendation: r.recommendation,
    nextAt: next < 0 ? null : iso(entryAt(spec, next)),
    overdue: overdueView(overdue),
    createdAt: iso(spec.createdAt),
    updatedAt: iso(r.updatedAt),
    ...(r.startedAt === undefined ? {} : { startedAt: iso(r.startedAt) }),
    ...(r.decidedAt === undefined ? {} : { decidedAt: iso(r.decidedAt) }),
    ...(r.cancelledAt === undefined ? {} : { cancelledAt: iso(r.cancelledAt) }),
    ...(r.state !== 'cancelled' || r.cancelledAt === undefined
      ? {}
      : { cancellation: { at: iso(r.cancelledAt), by: r.cancelledBy ?? 'unknown', reason: r.cancelReason ?? null } }),
    progress: progress(r)
  }
}

/** Plan entries recorded ok and failed, of the total (the plan itself may have a thousand entries). */
function progress (r: StoredRollout): Progress {
  return { ...counts(r.statuses), total: r.spec.planLength }
}

/** The full view: everything but notify secrets, with the plan and each entry's status. */
export function rolloutView (r: StoredRollout, notifyFailures: NotifyFailure[] = [], overdue: OverdueState = NOT_OVERDUE): Rollout {
  const plan = buildPlan(r.spec.startAt, r.spec.decisionAt, r.spec.everyMs).map((e): PlanEntry => ({
    index: e.index,
    kind: e.kind,
    at: iso(e.at),
    localAt: formatLocal(e.at, r.spec.timezone),
    status: planEntryStatus(r.statuses, e.index, r.state)
  }))
  return { ...common(r, overdue), plan, notifyFailures }
}

/** A list entry: the plan only as its progress. */
export function rolloutSummary (r: StoredRollout, overdue: OverdueState = NOT_OVERDUE): RolloutSummary {
  return common(r, overdue)
}
