import type { EarlierFail } from '../checks/sticky.ts'

/** Words of a FAIL that stands from an earlier look: the look's own sentence, then since when and why. */
export function explainSticky (words: { detail: string, short: string }, since: EarlierFail): { detail: string, short: string } {
  const when = new Date(since.at).toISOString().slice(11, 16)
  return {
    detail: `${words.detail}; FAIL since the ${when}Z checkpoint (${since.short}): ` +
      'a regression seen once still counts, though the numbers have eased since',
    short: `${since.short} at ${when}Z`
  }
}
