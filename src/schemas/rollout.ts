/**
 * The rollout API's schemas (request, views, plan, checkpoints, pages): over 200 lines because every one of them is a model
 * of the OpenAPI document and they refer to each other.
 */
import { Type, type Static } from '@sinclair/typebox'
import { ErrorBody, Recommendation } from './common.ts'
import { EventType, NotifyTarget, NotifyTargetView } from './notify.ts'
import { Override } from './override.ts'
import { CheckpointResult } from './result.ts'
import { AppRef, AppSpec, Policy, Thresholds } from './thresholds.ts'
import { TargetFields } from './target.ts'

export { ErrorBody }

/** Rollout ids are ULIDs: 26 Crockford base32 characters, sortable by creation time. */
export const RolloutId = Type.String({
  title: 'RolloutId', pattern: '^[0-9A-HJKMNP-TV-Z]{26}$', description: 'Rollout id (ULID)', examples: ['01M8REC11S4F2QFPRSDAAYXZ01']
})

export const RolloutState = Type.Union([
  Type.Literal('scheduled'), Type.Literal('monitoring'), Type.Literal('decided'), Type.Literal('cancelled')
], { title: 'RolloutState', description: 'scheduled until startAt, monitoring until the decision, then decided; or cancelled' })
export type RolloutState = Static<typeof RolloutState>

const DateTime = (description: string) => Type.String({ format: 'date-time', maxLength: 40, description })

/** What gonogo writes to New Relic for a rollout (it only reads unless asked). */
export const NewRelicOptions = Type.Object({
  changeTracking: Type.Optional(Type.Boolean({
    description: 'Record a change-tracking event (Deployment/Canary) on each app\'s APM entity when the new hosts join (the first ' +
      'checkpoint) and at the decision, linking to the rollout\'s board page; best effort. Default false'
  }))
}, { title: 'NewRelicOptions', additionalProperties: false, description: 'What gonogo writes to New Relic for this rollout' })
export type NewRelicOptions = Static<typeof NewRelicOptions>

export const RolloutRequest = Type.Object({
  name: Type.String({
    minLength: 1,
    maxLength: 200,
    pattern: '^(?=.*\\S)[^\\u0000-\\u001f\\u007f]+$',
    description: 'What is rolled out, for people: "PRDIIS09 joins the IIS pool"',
    examples: ['PRDIIS09 joins the IIS pool']
  }),
  ...TargetFields,
  apps: Type.Optional(Type.Array(AppRef, {
    minItems: 1,
    maxItems: 5000,
    description: 'APM app names (appName), or objects with name, team, owners, critical and thresholds. May be omitted when ' +
      'baselineHosts is given: the apps are then those the baseline hosts served in the 6 hours before startAt (or before now), ' +
      'fixed at creation'
  })),
  newRelic: Type.Optional(NewRelicOptions),
  startAt: DateTime('When the canary hosts start taking traffic: the start of every window judged'),
  decisionAt: DateTime('When the Go/No-Go call is made: the final checkpoint'),
  checkpointEvery: Type.Optional(Type.String({ minLength: 2, maxLength: 40, description: 'ISO-8601 duration between checkpoints (PT1H, PT30M, PT1H30M, P1D; no months or years); default PT1H' })),
  timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'IANA timezone (Area/City, or UTC) for display and messages, e.g. Asia/Kolkata; abbreviations such as IST are refused as ambiguous; default UTC' })),
  notify: Type.Optional(Type.Array(NotifyTarget, { maxItems: 20, description: 'Where checkpoint and decision messages go' }))
}, {
  title: 'RolloutSpec',
  additionalProperties: false,
  description: 'A rollout to create: what to compare, the window, the schedule and who to tell'
})
export type RolloutRequest = Static<typeof RolloutRequest>

export const PlanEntryStatus = Type.Union([
  Type.Literal('pending'), Type.Literal('ok'), Type.Literal('failed'), Type.Literal('skipped')
], {
  title: 'PlanEntryStatus', description: 'pending until it runs; ok or failed once recorded; skipped when the rollout was cancelled or decided early first'
})

export const PlanEntry = Type.Object({
  index: Type.Integer({ minimum: 0 }),
  kind: Type.Union([Type.Literal('checkpoint'), Type.Literal('decision')]),
  at: Type.String({ format: 'date-time', description: 'Checkpoint time (UTC): the end of the window [startAt, at) judged' }),
  localAt: Type.String({ description: 'The same instant in the rollout timezone, with its offset' }),
  status: PlanEntryStatus
}, { title: 'PlanEntry', description: 'One planned checkpoint, or the decision' })
export type PlanEntry = Static<typeof PlanEntry>

