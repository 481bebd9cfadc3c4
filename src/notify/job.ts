import type { EventType, NotifyTarget } from '../schemas/notify.ts'

/** The name of the notify queue (under the configured Redis prefix). */
export const QUEUE_NAME = 'notify'

/**
 * What a delivery job carries. No URL and no secret: `target` is a
 * reference the worker resolves when it delivers ("r:<fingerprint>" in the
 * rollout's stored targets, "d:<index>" in GONOGO_NOTIFY_DEFAULT).
 */
export interface DeliveryJob {
  eventId: string
  type: EventType
  rolloutId: string
  kind: NotifyTarget['kind']
  target: string
  /** Scheme and host of the target, for logs and failure records. */
  origin: string
  /** The exact request body, rendered at publish time so every attempt sends the same bytes. */
  body: string
}

/**
 * `<eventId>.<targetIndex>`: one job per event and target, so publishing the
 * same outcome again (a retried checkpoint job) adds nothing. BullMQ refuses
 * ':' in custom ids (it separates key parts) and ids that parse as integers;
 * '%' and ':' are percent-encoded, and an event id always holds letters.
 */
export function deliveryJobId (eventId: string, targetIndex: number | string): string {
  return `${eventId}.${targetIndex}`.replace(/%/g, '%25').replace(/:/g, '%3A')
}
