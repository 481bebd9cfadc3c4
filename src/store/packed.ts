/**
 * Bounded Redis: large JSON values are stored deflated. A packed value is one marker byte and the
 * raw deflate stream; a value without the marker is the JSON as it was stored before (rollouts
 * recorded by an older version), so every reader takes both. Small values that deflate would not
 * shrink stay plain.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib'

/** Never the first byte of JSON text. */
const MARKER = 0x01

export function pack (json: string): Buffer {
  const plain = Buffer.from(json)
  const z = deflateRawSync(plain)
  if (z.length + 1 >= plain.length) return plain
  return Buffer.concat([Buffer.from([MARKER]), z])
}

export function unpack (value: Buffer | string): string
export function unpack (value: Buffer | string | null | undefined): string | null
export function unpack (value: Buffer | string | null | undefined): string | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'string') return value
  return value[0] === MARKER ? inflateRawSync(value.subarray(1)).toString() : value.toString()
}
