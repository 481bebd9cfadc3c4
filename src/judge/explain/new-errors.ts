/**
 * The new-errors sentence: "new on PRDIIS09: System.IO.DirectoryNotFoundException x173, seen
 * on no existing host in the window or before it (...)".
 */
import type { NewErrorClass, NewErrorsFacts } from '../checks/new-errors.ts'
import type { Numbers } from '../checks/types.ts'
import { SHORT_NO_BASELINE } from './common.ts'
import { formatCount, formatP } from './format.ts'

export function explainNewErrors (result: Numbers, facts: NewErrorsFacts): { detail: string, short: string } {
  switch (facts.kind) {
    case 'no-data': return { detail: `no error data from ${facts.canaryLabel}`, short: '' }
    case 'no-baseline':
      return {
        detail: `no existing host served ${facts.app} in the window or the pre-window before it: no error classes to compare with`,
        short: SHORT_NO_BASELINE
      }
    case 'none': {
      const n = facts.canaryClasses
      const detail = n === 0
        ? `no error classes on ${facts.canaryLabel}`
        : `no error class on ${facts.canaryLabel} that the existing hosts do not also show (${n} class${n === 1 ? '' : 'es'} seen)`
      return { detail, short: 'none' }
    }
  }
  const { failing, found, canaryLabel } = facts
  if (result.status === 'FAIL') {
    return {
      detail: `new on ${canaryLabel}: ${list(failing)}, seen on no existing host in the window or before it ` +
        `(all on the new host by chance: ${formatP(failing[0].p)})`,
      short: `new error ${failing[0].errorClass} x${formatCount(failing[0].count)}`
    }
  }
  // WARN, or a PASS that still names what was seen (a single occurrence, or evidence e-BH did not select).
  return {
    detail: `seen only on ${canaryLabel}: ${list(found)} (too few to blame the new host: ${formatP(found[0].p)})`,
    short: `new error ${found[0].errorClass} x${formatCount(found[0].count)}`
  }
}

function list (cs: NewErrorClass[]): string {
  return cs.slice(0, 3).map(c => `${c.errorClass} x${formatCount(c.count)}`).join(', ') +
    (cs.length > 3 ? ` and ${cs.length - 3} more` : '')
}
