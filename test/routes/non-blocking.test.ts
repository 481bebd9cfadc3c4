/**
 * Policies that can never block: refused with a 400 naming the field unless
 * policy.allowNonBlocking is given, and then every result says so first.
 */
import t from 'tap'
import { nonBlockingWays } from '../../src/judge/non-blocking.ts'
import { resolvePolicy, type Policy } from '../../src/schemas/thresholds.ts'
import { buildTestApp, poolAddRollout } from '../helpers/app.ts'
import { cleanPrefix, uniquePrefix } from '../helpers/redis.ts'

const LIVE = new URL('../../src/sim/scenarios/pool-add-live.json', import.meta.url).pathname
const prefix = uniquePrefix('non-blocking')
const { app, close } = await buildTestApp({ prefix, role: 'api', scenario: LIVE, accountId: 3300002 })
t.teardown(async () => {
  await close()
  await cleanPrefix(prefix)
})

const T0 = Date.now()
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString()
// The live scenario: PRDIIS09 joined 2 h ago and triples Billing.Service's error rate.
const analysis = (policy: Policy, apps = ['Billing.Service']) => ({ apps, canaryHosts: ['PRDIIS09'], from: at(-115), until: at(-5), policy })
const rollout = (policy: Policy) => poolAddRollout({ apps: ['RESTAPI'], startAt: at(60), decisionAt: at(360), policy })

t.test('which policies can never block', async t => {
  const ways = (p: Policy) => nonBlockingWays(resolvePolicy(p))
  t.same(ways({}), [], 'the default blocks')
  t.same(ways({ noGoOn: ['FAIL'] }), [], 'FAIL alone still blocks (NO_DATA let through is a choice, not a hole)')
  t.same(ways({ inconclusiveOn: 'any' }), [])
  t.same(ways({ noGoOn: [] }), ['never-no-go'])
  t.same(ways({ noGoOn: ['NO_DATA'] }), ['fail-passes'])
  t.same(ways({ noGoOn: ['WARN'] }), ['fail-passes'], 'blocking on WARN but not FAIL lets a proven regression through')
  t.same(ways({ inconclusiveOn: 'never' }), ['go-unjudged'])
  t.same(ways({ inconclusiveOn: 'never', noGoOn: ['FAIL', 'NO_DATA', 'INCONCLUSIVE'] }), [], 'INCONCLUSIVE blocks through noGoOn')
  t.same(ways({ noGoOn: [], inconclusiveOn: 'never' }), ['never-no-go', 'go-unjudged'])
})

t.test('refused at creation and in analyses, naming the field', async t => {
  const cases: Array<[Policy, RegExp]> = [
    [{ noGoOn: [] }, /^body\.policy\.noGoOn is empty, so no verdict could ever make the recommendation NO_GO; give body\.policy\.allowNonBlocking: true/],
    [{ noGoOn: ['NO_DATA'] }, /^body\.policy\.noGoOn leaves out FAIL/],
    [{ inconclusiveOn: 'never' }, /^body\.policy\.inconclusiveOn "never" makes the recommendation GO even when no app could be judged/],
    [{ noGoOn: [], allowNonBlocking: false }, /^body\.policy\.noGoOn is empty/]
  ]
  for (const [policy, message] of cases) {
    for (const [url, payload] of [['/v1/rollouts', rollout(policy)], ['/v1/analyses', analysis(policy)]] as const) {
      const res = await app.inject({ method: 'POST', url, payload })
      t.equal(res.statusCode, 400, `${url} ${JSON.stringify(policy)}`)
      t.match(res.json().message, message, `${url} ${JSON.stringify(policy)}`)
    }
  }
  t.same((await app.inject('/v1/rollouts')).json().items, [], 'nothing was stored')
})

t.test('accepted with allowNonBlocking, and the rollout shows the policy', async t => {
  const res = await app.inject({ method: 'POST', url: '/v1/rollouts', payload: rollout({ noGoOn: [], allowNonBlocking: true }) })
  t.equal(res.statusCode, 201, res.body)
  t.same(res.json().policy, { noGoOn: [], allowNonBlocking: true })
})

t.test('a FAIL under noGoOn [] is GO, and the result says first that it could never be NO_GO', async t => {
  const res = await app.inject({ method: 'POST', url: '/v1/analyses', payload: analysis({ noGoOn: [], allowNonBlocking: true }) })
  t.equal(res.statusCode, 200, res.body)
  const body = res.json() as { recommendation: string, reasons: string[], apps: Array<{ verdict: string }> }
  t.equal(body.apps[0].verdict, 'FAIL', 'the data is still judged')
  t.equal(body.recommendation, 'GO')
  t.equal(body.reasons[0], 'policy.allowNonBlocking: this rollout can never be NO_GO (policy.noGoOn is empty)')
  t.equal(body.reasons[1], 'none of 1 app PASS', 'no "no app ;" fragment')
  t.match(body.reasons[2], /^1 app FAIL: Billing\.Service/)
})

t.test('inconclusiveOn never with nothing judged is GO, and says so', async t => {
  // An app no host reports: nothing can be judged.
  const res = await app.inject({
    method: 'POST', url: '/v1/analyses', payload: analysis({ inconclusiveOn: 'never', allowNonBlocking: true }, ['No Such App'])
  })
  t.equal(res.statusCode, 200, res.body)
  const body = res.json() as { recommendation: string, reasons: string[] }
  t.equal(body.recommendation, 'GO')
  t.equal(body.reasons[0], 'policy.allowNonBlocking: this rollout is GO even when no app could be judged (policy.inconclusiveOn is never)')
  t.notMatch(body.reasons.join('\n'), /no app ;|no app ,/)
})

t.test('the default policy says nothing of it', async t => {
  const res = await app.inject({ method: 'POST', url: '/v1/analyses', payload: analysis({}) })
  t.equal(res.statusCode, 200, res.body)
  t.equal(res.json().recommendation, 'NO_GO')
  t.notMatch(res.body, /allowNonBlocking/)
})
