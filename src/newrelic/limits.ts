/**
 * New Relic's query limits that shape how the fetcher chunks its queries, and the
 * time-bucket arithmetic for TIMESERIES.
 */

/** Most facets one NRQL query returns (`LIMIT MAX`). */
export const FACET_LIMIT = 5000
/** Most buckets one TIMESERIES query returns. */
export const MAX_BUCKETS = 366
/**
 * Buckets we aim for at most: under MAX_BUCKETS with room for the partial bucket at
 * either end when SINCE/UNTIL do not fall on bucket boundaries.
 */
export const TARGET_BUCKETS = 360

const MINUTE_MS = 60_000

/**
 * Bucket length for a window: whole minutes, the smallest length that keeps the
 * window within TARGET_BUCKETS buckets (1 minute up to 6 hours, 2 minutes up to 12...).
 */
export function bucketMinutesFor (from: number, until: number): number {
  const minutes = Math.max(1, Math.ceil((until - from) / MINUTE_MS))
  return Math.max(1, Math.ceil(minutes / TARGET_BUCKETS))
}

/** Buckets a TIMESERIES over [from, until) may return, counting a partial bucket at each end. */
export function bucketCountFor (from: number, until: number, bucketMinutes: number): number {
  return Math.ceil((until - from) / (bucketMinutes * MINUTE_MS)) + 1
}
