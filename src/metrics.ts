import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/** gonogo_rollout_recommendation's value for each recommendation. */
export const RECOMMENDATION_VALUE = { GO: 1, INCONCLUSIVE: 0, NO_GO: -1 } as const
/** How a rollout can finish: its final recommendation, or cancelled. */
export const FINISHED_OUTCOMES = ['GO', 'NO_GO', 'INCONCLUSIVE', 'cancelled'] as const
export type FinishedOutcome = typeof FINISHED_OUTCOMES[number]

/**
 * prom-client's default metrics that are gauges named "..._total" (the sum over the labelled
 * gauge beside them): Prometheus reserves _total for counters, and promtool warns about them.
 */
const GAUGES_NAMED_TOTAL = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']

/**
 * The service's Prometheus metrics; one registry per app instance so tests can build many
 * apps. Every series is bounded: labels take a handful of values, and the one per-rollout
 * gauge holds live rollouts only (finished ones are counted by outcome instead).
 */
export class Metrics {
  readonly registry = new Registry()
  readonly checkpoints = new Counter({
    name: 'gonogo_checkpoints_total',
    help: 'Checkpoints run, by kind (checkpoint, decision, manual, analysis) and outcome (ok, failed).',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry]
  })

  readonly nerdgraphRequests = new Counter({
    name: 'gonogo_nerdgraph_requests_total',
    help: 'NerdGraph HTTP requests, by outcome (HTTP status or error code).',
    labelNames: ['outcome'] as const,
    registers: [this.registry]
  })

  readonly nerdgraphRetries = new Counter({
    name: 'gonogo_nerdgraph_retries_total',
    help: 'NerdGraph requests retried.',
    registers: [this.registry]
  })

  readonly nerdgraphLatency = new Histogram({
    name: 'gonogo_nerdgraph_request_duration_seconds',
    help: 'NerdGraph request duration, seconds.',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry]
  })

  readonly recommendation = new Gauge({
    name: 'gonogo_rollout_recommendation',
    help: 'Latest recommendation of each live (scheduled or monitoring) rollout: 1 GO, 0 INCONCLUSIVE, -1 NO_GO; ' +
      'none before its first checkpoint.',
    labelNames: ['rollout'] as const,
    registers: [this.registry]
  })

  // No rollout label: which rollouts are late is for the authenticated API, not for every scraper.
  readonly rolloutsOverdue = new Gauge({
    name: 'gonogo_rollouts_overdue',
    help: 'Live rollouts whose due checkpoint is unrecorded past GONOGO_CHECKPOINT_LAG_SECONDS + GONOGO_OVERDUE_GRACE_SECONDS ' +
      '(their gate is closed); computed from Redis at scrape time, so an API-only process shows it with no worker left.',
    registers: [this.registry]
  })

  readonly rolloutsFinished = new Counter({
    name: 'gonogo_rollouts_finished_total',
    help: 'Rollouts finished in this process, by outcome (the decision GO, NO_GO or INCONCLUSIVE, or cancelled).',
    labelNames: ['outcome'] as const,
    registers: [this.registry]
  })

  readonly notifications = new Counter({
    name: 'gonogo_notifications_total',
    help: 'Notification delivery attempts, by kind (slack, teams, webhook) and outcome (delivered, retried, failed).',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry]
  })

  readonly queueDepth = new Gauge({
    name: 'gonogo_queue_jobs',
    help: 'Jobs in each queue (checkpoints, notify) by state.',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry]
  })

  constructor () {
    collectDefaultMetrics({ register: this.registry, prefix: 'gonogo_' })
    for (const name of GAUGES_NAMED_TOTAL) this.registry.removeSingleMetric(`gonogo_${name}`)
    // Every outcome from the start, so rate() and increase() see the first one.
    for (const outcome of FINISHED_OUTCOMES) this.rolloutsFinished.inc({ outcome }, 0)
  }

  /** Sets a live rollout's recommendation gauge. */
  setRecommendation (rolloutId: string, recommendation: keyof typeof RECOMMENDATION_VALUE): void {
    this.recommendation.set({ rollout: rolloutId }, RECOMMENDATION_VALUE[recommendation])
  }

  /** A rollout was decided or cancelled: its recommendation series goes, the finished counter counts it. */
  finished (rolloutId: string, outcome: FinishedOutcome): void {
    this.recommendation.remove({ rollout: rolloutId })
    this.rolloutsFinished.inc({ outcome })
  }
}
