/** What one NRQL query returns: New Relic's result rows, untouched. */
export interface NrqlResult {
  results: Array<Record<string, unknown>>
}

/** One HTTP attempt, as reported to `onRequest` (for Prometheus metrics). */
export interface RequestInfo {
  /** 1 for the first try of a batch, 2 for its first retry... */
  attempt: number
  /** HTTP status, or null when no response came (timeout, network). */
  status: number | null
  /** Wall time of the attempt, in milliseconds (fractional). */
  ms: number
  /** NRQL queries sent in this request. */
  queries: number
  /** True when some of those queries failed in a retryable way and another attempt follows. */
  retried: boolean
  /** Error code (see errors.ts) when some or all queries failed. */
  error?: string
}
