/**
 * The compact reads the board, the CLI and other dashboards use (the matrix, one app across a
 * rollout, the lean gate, events) and what people add to a rollout (notes, sign-offs, waivers,
 * an override, the audit list).
 */
import { Type, type Static } from '@sinclair/typebox'
import { AppName, Recommendation, Status } from './common.ts'
import { NAME_PATTERN } from './name-rule.ts'
import { Override } from './override.ts'
import { Interval } from './result.ts'
import { CheckpointKind, OverdueView, PlanEntryStatus, RolloutId, RolloutState } from './rollout.ts'

const Time = (description: string) => Type.String({ format: 'date-time', description })
/** One line of text a person wrote: no control characters, not blank. */
const Line = (max: number, description: string, example: string) => Type.String({
  minLength: 1, maxLength: max, pattern: '^(?=.*\\S)[^\\u0000-\\u0008\\u000b-\\u001f\\u007f]+$', description, examples: [example]
})

export const SignOff = Type.Union([Type.Literal('ok'), Type.Literal('concern')], {
  title: 'SignOff', description: 'ok: the team says the app is fine at this point; concern: it is not'
})
export type SignOff = Static<typeof SignOff>

export const NoteRequest = Type.Object({
  text: Line(2000, 'What the person saw or did (newlines allowed)', 'Works fine. Tested along with Okta authentication'),
  signOff: Type.Optional(SignOff)
}, { title: 'NoteRequest', additionalProperties: false, description: 'A note on one app, optionally a sign-off' })
export type NoteRequest = Static<typeof NoteRequest>

export const Note = Type.Object({
  id: Type.String({ description: 'Unique within the rollout, in time order' }),
  app: Type.String(),
  text: Type.String(),
  signOff: Type.Union([SignOff, Type.Null()]),
  by: Type.String({ description: 'The caller\'s token name (anonymous without tokens)' }),
  at: Time('When it was written'),
  checkpointIndex: Type.Union([Type.Integer(), Type.Null()], { description: 'The latest recorded plan entry when it was written' })
}, { title: 'Note', description: 'A note or sign-off of a person on one app' })
export type Note = Static<typeof Note>

export const WaiverRequest = Type.Object({
  reason: Line(500, 'Why the app\'s verdict is accepted (a known error the team will fix)', 'Known 404 on /health; fix in next release')
}, { title: 'WaiverRequest', additionalProperties: false, description: 'Accept an app\'s FAIL, NO_DATA or INCONCLUSIVE' })
export type WaiverRequest = Static<typeof WaiverRequest>

export const Waiver = Type.Object({
  app: Type.String(),
  reason: Type.String(),
  by: Type.String(),
  at: Time('When it was given'),
  fromIndex: Type.Union([Type.Integer(), Type.Null()], {
    description: 'The recorded plan entry it applies from (the latest when it was given); null before any'
  })
}, { title: 'Waiver', description: 'An app whose FAIL, NO_DATA or INCONCLUSIVE does not count against the recommendation' })
export type Waiver = Static<typeof Waiver>

export const OverrideRequest = Type.Object({
  recommendation: Recommendation,
  reason: Line(500, 'Why people decided otherwise', 'Billing errors are the known ticket PAY-812; approved by the CAB')
}, { title: 'OverrideRequest', additionalProperties: false, description: 'A human decision beside the automated one (after the decision)' })
export type OverrideRequest = Static<typeof OverrideRequest>

export { Override }

export const AuditEntry = Type.Object({
  at: Time('When'),
  by: Type.String(),
  action: Type.Union([
    Type.Literal('created'), Type.Literal('note'), Type.Literal('sign-off'), Type.Literal('waived'), Type.Literal('unwaived'),
    Type.Literal('override'), Type.Literal('cancelled')
  ]),
  app: Type.Optional(Type.String()),
  detail: Type.String({ description: 'What was said: the note, the reason, the recommendation' })
}, { title: 'AuditEntry', description: 'One thing a person did to a rollout' })
export type AuditEntry = Static<typeof AuditEntry>

export const AuditList = Type.Object({ items: Type.Array(AuditEntry) }, {
  title: 'AuditList', description: 'What people did, oldest first'
})

/** The lean gate: a few hundred bytes for pipelines that poll. */
export const GateView = Type.Object({
  open: Type.Boolean({ description: 'true (200) only for a current GO, automated or by override' }),
  final: Type.Boolean({ description: 'true once decided (or overridden)' }),
  recommendation: Type.Union([Recommendation, Type.Null()], {
    description: 'What the gate follows: waivers, sign-offs and an override applied'
  }),
  reason: Type.String()
}, { title: 'GateView', description: 'The deployment gate: open, final, the recommendation and why' })
export type GateView = Static<typeof GateView>

