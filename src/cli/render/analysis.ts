/** A checkpoint result (POST /v1/analyses) for a terminal: the recommendation, why, and each app. */
import type { CheckpointResult } from '../../schemas/result.ts'
import { clean, fit, type Style } from '../style.ts'
import { renderTable } from '../table.ts'

const ORDER = ['PASS', 'WARN', 'FAIL', 'NO_DATA', 'INCONCLUSIVE'] as const

export function renderAnalysis (r: CheckpointResult, style: Style, width?: number): string[] {
  const counts = ORDER.filter(v => (r.summary[v] ?? 0) > 0).map(v => `${r.summary[v]} ${style.verdict(v)}`).join(', ')
  const lines = [`${style.recommendation(r.recommendation)}  ${r.apps.length} app${r.apps.length === 1 ? '' : 's'}` +
    ` over ${r.window.from} → ${r.window.until}${counts === '' ? '' : `: ${counts}`}`]
  for (const reason of r.reasons) lines.push(cut(`  - ${clean(reason)}`, width))
  lines.push('')
  const rows = r.apps.map(a => [
    clean(a.app) + (a.critical ? ' *' : ''),
    style.verdict(a.verdict),
    a.verdict === 'PASS' ? style.dim(clean(a.reasons[0] ?? '')) : clean(a.reasons.join('; '))
  ])
  lines.push(...renderTable(['APP', 'VERDICT', 'WHY'], rows, { width }))
  return lines
}

function cut (line: string, width?: number): string {
  return width === undefined ? line : fit(line, width)
}
