import { Type, type Static } from '@sinclair/typebox'
import { AppName, HostName, Status, TeamName } from './common.ts'

export { AppName, HostName }

/** Practical-significance margins. Every field is optional in requests; defaults fill the rest. */
export const Thresholds = Type.Object({
  errorRate: Type.Optional(Type.Object({
    ratio: Type.Optional(Type.Number({ minimum: 1, maximum: 100, description: 'FAIL needs the canary/baseline error-rate ratio at or above this (default 1.25)' })),
    minAbsDiff: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'and at least this absolute difference in error rate, as a fraction (default 0.001 = 0.1 percentage points)' }))
  }, { additionalProperties: false })),
  latency: Type.Optional(Type.Object({
    ratio: Type.Optional(Type.Number({ minimum: 1, maximum: 100, description: 'FAIL needs the canary p95 / baseline p95 ratio at or above this, besides evidence from the slow-share test (default 1.10)' }))
  }, { additionalProperties: false })),
  throughput: Type.Optional(Type.Object({
    minShareRatio: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'FAIL when a canary host serves at most this fraction of its expected traffic: canaryWeight x a typical (median) existing host over the same minutes (default 0.7)' })),
    canaryWeight: Type.Optional(Type.Number({ minimum: 0.001, maximum: 1000, description: 'Load-balancer weight of each canary host relative to a baseline host (default 1)' }))
  }, { additionalProperties: false })),
  newErrors: Type.Optional(Type.Object({
    minCount: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000000, description: 'Occurrences on the canary of a class no baseline host shows before it can FAIL (default 2)' }))
  }, { additionalProperties: false }))
}, {
  title: 'Thresholds',
  additionalProperties: false,
  description: 'Practical-significance margins; every field is optional and defaults fill the rest'
})
export type Thresholds = Static<typeof Thresholds>

export const Policy = Type.Object({
  noGoOn: Type.Optional(Type.Array(Status, { maxItems: 5, uniqueItems: true, description: 'App verdicts that make the recommendation NO_GO (default FAIL, NO_DATA)' })),
  inconclusiveOn: Type.Optional(Type.Union([Type.Literal('critical'), Type.Literal('any'), Type.Literal('never')], { description: 'Which INCONCLUSIVE apps make the recommendation INCONCLUSIVE (default critical)' })),
  alpha: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 0.5, description: 'Family-wise chance of a false NO_GO across apps and metrics (default 0.05)' })),
  requireSignOff: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('critical'), Type.Literal('all')], {
    description: 'Whose ok sign-off a GO also needs (default none): critical apps, or all; given after the previous checkpoint'
  })),
  warnFdr: Type.Optional(Type.Number({
    exclusiveMinimum: 0,
    maximum: 0.5,
    description: 'False discovery rate of the WARNs that rest on evidence too weak for a FAIL (e-BH across apps and tests; default 0.1)'
  })),
  earlyDecision: Type.Optional(Type.Boolean({
    description: 'Decide before decisionAt (default false): NO_GO once a critical app\'s error-rate or latency FAIL stands, ' +
      'GO once every app passes with every confidence bound under its margins'
  })),
  allowNonBlocking: Type.Optional(Type.Boolean({
    description: 'Accept a policy that can never block (default false: refused with 400): noGoOn empty (never NO_GO) or without FAIL ' +
      '(a FAIL app is no NO_GO), or inconclusiveOn never without INCONCLUSIVE in noGoOn (GO when no app could be judged). ' +
      'Every result of such a rollout says so in its first reason'
  }))
}, { title: 'Policy', additionalProperties: false, description: 'How app verdicts make the recommendation' })
export type Policy = Static<typeof Policy>

export const AppSpec = Type.Object({
  name: AppName,
  team: Type.Optional(TeamName),
  owners: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 50 })),
  critical: Type.Optional(Type.Boolean({ description: 'An INCONCLUSIVE critical app makes the recommendation INCONCLUSIVE (default false)' })),
  thresholds: Type.Optional(Thresholds)
}, {
  title: 'AppSpec',
  additionalProperties: false,
  description: 'An APM app (appName) with its team, owners, critical flag and threshold overrides'
})
export type AppSpec = Static<typeof AppSpec>

/** Apps may be given as bare names or as objects. */
export const AppRef = Type.Union([AppName, AppSpec], {
  title: 'AppRef', description: 'An app by name, or an object with name, team, owners, critical and thresholds'
})
export type AppRef = Static<typeof AppRef>

export interface ResolvedThresholds {
  errorRate: { ratio: number, minAbsDiff: number }
  latency: { ratio: number }
  throughput: { minShareRatio: number, canaryWeight: number }
  newErrors: { minCount: number }
}

export interface ResolvedPolicy {
  noGoOn: Status[]
  inconclusiveOn: 'critical' | 'any' | 'never'
  alpha: number
  warnFdr: number
  requireSignOff: 'none' | 'critical' | 'all'
  earlyDecision: boolean
  allowNonBlocking: boolean
}

export const DEFAULT_THRESHOLDS: ResolvedThresholds = {
  errorRate: { ratio: 1.25, minAbsDiff: 0.001 },
  latency: { ratio: 1.10 },
  throughput: { minShareRatio: 0.7, canaryWeight: 1 },
  newErrors: { minCount: 2 }
}

export const DEFAULT_POLICY: ResolvedPolicy = {
  noGoOn: ['FAIL', 'NO_DATA'], inconclusiveOn: 'critical', alpha: 0.05, warnFdr: 0.1, requireSignOff: 'none', earlyDecision: false, allowNonBlocking: false
}

/** Layers request-level and app-level overrides over the defaults. */
export function resolveThresholds (...layers: Array<Thresholds | undefined>): ResolvedThresholds {
  const out: ResolvedThresholds = structuredClone(DEFAULT_THRESHOLDS)
  for (const layer of layers) {
    if (layer === undefined) continue
    Object.assign(out.errorRate, layer.errorRate)
    Object.assign(out.latency, layer.latency)
    Object.assign(out.throughput, layer.throughput)
    Object.assign(out.newErrors, layer.newErrors)
  }
  return out
}

export function resolvePolicy (policy?: Policy): ResolvedPolicy {
  return { ...DEFAULT_POLICY, ...policy }
}

export function normalizeApp (ref: AppRef): AppSpec {
  return typeof ref === 'string' ? { name: ref } : ref
}
