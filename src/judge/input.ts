/**
 * The judge's input: what the NerdGraph fetcher (src/newrelic/fetch-checkpoint.ts)
 * produces for one checkpoint and the judge (src/judge) consumes. Plain data, no I/O.
 *
 * Durations are in seconds, as New Relic reports `duration`. Times are epoch milliseconds.
 */

/** Counts and duration summary of one host over one interval. */
export interface HostStats {
  /** The `host` attribute exactly as the agent reported it. */
  host: string
  /** Transactions. */
  count: number
  /** Transactions with `error IS TRUE`. */
  errors: number
  /** Average duration (s), null when count is 0. */
  durationAvgS: number | null
  /** p95 duration (s) of the host, when known. */
  p95S?: number | null
  /** Transactions slower than the app's slow threshold, when counted. */
  slow?: number | null
}

/** Duration percentiles of one side (canary or baseline) over one interval. */
export interface SideLatency {
  count: number
  p50S: number | null
  p95S: number | null
  p99S: number | null
  /** Transactions slower than the app's slowThresholdS; null when no threshold was known. */
  slow: number | null
}

/** One time bucket of one host (for Mann-Whitney on per-bucket series). */
export interface SeriesPoint {
  host: string
  /** Bucket start, epoch ms. */
  startMs: number
  count: number
  errors: number
  p95S: number | null
}

/** Occurrences of one error class on one host. */
export interface ErrorClassCount {
  host: string
  errorClass: string
  /** Occurrences: the kept events scaled by the host's error sampling (= events when none). */
  count: number
  /**
   * TransactionError events New Relic kept (agents keep about 100 a minute per host); absent
   * means every occurrence was kept (events = count).
   */
  events?: number
}

/** Everything known about one app for one checkpoint. */
export interface AppData {
  app: string
  /**
   * Latency threshold for the slow-share test: the baseline's p95 in the pre-window
   * (or, without pre-window data, in the window). Fixed for a rollout once chosen.
   */
  slowThresholdS: number | null
  window: {
    /** Every host that reported for the app in the window. */
    hosts: HostStats[]
    canary: SideLatency
    baseline: SideLatency
    /** Per host and bucket; bucket length is CheckpointData.bucketMinutes. */
    series: SeriesPoint[]
    errorClasses: ErrorClassCount[]
  }
  pre: {
    hosts: HostStats[]
    errorClasses: ErrorClassCount[]
  }
}

/** The data of one checkpoint for a set of apps. */
export interface CheckpointData {
  /** Window [from, until), epoch ms. */
  from: number
  until: number
  /** Start of the pre-window [preFrom, from). */
  preFrom: number
  bucketMinutes: number
  /** Canary host names as configured (matched case-insensitively). */
  canaryHosts: string[]
  /** Baseline host names as configured; null means every other reporting host. */
  baselineHosts: string[] | null
  apps: AppData[]
}
