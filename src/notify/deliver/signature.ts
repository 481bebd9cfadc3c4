import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * The X-Gonogo-Signature value for `body` sent at `timestamp` (unix seconds):
 * `t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`. The timestamp
 * is inside the signed text so a captured request cannot be replayed later
 * with a fresh `t`.
 */
export function signatureHeader (secret: string, body: string | Buffer, timestamp: number): string {
  return `t=${timestamp},v1=${hmac(secret, timestamp, body)}`
}

/**
 * Checks an X-Gonogo-Signature header against the raw request body, as a
 * receiver must: the body exactly as received (before any JSON parsing), a
 * timestamp no further than `toleranceSeconds` from `now` (unix seconds), and
 * any one `v1` matching in constant time. Returns false for anything
 * malformed rather than throwing.
 */
export function verifySignature (
  secret: string,
  header: string | undefined | null,
  body: string | Buffer,
  toleranceSeconds = 300,
  now: number = Math.floor(Date.now() / 1000)
): boolean {
  if (typeof header !== 'string' || header === '' || secret === '') return false
  let timestamp: number | undefined
  const candidates: string[] = []
  for (const part of header.split(',')) {
    const eq = part.indexOf('=')
    if (eq === -1) continue
    const key = part.slice(0, eq).trim()
    const value = part.slice(eq + 1).trim()
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value)
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) candidates.push(value.toLowerCase())
  }
  if (timestamp === undefined || candidates.length === 0) return false
  if (Math.abs(now - timestamp) > toleranceSeconds) return false
  const expected = Buffer.from(hmac(secret, timestamp, body), 'hex')
  return candidates.some(c => timingSafeEqual(Buffer.from(c, 'hex'), expected))
}

function hmac (secret: string, timestamp: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')
}
