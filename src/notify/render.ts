import type { NotifyTarget } from '../schemas/notify.ts'
import type { NotifyEvent } from './events.ts'
import { slackMessage } from './format/slack.ts'
import { summarize } from './format/summary.ts'
import { teamsMessage } from './format/teams.ts'
import { webhookBody } from './format/webhook.ts'

/**
 * Whether a target receives an event: only the types it asked for (`events`, default all).
 * Webhooks get every event; chat channels get one message per checkpoint: verdict.changed
 * would repeat the checkpoint's own message a second time, so its content (what changed) is
 * shown inside that message instead.
 */
export function wants (target: Pick<NotifyTarget, 'kind' | 'events'>, event: NotifyEvent): boolean {
  if (target.events !== undefined && !target.events.includes(event.type)) return false
  return target.kind === 'webhook' || event.type !== 'verdict.changed'
}

/**
 * The exact bytes (as a string) posted to a target of `kind` for `event`.
 * Rendered once at publish time and stored with the job, so every retry
 * sends the same body.
 */
export function renderBody (kind: NotifyTarget['kind'], event: NotifyEvent, publicUrl?: string): string {
  switch (kind) {
    case 'slack': return JSON.stringify(slackMessage(summarize(event, publicUrl)))
    case 'teams': return JSON.stringify(teamsMessage(summarize(event, publicUrl)))
    case 'webhook': return JSON.stringify(webhookBody(event))
  }
}