export const MatrixPlanEntry = Type.Object({
  index: Type.Integer(),
  kind: Type.Union([Type.Literal('checkpoint'), Type.Literal('decision')]),
  at: Time('Checkpoint time (UTC)'),
  localAt: Type.String({ description: 'The same instant in the rollout timezone' }),
  status: PlanEntryStatus,
  recommendation: Type.Union([Recommendation, Type.Null()], { description: 'The automated recommendation of that checkpoint' })
}, { title: 'MatrixPlanEntry', description: 'One column of the matrix' })

export const MatrixRow = Type.Object({
  app: Type.String(),
  team: Type.Union([Type.String(), Type.Null()]),
  owners: Type.Array(Type.String()),
  critical: Type.Boolean(),
  verdicts: Type.Array(Type.Union([Status, Type.Null()]), { description: 'One per plan entry, in plan order; null where not recorded' }),
  reasons: Type.Array(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]), {
    description: 'One short reason per plan entry, as its position in the matrix\'s `shortReasons` (null for a PASS or not recorded)'
  }),
  waiver: Type.Union([Waiver, Type.Null()]),
  signOff: Type.Union([Type.Object({ value: SignOff, by: Type.String(), at: Time('When') }), Type.Null()], {
    description: 'The latest sign-off of the app'
  }),
  notes: Type.Integer({ minimum: 0, description: 'Notes on the app' })
}, { title: 'MatrixRow', description: 'One app across the rollout\'s checkpoints' })
export type MatrixRow = Static<typeof MatrixRow>

export const Matrix = Type.Object({
  rolloutId: RolloutId,
  name: Type.String(),
  state: RolloutState,
  timezone: Type.String(),
  startAt: Time('Start of the window'),
  decisionAt: Time('When the call is made'),
  canaryHosts: Type.Array(Type.String()),
  recommendation: Type.Union([Recommendation, Type.Null()], { description: 'Now: waivers, sign-offs and an override applied' }),
  automated: Type.Union([Recommendation, Type.Null()], { description: 'The latest automated recommendation' }),
  reasons: Type.Array(Type.String(), { description: 'Why, in a few lines' }),
  gate: GateView,
  overdue: Type.Optional(Type.Union([OverdueView, Type.Null()], {
    description: 'The due plan entry nobody has recorded in time; null when none is late (always given by this version)'
  })),
  override: Type.Union([Override, Type.Null()]),
  plan: Type.Array(MatrixPlanEntry),
  apps: Type.Array(MatrixRow),
  shortReasons: Type.Array(Type.String(), {
    description: 'Every distinct short reason of the rows, once: 3,600 cells repeat a few dozen phrases ("too little traffic to tell")'
  }),
  teams: Type.Array(Type.String(), { description: 'Every team of the rollout (for filters)' })
}, { title: 'Matrix', description: 'The rollout as a table: apps x checkpoints, with people\'s word beside the verdicts' })
export type Matrix = Static<typeof Matrix>

export const MatrixQuery = Type.Object({
  team: Type.Optional(Type.String({
    minLength: 1, maxLength: 200, pattern: NAME_PATTERN, description: 'Only this team\'s apps', examples: ['payments']
  }))
}, { additionalProperties: false })

export const AppParams = Type.Object({ id: RolloutId, app: AppName }, { additionalProperties: false })

export const CompactMetric = Type.Object({
  metric: Type.String(),
  status: Status,
  canary: Type.Union([Type.Number(), Type.Null()]),
  baseline: Type.Union([Type.Number(), Type.Null()]),
  effect: Type.Union([Type.Number(), Type.Null()]),
  pValue: Type.Union([Type.Number(), Type.Null()]),
  ci: Type.Union([Interval, Type.Null()]),
  host: Type.Optional(Type.String({
    description: 'Set when the numbers are one new host\'s, not the pooled new hosts\' (MetricResult.host)'
  }))
}, { title: 'CompactMetric', description: 'One check\'s numbers at one checkpoint' })

/** At most this many names of existing hosts (compared with, or left out) per app checkpoint; big fleets' lists are cut. */
export const MAX_STORED_HOSTS = 50

export const AppCheckpoint = Type.Object({
  index: Type.Integer(),
  kind: CheckpointKind,
  at: Time('Checkpoint time'),
  verdict: Status,
  reasons: Type.Array(Type.String()),
  metrics: Type.Array(CompactMetric),
  baselineHosts: Type.Optional(Type.Array(Type.String(), {
    maxItems: MAX_STORED_HOSTS,
    description: 'The existing hosts the app was compared with (AppResult.baselineHosts), at most the first ' +
      `${MAX_STORED_HOSTS} names: \`baselineHostCount\` says how many there were. Absent in checkpoints recorded before it was kept`
  })),
  baselineHostCount: Type.Optional(Type.Integer({
    minimum: 0, description: 'How many existing hosts the app was compared with, however many names `baselineHosts` holds'
  })),
  excludedBaselineHosts: Type.Optional(Type.Array(Type.Object({
    host: Type.String(),
    checks: Type.Array(Type.Union([Type.Literal('errorRate'), Type.Literal('latency')]), {
      description: 'The checks whose baseline left it out; the other checks still count it'
    })
  }), {
    maxItems: MAX_STORED_HOSTS,
    description: 'Existing hosts that served the app but stood out from the others and were left out of the named checks\' ' +
      `baseline (AppResult.excludedBaselineHosts), at most ${MAX_STORED_HOSTS}. Absent when none was left out, and in ` +
      'checkpoints recorded before it was kept (those have no `baselineHosts` either)'
  }))
}, { title: 'AppCheckpoint', description: 'One app at one recorded checkpoint' })
export type AppCheckpoint = Static<typeof AppCheckpoint>