/** Who cancelled a rollout, when and why. */
export const Cancellation = Type.Object({
  at: Type.String({ format: 'date-time' }),
  by: Type.String({
    description: 'Name of the caller\'s token (GONOGO_API_TOKENS); anonymous without tokens; ' +
      'unknown for rollouts cancelled before this was recorded'
  }),
  reason: Type.Union([Type.String(), Type.Null()], { description: 'As the caller gave it; null when none was' })
}, { title: 'Cancellation', description: 'Who cancelled a rollout, when and why' })
export type Cancellation = Static<typeof Cancellation>

/** POST /v1/rollouts/{id}/cancel: optional; no body or {} cancels without a reason. */
export const CancelRequest = Type.Object({
  reason: Type.Optional(Type.String({
    minLength: 1,
    maxLength: 500,
    pattern: '^(?=.*\\S)[^\\u0000-\\u001f\\u007f]+$',
    description: 'Why, for people: one line of at most 500 characters, shown on the rollout and in the cancellation message',
    examples: ['PRDIIS09 is being rebuilt: wrong IIS build']
  }))
}, { title: 'CancelRequest', additionalProperties: false, description: 'Optional body of a cancel' })
export type CancelRequest = Static<typeof CancelRequest>
export const Progress = Type.Object({
  ok: Type.Integer({ minimum: 0 }),
  failed: Type.Integer({ minimum: 0 }),
  total: Type.Integer({ minimum: 1, description: 'Plan entries, the decision included' })
}, { title: 'Progress', description: 'Plan entries recorded ok and failed, of the total' })
export type Progress = Static<typeof Progress>

export const OverdueView = Type.Object({
  index: Type.Integer({ minimum: 0, description: 'The plan entry (0-based) nobody has recorded' }),
  kind: Type.Union([Type.Literal('checkpoint'), Type.Literal('decision')]),
  at: Type.String({ format: 'date-time', description: 'The entry\'s time' }),
  dueAt: Type.String({ format: 'date-time', description: 'When it was due to run: its time plus GONOGO_CHECKPOINT_LAG_SECONDS' }),
  lateSeconds: Type.Integer({ minimum: 0, description: 'Seconds since dueAt' }),
  reason: Type.String({ examples: ['checkpoint 3 (due 14:00 Asia/Kolkata) is 4 min overdue: no worker has recorded it'] })
}, {
  title: 'OverdueView',
  description: 'A live rollout\'s due plan entry, unrecorded GONOGO_OVERDUE_GRACE_SECONDS past dueAt (no worker runs, or it keeps ' +
    'failing and retrying): the gate is closed (409) until it is recorded'
})
export type OverdueView = Static<typeof OverdueView>

/** Fields shared by a rollout's full view and its list entry. */
const RolloutFields = {
  id: RolloutId,
  name: Type.String(),
  state: RolloutState,
  accountId: Type.Integer(),
  apps: Type.Array(AppSpec),
  canaryHosts: Type.Array(Type.String()),
  baselineHosts: Type.Union([Type.Array(Type.String()), Type.Null()], { description: 'null: every other host reporting for each app' }),
  startAt: Type.String({ format: 'date-time' }),
  decisionAt: Type.String({ format: 'date-time' }),
  checkpointEvery: Type.String(),
  timezone: Type.String(),
  policy: Type.Optional(Policy),
  thresholds: Type.Optional(Thresholds),
  newRelic: Type.Optional(NewRelicOptions),
  notify: Type.Array(NotifyTargetView, { description: 'Kinds and hosts only: webhook paths and secrets are never returned' }),
  recommendation: Type.Union([Recommendation, Type.Null()], { description: 'Latest recommendation (the decision once decided), null before the first successful checkpoint' }),
  nextAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'Time of the next plan entry not yet run; null once decided or cancelled' }),
  overdue: Type.Optional(Type.Union([OverdueView, Type.Null()], {
    description: 'The due plan entry nobody has recorded in time; null when none is late (always given by this version)'
  })),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  startedAt: Type.Optional(Type.String({ format: 'date-time', description: 'When monitoring began' })),
  decidedAt: Type.Optional(Type.String({ format: 'date-time' })),
  cancelledAt: Type.Optional(Type.String({ format: 'date-time' })),
  cancellation: Type.Optional(Cancellation),
  progress: Progress
}

