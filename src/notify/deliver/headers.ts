import pkg from '../../../package.json' with { type: 'json' }
import type { NotifyTarget } from '../../schemas/notify.ts'
import type { DeliveryJob } from '../job.ts'
import { signatureHeader } from './signature.ts'

export const USER_AGENT = `gonogo/${pkg.version}`

/**
 * Request headers of one attempt. Webhooks get the event type, the delivery
 * id (the event id: the same on every retry, so receivers can drop repeats)
 * and a signature made now: `t` is the attempt's time, so each retry is
 * signed afresh over the same body bytes.
 */
export function deliveryHeaders (
  job: Pick<DeliveryJob, 'type' | 'eventId' | 'body'>, target: NotifyTarget, now: number = Date.now()
): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': USER_AGENT
  }
  if (target.kind === 'webhook') {
    headers['x-gonogo-event'] = job.type
    headers['x-gonogo-delivery'] = job.eventId
    headers['x-gonogo-signature'] = signatureHeader(target.secret, job.body, Math.floor(now / 1000))
  }
  return headers
}
