import { Type, type Static } from '@sinclair/typebox'

const Url = Type.String({
  minLength: 8, maxLength: 2048, description: 'https URL (http or private addresses only for hosts in GONOGO_WEBHOOK_ALLOW_HOSTS)'
})
export const EventType = Type.Union([
  Type.Literal('checkpoint.completed'), Type.Literal('verdict.changed'),
  Type.Literal('decision.made'), Type.Literal('checkpoint.failed'), Type.Literal('rollout.cancelled'),
  Type.Literal('waiver.changed'), Type.Literal('decision.overridden'), Type.Literal('checkpoint.overdue')
], { title: 'EventType', description: 'What a notification is about' })
export type EventType = Static<typeof EventType>

/** Which events a target receives, and what it is called where targets are listed: every target kind takes them. */
const TargetExtras = {
  events: Type.Optional(Type.Array(EventType, {
    minItems: 1, maxItems: 8, uniqueItems: true, description: 'The event types it receives (default: all)'
  })),
  label: Type.Optional(Type.String({
    minLength: 1,
    maxLength: 80,
    pattern: '^(?=.*\\S)[^\\u0000-\\u001f\\u007f]+$',
    description: 'Shown instead of the URL\'s host when targets are listed',
    examples: ['#release-cab']
  }))
}

export const NotifyTarget = Type.Union([
  Type.Object({ kind: Type.Literal('slack'), url: Url, ...TargetExtras }, {
    additionalProperties: false, description: 'Slack incoming webhook (Block Kit message)'
  }),
  Type.Object({ kind: Type.Literal('teams'), url: Url, ...TargetExtras }, {
    additionalProperties: false, description: 'Microsoft Teams Workflows webhook (Adaptive Card)'
  }),
  Type.Object({
    kind: Type.Literal('webhook'),
    url: Url,
    ...TargetExtras,
    secret: Type.String({ minLength: 16, maxLength: 512, description: 'HMAC-SHA256 key for X-Gonogo-Signature; never returned by the API' })
  }, { additionalProperties: false, description: 'Generic signed JSON webhook' })
], { title: 'NotifyTarget', description: 'Where checkpoint and decision messages go, by kind' })
export type NotifyTarget = Static<typeof NotifyTarget>

/** How a target is shown by GET routes: secrets never, URLs only by scheme and host (Slack and Teams URLs are credentials). */
export const NotifyTargetView = Type.Object({
  id: Type.String({ description: 'The target\'s id (r:<16 hex>, from its kind and URL), as notifyFailures[].targetId names it' }),
  kind: Type.String(),
  url: Type.String({ description: 'Scheme and host only; the path is a credential for Slack and Teams' }),
  label: Type.Optional(Type.String({ description: 'The name the target was given' })),
  events: Type.Optional(Type.Array(Type.String(), { description: 'The event types it receives, when not all' }))
}, { title: 'NotifyTargetView', description: 'A notify target as GET routes show it: no secret, no path' })
export type NotifyTargetView = Static<typeof NotifyTargetView>
