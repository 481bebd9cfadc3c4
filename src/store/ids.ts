import { randomBytes } from 'node:crypto'

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/**
 * A ULID: 48 bits of milliseconds then 80 random bits, in Crockford base32.
 * Ids sort by creation time, which is what lets listing page through a Redis
 * sorted set by id alone (newest first, with the last id as the cursor).
 */
export function newRolloutId (now = Date.now()): string {
  const time = idPrefix(now)
  const bytes = randomBytes(16)
  let rand = ''
  for (let i = 0; i < 16; i++) rand += ALPHABET[bytes[i] % 32]
  return time + rand
}

/** Creation time encoded in a rollout id. */
export function idTime (id: string): number {
  let t = 0
  for (const c of id.slice(0, 10)) t = t * 32 + ALPHABET.indexOf(c)
  return t
}

/** The 10-character time part of the ids created at `ms`: ids below it are older. */
export function idPrefix (ms: number): string {
  let time = ''
  let t = Math.max(0, Math.floor(ms))
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time
    t = Math.floor(t / 32)
  }
  return time
}
