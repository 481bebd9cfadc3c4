/**
 * The one summary every chat format renders from (so Slack, Teams and webhooks say the same): what changed, the flagged apps with
 * their teams and owners, the canceller, links. Over 200 lines because each of those is a small section of its own.
 */
import type { Recommendation, Status } from '../../schemas/common.ts'
import type { AppResult, CheckpointResult } from '../../schemas/result.ts'
import { asReported, reportedSpellings } from '../../judge/hosts.ts'
import type { Change, NotifyEvent } from '../events.ts'
import type { CancelOutcome, CheckpointOutcome, OverdueOutcome, PeopleOutcome } from '../../rollout/outcome.ts'
import { formatLocalTime } from './time.ts'

/** A flagged (not PASS) app as a message shows it. */
export interface FlaggedApp {
  app: string
  verdict: Status
  critical: boolean
  team?: string
  owners: string[]
  /** One-line reasons, the judge's own words with the numbers. */
  reasons: string[]
}

/**
 * What a chat message says, independent of Slack or Teams markup: built once
 * from an event so both kinds tell the same story in the same order.
 */
export interface Summary {
  rolloutId: string
  rolloutName: string
  /** null when the checkpoint failed and there is no result. */
  recommendation: Recommendation | null
  /** "🔴 NO GO", "🟢 GO", "🟡 INCONCLUSIVE" or "⚠️ Checkpoint failed". */
  headline: string
  /** "Checkpoint 3 of 6", "Decision" or "Manual checkpoint". */
  stage: string
  /** "14 May 15:30 IST": the checkpoint time in the rollout's timezone. */
  time: string
  canaryHosts: string[]
  /** Why the rollout got its recommendation. */
  reasons: string[]
  /** Apps not PASS, worst first. */
  flagged: FlaggedApp[]
  passCount: number
  appCount: number
  changes: Change[]
  /** Why the checkpoint failed (checkpoint.failed only). */
  error?: string
  /** The last good recommendation, for a failed checkpoint's or a cancellation's message. */
  previousRecommendation?: Recommendation
  /** Who cancelled the rollout and why (rollout.cancelled only). */
  cancellation?: { by: string, reason: string | null }
  /** Why no result came (checkpoint.overdue only): "checkpoint 3 (due 14:00 Asia/Kolkata) is 4 min overdue: ...". */
  overdue?: string
  /** What a person did (waiver.changed, decision.overridden): "Waived Billing.Service", by whom, why. */
  act?: { what: string, by: string, reason: string }
  /** rollout: its board page; recommendation: the JSON of GET /v1/rollouts/{id}/recommendation. */
  links: { rollout?: string, recommendation?: string }
}

export const RECOMMENDATION_EMOJI: Record<Recommendation, string> = { GO: '🟢', NO_GO: '🔴', INCONCLUSIVE: '🟡' }
export const VERDICT_EMOJI: Record<Status, string> = { FAIL: '🔴', NO_DATA: '⚫', WARN: '🟠', INCONCLUSIVE: '🟡', PASS: '✅' }
/** Worst first: what a release manager must look at before the rest. */
const SEVERITY: Record<Status, number> = { FAIL: 0, NO_DATA: 1, WARN: 2, INCONCLUSIVE: 3, PASS: 4 }
const MAX_ERROR_CHARS = 500

/** "NO_GO" reads as "NO GO" in a message; the API keeps the enum spelling. */
export function label (value: string): string {
  return value.replace(/_/g, ' ')
}

/**
 * Builds the summary of an event. `publicUrl` is GONOGO_PUBLIC_URL; without
 * it the message has no links rather than links to nowhere.
 */
