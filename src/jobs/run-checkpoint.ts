import { BadRequestError, GonogoError, UpstreamError } from '../errors.ts'
import { checkpointLabel, describeFailedDecision, describeResult } from '../rollout/messages.ts'
import { appCheckpointsOf, cellsOf } from '../rollout/compact.ts'
import { checkpointEntry } from '../rollout/outbox.ts'
import type { EarlyCall } from '../judge/index.ts'
import { effectiveRecommendation } from '../rollout/people.ts'
import { buildPlan, entryAt } from '../rollout/plan.ts'
import { entryStatus, recordedChar, recordedIndexes } from '../rollout/statuses.ts'
import type { CheckpointRecord, StoredRollout } from '../rollout/types.ts'
import type { Recommendation } from '../schemas/common.ts'
import type { CheckpointResult } from '../schemas/result.ts'
import type { AppSeries } from '../schemas/board.ts'
import type { RecordInput } from '../store/checkpoint-store.ts'
import type { HeldLock } from '../store/lock.ts'
import { dispatchOutbox } from './outbox.ts'
import type { AdvanceDeps, Evidence, RunOutcome, WorkItem } from './types.ts'

/**
 * Runs one checkpoint (one try) and records it. A failed read is retried later
 * with exponential backoff until the attempts are spent; then it is recorded as
 * failed with its cause. A failed decision is recorded as the final word with
 * recommendation INCONCLUSIVE: a deployment gate needs an answer at decisionAt,
 * and that answer must never be GO on data nobody read.
 */
export async function runCheckpoint (deps: AdvanceDeps, rollout: StoredRollout, planned: WorkItem, lock: HeldLock, remaining: number): Promise<RunOutcome> {
  const { spec } = rollout
  let item = planned
  const rolloutId = spec.id
  const attempt = await deps.checkpoints.addAttempt(rolloutId, item.index)
  const startedAt = deps.now()
  const ctx = { rolloutId, index: item.index, kind: item.kind, at: new Date(item.at).toISOString(), attempt }
  deps.log.info(ctx, `${checkpointLabel(spec, item.index, item.kind)} started`)

  const evidenceIndex = lastOkPlanIndex(rollout, item)
  const evidence = evidenceIndex === null ? undefined : parseEvidence(await deps.checkpoints.evidence(rolloutId, evidenceIndex))
  if (evidenceIndex !== null && evidence === undefined) {
    // Only the newest evidence is kept; a checkpoint behind it (a manual one asked for before a
    // catch-up overtook it) starts afresh rather than build on evidence from after its own time.
    deps.log.warn({ ...ctx, evidenceIndex }, 'the evidence this checkpoint would build on is no longer kept; judging it afresh')
  }
  let out: Awaited<ReturnType<AdvanceDeps['analyse']>> | undefined
  let failure: Error | undefined
  try {
    out = await deps.analyse(spec.target, { from: spec.startAt, until: item.at }, {
      asOf: startedAt,
      evidence,
      slowThresholdsS: evidence === undefined ? undefined : deps.slowThresholds(evidence),
      // The decision time fixes the series buckets for the whole rollout (and incremental reads' grid).
      horizon: spec.decisionAt,
      // Only a planned checkpoint may decide early: a manual one never extends the chain.
      looks: item.kind === 'checkpoint' && spec.target.policy?.earlyDecision === true ? spec.planLength : undefined
    })
  } catch (err) {
    failure = err instanceof Error ? err : new Error(String(err))
  }
  const finishedAt = deps.now()
  const durationMs = finishedAt - startedAt

  // A refusal retrying cannot change (an account the key cannot read, a name NRQL cannot
  // hold) is recorded at once, with its own words, not retried as if New Relic were down.
  const permanent = failure instanceof GonogoError && !failure.retryable
  if (failure !== undefined) {
    const upstream = failure instanceof UpstreamError || permanent
    const logFields = { ...ctx, durationMs, err: upstream ? failure.message : failure }
    if (attempt < deps.settings.attempts && !permanent) {
      const retryAt = finishedAt + deps.settings.backoffMs * 2 ** (attempt - 1)
      await deps.checkpoints.setNotBefore(rolloutId, item.index, retryAt)
      deps.log.warn({ ...logFields, retryAt: new Date(retryAt).toISOString() }, 'checkpoint failed; will retry')
      return { kind: 'retry', at: retryAt }
    }
    if (upstream) deps.log.warn(logFields, 'checkpoint failed on its last attempt')
    else deps.log.error(logFields, 'checkpoint failed on its last attempt (not a New Relic error)')
  }

  const early = out === undefined ? null : await earlyDecision(deps, rollout, item, out)
  if (early !== null) {
    item = { index: spec.planLength - 1, kind: 'decision', at: item.at }
    deps.log.info({ ...ctx, recommendation: early.call.recommendation, reason: early.call.reason }, 'the rollout decides early')
  }
  const error = failure === undefined
    ? undefined
    : upstreamMessage(failure)
  const result = out === undefined ? null : early === null ? out.result : withEarlyReason(out.result, early.call)
  const record: CheckpointRecord = {
    index: item.index,
    kind: item.kind,
    at: new Date(item.at).toISOString(),
    status: out === undefined ? 'failed' : 'ok',
    attempts: attempt,
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: new Date(finishedAt).toISOString(),
    durationMs,
    ...(error === undefined ? {} : { error }),
    ...(early === null ? {} : { early: early.entry }),
    result
  }
  const previous = await deps.checkpoints.latestResult(rolloutId)
  const latest = latestFor(rollout, item, record, previous)
  // Marked before the record writes the entry: a crash after the record leaves a mark the sweep finds.
  await deps.checkpoints.outbox.mark(rolloutId, finishedAt)
  const recorded = await deps.checkpoints.record({
    rolloutId,
    record,
    statusChar: item.kind === 'manual' ? '' : recordedChar(out !== undefined),
    // A manual checkpoint never extends the chain (lastOkPlanIndex), so its evidence is never read.
    evidence: out === undefined || item.kind === 'manual' ? '' : JSON.stringify(out.evidence),
    latest: latest?.json ?? '',
    recommendation: latest?.recommendation ?? '',
    decision: item.kind === 'decision',
    now: finishedAt,
    lockToken: lock.token,
    outbox: checkpointEntry(spec, item, record, previous, finishedAt),
    ...compactOf(record, out?.series)
  })
  if (recorded === 'lost-lock') {
    deps.log.warn(ctx, 'lost the rollout lock before recording; another worker takes over')
    return { kind: 'lost-lock' }
  }
  if (recorded !== 'ok' && recorded !== 'duplicate') {
    deps.log.info({ ...ctx, state: recorded }, 'checkpoint not recorded: the rollout is no longer live')
    return { kind: 'stop' }
  }
  if (recorded === 'duplicate') {
    // An earlier run recorded it and may have died before queueing what it implies.
    await dispatch(deps, rolloutId, item.index)
    return { kind: 'recorded' }
  }

  const recommendation = latest?.recommendation ?? null
  deps.onRecorded?.({ rolloutId, name: spec.name, kind: item.kind, outcome: record.status === 'ok' ? 'ok' : 'failed', recommendation })
  deps.log.info({ ...ctx, durationMs, status: record.status, recommendation: out?.result.recommendation ?? null, remaining },
    `${checkpointLabel(spec, item.index, item.kind)} ${record.status === 'ok' ? 'done' : 'recorded as failed'}`)
  await dispatch(deps, rolloutId, item.index)
  await tellListeners(deps, rollout, item, record, previous)
  await markChanges(deps, rollout, item, recommendation, finishedAt)
  return { kind: 'recorded' }
}