/** A chat or webhook message that was given up on after its retries. */
export const NotifyFailure = Type.Object({
  eventId: Type.String(),
  type: EventType,
  kind: Type.Union([Type.Literal('slack'), Type.Literal('teams'), Type.Literal('webhook')], { description: 'The target\'s kind' }),
  target: Type.String({ description: 'Scheme and host of the target' }),
  targetId: Type.String({
    description: 'Which target: its id in the rollout\'s notify list (r:<16 hex>), or d:<n> for the n-th of GONOGO_NOTIFY_DEFAULT; ' +
      'two targets on one host have different ids. "unknown" on failures recorded before ids were kept, or once the target is gone'
  }),
  label: Type.Optional(Type.String({ description: 'The target\'s label, when it has one' })),
  attempts: Type.Integer(),
  error: Type.String({ description: 'What went wrong, in gonogo\'s words: the receiver\'s answer is never kept, only its status and digest' }),
  status: Type.Optional(Type.Integer({ description: 'The HTTP status of the last answer, when there was one' })),
  digest: Type.Optional(Type.String({ description: 'sha256:<12 hex> (<n> bytes) of the last answer\'s body, to match it in the receiver\'s logs' })),
  at: Type.String({ format: 'date-time' })
}, { title: 'NotifyFailure', description: 'A chat or webhook message given up on after its retries' })
export type NotifyFailure = Static<typeof NotifyFailure>

/** Beside the automated `recommendation` in reads of a rollout: what people decided after it, which the gate follows. */
const PeopleOverride = Type.Optional(Type.Union([Override, Type.Null()], {
  description: 'People\'s decision recorded after the automated one (POST /v1/rollouts/{id}/override), which the gate follows; ' +
    'null when there is none. `recommendation` stays the automated decision'
}))

export const Rollout = Type.Object({
  ...RolloutFields,
  override: PeopleOverride,
  plan: Type.Array(PlanEntry, { description: 'Checkpoints then the decision, with what happened to each' }),
  notifyFailures: Type.Array(NotifyFailure, { description: 'Notifications that were given up on after their retries' }),
  discovered: Type.Optional(Type.Object({
    baselineHosts: Type.Array(Type.String()),
    since: Type.String({ format: 'date-time' }),
    until: Type.String({ format: 'date-time' }),
    apps: Type.Array(Type.String(), { description: 'The apps the baseline hosts served, most traffic first' })
  }, { description: 'Create only, when apps were omitted: where the apps came from' }))
}, { title: 'Rollout', description: 'A rollout with its plan and what happened to each entry' })
export type Rollout = Static<typeof Rollout>

/** The create's answer: always with `warnings`, empty when nothing looked wrong, so a client needs no existence check. */
export const CreatedRollout = Type.Object({
  ...Rollout.properties,
  warnings: Type.Array(Type.String(), {
    description: 'What a look at New Relic found suspicious (an app with no transactions, a host that reports none of the apps); ' +
      'the rollout is created anyway. Empty when nothing did'
  })
}, { title: 'CreatedRollout', description: 'The rollout just created (or replayed), with what the look at New Relic found' })
export type CreatedRollout = Static<typeof CreatedRollout>

export const RolloutSummary = Type.Object({
  ...RolloutFields,
  override: PeopleOverride
}, {
  title: 'RolloutSummary', description: 'A rollout as listed: its plan summarised as progress'
})
export type RolloutSummary = Static<typeof RolloutSummary>

export const RolloutPage = Type.Object({
  items: Type.Array(RolloutSummary),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next (older) page; null on the last page' })
}, { title: 'RolloutPage', description: 'A page of rollouts, newest first' })
export type RolloutPage = Static<typeof RolloutPage>

export const ListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'Page size (default 50)' })),
  cursor: Type.Optional(RolloutId),
  state: Type.Optional(RolloutState)
}, { additionalProperties: false })
export type ListQuery = Static<typeof ListQuery>

export const IdParams = Type.Object({ id: RolloutId }, { additionalProperties: false })

export const CheckpointKind = Type.Union([Type.Literal('checkpoint'), Type.Literal('decision'), Type.Literal('manual')], {
  title: 'CheckpointKind', description: 'A planned checkpoint, the decision, or one run on request'
})
export type CheckpointKind = Static<typeof CheckpointKind>

