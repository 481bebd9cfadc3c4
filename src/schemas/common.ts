import { Type, type Static } from '@sinclair/typebox'
import { MAX_NAME_LENGTH, NAME_PATTERN } from './name-rule.ts'

// A `title` names a schema for the OpenAPI document: it becomes components.schemas.<title> and its uses
// become $refs there (src/schemas/document.ts). Titles are annotations: validation ignores them.

export const Status = Type.Union([
  Type.Literal('PASS'), Type.Literal('WARN'), Type.Literal('FAIL'),
  Type.Literal('NO_DATA'), Type.Literal('INCONCLUSIVE')
], { title: 'Status', description: 'Metric status or app verdict' })
export type Status = Static<typeof Status>

export const Recommendation = Type.Union([
  Type.Literal('GO'), Type.Literal('NO_GO'), Type.Literal('INCONCLUSIVE')
], { title: 'Recommendation', description: 'The Go/No-Go call for the whole rollout' })
export type Recommendation = Static<typeof Recommendation>

export const MetricName = Type.Union([
  Type.Literal('errorRate'), Type.Literal('latency'), Type.Literal('throughput'),
  Type.Literal('newErrors'), Type.Literal('coverage')
], { title: 'MetricName' })
export type MetricName = Static<typeof MetricName>

/** Names of apps and hosts: what NRQL can quote (name-rule.ts); the quoting itself is src/newrelic/nrql.ts. */
const NAME_DESCRIPTION = 'No control characters (U+0000-U+001F, U+007F-U+009F) nor U+2028/U+2029: NRQL cannot quote them'
export const AppName = Type.String({
  title: 'AppName',
  minLength: 1,
  maxLength: MAX_NAME_LENGTH,
  pattern: NAME_PATTERN,
  description: `APM app name (appName). ${NAME_DESCRIPTION}`,
  examples: ['Billing.Service']
})
export const HostName = Type.String({
  title: 'HostName',
  minLength: 1,
  maxLength: MAX_NAME_LENGTH,
  pattern: NAME_PATTERN,
  description: `Host name as New Relic reports it. ${NAME_DESCRIPTION}`,
  examples: ['PRDIIS09']
})
/** A team, from a request or an entity tag: the same rule, so a team filter can name every team. */
export const TeamName = Type.String({
  minLength: 1, maxLength: 200, pattern: NAME_PATTERN, description: `Team name. ${NAME_DESCRIPTION}`, examples: ['payments']
})

export const ErrorBody = Type.Object({
  statusCode: Type.Integer({ description: 'The HTTP status, repeated' }),
  error: Type.String({ description: 'The HTTP reason phrase' }),
  message: Type.String({ description: 'What went wrong, for people; a bad field is named as the caller wrote it (body.apps.3)' })
}, { title: 'Error' })
