/**
 * The hostile notify URLs a review tries, each refused when a rollout is created, with the
 * reason; and the ordinary ones accepted. Every row runs through validateNotifyTargets with a
 * DNS that never leaves the machine, and the rows that need no DNS also through
 * POST /v1/rollouts on the real app.
 */
import t from 'tap'
import { BadRequestError } from '../../src/errors.ts'
import { validateNotifyTargets, type Resolve } from '../../src/notify/targets/validate.ts'
import type { NotifyTarget } from '../../src/schemas/notify.ts'
import { buildTestApp, poolAddRollout } from '../helpers/app.ts'
import { cleanPrefix, uniquePrefix } from '../helpers/redis.ts'
import { SECRET, testConfig } from './helpers/fixtures.ts'

const strict = testConfig({ GONOGO_WEBHOOK_ALLOW_HOSTS: '' })
const allowing = testConfig({ GONOGO_WEBHOOK_ALLOW_HOSTS: '127.0.0.1:8080,receiver.internal' })

const dns: Record<string, string[]> = {
  'hooks.example.com': ['93.184.216.34', '2606:2800:220:1::1'],
  'hooks.slack.com': ['54.230.1.1'],
  'rebind.example.com': ['93.184.216.34', '10.0.0.7'],
  '127.0.0.1.nip.io': ['127.0.0.1'],
  'metadata.goog': ['169.254.169.254'],
  'kubernetes.default.svc.cluster.example': ['10.96.0.1'],
  'mapped.example.com': ['::ffff:127.0.0.1'],
  'nat64.example.com': ['64:ff9b:1::a9fe:a9fe'],
  'cgnat.example.com': ['100.64.1.1']
}
const resolve: Resolve = async (host) => {
  const found = dns[host]
  if (found === undefined) throw new Error(`ENOTFOUND ${host}`)
  return found
}

const ADDRESS = (a: string) => new RegExp(`must not point at a private, loopback or link-local address \\(${a.replace(/[.[\]]/g, '\\$&')}\\)`)
const LOCAL = (n: string) => new RegExp(`must not point at a local host name \\(${n.replace(/\./g, '\\.')}\\)`)
const RESOLVES = (a: string) => new RegExp(`resolves to a private, loopback or link-local address \\(${a.replace(/[.[\]]/g, '\\$&')}\\)`)
const DOT = /must not end its host name with a dot/
const HTTPS = /must use https/
const CREDENTIALS = /must not contain a user name or password/
const SLACK = /must be a Slack incoming webhook URL/
const NOT_A_URL = /must be an absolute URL/

type Row = [what: string, url: string, expect: RegExp | 'ok', opts?: { kind?: NotifyTarget['kind'], allow?: boolean, dns?: boolean }]

