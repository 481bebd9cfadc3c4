/**
 * The judge's evidence as stored. With incremental reads it carries the fetcher's state already
 * deflated, as base64 text (`carry.z`, newrelic/carry.ts): deflating that again wins nothing,
 * while its bytes as bytes are a quarter smaller. So a packed evidence is a marker byte, the
 * length of the deflated rest, the deflated rest (JSON with `carry.z` empty) and then the
 * carried bytes. Evidence without a carry is packed as any value (packed.ts); evidence stored
 * before either is plain JSON, and each is read back as the same JSON text.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import { pack, unpack } from './packed.ts'

const MARKER = 0x02

export function packEvidence (json: string): Buffer {
  const ev = JSON.parse(json) as { carry?: { z?: unknown } }
  const z = ev.carry?.z
  if (typeof z !== 'string' || ev.carry === undefined) return pack(json)
  const raw = Buffer.from(z, 'base64')
  // Only text that comes back the same: anything else stays as it is.
  if (raw.toString('base64') !== z) return pack(json)
  ev.carry.z = ''
  const rest = deflateRawSync(JSON.stringify(ev))
  const head = Buffer.alloc(5)
  head[0] = MARKER
  head.writeUInt32BE(rest.length, 1)
  return Buffer.concat([head, rest, raw])
}

export function unpackEvidence (value: Buffer | null): string | null {
  if (value === null || value[0] !== MARKER) return unpack(value)
  const n = value.readUInt32BE(1)
  const ev = JSON.parse(inflateRawSync(value.subarray(5, 5 + n)).toString()) as { carry: { z: string } }
  ev.carry.z = value.subarray(5 + n).toString('base64')
  return JSON.stringify(ev)
}
