import { Type, type Static } from '@sinclair/typebox'

const Url = Type.String({
  minLength: 8, maxLength: 2048, description: 'https URL (http or private addresses only for hosts in GONOGO_WEBHOOK_ALLOW_HOSTS)'
})

export const NotifyTarget = Type.Union([
  Type.Object({ kind: Type.Literal('slack'), url: Url }, {
    additionalProperties: false, description: 'Slack incoming webhook (Block Kit message)'
  }),
  Type.Object({ kind: Type.Literal('teams'), url: Url }, {
    additionalProperties: false, description: 'Microsoft Teams Workflows webhook (Adaptive Card)'
  }),
  Type.Object({
    kind: Type.Literal('webhook'),
    url: Url,
    secret: Type.String({ minLength: 16, maxLength: 512, description: 'HMAC-SHA256 key for X-Gonogo-Signature; never returned by the API' })
  }, { additionalProperties: false, description: 'Generic signed JSON webhook' })
], { title: 'NotifyTarget', description: 'Where checkpoint and decision messages go, by kind' })
export type NotifyTarget = Static<typeof NotifyTarget>

/** How a target is shown by GET routes: secrets never, URLs only by scheme and host (Slack and Teams URLs are credentials). */
export const NotifyTargetView = Type.Object({
  kind: Type.String(),
  url: Type.String({ description: 'Scheme and host only; the path is a credential for Slack and Teams' })
}, { title: 'NotifyTargetView', description: 'A notify target as GET routes show it: no secret, no path' })
export type NotifyTargetView = Static<typeof NotifyTargetView>

export const EventType = Type.Union([
  Type.Literal('checkpoint.completed'), Type.Literal('verdict.changed'),
  Type.Literal('decision.made'), Type.Literal('checkpoint.failed'), Type.Literal('rollout.cancelled')
])
export type EventType = Static<typeof EventType>
