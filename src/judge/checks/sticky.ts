/**
 * A sequential test that rejected stays rejected: an error or latency regression FAILed at
 * one look (evidence over the margin at that time) is still a FAIL at later looks, even
 * when the cumulative numbers have eased, as a transient regression's do. The first FAIL
 * is remembered in the evidence and named in later details.
 */
import type { Status } from '../../schemas/common.ts'

/** The look at which a test first FAILed: window end (epoch ms) and the few words it had then. */
export interface EarlierFail { at: number, short: string }

/** The status after an earlier FAIL is taken into account, and the FAIL it stands on (null: its own). */
export function stickyStatus (status: Status, earlier: EarlierFail | undefined): { status: Status, since: EarlierFail | null } {
  if (earlier === undefined || status === 'FAIL' || status === 'NO_DATA') return { status, since: null }
  return { status: 'FAIL', since: earlier }
}
