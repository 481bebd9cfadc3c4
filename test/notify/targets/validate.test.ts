import t, { type Test } from 'tap'
import { BadRequestError, ConfigError } from '../../../src/errors.ts'
import { defaultTargets } from '../../../src/notify/targets/defaults.ts'
import { validateNotifyTargets, type Resolve } from '../../../src/notify/targets/validate.ts'
import { rolloutTargetId, viewTarget } from '../../../src/notify/targets/view.ts'
import type { NotifyTarget } from '../../../src/schemas/notify.ts'
import { SECRET, testConfig } from '../helpers/fixtures.ts'

const SLACK = 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX'
const TEAMS = 'https://prod-12.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?sig=zzz'
const strict = testConfig({ GONOGO_WEBHOOK_ALLOW_HOSTS: '' })
const allowing = testConfig({ GONOGO_WEBHOOK_ALLOW_HOSTS: '127.0.0.1,receiver.internal,[::1]' })
/** A DNS that never leaves the machine: names map to fixed answers. */
const fakeDns = (table: Record<string, string[]>): Resolve => async (host) => {
  const found = table[host]
  if (found === undefined) throw new Error(`ENOTFOUND ${host}`)
  return found
}
const publicDns = fakeDns({
  'hooks.slack.com': ['54.230.1.1'],
  'prod-12.westeurope.logic.azure.com': ['20.61.1.1'],
  'hooks.example.com': ['93.184.216.34', '2606:2800:220:1::1'],
  'rebind.example.com': ['93.184.216.34', '10.0.0.7'],
  'metadata.example.com': ['169.254.169.254']
})

async function refused (t: Test, targets: NotifyTarget[], config = strict, pattern: RegExp): Promise<void> {
  const err = await validateNotifyTargets(targets, config, { resolve: publicDns }).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof BadRequestError, 'BadRequestError')
  t.match((err as Error).message, pattern)
  t.equal((err as BadRequestError).statusCode, 400)
}

t.test('good public targets pass', async t => {
  await validateNotifyTargets([
    { kind: 'slack', url: SLACK },
    { kind: 'teams', url: TEAMS },
    { kind: 'webhook', url: 'https://hooks.example.com/gonogo', secret: SECRET }
  ], strict, { resolve: publicDns })
  t.pass()
})

t.test('http is refused unless the host is allowed', async t => {
  await refused(t, [{ kind: 'slack', url: SLACK }, { kind: 'webhook', url: 'http://hooks.example.com/x', secret: SECRET }], strict,
    /^body\.notify\.1\.url must use https \(http only for hosts in GONOGO_WEBHOOK_ALLOW_HOSTS\)$/)
  await refused(t, [{ kind: 'webhook', url: 'ftp://hooks.example.com/x', secret: SECRET }], strict,
    /^body\.notify\.0\.url must use https, not ftp$/)
  await validateNotifyTargets([{ kind: 'webhook', url: 'http://127.0.0.1:8080/x', secret: SECRET }], allowing, { resolve: publicDns })
  await validateNotifyTargets([{ kind: 'webhook', url: 'http://receiver.internal/x', secret: SECRET }], allowing, { resolve: publicDns })
  await validateNotifyTargets([{ kind: 'slack', url: 'http://[::1]:9000/slack' }], allowing, { resolve: publicDns })
})

t.test('an allow-list entry may name a port', async t => {
  const config = testConfig({ GONOGO_WEBHOOK_ALLOW_HOSTS: '127.0.0.1:8080, [::1]:9000' })
  await validateNotifyTargets([{ kind: 'webhook', url: 'http://127.0.0.1:8080/x', secret: SECRET }], config)
  await validateNotifyTargets([{ kind: 'webhook', url: 'http://[::1]:9000/x', secret: SECRET }], config)
  await refused(t, [{ kind: 'webhook', url: 'http://127.0.0.1:8081/x', secret: SECRET }], config, /must use https/)
})

t.test('credentials in the URL are refused, even for allowed hosts', async t => {
  await refused(t, [{ kind: 'webhook', url: 'https://user:pass@hooks.example.com/x', secret: SECRET }], strict,
    /^body\.notify\.0\.url must not contain a user name or password$/)
  await refused(t, [{ kind: 'webhook', url: 'http://token@127.0.0.1/x', secret: SECRET }], allowing, /user name or password/)
})

t.test('literal private, loopback and link-local addresses are refused unless allowed', async t => {
  for (const url of [
    'https://127.0.0.1/x', 'https://10.1.2.3/x', 'https://169.254.169.254/latest/meta-data', 'https://[::1]/x',
    'https://[::ffff:127.0.0.1]/x', 'https://2130706433/x', 'https://0x7f.1/x', 'https://192.168.0.1:8443/x'
  ]) {
    await refused(t, [{ kind: 'webhook', url, secret: SECRET }], strict,
      /^body\.notify\.0\.url must not point at a private, loopback or link-local address/)
  }
  await validateNotifyTargets([{ kind: 'webhook', url: 'http://127.0.0.1:3000/x', secret: SECRET }], allowing)
})

