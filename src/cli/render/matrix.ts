/**
 * A rollout's matrix for a terminal: the heading (name, state, window, hosts, recommendation,
 * gate, override), then one row per app grouped by team, one column per checkpoint with the
 * verdict as a coloured letter, the decision (or latest) verdict as a word, people's word
 * (sign-off, waiver, notes), then the reasons of the apps that are not PASS and a legend.
 */
import type { Matrix, MatrixRow } from '../../schemas/board.ts'
import type { Recommendation } from '../../schemas/common.ts'
import { clean, fit, visibleWidth, type Style } from '../style.ts'
import { renderTable, type Row } from '../table.ts'
import { clockOf, formatLocal } from '../time.ts'

export interface MatrixRenderOptions {
  style: Style
  /** Cut long lines to this width (a terminal's), when given. */
  width?: number
  /** The rollout's existing hosts: null for every other host reporting each app; undefined when not known. */
  baselineHosts?: string[] | null
}

export function renderMatrix (m: Matrix, opts: MatrixRenderOptions): string[] {
  const s = opts.style
  const cut = (line: string): string => opts.width === undefined ? line : fit(line, opts.width)
  const lines: string[] = []
  lines.push(cut(`${s.bold(clean(m.name))}  ${s.dim(m.rolloutId)}`))
  const window = `${formatLocal(m.startAt, m.timezone)} → ${formatLocal(m.decisionAt, m.timezone)}`
  lines.push(cut(`state ${stateWord(s, m.state)} · window ${window}${m.timezone === 'UTC' ? '' : ` (${clean(m.timezone)})`}`))
  lines.push(cut(`hosts new ${m.canaryHosts.map(clean).join(', ')} · existing ${existing(opts.baselineHosts)}`))
  const automated = m.automated !== m.recommendation ? ` · automated ${s.recommendation(m.automated)}` : ''
  const when = m.gate.final ? ' (final)' : m.recommendation === null ? '' : ' (so far)'
  lines.push(cut(`recommendation ${s.recommendation(m.recommendation)}${when}${automated}`))
  lines.push(cut(`gate ${m.gate.open ? s.paint('green', 'open') : s.paint('red', 'closed')}: ${clean(m.gate.reason)}`))
  if (m.override !== null) {
    const o = m.override
    lines.push(cut(`override ${s.recommendation(o.recommendation)} by ${clean(o.by)} at ${formatLocal(o.at, m.timezone)}: ` +
      `${clean(o.reason)} (automated ${o.automated ?? 'none'})`))
  }
  for (const reason of m.reasons) lines.push(cut(`  - ${clean(reason)}`))
  lines.push('')
  if (m.apps.length === 0) {
    lines.push(s.dim('no apps' + (m.teams.length > 0 ? ' in this team' : '')))
    return lines
  }
  const layout = table(m, opts)
  lines.push(...layout.lines)
  lines.push('')
  lines.push(...details(m, opts).map(cut))
  lines.push(s.dim(cut('P PASS  W WARN  F FAIL  N NO_DATA  I INCONCLUSIVE (INC)  . not yet  x failed  - skipped  * critical')))
  if (layout.timeline) lines.push(s.dim(cut('one letter per checkpoint; the rollout row: G GO  N NO_GO  I INCONCLUSIVE')))
  return lines
}

/** At most this many plan entries get a column each; more (a checkpoint every 5 minutes) make one timeline of letters. */
const MAX_COLUMNS = 12

interface Layout { lines: string[], timeline: boolean }

/** One column per checkpoint when they fit; otherwise one letter per checkpoint in a timeline, cut to fit. */
function table (m: Matrix, opts: MatrixRenderOptions): Layout {
  const width = opts.width
  const n = m.plan.length
  if (n <= MAX_COLUMNS) {
    const lines = build(m, opts, { from: 0, to: n }, false).lines
    if (width === undefined || lines.every(l => visibleWidth(l) <= width)) return { lines, timeline: false }
  }
  if (width === undefined) return { lines: build(m, opts, { from: 0, to: n }, true).lines, timeline: true }
  // What does not fit comes out of PEOPLE first (the table cuts it to 10), then out of the checkpoints still
  // pending at the end, then out of the oldest: the latest verdicts stay. Each cut side costs a '…'.
  const whole = build(m, { ...opts, width: undefined }, { from: 0, to: n }, true)
  let need = Math.max(...whole.lines.map(visibleWidth)) - width - Math.max(0, whole.peopleWidth - 10)
  if (need <= 0) return { lines: build(m, opts, { from: 0, to: n }, true).lines, timeline: true }
  let recorded = 0
  m.plan.forEach((p, i) => { if (p.status !== 'pending') recorded = i + 1 })
  const pending = n - recorded
  const tail = pending > 1 ? Math.min(pending, need + 1) : 0
  need -= Math.max(0, tail - 1)
  const head = need > 0 ? Math.min(need + 1, n - tail - 1) : 0
  return { lines: build(m, opts, { from: head, to: n - tail }, true).lines, timeline: true }
}