/**
 * Whether this checkpoint's result is already the decision (policy.earlyDecision; the judge's
 * rule in judge/early.ts). People's word counts: a critical FAIL that was waived does not
 * decide, and an early GO waits for the sign-offs the policy asks for, as the gate would.
 */
async function earlyDecision (
  deps: AdvanceDeps, rollout: StoredRollout, item: WorkItem, out: Awaited<ReturnType<AdvanceDeps['analyse']>>
): Promise<{ call: EarlyCall, entry: NonNullable<CheckpointRecord['early']> } | null> {
  const call = out.early ?? null
  const { spec } = rollout
  if (call === null || item.kind !== 'checkpoint' || item.at >= spec.decisionAt) return null
  const people = deps.people === undefined
    ? { notes: [], waivers: [] }
    : { notes: await deps.people.notes(spec.id), waivers: await deps.people.waivers(spec.id) }
  if (call.recommendation === 'NO_GO') {
    const waived = new Set(people.waivers.map(w => w.app))
    if (call.apps.every(app => waived.has(app))) return null
  } else {
    const cells = cellsOf({ index: item.index, kind: item.kind, at: new Date(item.at).toISOString(), status: 'ok', attempts: 1, result: out.result })
    // Sign-offs count from the previous checkpoint on, as on the board (rollout/board.ts).
    const since = item.index === 0 ? spec.startAt : entryAt(spec, item.index - 1)
    const effective = effectiveRecommendation(spec.target.apps, spec.target.policy, cells, { ...people, override: null }, since)
    if (effective.recommendation !== 'GO') return null
  }
  return { call, entry: { checkpoint: item.index, plannedAt: new Date(spec.decisionAt).toISOString(), reason: call.reason } }
}

/** The result with the early decision's reason first: chat and the API say why it came now. */
function withEarlyReason (result: CheckpointResult, call: EarlyCall): CheckpointResult {
  return { ...result, recommendation: call.recommendation, reasons: [capitalised(call.reason), ...result.reasons] }
}

