import { Type } from '@sinclair/typebox'
import { AppRef, HostName, Policy, Thresholds } from './thresholds.ts'

/** What is compared, shared by one-shot analyses and rollouts. */
export const TargetFields = {
  accountId: Type.Optional(Type.Integer({
    minimum: 1, maximum: 2 ** 53 - 1, description: 'New Relic account id (default NEW_RELIC_ACCOUNT_ID)', examples: [3300001]
  })),
  apps: Type.Array(AppRef, {
    minItems: 1, maxItems: 5000, description: 'APM app names (appName), or objects with name, team, owners, critical and thresholds'
  }),
  canaryHosts: Type.Array(HostName, { minItems: 1, maxItems: 5000, description: 'The new hosts (matched case-insensitively)' }),
  baselineHosts: Type.Optional(Type.Array(HostName, {
    minItems: 1, maxItems: 5000, description: 'The existing hosts to compare with (default: every other host reporting for each app)'
  })),
  policy: Type.Optional(Policy),
  thresholds: Type.Optional(Thresholds)
}
