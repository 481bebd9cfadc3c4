import { Type, type Static } from '@sinclair/typebox'

export const Status = Type.Union([
  Type.Literal('PASS'), Type.Literal('WARN'), Type.Literal('FAIL'),
  Type.Literal('NO_DATA'), Type.Literal('INCONCLUSIVE')
], { description: 'Metric status or app verdict' })
export type Status = Static<typeof Status>

export const Recommendation = Type.Union([
  Type.Literal('GO'), Type.Literal('NO_GO'), Type.Literal('INCONCLUSIVE')
])
export type Recommendation = Static<typeof Recommendation>

export const MetricName = Type.Union([
  Type.Literal('errorRate'), Type.Literal('latency'), Type.Literal('throughput'),
  Type.Literal('newErrors'), Type.Literal('coverage')
])
export type MetricName = Static<typeof MetricName>

/** Names of apps and hosts: printable, bounded; quoting for NRQL happens in src/newrelic/nrql.ts. */
export const AppName = Type.String({ minLength: 1, maxLength: 255, pattern: '^[^\\u0000-\\u001f\\u007f]+$' })
export const HostName = Type.String({ minLength: 1, maxLength: 255, pattern: '^[^\\u0000-\\u001f\\u007f]+$' })

export const ErrorBody = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  message: Type.String()
})
