/**
 * What people's word does to the recommendation: waivers accept an app's FAIL, NO_DATA or
 * INCONCLUSIVE; a policy may make a GO wait for the teams' ok sign-offs; an override after the
 * decision replaces it. The automated verdicts are never changed: this only decides what the
 * recommendation and the gate follow, and says why.
 */
import { recommend } from '../judge/verdict.ts'
import type { Note, Override, Waiver } from '../schemas/board.ts'
import type { Recommendation, Status } from '../schemas/common.ts'
import { resolvePolicy, type AppSpec, type Policy } from '../schemas/thresholds.ts'
import type { CheckpointCells } from './compact.ts'

/** The verdicts a waiver can accept. */
const WAIVABLE: ReadonlySet<Status> = new Set(['FAIL', 'NO_DATA', 'INCONCLUSIVE'])

export interface PeopleWord {
  waivers: Waiver[]
  notes: Note[]
  override: Override | null
}

export interface Effective {
  /** What the recommendation and the gate follow; null before any successful checkpoint (and no override). */
  recommendation: Recommendation | null
  /** The latest checkpoint's own recommendation. */
  automated: Recommendation | null
  reasons: string[]
  /** Apps whose verdict a waiver accepted at the latest checkpoint. */
  waived: string[]
  /** Apps whose ok sign-off a GO still waits for. */
  awaitingSignOff: string[]
}

/**
 * The recommendation now. `latest` is the latest successful checkpoint's cells; sign-offs count
 * when given at or after `signOffSince` (the previous checkpoint's time: the data the latest
 * checkpoint added), and the latest sign-off of an app is its word.
 */
export function effectiveRecommendation (
  apps: AppSpec[], policyIn: Policy | undefined, latest: CheckpointCells | null, people: PeopleWord, signOffSince: number
): Effective {
  const policy = resolvePolicy(policyIn)
  const automated = latest?.recommendation ?? null
  let recommendation = automated
  let reasons: string[] = latest?.reasons ?? []
  const waived: string[] = []
  const awaitingSignOff: string[] = []
  if (latest !== null && automated !== null) {
    const waivers = new Map(people.waivers.map(w => [w.app, w]))
    const judged = apps.map(spec => {
      const [verdict, short] = latest.apps[spec.name] ?? ['INCONCLUSIVE' as Status, null]
      const waiver = waivers.get(spec.name)
      const accepted = waiver !== undefined && WAIVABLE.has(verdict)
      if (accepted) waived.push(spec.name)
      return { result: resultOf(spec, accepted ? 'PASS' : verdict), short: short ?? '' }
    })
    if (waived.length > 0) {
      const rec = recommend(judged, policy)
      const held = rec.recommendation === 'GO' && latest.findings.some(f => f.holdsGo)
      recommendation = held ? 'INCONCLUSIVE' : rec.recommendation
      reasons = [...rec.reasons, ...latest.findings.map(f => f.text), ...waived.map(app => waiverLine(waivers.get(app) as Waiver, latest.apps[app]?.[0]))]
    }
    if (recommendation === 'GO' && policy.requireSignOff !== 'none') {
      const needed = apps.filter(a => policy.requireSignOff === 'all' || a.critical === true)
      const word = latestSignOffs(people.notes, signOffSince)
      for (const a of needed) if (word.get(a.name) !== 'ok') awaitingSignOff.push(a.name)
      if (awaitingSignOff.length > 0) {
        recommendation = 'INCONCLUSIVE'
        reasons = [...reasons, signOffLine(awaitingSignOff, apps, word, policy.requireSignOff)]
      }
    }
  }
  if (people.override !== null) {
    const o = people.override
    reasons = [`${o.recommendation} by override of ${o.by}: ${o.reason} (automated: ${o.automated ?? 'none'})`, ...reasons]
    recommendation = o.recommendation
  }
  return { recommendation, automated, reasons, waived, awaitingSignOff }
}

/** The latest sign-off of each app given at or after `since`. */
export function latestSignOffs (notes: Note[], since: number): Map<string, 'ok' | 'concern'> {
  const out = new Map<string, 'ok' | 'concern'>()
  for (const n of notes) if (n.signOff !== null && Date.parse(n.at) >= since) out.set(n.app, n.signOff)
  return out
}

function resultOf (spec: AppSpec, verdict: Status): Parameters<typeof recommend>[0][number]['result'] {
  return { app: spec.name, critical: spec.critical ?? false, verdict, reasons: [], canaryHosts: [], baselineHosts: [], metrics: [] }
}

function waiverLine (w: Waiver, verdict: Status | undefined): string {
  return `${w.app} ${verdict ?? ''} waived by ${w.by}: ${w.reason}`.replace(/ {2}/g, ' ')
}

function signOffLine (apps: string[], specs: AppSpec[], word: Map<string, 'ok' | 'concern'>, which: 'critical' | 'all'): string {
  const team = new Map(specs.map(s => [s.name, s.team]))
  const named = apps.slice(0, 10).map(a => {
    const t = team.get(a)
    const concern = word.get(a) === 'concern' ? ', concern raised' : ''
    return `${a}${t === undefined ? '' : ` (${t}${concern})`}${t === undefined && concern !== '' ? ' (concern raised)' : ''}`
  })
  const more = apps.length > 10 ? ` and ${apps.length - 10} more` : ''
  return `GO waits for the ${which === 'all' ? '' : 'critical apps\' '}sign-off: ${named.join(', ')}${more}`
}
