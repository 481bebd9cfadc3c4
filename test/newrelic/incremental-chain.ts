/**
 * Runs a rollout's chain of checkpoints the way src/jobs/run-checkpoint.ts does (each planned
 * checkpoint continues the evidence of the last successful one before it, as stored: JSON),
 * once reading incrementally and once reading the whole window, and compares what they judged.
 */
import type { Test } from 'tap'
import { runAnalysis, type ReadMode } from '../../src/analysis/run.ts'
import { slowThresholdsOf, type EvidenceState } from '../../src/judge/index.ts'
import type { NerdGraphClient } from '../../src/newrelic/client.ts'
import type { Target } from '../../src/rollout/target.ts'
import type { CheckpointResult } from '../../src/schemas/result.ts'

export type Out = Awaited<ReturnType<typeof runAnalysis>>

export async function look (
  client: NerdGraphClient, target: Target, from: number, until: number, horizon: number, read: ReadMode, evidence?: EvidenceState
): Promise<Out> {
  const out = await runAnalysis(client, target, { from, until }, {
    asOf: until, evidence, slowThresholdsS: evidence === undefined ? undefined : slowThresholdsOf(evidence), read, horizon
  })
  // As recorded and read back by the worker.
  return { ...out, evidence: JSON.parse(JSON.stringify(out.evidence)) as EvidenceState }
}

/** Numbers may differ by this much, relatively (sums of averages against one average). */
export const REL_TOLERANCE = 1e-9

/**
 * Every app's verdict, every metric's status, and every number within REL_TOLERANCE; the
 * sentences compared with their numbers masked (a last digit may round the other way).
 */
export function sameResult (t: Test, a: CheckpointResult, b: CheckpointResult, label: string, loose?: Loose): void {
  const tol = loose?.rel ?? REL_TOLERANCE
  const close = (x: unknown, y: unknown): boolean => near(x, y, tol)
  const masked = (s: unknown): unknown => loose === undefined ? mask(s) : null
  t.equal(a.recommendation, b.recommendation, `${label}: recommendation`)
  t.same(a.apps.map(x => [x.app, x.verdict]), b.apps.map(x => [x.app, x.verdict]), `${label}: verdicts`)
  let differs = 0
  for (const [i, app] of a.apps.entries()) {
    const other = b.apps[i]
    for (const [j, m] of app.metrics.entries()) {
      const o = other?.metrics[j]
      const pValues = o !== undefined &&
        (loose?.pValues === false || (close(m.pValue, o.pValue) && close(m.adjustedPValue, o.adjustedPValue)))
      if (o === undefined || m.metric !== o.metric || m.status !== o.status || !pValues ||
        !close(m.canary, o.canary) || !close(m.baseline, o.baseline) || !close(m.effect, o.effect) ||
        !close(m.ci, o.ci) || !close(m.ciFixed, o.ciFixed) || masked(m.detail) !== masked(o.detail)) {
        differs++
        t.fail(`${label}: ${app.app} ${m.metric}`, { found: m, wanted: o })
      }
    }
  }
  if (differs === 0) t.pass(`${label}: every metric of ${a.apps.length} apps agrees`)
}

/**
 * Where the two reads' series buckets cannot be the same (a window that does not end on the
 * bucket grid), numbers within `rel`; `pValues: false` when series-based p-values are expected
 * to move (throughput spans, the Mann-Whitney second opinion in the sentences).
 */
export interface Loose { rel: number, pValues?: boolean }

function near (x: unknown, y: unknown, tol: number): boolean {
  if (typeof x === 'object' && x !== null && typeof y === 'object' && y !== null) {
    const keys = new Set([...Object.keys(x), ...Object.keys(y)])
    return [...keys].every(k => near((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], tol))
  }
  if (typeof x !== 'number' || typeof y !== 'number') return x === y
  return x === y || Math.abs(x - y) <= tol * Math.max(Math.abs(x), Math.abs(y))
}

function mask (s: unknown): unknown {
  return typeof s === 'string' ? s.replace(/\d+(\.\d+)?/g, '#') : s
}
