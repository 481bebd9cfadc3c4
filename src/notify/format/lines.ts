/**
 * Joins lines with newlines within `max` characters. Lines that do not fit are
 * dropped and counted in a last line such as "+4 more", so a long list shrinks
 * visibly instead of being cut mid-word or rejected by the chat service.
 */
export function joinWithin (lines: readonly string[], max: number, more: (n: number) => string = n => `+${n} more`): string {
  const out: string[] = []
  let used = 0
  for (const [i, line] of lines.entries()) {
    const rest = lines.length - i - 1
    const tail = rest > 0 ? 1 + more(rest).length : 0
    const cost = (out.length > 0 ? 1 : 0) + line.length
    if (used + cost + tail > max) {
      const dropped = lines.length - i
      const note = more(dropped)
      // Always say how many were left out, even when the note itself must be clipped.
      return (out.length > 0 ? `${out.join('\n')}\n${note}` : note).slice(0, max)
    }
    out.push(line)
    used += cost
  }
  return out.join('\n')
}