export const Checkpoint = Type.Object({
  index: Type.Integer({ minimum: 0, description: 'Plan index; manual checkpoints are numbered after the plan' }),
  kind: CheckpointKind,
  at: Type.String({ format: 'date-time', description: 'End of the window [startAt, at) judged' }),
  status: Type.Union([Type.Literal('ok'), Type.Literal('failed'), Type.Literal('pending')], { description: 'pending only in a 202 answer to a manual run' }),
  attempts: Type.Integer({ minimum: 0, description: 'Tries it took (New Relic reads retried with backoff)' }),
  startedAt: Type.Optional(Type.String({ format: 'date-time' })),
  finishedAt: Type.Optional(Type.String({ format: 'date-time' })),
  durationMs: Type.Optional(Type.Integer({ minimum: 0 })),
  error: Type.Optional(Type.String({ description: 'Why it failed' })),
  early: Type.Optional(Type.Object({
    checkpoint: Type.Integer({ minimum: 0, description: 'The plan index of the checkpoint whose data decided' }),
    plannedAt: Type.String({ format: 'date-time', description: 'When the decision was due (the rollout\'s decisionAt)' }),
    reason: Type.String({ description: 'Why it could decide early' })
  }, { description: 'On a decision that came before decisionAt (policy.earlyDecision): when and why' })),
  abridged: Type.Optional(Type.Boolean({
    description: 'true for a checkpoint before the latest one (the decision, once made, is the latest): to keep Redis small ' +
      'its result is stored abridged, and its metrics come back with their numbers to four significant digits and an empty `detail`; verdicts, reasons, ' +
      'hosts, findings and the recommendation are as recorded'
  })),
  result: Type.Union([CheckpointResult, Type.Null()])
}, { title: 'Checkpoint', description: 'One recorded checkpoint: ok with its result, or failed with its error' })
export type Checkpoint = Static<typeof Checkpoint>

export const CheckpointList = Type.Object({
  items: Type.Array(Checkpoint),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page; null on the last page' }),
  nextAfter: Type.Union([Type.Integer(), Type.Null()], {
    deprecated: true, description: 'Deprecated: the same place as a number, for `after`; use nextCursor'
  })
}, { title: 'CheckpointPage', description: 'A page of recorded checkpoints, in time order' })

export const CheckpointListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 1000, description: 'Page size (default 1000: every checkpoint of most rollouts)' })),
  cursor: Type.Optional(Type.String({
    pattern: '^[0-9]{1,7}$', description: 'digits: the nextCursor of the previous page, as it is; this page starts after it', examples: ['3']
  })),
  after: Type.Optional(Type.Integer({
    minimum: 0,
    maximum: 1_000_000,
    deprecated: true,
    description: 'Deprecated alias of cursor: the index of the last checkpoint of the previous page'
  }))
}, { additionalProperties: false })

export const Gate = Type.Object({
  open: Type.Boolean({ description: 'What GET /gate answers: true (200) only for a GO that is current' }),
  reason: Type.String()
}, { title: 'Gate', description: 'The deployment gate and why' })

export const CheckpointRef = Type.Object({ index: Type.Integer(), kind: CheckpointKind, at: Type.String({ format: 'date-time' }) }, {
  title: 'CheckpointRef', description: 'Which checkpoint a recommendation comes from'
})

export const RecommendationView = Type.Object({
  rolloutId: RolloutId,
  state: RolloutState,
  final: Type.Boolean({ description: 'true once the rollout is decided: this is the Go/No-Go call' }),
  gate: Gate,
  recommendation: Type.Union([Recommendation, Type.Null()], { description: 'null before the first successful checkpoint' }),
  checkpoint: Type.Union([CheckpointRef, Type.Null()], { description: 'The checkpoint the recommendation comes from' }),
  message: Type.String({ description: 'One line for people' }),
  effective: Type.Optional(Type.Object({
    recommendation: Type.Union([Recommendation, Type.Null()], { description: 'What the gate follows: waivers, sign-offs and an override applied' }),
    waived: Type.Array(Type.String(), { description: 'Apps whose verdict a waiver accepts' }),
    awaitingSignOff: Type.Array(Type.String(), { description: 'Apps whose ok sign-off a GO waits for' }),
    override: Type.Union([Override, Type.Null()])
  }, { description: 'What people\'s word made of the recommendation' })),
  error: Type.Optional(Type.String({ description: 'Why the decision could not read its data, when it could not' })),
  result: Type.Union([CheckpointResult, Type.Null()])
}, { title: 'RecommendationView', description: 'The latest recommendation of a rollout, with its result and the gate' })
export type RecommendationView = Static<typeof RecommendationView>
