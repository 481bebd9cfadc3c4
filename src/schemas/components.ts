import type { TSchema } from '@sinclair/typebox'
import { AnalysisRequest } from './analysis.ts'
import { AppName, ErrorBody, HostName, MetricName, Recommendation, Status } from './common.ts'
import { Health, Readiness } from './health.ts'
import { EventType, NotifyTarget, NotifyTargetView } from './notify.ts'
import { AppResult, CheckpointResult, Finding, Interval, MetricResult, Window } from './result.ts'
import {
  CancelRequest, Cancellation, Checkpoint, CheckpointKind, CheckpointList, CheckpointRef, Gate, NotifyFailure, PlanEntry, PlanEntryStatus,
  Progress, CreatedRollout,
  NewRelicOptions, OverdueView, RecommendationView, Rollout, RolloutId, RolloutPage, RolloutRequest, RolloutState, RolloutSummary
} from './rollout.ts'
import { AppRef, AppSpec, Policy, Thresholds } from './thresholds.ts'
import {
  AppCheckpoint, AppSeries, AppView, AuditEntry, AuditList, CompactMetric, GateView, Matrix, MatrixPlanEntry, MatrixRow, Note, NoteRequest,
  NewHostSeries, OverrideRequest, RolloutEvent, SideSeries, SignOff, Waiver, WaiverRequest
} from './board.ts'
import { Override } from './override.ts'

/**
 * The named schemas of the OpenAPI document, by title. Route schemas stay inline (validation and
 * serialisation see exactly what they did); the document lists each of these once under
 * components.schemas and refers to it wherever it appears (src/schemas/document.ts).
 */
const NAMED: TSchema[] = [
  ErrorBody, Status, Recommendation, MetricName, AppName, HostName,
  Thresholds, Policy, AppSpec, AppRef, NotifyTarget, NotifyTargetView,
  Interval, MetricResult, AppResult, Window, CheckpointResult, AnalysisRequest,
  RolloutId, RolloutState, NewRelicOptions, RolloutRequest, PlanEntryStatus, PlanEntry, Progress, NotifyFailure,
  Cancellation, CancelRequest, Rollout, CreatedRollout, RolloutSummary, RolloutPage, CheckpointKind, Checkpoint, CheckpointList, Gate,
  CheckpointRef, OverdueView,
  RecommendationView,
  Health, Readiness,
  SignOff, NoteRequest, Note, WaiverRequest, Waiver, OverrideRequest, Override, AuditEntry, AuditList, GateView, MatrixPlanEntry, MatrixRow,
  Matrix, CompactMetric, AppCheckpoint, SideSeries, NewHostSeries, AppSeries, AppView, RolloutEvent, Finding, EventType
]

export const COMPONENTS: Record<string, TSchema> = Object.fromEntries(NAMED.map(schema => {
  if (typeof schema.title !== 'string') throw new Error('a named schema needs a title')
  return [schema.title, schema]
}))
