/** Rollouts for a terminal: the list of `gonogo ls`, and what `gonogo rollout create` made. */
import type { Rollout, RolloutSummary } from '../../schemas/rollout.ts'
import { clean, fit, type Style } from '../style.ts'
import { renderTable } from '../table.ts'
import { formatLocal } from '../time.ts'
import { stateWord } from './matrix.ts'

export function renderList (items: RolloutSummary[], style: Style, width?: number): string[] {
  const rows = items.map(r => [
    r.id,
    stateWord(style, r.state),
    // People's override is what the gate follows: shown first, the automated decision after it.
    r.override === null || r.override === undefined
      ? style.recommendation(r.recommendation, r.recommendation ?? '-')
      : `${style.recommendation(r.override.recommendation, r.override.recommendation)} (override; automated ${r.recommendation ?? '-'})`,
    `${r.progress.ok}/${r.progress.total}${r.progress.failed > 0 ? style.paint('red', ` ${r.progress.failed} failed`) : ''}`,
    formatLocal(r.decisionAt, r.timezone),
    clean(r.name)
  ])
  return renderTable(['ID', 'STATE', 'RECOMMENDATION', 'DONE', 'DECISION AT', 'NAME'], rows, { width })
}

export function renderCreated (r: Rollout & { warnings?: string[] }, style: Style, width?: number): string[] {
  const cut = (line: string): string => width === undefined ? line : fit(line, width)
  const checkpoints = r.plan.filter(p => p.kind === 'checkpoint').length
  const lines = [
    `created ${style.bold(r.id)} ${clean(JSON.stringify(r.name))} (${stateWord(style, r.state)})`,
    `  window ${formatLocal(r.startAt, r.timezone)} → ${formatLocal(r.decisionAt, r.timezone)} (${clean(r.timezone)}), ` +
      `${checkpoints} checkpoint${checkpoints === 1 ? '' : 's'} every ${r.checkpointEvery} then the decision`,
    cut(`  ${r.apps.length} app${r.apps.length === 1 ? '' : 's'}; new ${r.canaryHosts.map(clean).join(', ')}; existing ` +
      (r.baselineHosts === null ? 'every other host reporting each app' : r.baselineHosts.map(clean).join(', ')))
  ]
  for (const w of r.warnings ?? []) lines.push(cut(style.paint('yellow', `  warning: ${clean(w)}`)))
  lines.push(style.dim(`next: gonogo status ${r.id} --watch   or   gonogo wait ${r.id}`))
  return lines
}