export function summarize (event: NotifyEvent, publicUrl?: string): Summary {
  const { outcome } = event
  if (outcome.kind === 'cancel') return cancelSummary(outcome, publicUrl)
  if (outcome.kind === 'people') return peopleSummary(outcome, publicUrl)
  if (outcome.kind === 'overdue') return overdueSummary(outcome, publicUrl)
  const { rollout, result } = outcome
  const known = new Map(rollout.apps.map(a => [a.name, a]))
  const flagged = (result?.apps ?? [])
    .filter(a => a.verdict !== 'PASS')
    .map(a => flaggedApp(a, known.get(a.app)))
    .sort((a, b) => SEVERITY[a.verdict] - SEVERITY[b.verdict] || Number(b.critical) - Number(a.critical) || a.app.localeCompare(b.app))
  const appCount = result?.apps.length ?? 0
  const failedDecision = result === null && outcome.kind === 'decision'
  const error = oneLine(outcome.error ?? 'unknown error').slice(0, MAX_ERROR_CHARS)
  return {
    rolloutId: rollout.id,
    rolloutName: rollout.name,
    recommendation: result?.recommendation ?? (failedDecision ? 'INCONCLUSIVE' : null),
    headline: result === null
      ? (failedDecision ? `${RECOMMENDATION_EMOJI.INCONCLUSIVE} INCONCLUSIVE` : '⚠️ Checkpoint failed')
      : `${RECOMMENDATION_EMOJI[result.recommendation]} ${label(result.recommendation)}`,
    stage: stageOf(outcome),
    time: formatLocalTime(outcome.at, rollout.timezone),
    canaryHosts: asResultSpells(rollout.canaryHosts, result),
    reasons: result?.reasons ?? (failedDecision ? failedDecisionReasons(error, outcome.previous?.recommendation) : []),
    flagged,
    passCount: appCount - flagged.length,
    appCount,
    changes: event.changes,
    error: result === null ? error : undefined,
    previousRecommendation: result === null ? outcome.previous?.recommendation : undefined,
    links: linksOf(rollout.id, publicUrl)
  }
}

/** A cancellation: who and why, and what the last successful checkpoint said. */
function cancelSummary (outcome: CancelOutcome, publicUrl?: string): Summary {
  const { rollout, cancellation, previous } = outcome
  return {
    rolloutId: rollout.id,
    rolloutName: rollout.name,
    recommendation: null,
    headline: '⛔ CANCELLED',
    stage: 'Cancelled',
    time: formatLocalTime(cancellation.at, rollout.timezone),
    canaryHosts: asResultSpells(rollout.canaryHosts, previous),
    reasons: [],
    flagged: [],
    passCount: 0,
    appCount: 0,
    changes: [],
    ...(previous === null ? {} : { previousRecommendation: previous.recommendation }),
    cancellation: { by: cancellation.by, reason: cancellation.reason === null ? null : oneLine(cancellation.reason) },
    links: linksOf(rollout.id, publicUrl)
  }
}

/** A plan entry nobody recorded in time: which, how late, and that the gate is closed meanwhile. */
function overdueSummary (outcome: OverdueOutcome, publicUrl?: string): Summary {
  const { rollout } = outcome
  const total = rollout.checkpointCount ?? hourlyCount(rollout.startAt, rollout.decisionAt)
  const n = outcome.checkpointIndex + 1
  return {
    rolloutId: rollout.id,
    rolloutName: rollout.name,
    recommendation: null,
    headline: '⏰ OVERDUE',
    stage: outcome.planKind === 'decision'
      ? 'Decision'
      : total !== undefined && n <= total ? `Checkpoint ${n} of ${total}` : `Checkpoint ${n}`,
    time: formatLocalTime(outcome.at, rollout.timezone),
    canaryHosts: rollout.canaryHosts,
    reasons: [],
    flagged: [],
    passCount: 0,
    appCount: 0,
    changes: [],
    overdue: oneLine(outcome.reason),
    ...(outcome.previous === null ? {} : { previousRecommendation: outcome.previous }),
    links: linksOf(rollout.id, publicUrl)
  }
}

/** What a closed gate says while an entry is overdue, with what stood before. */
export function gateWhileOverdue (previous: Recommendation | undefined, bold: (s: string) => string = s => s): string {
  const stood = previous === undefined ? 'no checkpoint had succeeded' : `the last recommendation was ${bold(label(previous))}`
  return `The gate is closed until a worker records it; ${stood}.`
}