export const SideSeries = Type.Object({
  count: Type.Array(Type.Number(), { description: 'Transactions per bucket, all the side\'s hosts summed' }),
  perHost: Type.Optional(Type.Array(Type.Union([Type.Number(), Type.Null()]), {
    description: 'Transactions per bucket of one host, as the throughput check compares them: for the new hosts the mean of those ' +
      'reporting in the bucket, for the existing hosts the median one; null where no host of the side reported. ' +
      'Absent in series recorded before it was kept'
  })),
  errorRate: Type.Array(Type.Union([Type.Number(), Type.Null()]), { description: 'Errors per transaction per bucket' }),
  p95: Type.Array(Type.Union([Type.Number(), Type.Null()]), {
    description: 'Per-bucket p95 (s): the traffic-weighted mean of its hosts\' p95s'
  })
}, { title: 'SideSeries', description: 'One side (new or existing hosts) bucket by bucket' })

/** At most this many new hosts get a series of their own (NewHostSeries); the rest are only in the new hosts' side. */
export const MAX_NEW_HOST_SERIES = 8

const PerBucket = (description: string) => Type.Array(Type.Union([Type.Number(), Type.Null()]), { description })

export const NewHostSeries = Type.Object({
  host: Type.String({ description: 'The new host, as it reports itself', examples: ['WEBNEW2'] }),
  perHost: PerBucket('Its transactions per bucket; null where it did not report'),
  errorRate: PerBucket('Its errors per transaction per bucket (over a merged bucket, its errors over its transactions); ' +
    'null where it did not report'),
  p95: PerBucket('Its per-bucket p95 (s) (over a merged bucket, the traffic-weighted mean of its buckets\' p95s); ' +
    'null where it reported no latency')
}, { title: 'NewHostSeries', description: 'One new host on its own, on the same bucket grid as the sides' })

export const AppSeries = Type.Object({
  bucketMinutes: Type.Integer(),
  start: Type.Array(Type.Integer(), { description: 'Bucket starts, epoch ms' }),
  canary: SideSeries,
  baseline: SideSeries,
  newHosts: Type.Optional(Type.Array(NewHostSeries, {
    maxItems: MAX_NEW_HOST_SERIES,
    description: 'Each new host on its own, as the judge judges it, so a chart can show the one host a verdict names ' +
      '(its errors are diluted in `canary`, the new hosts together). Present when the checkpoint had 2 or more new hosts; ' +
      'a new host that sent nothing for the app is there with nulls only. Absent with one new host (`canary` is that host) ' +
      'and in series recorded before it was kept. ' +
      `At most ${MAX_NEW_HOST_SERIES} hosts, those with the highest error rate over the window (ties by name), sorted by name; ` +
      'the other new hosts are only in `canary`'
  }))
}, { title: 'AppSeries', description: 'The latest checkpoint\'s series of one app, for charts' })
export type AppSeries = Static<typeof AppSeries>

export const AppView = Type.Object({
  rolloutId: RolloutId,
  app: Type.String(),
  team: Type.Union([Type.String(), Type.Null()]),
  owners: Type.Array(Type.String()),
  critical: Type.Boolean(),
  checkpoints: Type.Array(AppCheckpoint),
  series: Type.Union([AppSeries, Type.Null()]),
  notes: Type.Array(Note),
  waiver: Type.Union([Waiver, Type.Null()])
}, { title: 'AppView', description: 'One app across the rollout: each checkpoint\'s verdict and numbers, the latest series, notes' })
export type AppView = Static<typeof AppView>

/** What GET /v1/rollouts/{id}/events sends, one per server-sent event (`event:` is the type). */
export const RolloutEvent = Type.Object({
  type: Type.Union([
    Type.Literal('checkpoint.recorded'), Type.Literal('verdict.changed'), Type.Literal('decision.made'),
    Type.Literal('note.added'), Type.Literal('waiver.changed'), Type.Literal('decision.overridden'), Type.Literal('rollout.cancelled')
  ]),
  rolloutId: RolloutId,
  rev: Type.Integer({ description: 'The rollout\'s revision after the change: re-read what has an older ETag' }),
  at: Time('When'),
  index: Type.Optional(Type.Integer()),
  app: Type.Optional(Type.String()),
  by: Type.Optional(Type.String())
}, { title: 'RolloutEvent', description: 'Something changed on a rollout' })
export type RolloutEvent = Static<typeof RolloutEvent>
