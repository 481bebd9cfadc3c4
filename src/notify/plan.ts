import type { NotifyTarget } from '../schemas/notify.ts'
import { eventsFor } from './events.ts'
import { deliveryJobId, type DeliveryJob } from './job.ts'
import { renderBody, wants } from './render.ts'
import { fingerprint } from './targets/store.ts'
import type { NotifyOutcome } from '../rollout/outcome.ts'
import { targetOrigin } from './targets/view.ts'

/** One delivery to queue: its deterministic job id and its data. */
export interface PlannedDelivery {
  jobId: string
  data: DeliveryJob
}

/**
 * The deliveries of one checkpoint outcome: each event for each target that
 * wants it, the rollout's targets first (indexes 0, 1, ...), then the
 * default targets (d0, d1, ...) unless the rollout names the same one. Each
 * body is rendered once per event and kind. Pure: Notifier.publish queues
 * the result.
 */
export function planDeliveries (
  outcome: NotifyOutcome,
  defaults: readonly NotifyTarget[],
  publicUrl: string | undefined,
  now: Date = new Date()
): PlannedDelivery[] {
  const own = outcome.rollout.notify
  // A default target the rollout also names would post every message twice.
  const extra = defaults
    .map((target, i) => ({ target, i }))
    .filter(({ target }) => !own.some(t => t.kind === target.kind && t.url === target.url))
  const targets = [
    ...own.map((target, i) => ({ index: String(i), target, ref: `r:${fingerprint(target)}` })),
    ...extra.map(({ target, i }) => ({ index: `d${i}`, target, ref: `d:${i}` }))
  ]
  const planned: PlannedDelivery[] = []
  if (targets.length === 0) return planned
  for (const event of eventsFor(outcome, now)) {
    const bodies = new Map<string, string>()
    for (const { index, target, ref } of targets) {
      if (!wants(target, event)) continue
      let body = bodies.get(target.kind)
      if (body === undefined) {
        body = renderBody(target.kind, event, publicUrl)
        bodies.set(target.kind, body)
      }
      planned.push({
        jobId: deliveryJobId(event.id, index),
        data: {
          eventId: event.id,
          type: event.type,
          rolloutId: outcome.rollout.id,
          kind: target.kind,
          target: ref,
          origin: targetOrigin(target.url),
          body
        }
      })
    }
  }
  return planned
}
