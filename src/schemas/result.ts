import { Type, type Static } from '@sinclair/typebox'
import { MetricName, Recommendation, Status } from './common.ts'

const Num = Type.Union([Type.Number(), Type.Null()])

export const Interval = Type.Object({ low: Type.Number(), high: Type.Number() }, {
  title: 'Interval', description: '95% confidence interval'
})

export const MetricResult = Type.Object({
  metric: MetricName,
  status: Status,
  canary: Num,
  baseline: Num,
  effect: Type.Union([Type.Number(), Type.Null()], {
    description: 'Canary relative to baseline, as a ratio; for latency the p95 ratio, while its test and `ci` are on the slow-share ratio ' +
      '(the share of requests slower than the baseline p95, given in `detail`)'
  }),
  pValue: Type.Union([Type.Number(), Type.Null()], { description: 'Anytime-valid p-value where a test applies (before multiplicity adjustment)' }),
  adjustedPValue: Type.Optional(Num),
  ci: Type.Optional(Type.Union([Interval, Type.Null()], {
    description: 'Anytime-valid confidence sequence of the ratio (each end a one-sided bound at 1 - alpha, valid at every look); ' +
      'for latency, of the slow-share ratio'
  })),
  ciFixed: Type.Optional(Type.Union([Interval, Type.Null()], {
    description: 'Fixed-sample exact 95% interval of the ratio on the cumulative counts (not valid across repeated looks)'
  })),
  host: Type.Optional(Type.String({
    description: 'Set when the numbers are one new host\'s, not the pooled new hosts\': the host whose own test decided the check ' +
      '(a fault on one machine among several new hosts), or for throughput the new host furthest from a typical existing host. ' +
      '`canary`, `baseline`, `effect`, `ci` and `pValue` are then that host\'s against the existing hosts'
  })),
  detail: Type.String()
}, { title: 'MetricResult', description: 'One check of one app: errorRate, latency, throughput, newErrors or coverage' })
export type MetricResult = Static<typeof MetricResult>

export const AppResult = Type.Object({
  app: Type.String(),
  team: Type.Optional(Type.String()),
  owners: Type.Optional(Type.Array(Type.String())),
  critical: Type.Boolean(),
  verdict: Status,
  reasons: Type.Array(Type.String()),
  short: Type.Optional(Type.String({ description: 'The reasons in a few words, for tables and lists ("error rate x3.0"); absent for a PASS' })),
  canaryHosts: Type.Array(Type.String(), { description: 'Canary host names as reported for this app' }),
  baselineHosts: Type.Array(Type.String(), {
    description: 'The existing hosts every check compared the canary against, names as reported for this app. A host that a check ' +
      'left out of its baseline as a clear outlier (a sick existing host) is not here but in `excludedBaselineHosts`'
  }),
  excludedBaselineHosts: Type.Optional(Type.Array(Type.Object({
    host: Type.String(),
    checks: Type.Array(Type.Union([Type.Literal('errorRate'), Type.Literal('latency')]), {
      description: 'The checks whose baseline left it out; the other checks (throughput, newErrors, coverage) still count it'
    })
  }), {
    description: 'Existing hosts that served the app but stood out from the others (error rate or slow share well over x1.5 ' +
      'theirs) and were left out of the named checks\' baseline for the rest of the rollout; the check\'s `detail` and the ' +
      'result\'s `findings` say by how much. Absent when no host was left out'
  })),
  metrics: Type.Array(MetricResult)
}, { title: 'AppResult', description: "One app's verdict, its reasons and the checks behind it" })
export type AppResult = Static<typeof AppResult>

export const Window = Type.Object({
  from: Type.String({ format: 'date-time' }),
  until: Type.String({ format: 'date-time', description: 'Exclusive' })
}, { title: 'Window', description: 'The window judged, [from, until)' })

export const Finding = Type.Object({
  text: Type.String(),
  holdsGo: Type.Boolean({ description: 'true when it keeps a GO at INCONCLUSIVE (a new host nobody has seen yet)' })
}, { title: 'Finding', description: 'Something about the rollout as a whole, beside the apps\' verdicts' })
export type Finding = Static<typeof Finding>

export const CheckpointResult = Type.Object({
  recommendation: Recommendation,
  reasons: Type.Array(Type.String()),
  findings: Type.Optional(Type.Array(Finding, { description: 'Rollout-level findings (also in reasons)' })),
  asOf: Type.String({ format: 'date-time' }),
  window: Window,
  summary: Type.Record(Status, Type.Integer(), { description: 'Number of apps per verdict' }),
  apps: Type.Array(AppResult)
}, { title: 'CheckpointResult', description: 'One analysis: the recommendation, why, and every app' })
export type CheckpointResult = Static<typeof CheckpointResult>
