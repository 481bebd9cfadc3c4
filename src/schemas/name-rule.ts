/**
 * The one rule for names (apps, hosts, teams): what NRQL quoting cannot write, the schema
 * refuses. Both src/newrelic/nrql.ts and the request schemas read it from here, so a name
 * the API accepts is a name every checkpoint can query.
 */

/** Longest name, in UTF-16 code units as NRQL counts them. */
export const MAX_NAME_LENGTH = 255

// C0 and C1 controls, DEL, and the Unicode line/paragraph separators: no escaping in an NRQL
// literal makes them safe, and New Relic never reports them in an attribute.
const UNSAFE_RANGES = '\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029'

/** Matches a character no name may contain. */
export const UNSAFE_NAME_CHARS = new RegExp(`[${UNSAFE_RANGES}]`, 'u')

/** The JSON Schema pattern of a name; validation.ts recognises it to name the character. */
export const NAME_PATTERN = `^[^${UNSAFE_RANGES}]+$`

const CHAR_NAMES: Record<number, string> = {
  0x00: 'NULL',
  0x09: 'CHARACTER TABULATION',
  0x0a: 'LINE FEED',
  0x0d: 'CARRIAGE RETURN',
  0x1b: 'ESCAPE',
  0x7f: 'DELETE',
  0x85: 'NEXT LINE',
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR'
}

/** "U+2028 (LINE SEPARATOR)": a character as a person can look it up, never the raw character. */
export function describeChar (char: string): string {
  const code = char.codePointAt(0) ?? 0
  const hex = code.toString(16).toUpperCase().padStart(4, '0')
  const name = CHAR_NAMES[code] ?? (code < 0xa0 ? 'a control character' : undefined)
  return name === undefined ? `U+${hex}` : `U+${hex} (${name})`
}

/** The first character of `value` no name may contain, or undefined. */
export function unsafeCharOf (value: string): string | undefined {
  return UNSAFE_NAME_CHARS.exec(value)?.[0]
}

/** "contains U+2028 (LINE SEPARATOR), which NRQL cannot quote", or undefined for a writable name. */
export function unsafeNameReason (value: string): string | undefined {
  const char = unsafeCharOf(value)
  return char === undefined ? undefined : `contains ${describeChar(char)}, which NRQL cannot quote`
}
