/**
 * Columns laid out for a terminal: each as wide as its widest cell (colour codes not counted),
 * two spaces apart; a row that is a plain string is a full-width line (a team's heading).
 */
import { fit, visibleWidth } from './style.ts'

export type Row = string[] | string

export interface TableOptions {
  align?: Array<'left' | 'right'>
  /** The last column is cut to fit this width (a terminal's columns), when given. */
  width?: number
  gap?: number
}

export function renderTable (header: string[], rows: Row[], opts: TableOptions = {}): string[] {
  const gap = ' '.repeat(opts.gap ?? 2)
  const cells = [header, ...rows.filter((r): r is string[] => Array.isArray(r))]
  const widths = header.map((_, i) => Math.max(...cells.map(r => visibleWidth(r[i] ?? ''))))
  const last = header.length - 1
  const line = (row: string[]): string => {
    const parts = row.map((cell, i) => {
      if (i === last) {
        if (opts.width === undefined) return cell
        const used = widths.slice(0, last).reduce((a, b) => a + b + gap.length, 0)
        return fit(cell, Math.max(10, opts.width - used))
      }
      return pad(cell, widths[i], opts.align?.[i] ?? 'left')
    })
    return parts.join(gap).trimEnd()
  }
  return [line(header), ...rows.map(r => typeof r === 'string' ? r : line(r))]
}

export function pad (text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fill = ' '.repeat(Math.max(0, width - visibleWidth(text)))
  return align === 'left' ? text + fill : fill + text
}
