import { Type, type Static } from '@sinclair/typebox'

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

/** Names of apps and hosts: printable, bounded; quoting for NRQL happens in src/newrelic/nrql.ts. */
const PRINTABLE = '^[^\\u0000-\\u001f\\u007f]+$'
export const AppName = Type.String({ title: 'AppName', minLength: 1, maxLength: 255, pattern: PRINTABLE, examples: ['Billing.Service'] })
export const HostName = Type.String({ title: 'HostName', minLength: 1, maxLength: 255, pattern: PRINTABLE, examples: ['PRDIIS09'] })

export const ErrorBody = Type.Object({
  statusCode: Type.Integer({ description: 'The HTTP status, repeated' }),
  error: Type.String({ description: 'The HTTP reason phrase' }),
  message: Type.String({ description: 'What went wrong, for people; a bad field is named as the caller wrote it (body.apps.3)' })
}, { title: 'Error' })