/** The table with plan entries [from, to), as one column each or as one timeline of letters. */
function build (m: Matrix, opts: MatrixRenderOptions, shown: { from: number, to: number }, timeline: boolean):
{ lines: string[], peopleWidth: number } {
  const s = opts.style
  const { from, to } = shown
  const plan = m.plan.slice(from, to)
  const before = from > 0 ? '…' : ''
  const after = to < m.plan.length ? '…' : ''
  const join = (cells: string[]): string[] => timeline ? [before + cells.join('') + after] : cells
  const decided = m.plan.find(p => p.kind === 'decision')?.status === 'ok'
  const span = plan.length === 0 ? '' : `${clockOf(plan[0].localAt)} → ${clockOf(plan[plan.length - 1].localAt)}`
  const times = timeline ? [`${before}${span}${after}`] : plan.map(p => clockOf(p.localAt))
  const header = ['APP', 'OWNERS', ...times, decided ? 'DECISION' : 'LATEST', 'PEOPLE']
  const grouped = groups(m)
  const indent = grouped.length > 1 || grouped[0]?.team !== null ? '  ' : ''
  const rows: Row[] = []
  for (const { team, apps } of grouped) {
    if (indent !== '') rows.push(s.bold(team === null ? '(no team)' : clean(team)))
    for (const row of apps) {
      const cells = plan.map((p, i) => {
        if (p.status === 'failed') return s.paint('red', 'x')
        return p.status === 'skipped' ? s.dim('-') : s.letter(row.verdicts[from + i])
      })
      const latest = latestVerdict(row)
      const verdict = s.verdict(latest) + (row.waiver !== null && latest !== null ? ' (waived)' : '')
      rows.push([
        indent + clean(row.app) + (row.critical ? ' *' : ''),
        fit(row.owners.map(clean).join(', '), 24),
        ...join(cells),
        verdict,
        people(row, s)
      ])
    }
  }
  const recs = plan.map(p => timeline ? letterOf(s, p) : short(s, p.recommendation))
  rows.push([indent + s.dim('rollout'), '', ...join(recs), '', ''])
  const peopleWidth = Math.max(...rows.map(r => typeof r === 'string' ? 0 : visibleWidth(r[r.length - 1])))
  return { lines: renderTable(header, rows, { width: opts.width }), peopleWidth }
}

function groups (m: Matrix): Array<{ team: string | null, apps: MatrixRow[] }> {
  const teams = [...new Set([...m.teams, ...m.apps.map(a => a.team).filter((t): t is string => t !== null)])]
  const out = teams.map(team => ({ team: team as string | null, apps: m.apps.filter(a => a.team === team) })).filter(g => g.apps.length > 0)
  const loose = m.apps.filter(a => a.team === null)
  if (loose.length > 0) out.push({ team: null, apps: loose })
  return out
}

/** The verdict at the decision, or the latest recorded one. */
function latestVerdict (row: MatrixRow): MatrixRow['verdicts'][number] {
  for (let i = row.verdicts.length - 1; i >= 0; i--) if (row.verdicts[i] !== null) return row.verdicts[i]
  return null
}

function latestReason (m: Matrix, row: MatrixRow): string | null {
  for (let i = row.verdicts.length - 1; i >= 0; i--) {
    if (row.verdicts[i] !== null) return m.shortReasons[row.reasons[i] ?? -1] ?? null
  }
  return null
}

function people (row: MatrixRow, s: Style): string {
  const parts: string[] = []
  if (row.signOff !== null) {
    const by = clean(row.signOff.by)
    parts.push(row.signOff.value === 'ok' ? s.paint('green', `ok ${by}`) : s.paint('red', `concern ${by}`))
  }
  if (row.waiver !== null) parts.push(s.paint('yellow', `waived ${clean(row.waiver.by)}`))
  if (row.notes > 0) parts.push(`${row.notes} note${row.notes === 1 ? '' : 's'}`)
  return parts.join(' · ')
}

/** Why each app that is not PASS is not, and why each waiver was given. */
function details (m: Matrix, opts: MatrixRenderOptions): string[] {
  const lines: string[] = []
  for (const row of m.apps) {
    const verdict = latestVerdict(row)
    const reason = latestReason(m, row)
    if (verdict !== null && verdict !== 'PASS') {
      lines.push(`${clean(row.app)}: ${opts.style.verdict(verdict)} ${clean(reason ?? '')}`.trimEnd())
    }
    if (row.waiver !== null) lines.push(`${clean(row.app)}: waived by ${clean(row.waiver.by)}: ${clean(row.waiver.reason)}`)
  }
  return lines
}

/** A checkpoint's recommendation in a timeline: G, N, I; `.` not yet, `x` failed. */
function letterOf (s: Style, p: Matrix['plan'][number]): string {
  if (p.recommendation === null) return p.status === 'failed' ? s.paint('red', 'x') : s.dim(p.status === 'skipped' ? '-' : '.')
  return s.recommendation(p.recommendation, p.recommendation[0])
}

/** A checkpoint's recommendation in a five-wide column: GO, NO_GO, INC. */
function short (s: Style, rec: Recommendation | null): string {
  return rec === null ? '' : s.recommendation(rec, rec === 'INCONCLUSIVE' ? 'INC' : rec)
}

export function stateWord (s: Style, state: Matrix['state']): string {
  return state === 'monitoring' ? s.paint('blue', state) : state === 'decided' ? s.bold(state) : s.dim(state)
}

function existing (hosts: string[] | null | undefined): string {
  if (hosts === undefined) return '-'
  return hosts === null ? 'every other host reporting each app' : hosts.map(clean).join(', ')
}
