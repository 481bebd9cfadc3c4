/**
 * Colour, only where it helps: on a terminal, unless NO_COLOR is set (https://no-color.org) or
 * --no-color is given; FORCE_COLOR turns it on for a pipe. Every coloured thing also reads
 * without colour (a verdict is a letter or a word), so nothing is lost when it is off.
 */
import type { Recommendation, Status } from '../schemas/common.ts'

export interface Stream { isTTY?: boolean, columns?: number }

export function colorWanted (stream: Stream, env: NodeJS.ProcessEnv, flag = true): boolean {
  if (!flag) return false
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  const force = env.FORCE_COLOR
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false'
  return stream.isTTY === true && env.TERM !== 'dumb'
}

const CODES = {
  bold: '1',
  dim: '2',
  red: '31',
  green: '32',
  yellow: '33',
  blue: '34',
  magenta: '35',
  cyan: '36',
  boldRed: '1;31',
  boldGreen: '1;32',
  boldYellow: '1;33'
} as const
export type Paint = keyof typeof CODES

export class Style {
  constructor (readonly color: boolean) {}

  paint (paint: Paint, text: string): string {
    return this.color && text !== '' ? `\u001b[${CODES[paint]}m${text}\u001b[0m` : text
  }

  bold (text: string): string { return this.paint('bold', text) }
  dim (text: string): string { return this.paint('dim', text) }

  /** A verdict as a word: PASS, WARN, FAIL, NO_DATA, INCONCLUSIVE. */
  verdict (status: Status | null): string {
    return status === null ? this.dim('-') : this.paint(VERDICT[status].paint, status)
  }

  /** A verdict as one letter (P W F N I), for the checkpoint columns. */
  letter (status: Status | null): string {
    return status === null ? this.dim('.') : this.paint(VERDICT[status].paint, VERDICT[status].letter)
  }

  /** GO, NO_GO or INCONCLUSIVE (or a shorter label) in its colour. */
  recommendation (rec: Recommendation | null, label: string = rec ?? 'none yet'): string {
    if (rec === null) return this.dim(label)
    return this.paint(rec === 'GO' ? 'boldGreen' : rec === 'NO_GO' ? 'boldRed' : 'boldYellow', label)
  }
}

export const VERDICT: Record<Status, { letter: string, paint: Paint }> = {
  PASS: { letter: 'P', paint: 'green' },
  WARN: { letter: 'W', paint: 'yellow' },
  FAIL: { letter: 'F', paint: 'boldRed' },
  NO_DATA: { letter: 'N', paint: 'magenta' },
  INCONCLUSIVE: { letter: 'I', paint: 'cyan' }
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g

/** What a terminal shows of a string: its code points without colour codes. */
export function visibleWidth (text: string): number {
  return [...text.replace(ANSI, '')].length
}

/**
 * Text from the service made safe for a terminal: app names, reasons and notes come from New
 * Relic data and people, and an escape sequence in one must not drive the terminal.
 */
export function clean (text: string): string {
  return text.replace(CONTROL, '?')
}

/** Cuts text to a width, with an ellipsis; colour codes are dropped from cut text. */
export function fit (text: string, width: number): string {
  if (visibleWidth(text) <= width) return text
  const plain = [...text.replace(ANSI, '')]
  return width <= 1 ? plain.slice(0, width).join('') : plain.slice(0, width - 1).join('') + '…'
}
