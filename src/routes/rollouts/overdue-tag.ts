import type { OverdueState } from '../../rollout/overdue.ts'

/**
 * The ETag part of a rollout's overdue state: the entry and the whole minutes late, so a page
 * polling with If-None-Match sees the rollout turn overdue (and the reason's minutes move)
 * although no write bumped its revision.
 */
export function overdueTag (overdue: OverdueState | undefined): string | undefined {
  return overdue === undefined || !overdue.overdue ? undefined : `overdue:${overdue.index}:${Math.floor(overdue.lateSeconds / 60)}`
}