t.test('host names are resolved and every address must be public', async t => {
  await refused(t, [{ kind: 'webhook', url: 'https://metadata.example.com/x', secret: SECRET }], strict,
    /^body\.notify\.0\.url host metadata\.example\.com resolves to a private, loopback or link-local address \(169\.254\.169\.254\)/)
  // One private answer among public ones is enough to refuse: a rebinding resolver alternates.
  await refused(t, [{ kind: 'webhook', url: 'https://rebind.example.com/x', secret: SECRET }], strict, /resolves to .*10\.0\.0\.7/)
  // Unresolvable now (offline, DNS down): accepted; delivery checks the address it connects to.
  await validateNotifyTargets([{ kind: 'webhook', url: 'https://nowhere.example.com/x', secret: SECRET }], strict, { resolve: publicDns })
  t.pass('an unresolvable host is accepted')
  await refused(t, [{ kind: 'webhook', url: 'https://localhost/x', secret: SECRET }], strict, /local host name \(localhost\)/)
  await refused(t, [{ kind: 'webhook', url: 'https://intranet/x', secret: SECRET }], strict, /local host name \(intranet\)/)
})

t.test('the system resolver is used by default: localhost names resolve to loopback', async t => {
  const err = await validateNotifyTargets([{ kind: 'webhook', url: 'https://foo.localhost/x', secret: SECRET }], strict)
    .then(() => undefined, (e: unknown) => e)
  t.match((err as Error).message, /body\.notify\.0\.url must not point at a local host name/)
})

t.test('Slack targets must be Slack incoming webhooks unless the host is allowed', async t => {
  await refused(t, [{ kind: 'slack', url: 'https://hooks.example.com/services/T/B/X' }], strict,
    /^body\.notify\.0\.url must be a Slack incoming webhook URL/)
  await refused(t, [{ kind: 'slack', url: 'https://hooks.slack.com/triggers/T/123/abc' }], strict, /Slack incoming webhook/)
  await validateNotifyTargets([{ kind: 'slack', url: 'http://127.0.0.1:9/fake-slack' }], allowing)
})

t.test('a repeated target is refused; the field prefix can be changed', async t => {
  await refused(t, [{ kind: 'slack', url: SLACK }, { kind: 'slack', url: SLACK }], strict, /^body\.notify\.1 repeats body\.notify\.0$/)
  const err = await validateNotifyTargets(
    [{ kind: 'slack', url: 'http://hooks.slack.com/services/x' }], strict, { field: 'notify', resolve: publicDns }
  ).then(() => undefined, (e: unknown) => e)
  t.match((err as Error).message, /^notify\.0\.url must use https/)
})

t.test('defaultTargets parses GONOGO_NOTIFY_DEFAULT or stops start-up with a clear message', async t => {
  t.same(defaultTargets(testConfig()), [])
  t.same(defaultTargets(testConfig({ GONOGO_NOTIFY_DEFAULT: JSON.stringify({ kind: 'slack', url: SLACK }) })),
    [{ kind: 'slack', url: SLACK }])
  t.same(defaultTargets(testConfig({ GONOGO_NOTIFY_DEFAULT: JSON.stringify([{ kind: 'teams', url: TEAMS }]) })),
    [{ kind: 'teams', url: TEAMS }])
  const problem = (value: string): string => {
    try {
      defaultTargets({ GONOGO_NOTIFY_DEFAULT: value, webhookAllowHosts: [] })
      return 'no error'
    } catch (err) {
      t.ok(err instanceof ConfigError)
      return (err as Error).message
    }
  }
  t.match(problem('{"kind":"slack"'), /GONOGO_NOTIFY_DEFAULT must be JSON/)
  t.match(problem('{"kind":"pager","url":"https://x.example.com"}'), /GONOGO_NOTIFY_DEFAULT must be \{"kind":"slack"\|"teams"/)
  t.match(problem('{"kind":"webhook","url":"https://x.example.com","secret":"short"}'), /GONOGO_NOTIFY_DEFAULT must be/)
  t.notMatch(problem('{"kind":"webhook","url":"https://x.example.com","secret":"short"}'), /short/, 'the secret is not echoed')
  t.match(problem(JSON.stringify({ kind: 'webhook', url: 'http://hooks.example.com/x', secret: SECRET })),
    /GONOGO_NOTIFY_DEFAULT url must use https/)
  t.match(problem(JSON.stringify([{ kind: 'slack', url: SLACK }, { kind: 'slack', url: 'https://10.0.0.1/x' }])),
    /GONOGO_NOTIFY_DEFAULT\[1\] url must not point at a private/)
})

t.test('viewTarget shows id, kind and scheme+host only', async t => {
  const slack = { kind: 'slack', url: SLACK } as const
  t.same(viewTarget(slack), { id: rolloutTargetId(slack), kind: 'slack', url: 'https://hooks.slack.com' })
  t.match(rolloutTargetId(slack), /^r:[0-9a-f]{16}$/)
  t.not(rolloutTargetId(slack), rolloutTargetId({ kind: 'slack', url: `${SLACK}-other-channel` }), 'two targets on one host: two ids')
  const teams = { kind: 'teams', url: TEAMS } as const
  t.same(viewTarget(teams), { id: rolloutTargetId(teams), kind: 'teams', url: 'https://prod-12.westeurope.logic.azure.com' })
  const hook = { kind: 'webhook', url: 'https://u:p@hooks.example.com:8443/a?b=c', secret: SECRET } as const
  const view = viewTarget(hook)
  t.same(view, { id: rolloutTargetId(hook), kind: 'webhook', url: 'https://hooks.example.com:8443' })
  t.equal(rolloutTargetId(hook), rolloutTargetId({ ...hook, secret: `${SECRET}-other` }),
    'the id does not depend on the secret (no offline guessing)')
  t.notMatch(JSON.stringify(view), /secret|whsec|u:p|\/a/)
})