function capitalised (text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/**
 * New Relic change-tracking markers, when the rollout asks: the new hosts joined, at the first
 * plan entry recorded; the decision, when it is. Best effort and logged: a checkpoint is
 * recorded whether or not New Relic takes the marker.
 */
async function markChanges (
  deps: AdvanceDeps, rollout: StoredRollout, item: WorkItem, recommendation: Recommendation | null, at: number
): Promise<void> {
  if (deps.changeMarkers === undefined || rollout.spec.newRelic?.changeTracking !== true || item.kind === 'manual') return
  const phases: Array<'start' | 'decision'> = []
  if (recordedIndexes(rollout.statuses).size === 0) phases.push('start')
  if (item.kind === 'decision') phases.push('decision')
  for (const phase of phases) {
    try {
      await deps.changeMarkers(rollout.spec, phase, phase === 'decision' ? recommendation : null, at)
    } catch (err) {
      deps.log.warn({ rolloutId: rollout.spec.id, phase, err: (err as Error).message }, 'could not record the change-tracking markers')
    }
  }
}

/** The live events of a recorded checkpoint: recorded, the recommendation moved, the decision. */
async function tellListeners (deps: AdvanceDeps, rollout: StoredRollout, item: WorkItem, record: CheckpointRecord, previous: CheckpointResult | null): Promise<void> {
  if (deps.events === undefined) return
  const rolloutId = rollout.spec.id
  const rev = (await deps.rollouts.get(rolloutId))?.rev ?? rollout.rev + 1
  const base = { rolloutId, rev, at: record.finishedAt ?? record.at, index: item.index }
  await deps.events.publish({ type: 'checkpoint.recorded', ...base })
  const now = record.result?.recommendation ?? (item.kind === 'decision' ? 'INCONCLUSIVE' : null)
  if (now !== null && previous !== null && previous.recommendation !== now) await deps.events.publish({ type: 'verdict.changed', ...base })
  if (item.kind === 'decision') await deps.events.publish({ type: 'decision.made', ...base })
}

/** What the board's matrix and app reads keep of this record: cells, each app's numbers, the series. */
function compactOf (record: CheckpointRecord, series: Record<string, AppSeries> | undefined): Pick<RecordInput, 'cells' | 'appCheckpoints' | 'series'> {
  if (record.result === null) return {}
  return {
    cells: JSON.stringify(cellsOf(record)),
    appCheckpoints: appCheckpointsOf(record).map(([app, c]) => [app, JSON.stringify(c)]),
    series: Object.entries(series ?? {}).map(([app, s]) => [app, JSON.stringify(s)])
  }
}

/** The pre-serialised latest recommendation this record publishes, if it publishes one. */
function latestFor (rollout: StoredRollout, item: WorkItem, record: CheckpointRecord, previous: CheckpointResult | null): { json: string, recommendation: Recommendation } | undefined {
  const checkpoint = { index: item.index, kind: item.kind, at: record.at }
  if (record.result !== null) {
    return {
      recommendation: record.result.recommendation,
      json: JSON.stringify({
        recommendation: record.result.recommendation,
        checkpoint,
        message: describeResult(rollout.spec, item.index, item.kind, item.at, record.result),
        result: record.result
      })
    }
  }
  if (item.kind !== 'decision') return undefined
  return {
    recommendation: 'INCONCLUSIVE',
    json: JSON.stringify({
      recommendation: 'INCONCLUSIVE',
      checkpoint,
      message: describeFailedDecision(rollout.spec, item.at, record.error ?? 'unknown error', previous),
      error: record.error,
      result: null
    })
  }
}

/**
 * The evidence a checkpoint builds on: that of the last successful plan entry
 * before it. Manual checkpoints read the chain but never extend it, so the
 * decision is the same whether or not anyone pressed "run now".
 */
function lastOkPlanIndex (rollout: StoredRollout, item: WorkItem): number | null {
  const { spec, statuses } = rollout
  const plan = buildPlan(spec.startAt, spec.decisionAt, spec.everyMs)
  for (let i = Math.min(statuses.length, plan.length) - 1; i >= 0; i--) {
    if (item.kind !== 'manual' && i >= item.index) continue
    if (item.kind === 'manual' && plan[i].at > item.at) continue
    if (entryStatus(statuses, i) === 'ok') return i
  }
  return null
}

function parseEvidence (json: string | null): Evidence | undefined {
  return json === null ? undefined : JSON.parse(json) as Evidence
}

/** Queues the outbox's notifications; on failure they stay in the outbox for the sweep. */
async function dispatch (deps: AdvanceDeps, rolloutId: string, index: number): Promise<void> {
  try {
    await dispatchOutbox({ outbox: deps.checkpoints.outbox, notifier: deps.notifier, log: deps.log, now: deps.now }, rolloutId)
  } catch (err) {
    // Recorded is recorded: a notifier outage must not make the checkpoint run again.
    deps.log.error({ rolloutId, index, err }, 'could not hand the checkpoint to the notifier; the outbox sweep sends it later')
  }
}

/** What a failed checkpoint record says: New Relic's trouble or a refusal in its own words; anything else points at the log. */
function upstreamMessage (failure: Error): string {
  if (failure instanceof UpstreamError) return failure.message
  // A refusal names the request's field for an API caller; a checkpoint has no request.
  if (failure instanceof BadRequestError) return failure.reason
  if (failure instanceof GonogoError && !failure.retryable) return failure.publicMessage
  return `internal error (${failure.name}); see the worker log`
}
