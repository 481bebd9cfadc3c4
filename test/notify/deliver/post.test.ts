import { createHash } from 'node:crypto'
import type dns from 'node:dns'
import t from 'tap'
import { guardedAgent, publicOnlyLookup } from '../../../src/notify/deliver/guard.ts'
import { parseRetryAfter, postOnce } from '../../../src/notify/deliver/post.ts'
import { Receiver } from '../helpers/receiver.ts'

/** A resolver that answers every name with 127.0.0.1, like a DNS-rebinding attacker's. */
const rebinding = ((_host: string, _opts: unknown, cb: (err: null, addresses: dns.LookupAddress[]) => void) => {
  cb(null, [{ address: '127.0.0.1', family: 4 }])
}) as unknown as typeof dns.lookup

const agent = (allowHosts: string[], lookup?: typeof dns.lookup) =>
  guardedAgent({ allowHosts, connectTimeoutMs: 2000, headersTimeout: 2000, bodyTimeout: 2000, lookup })

t.test('classification of answers', async t => {
  const receiver = await Receiver.start()
  const dispatcher = agent(['127.0.0.1'])
  t.teardown(async () => { await dispatcher.close(); await receiver.stop() })
  const post = async () => await postOnce({
    url: receiver.url(), body: '{}', headers: { 'content-type': 'application/json' }, timeoutMs: 1000, dispatcher
  })

  receiver.handler = () => ({ status: 202 })
  t.same(await post(), { ok: true, status: 202 })
  const answer = 'invalid_blocks\n\u001b[31mforged log line'
  const digest = `sha256:${createHash('sha256').update(answer).digest('hex').slice(0, 12)} (${Buffer.byteLength(answer)} bytes)`
  receiver.handler = () => ({ status: 400, body: answer })
  t.same(await post(), {
    ok: false, permanent: true, status: 400, digest, error: `HTTP 400 (the receiver refused the message), answer ${digest}`
  }, 'the answer only as its digest: nothing the receiver wrote is kept')
  receiver.handler = () => ({ status: 404 })
  t.match(await post(), { ok: false, permanent: true, status: 404 })
  receiver.handler = () => ({ status: 408 })
  t.match(await post(), { ok: false, permanent: false, status: 408 })
  receiver.handler = () => ({ status: 429, headers: { 'retry-after': '7' } })
  t.match(await post(), { ok: false, permanent: false, status: 429, retryAfterMs: 7000 })
  receiver.handler = () => ({ status: 503 })
  t.same(await post(), { ok: false, permanent: false, status: 503, error: 'HTTP 503 (the receiver failed or is unavailable)' })
  receiver.handler = () => ({ status: 500, body: 'x'.repeat(200_000) })
  t.match(await post(), { status: 500, digest: /^sha256:[0-9a-f]{12} \(first 65536 bytes\)$/ }, 'a long answer: its first 64 KiB')
  receiver.handler = () => ({ status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data' } })
  const before = receiver.requests.length
  t.match(await post(), { ok: false, permanent: true, status: 302, error: /redirects are not followed/ })
  t.equal(receiver.requests.length, before + 1, 'the redirect was not followed')
  receiver.handler = () => 'hang'
  const started = Date.now()
  t.same(await post(), { ok: false, permanent: false, error: 'timed out after 1000 ms' })
  t.ok(Date.now() - started < 2500, 'the attempt ended at its timeout')
})

t.test('connection refused is retryable', async t => {
  const receiver = await Receiver.start()
  const url = receiver.url()
  await receiver.stop()
  const dispatcher = agent(['127.0.0.1'])
  t.teardown(async () => await dispatcher.close())
  t.match(await postOnce({ url, body: '{}', headers: {}, timeoutMs: 1000, dispatcher }),
    { ok: false, permanent: false, error: 'network error ECONNREFUSED' })
})

t.test('without the allow list, loopback is never reached: literal IPs and names that resolve to it', async t => {
  const receiver = await Receiver.start()
  const dispatcher = agent([], rebinding)
  t.teardown(async () => { await dispatcher.close(); await receiver.stop() })
  const literal = await postOnce({ url: receiver.url(), body: '{}', headers: {}, timeoutMs: 1000, dispatcher })
  t.match(literal, { ok: false, permanent: true, error: /^blocked: 127\.0\.0\.1 connected to a non-public address/ })
  // Validation saw a public address; at delivery the name resolves to loopback (rebinding).
  const rebound = await postOnce({
    url: `http://receiver.example.com:${receiver.port}/hook`, body: '{}', headers: {}, timeoutMs: 1000, dispatcher
  })
  t.match(rebound, {
    ok: false, permanent: true, error: /^blocked: receiver\.example\.com resolves to a non-public address \(127\.0\.0\.1\)/
  })
  t.equal(receiver.requests.length, 0, 'no request reached the receiver')
})

t.test('an allowed host name may resolve to loopback', async t => {
  const receiver = await Receiver.start()
  // The allowed path uses the system resolver: "localhost" is the one name it resolves offline.
  const local = agent(['localhost'])
  t.teardown(async () => { await local.close(); await receiver.stop() })
  t.same(await postOnce({ url: `http://localhost:${receiver.port}/hook`, body: '{}', headers: {}, timeoutMs: 1000, dispatcher: local }),
    { ok: true, status: 200 })
})

t.test('parseRetryAfter reads seconds and HTTP dates', async t => {
  t.equal(parseRetryAfter('120'), 120_000)
  t.equal(parseRetryAfter(new Date(Date.parse('2025-01-01T00:00:30Z')).toUTCString(), Date.parse('2025-01-01T00:00:00Z')), 30_000)
  t.equal(parseRetryAfter('soon'), undefined)
  t.equal(parseRetryAfter(undefined), undefined)
})

t.test('the guarded lookup hands public answers on in both callback shapes', async t => {
  const publicDns = ((_h: string, _o: unknown, cb: (err: null, a: dns.LookupAddress[]) => void) => {
    cb(null, [{ address: '93.184.216.34', family: 4 }, { address: '2606:2800:220:1::1', family: 6 }])
  }) as unknown as typeof dns.lookup
  const lookup = publicOnlyLookup(publicDns)
  const all = await new Promise(resolve => lookup('x.example.com', { all: true }, (_e, a) => resolve(a)))
  t.same(all, [{ address: '93.184.216.34', family: 4 }, { address: '2606:2800:220:1::1', family: 6 }])
  const one = await new Promise(resolve => lookup('x.example.com', {}, (_e, a, f) => resolve([a, f])))
  t.same(one, ['93.184.216.34', 4])
  const mixed = publicOnlyLookup(((_h: string, _o: unknown, cb: (err: null, a: dns.LookupAddress[]) => void) => {
    cb(null, [{ address: '93.184.216.34', family: 4 }, { address: '::ffff:10.0.0.1', family: 6 }])
  }) as unknown as typeof dns.lookup)
  const err = await new Promise(resolve => mixed('x.example.com', { all: true }, (e) => resolve(e)))
  t.match(err, { code: 'GONOGO_BLOCKED_ADDRESS', message: /non-public address \(::ffff:10\.0\.0\.1\)/ })
})

t.test('an allow-list entry with a port allows that port only', async t => {
  const receiver = await Receiver.start()
  const exact = agent([`127.0.0.1:${receiver.port}`])
  const other = agent(['127.0.0.1:1'])
  t.teardown(async () => { await exact.close(); await other.close(); await receiver.stop() })
  t.same(await postOnce({ url: receiver.url(), body: '{}', headers: {}, timeoutMs: 1000, dispatcher: exact }), { ok: true, status: 200 })
  t.match(await postOnce({ url: receiver.url(), body: '{}', headers: {}, timeoutMs: 1000, dispatcher: other }),
    { ok: false, permanent: true, error: /^blocked/ })
})