/** A person's waiver or override: what they did, and what the recommendation follows now. */
function peopleSummary (outcome: PeopleOutcome, publicUrl?: string): Summary {
  const { rollout } = outcome
  const what = outcome.action === 'override'
    ? `Overrode the decision to ${label(outcome.recommendation ?? 'INCONCLUSIVE')} (automated: ${label(outcome.automated ?? 'none')})`
    : `${outcome.action === 'waived' ? 'Waived' : 'Withdrew the waiver of'} ${outcome.app ?? ''}`.trim()
  return {
    rolloutId: rollout.id,
    rolloutName: rollout.name,
    recommendation: outcome.recommendation,
    headline: outcome.recommendation === null
      ? '👤 No recommendation yet'
      : `${RECOMMENDATION_EMOJI[outcome.recommendation]} ${label(outcome.recommendation)}`,
    stage: outcome.action === 'override' ? 'Override' : 'Waiver',
    time: formatLocalTime(outcome.at, rollout.timezone),
    canaryHosts: rollout.canaryHosts,
    reasons: outcome.reasons,
    flagged: [],
    passCount: 0,
    appCount: 0,
    changes: [],
    act: { what, by: outcome.by, reason: oneLine(outcome.reason) },
    links: linksOf(rollout.id, publicUrl)
  }
}

/** Host names as a result spells them (PRDIIS09 however the rollout was typed), like its reasons; as given without a result. */
function asResultSpells (hosts: string[], result: CheckpointResult | null): string[] {
  return asReported(hosts, reportedSpellings((result?.apps ?? []).flatMap(a => a.canaryHosts.map(host => ({ host, count: 1 })))))
}

/**
 * Links to the rollout's page on the board (what a person in the channel wants to open: the matrix, the notes) and to its
 * recommendation as JSON; none without GONOGO_PUBLIC_URL rather than links to nowhere.
 */
function linksOf (rolloutId: string, publicUrl: string | undefined): Summary['links'] {
  const base = publicUrl?.replace(/\/+$/, '')
  if (base === undefined || base === '') return {}
  const id = encodeURIComponent(rolloutId)
  return { rollout: `${base}/board/rollouts/${id}`, recommendation: `${base}/v1/rollouts/${id}/recommendation` }
}

/** Why a decision without data is INCONCLUSIVE, and what the last good checkpoint said. */
function failedDecisionReasons (error: string, previous: Recommendation | undefined): string[] {
  return [
    `the decision could not read New Relic data (${error}): final INCONCLUSIVE, never GO on data that was not read`,
    previous === undefined ? 'no earlier checkpoint succeeded' : `the last successful checkpoint said ${label(previous)}`
  ]
}

/** "Checkpoint 3 of 6", "Decision" or "Manual checkpoint". */
function stageOf (outcome: CheckpointOutcome): string {
  if (outcome.kind === 'decision') return 'Decision'
  if (outcome.kind === 'manual') return 'Manual checkpoint'
  const total = outcome.rollout.checkpointCount ?? hourlyCount(outcome.rollout.startAt, outcome.rollout.decisionAt)
  const n = outcome.checkpointIndex + 1
  return total !== undefined && n <= total ? `Checkpoint ${n} of ${total}` : `Checkpoint ${n}`
}

function hourlyCount (startAt: string, decisionAt: string): number | undefined {
  const ms = Date.parse(decisionAt) - Date.parse(startAt)
  return Number.isFinite(ms) && ms > 0 ? Math.ceil(ms / 3_600_000) : undefined
}

function flaggedApp (app: AppResult, known?: { team?: string, owners?: string[], critical?: boolean }): FlaggedApp {
  // The judge's reasons are the one-liners; a result without them falls back to the failing metrics' details.
  const reasons = app.reasons.length > 0
    ? app.reasons
    : app.metrics.filter(m => m.status !== 'PASS').map(m => m.detail)
  const team = app.team ?? known?.team
  return {
    app: app.app,
    verdict: app.verdict,
    critical: app.critical || known?.critical === true,
    ...(team === undefined ? {} : { team }),
    owners: app.owners ?? known?.owners ?? [],
    reasons: reasons.map(oneLine)
  }
}

/**
 * The summary with every piece of text that is not the formatter's own markup (rollout, app
 * and host names, teams, owners, reasons, the error) passed through a format's escaper, so
 * an app named "*Star* API" or "[link](http://x) app" shows literally. Statuses and the
 * formatter's labels stay as they are: they are ours.
 */
