import { createHmac } from 'node:crypto'
import t from 'tap'
import { signatureHeader, verifySignature } from '../../../src/notify/deliver/signature.ts'

const secret = 'whsec-0123456789abcdef'
const body = '{"id":"ro_1.0.checkpoint.completed","type":"checkpoint.completed"}'
const now = 1_747_216_800

t.test('the header is t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">', async t => {
  const expected = createHmac('sha256', secret).update(`${now}.${body}`).digest('hex')
  t.equal(signatureHeader(secret, body, now), `t=${now},v1=${expected}`)
})

t.test('a valid signature verifies, from a string or the raw bytes', async t => {
  const header = signatureHeader(secret, body, now)
  t.ok(verifySignature(secret, header, body, 300, now))
  t.ok(verifySignature(secret, header, Buffer.from(body), 300, now + 299))
})

t.test('a tampered body, a wrong secret or a stale timestamp fail', async t => {
  const header = signatureHeader(secret, body, now)
  t.notOk(verifySignature(secret, header, body.replace('completed', 'failed'), 300, now), 'tampered body')
  t.notOk(verifySignature(secret, header, body + ' ', 300, now), 'one byte more')
  t.notOk(verifySignature('whsec-another-secret-000', header, body, 300, now), 'wrong secret')
  t.notOk(verifySignature(secret, header, body, 300, now + 301), 'stale')
  t.notOk(verifySignature(secret, header, body, 300, now - 301), 'from the future')
  // A replay with a fresh t and the old v1 fails: t is inside the signed text.
  t.notOk(verifySignature(secret, header.replace(`t=${now}`, `t=${now + 1000}`), body, 300, now + 1000), 'replayed with a new t')
})

t.test('malformed headers fail without throwing', async t => {
  for (const header of [undefined, null, '', 'garbage', `t=${now}`, 'v1=abc', `t=abc,v1=${'0'.repeat(64)}`, `t=${now},v1=xyz`]) {
    t.notOk(verifySignature(secret, header, body, 300, now), String(header))
  }
  t.notOk(verifySignature('', signatureHeader('', body, now), body, 300, now), 'an empty secret never verifies')
})

t.test('any of several v1 values may match (secret rotation)', async t => {
  const good = signatureHeader(secret, body, now).split(',')[1]
  t.ok(verifySignature(secret, `t=${now},v1=${'a'.repeat(64)},${good}`, body, 300, now))
})