const rows: Row[] = [
  // IPv4 in every spelling the WHATWG parser accepts: all become 127.0.0.1 before the check.
  ['decimal IPv4', 'https://2130706433/x', ADDRESS('127.0.0.1')],
  ['hex IPv4', 'https://0x7f000001/x', ADDRESS('127.0.0.1')],
  ['hex and short IPv4', 'https://0x7f.1/x', ADDRESS('127.0.0.1')],
  ['octal IPv4', 'https://0177.0.0.1/x', ADDRESS('127.0.0.1')],
  ['octal single number', 'https://017700000001/x', ADDRESS('127.0.0.1')],
  ['short IPv4', 'https://127.1/x', ADDRESS('127.0.0.1')],
  ['zero-padded IPv4', 'https://127.000.000.001/x', ADDRESS('127.0.0.1')],
  ['IPv4 with a trailing dot', 'https://127.0.0.1./x', ADDRESS('127.0.0.1')],
  ['percent-encoded IPv4', 'https://%31%32%37.0.0.1/x', ADDRESS('127.0.0.1')],
  ['full-width digits', 'https://\uff11\uff12\uff17.\uff10.\uff10.\uff11/x', ADDRESS('127.0.0.1')],
  ['0', 'https://0/x', ADDRESS('0.0.0.0')],
  ['0.0.0.0', 'https://0.0.0.0/x', ADDRESS('0.0.0.0')],
  ['broadcast', 'https://255.255.255.255/x', ADDRESS('255.255.255.255')],
  ['10/8', 'https://10.0.0.1/x', ADDRESS('10.0.0.1')],
  ['172.16/12', 'https://172.31.255.254/x', ADDRESS('172.31.255.254')],
  ['192.168/16', 'https://192.168.0.1:8443/x', ADDRESS('192.168.0.1')],
  ['CGNAT', 'https://100.64.0.1/x', ADDRESS('100.64.0.1')],
  ['Alibaba metadata (CGNAT)', 'https://100.100.100.200/latest/meta-data', ADDRESS('100.100.100.200')],
  ['AWS/GCP/Azure metadata', 'https://169.254.169.254/latest/meta-data/', ADDRESS('169.254.169.254')],
  ['ECS task metadata', 'https://169.254.170.2/v2/credentials', ADDRESS('169.254.170.2')],
  ['Oracle metadata (192.0.0.0/24)', 'https://192.0.0.192/opc/v2/instance', ADDRESS('192.0.0.192')],
  ['multicast', 'https://224.0.0.1/x', ADDRESS('224.0.0.1')],
  ['benchmarking', 'https://198.18.0.1/x', ADDRESS('198.18.0.1')],
  ['documentation', 'https://203.0.113.5/x', ADDRESS('203.0.113.5')],
  // IPv6: brackets, loopback, mapped/compatible/translated, NAT64, 6to4, Teredo, link-local, ULA.
  ['IPv6 loopback', 'https://[::1]/x', ADDRESS('::1')],
  ['IPv6 loopback in full', 'https://[0:0:0:0:0:0:0:1]/x', ADDRESS('::1')],
  ['IPv6 unspecified', 'https://[::]/x', ADDRESS('::')],
  ['IPv4-mapped loopback', 'https://[::ffff:127.0.0.1]/x', ADDRESS('::ffff:7f00:1')],
  ['IPv4-mapped in hex', 'https://[::ffff:7f00:1]/x', ADDRESS('::ffff:7f00:1')],
  ['IPv4-mapped in full', 'https://[0:0:0:0:0:ffff:7f00:1]/x', ADDRESS('::ffff:7f00:1')],
  ['IPv4-mapped of a public address', 'https://[::ffff:8.8.8.8]/x', ADDRESS('::ffff:808:808')],
  ['IPv4-translated', 'https://[::ffff:0:127.0.0.1]/x', ADDRESS('::ffff:0:7f00:1')],
  ['IPv4-compatible', 'https://[::127.0.0.1]/x', ADDRESS('::7f00:1')],
  ['NAT64 of loopback', 'https://[64:ff9b::127.0.0.1]/x', ADDRESS('64:ff9b::7f00:1')],
  ['NAT64 local use', 'https://[64:ff9b:1::808:808]/x', ADDRESS('64:ff9b:1::808:808')],
  ['6to4 of loopback', 'https://[2002:7f00:1::1]/x', ADDRESS('2002:7f00:1::1')],
  ['6to4 of metadata', 'https://[2002:a9fe:a9fe::]/x', ADDRESS('2002:a9fe:a9fe::')],
  ['Teredo', 'https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/x', ADDRESS('2001:0:4136:e378:8000:63bf:3fff:fdd2')],
  ['link-local', 'https://[fe80::1]/x', ADDRESS('fe80::1')],
  ['zone id', 'https://[fe80::1%25eth0]/x', NOT_A_URL],
  ['unique local', 'https://[fd00::1]/x', ADDRESS('fd00::1')],
  ['AWS metadata over IPv6 (ULA)', 'https://[fd00:ec2::254]/latest/meta-data', ADDRESS('fd00:ec2::254')],
  ['site-local', 'https://[fec0::1]/x', ADDRESS('fec0::1')],
  ['IPv6 multicast', 'https://[ff02::1]/x', ADDRESS('ff02::1')],
  ['IPv6 documentation', 'https://[2001:db8::1]/x', ADDRESS('2001:db8::1')],
  // Names.
  ['localhost', 'https://localhost/x', LOCAL('localhost')],
  ['LOCALHOST', 'https://LOCALHOST/x', LOCAL('localhost')],
  ['localhost.', 'https://localhost./x', DOT],
  ['LocalHost.', 'https://LocalHost./x', DOT],
  ['percent-encoded localhost', 'https://local%68ost/x', LOCAL('localhost')],
  ['percent-encoded trailing dot', 'https://localhost%2e/x', DOT],
  ['a .localhost name', 'https://app.localhost/x', LOCAL('app.localhost')],
  ['mDNS', 'https://printer.local/x', LOCAL('printer.local')],
  ['GCP metadata', 'https://metadata.google.internal/computeMetadata/v1/', LOCAL('metadata.google.internal')],
  ['GCP metadata.', 'https://metadata.google.internal./computeMetadata/v1/', DOT],
  ['a single label', 'https://metadata/x', LOCAL('metadata')],
  ['AWS instance-data', 'https://instance-data/latest', LOCAL('instance-data')],
  ['a public name with a trailing dot', 'https://hooks.example.com./x', DOT],
  ['an allowed name with a trailing dot', 'http://receiver.internal./x', DOT, { allow: true }],
  ['a name that resolves to loopback', 'https://127.0.0.1.nip.io/x', RESOLVES('127.0.0.1'), { dns: true }],
  ['a rebinding name', 'https://rebind.example.com/x', RESOLVES('10.0.0.7'), { dns: true }],
  ['a name for the metadata service', 'https://metadata.goog/computeMetadata/v1/', RESOLVES('169.254.169.254'), { dns: true }],
  ['a name for a cluster service', 'https://kubernetes.default.svc.cluster.example/x', RESOLVES('10.96.0.1'), { dns: true }],
  ['a name resolving to a mapped address', 'https://mapped.example.com/x', RESOLVES('::ffff:127.0.0.1'), { dns: true }],
  ['a name resolving to NAT64 local use', 'https://nat64.example.com/x', RESOLVES('64:ff9b:1::a9fe:a9fe'), { dns: true }],
  ['a name resolving to CGNAT', 'https://cgnat.example.com/x', RESOLVES('100.64.1.1'), { dns: true }],
  // userinfo@
  ['user and password', 'https://user:pass@hooks.example.com/x', CREDENTIALS],
  ['a trusted name as the user', 'https://hooks.slack.com@127.0.0.1/x', CREDENTIALS],
  ['a host:port as the user', 'https://hooks.example.com:443@127.0.0.1/x', CREDENTIALS],
  ['userinfo on an allowed host', 'http://token@127.0.0.1:8080/x', CREDENTIALS, { allow: true }],
  // Schemes.
  ['http', 'http://hooks.example.com/x', HTTPS],
  ['ftp', 'ftp://hooks.example.com/x', /must use https, not ftp/],
  ['file', 'file:///etc/passwd', /must use https, not file/],
  ['gopher to Redis', 'gopher://127.0.0.1:6379/_INFO', /must use https, not gopher/],
  ['dict', 'dict://127.0.0.1:11211/stat', /must use https, not dict/],
  ['ws', 'ws://hooks.example.com/x', /must use https, not ws/],
  ['javascript', 'javascript:alert(1)', /must use https, not javascript/],
  ['data', 'data:text/plain,hello', /must use https, not data/],
  ['not a URL', 'hooks.example.com/x', NOT_A_URL],
  // Ports.
  ['Redis on loopback', 'https://127.0.0.1:6379/x', ADDRESS('127.0.0.1')],
  ['ssh on IPv6 loopback', 'https://[::1]:22/x', ADDRESS('::1')],
  ['an allowed host on another port', 'http://127.0.0.1:6379/x', HTTPS, { allow: true }],
  ['an allowed host over https on another port', 'https://127.0.0.1:6379/x', ADDRESS('127.0.0.1'), { allow: true }],
  // Slack targets must be Slack.
  ['Slack look-alike host', 'https://hooks.slack.com.evil.example/services/T/B/X', SLACK, { kind: 'slack', dns: true }],
  ['Slack path elsewhere', 'https://hooks.example.com/services/T/B/X', SLACK, { kind: 'slack', dns: true }],
  ['Slack workflow trigger', 'https://hooks.slack.com/triggers/T/1/abc', SLACK, { kind: 'slack', dns: true }],
  ['Slack with a trailing dot', 'https://hooks.slack.com./services/T/B/X', DOT, { kind: 'slack' }],

  // Accepted.
  ['a public webhook', 'https://hooks.example.com/gonogo', 'ok', { dns: true }],
  ['a public webhook on its own port', 'https://hooks.example.com:8443/gonogo', 'ok', { dns: true }],
  ['upper case public name', 'https://HOOKS.EXAMPLE.COM/gonogo', 'ok', { dns: true }],
  ['a fragment that looks like a host', 'https://hooks.example.com/x#@127.0.0.1', 'ok', { dns: true }],
  ['a public IPv4 literal', 'https://8.8.8.8/hook', 'ok'],
  ['a public IPv6 literal', 'https://[2606:4700::1111]/hook', 'ok'],
  ['NAT64 of a public address', 'https://[64:ff9b::808:808]/hook', 'ok'],
  ['6to4 of a public address', 'https://[2002:808:808::1]/hook', 'ok'],
  ['a Slack incoming webhook', 'https://hooks.slack.com/services/T000/B000/XXXX', 'ok', { kind: 'slack', dns: true }],
  ['an allowed host and port over http', 'http://127.0.0.1:8080/x', 'ok', { allow: true }],
  ['an allowed internal name', 'http://receiver.internal/x', 'ok', { allow: true }],
  ['an allowed internal name as Slack', 'http://receiver.internal/fake-slack', 'ok', { allow: true, kind: 'slack' }]
]

