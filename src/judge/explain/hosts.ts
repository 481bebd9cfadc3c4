/**
 * A metric decided by one new host's own test: "error rate 2.0% on PRDWEB2025B vs 1.0% on 4
 * existing hosts (x2.0, ...); PRDWEB2025A, PRDWEB2025C like the existing hosts".
 */
export function hostWords (
  flagged: Array<{ host: string, words: { detail: string, short: string } }>, like: string[],
  unclear: Array<{ host: string, status: string }> = []
): { detail: string, short: string } {
  // Every new host is accounted for: one that neither stands out nor passes yet is said so, not left out.
  const detail = flagged.map(f => f.words.detail).join('; ') + (like.length === 0 ? '' : `; ${like.join(', ')} like the existing hosts`) +
    unclear.map(u => `; ${u.host} not yet told apart from them (${u.status})`).join('')
  const more = flagged.length > 1 ? ` and ${flagged.length - 1} more` : ''
  return { detail, short: `${flagged[0].words.short} on ${flagged[0].host}${more}` }
}