export function escapeSummary (s: Summary, escape: (text: string) => string): Summary {
  return {
    ...s,
    rolloutName: escape(s.rolloutName),
    canaryHosts: s.canaryHosts.map(escape),
    reasons: s.reasons.map(escape),
    flagged: s.flagged.map(a => ({
      ...a,
      app: escape(a.app),
      ...(a.team === undefined ? {} : { team: escape(a.team) }),
      owners: a.owners.map(escape),
      reasons: a.reasons.map(escape)
    })),
    changes: s.changes.map(c => ({ ...c, app: c.app === null ? null : escape(c.app) })),
    ...(s.error === undefined ? {} : { error: escape(s.error) }),
    ...(s.overdue === undefined ? {} : { overdue: escape(s.overdue) }),
    ...(s.cancellation === undefined
      ? {}
      : { cancellation: { by: escape(s.cancellation.by), reason: s.cancellation.reason === null ? null : escape(s.cancellation.reason) } }),
    ...(s.act === undefined ? {} : { act: { what: escape(s.act.what), by: escape(s.act.by), reason: escape(s.act.reason) } })
  }
}

/** Collapses whitespace so a stack trace or multi-line reason cannot break a message's layout. */
export function oneLine (text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}

/** Cuts text to `max` characters with an ellipsis. */
export function clip (text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, Math.max(0, max - 1)) + '…'
}

/** "9 other apps PASS", "All 12 apps PASS", "No apps analysed". */
export function passLine (s: Summary): string {
  if (s.appCount === 0) return 'No apps analysed'
  if (s.flagged.length === 0) return `All ${s.appCount} app${s.appCount === 1 ? '' : 's'} PASS`
  if (s.passCount === 0) return 'No other app passes'
  return `${s.passCount} other app${s.passCount === 1 ? '' : 's'} PASS`
}

/** "Checkout: PASS → FAIL" or "Recommendation: GO → NO GO". */
export function changeLine (c: Change): string {
  return `${c.app ?? 'Recommendation'}: ${label(c.from)} → ${label(c.to)}`
}

/** "Team payments · Owners alice, bob", or '' when neither is known. */
export function ownershipLine (app: FlaggedApp): string {
  const parts: string[] = []
  if (app.team !== undefined && app.team !== '') parts.push(`Team ${app.team}`)
  if (app.owners.length > 0) parts.push(`Owners ${app.owners.join(', ')}`)
  return parts.join(' · ')
}

/** "Checkpoint 3 of 6 · 14 May 15:30 IST · canary PRDIIS09". */
export function contextLine (s: Summary): string {
  const hosts = s.canaryHosts.length === 0
    ? ''
    : ` · canary ${s.canaryHosts.length <= 3
      ? s.canaryHosts.join(', ')
      : `${s.canaryHosts.slice(0, 3).join(', ')} +${s.canaryHosts.length - 3}`}`
  return `${s.stage} · ${s.time}${hosts}`
}

/** "Cancelled by ana: reason" or "Cancelled by ana, no reason given.", from (escaped) parts. */
export function cancelledBy (c: { by: string, reason: string | null }, bold: (s: string) => string = s => s): string {
  return c.reason === null ? `${bold('Cancelled by')} ${c.by}, no reason given.` : `${bold('Cancelled by')} ${c.by}: ${c.reason}`
}

/** "Waived Billing.Service — by ana: known issue", from (escaped) parts. */
export function actedBy (a: { what: string, by: string, reason: string }, bold: (s: string) => string = s => s): string {
  return `${bold(a.what)} by ${a.by}: ${a.reason}`
}

/** What stood when a rollout was cancelled. */
export function lastStood (previous: Recommendation | undefined, bold: (s: string) => string = s => s): string {
  return previous === undefined ? 'No checkpoint had succeeded.' : `The last recommendation was ${bold(label(previous))}.`
}

/** The plain-text one-liner used for notifications and fallbacks. */
export function fallbackText (s: Summary): string {
  const head = `${s.headline} · ${s.rolloutName} · ${s.stage} · ${s.time}`
  if (s.cancellation !== undefined) return `${head}. ${cancelledBy(s.cancellation)}`
  if (s.act !== undefined) return `${head}. ${actedBy(s.act)}`
  if (s.overdue !== undefined) return `${head}. ${capitalised(s.overdue)}`
  if (s.recommendation === null) return `${head}. Error: ${s.error ?? 'unknown'}`
  if (s.appCount === 0 && s.reasons.length > 0) return `${head}. ${s.reasons[0]}`
  const flagged = s.flagged.length === 0 ? '' : `${s.flagged.length} app${s.flagged.length === 1 ? '' : 's'} flagged, `
  return `${head}. ${flagged}${passLine(s)}.`
}

function capitalised (text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