const target = (url: string, kind: NotifyTarget['kind'] = 'webhook'): NotifyTarget =>
  kind === 'webhook' ? { kind, url, secret: SECRET } : { kind, url }

t.test('every hostile URL is refused with its reason, every ordinary one accepted', async t => {
  for (const [what, url, expect, opts = {}] of rows) {
    const err = await validateNotifyTargets([target(url, opts.kind)], opts.allow === true ? allowing : strict, { resolve })
      .then(() => undefined, (e: unknown) => e)
    if (expect === 'ok') {
      t.equal(err, undefined, `${what}: accepted (${(err as Error | undefined)?.message ?? ''})`)
      continue
    }
    t.ok(err instanceof BadRequestError, `${what}: refused`)
    t.match((err as Error | undefined)?.message, /^body\.notify\.0\.url /, `${what}: names the field`)
    t.match((err as Error | undefined)?.message, expect, `${what}: ${(err as Error | undefined)?.message ?? 'accepted'}`)
  }
})

t.test('the rows that need no DNS, through POST /v1/rollouts: 400, nothing stored', async t => {
  const prefix = uniquePrefix('hostile-urls')
  const { app, close } = await buildTestApp({ prefix, role: 'api', env: { GONOGO_WEBHOOK_ALLOW_HOSTS: '' } })
  t.teardown(async () => {
    await close()
    await cleanPrefix(prefix)
  })
  const T0 = Date.now()
  for (const [what, url, expect, opts = {}] of rows) {
    if (expect === 'ok' || opts.dns === true || opts.allow === true) continue
    const payload = poolAddRollout({
      apps: ['RESTAPI'],
      startAt: new Date(T0 + 3_600_000).toISOString(),
      decisionAt: new Date(T0 + 5 * 3_600_000).toISOString(),
      notify: [target(url, opts.kind)]
    })
    const res = await app.inject({ method: 'POST', url: '/v1/rollouts', payload })
    t.equal(res.statusCode, 400, `${what}: ${res.body.slice(0, 160)}`)
    t.match(res.json().message, expect, what)
  }
  t.same((await app.inject('/v1/rollouts')).json().items, [], 'nothing was stored')
})
