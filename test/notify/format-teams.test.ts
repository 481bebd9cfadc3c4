import t from 'tap'
import { eventsFor } from '../../src/notify/events.ts'
import { summarize } from '../../src/notify/format/summary.ts'
import { TEAMS_LIMITS, teamsMessage } from '../../src/notify/format/teams.ts'
import type { AppResult } from '../../src/schemas/result.ts'
import { cancelOutcome, noGoResult, outcome } from './helpers/fixtures.ts'

interface Card {
  $schema: string
  type: string
  version: string
  fallbackText: string
  body: Array<Record<string, any>>
  actions?: Array<Record<string, string>>
}
const cardOf = (m: Record<string, any>): Card => m.attachments[0].content
const texts = (c: Card): string[] => c.body.flatMap(e => e.type === 'Container' ? e.items.map((i: { text: string }) => i.text) : [e.text])

t.test('a Workflows message with one Adaptive Card 1.4', async t => {
  const m = teamsMessage(summarize(eventsFor(outcome())[0], 'https://gonogo.example.com'))
  t.equal(m.type, 'message')
  t.equal((m.attachments as any[]).length, 1)
  t.equal((m.attachments as any[])[0].contentType, 'application/vnd.microsoft.card.adaptive')
  const card = cardOf(m)
  t.equal(card.type, 'AdaptiveCard')
  t.equal(card.version, '1.4')
  t.equal(card.$schema, 'http://adaptivecards.io/schemas/adaptive-card.json')
  t.same(card.body[0], {
    type: 'TextBlock',
    text: '🔴 NO GO · IIS pool: PRDIIS09 \\(Windows 2025\\)',
    wrap: true,
    size: 'Large',
    weight: 'Bolder',
    color: 'Attention'
  })
  t.equal(card.body[1].text, 'Checkpoint 3 of 7 · 14 May 15:30 IST · canary PRDIIS09')
  const all = texts(card)
  t.ok(all.includes('🔴 **Checkout API** · FAIL · critical'))
  t.ok(all.some(x => /^- error rate 3\.9% on PRDIIS09/.test(x)))
  t.ok(all.includes('Team payments · Owners asha.rao@example.com, li.wei@example.com'))
  t.ok(all.includes('⚫ **Loyalty Portal** · NO DATA'))
  t.ok(all.includes('- Recommendation: GO → NO GO\n- Checkout API: PASS → FAIL\n- Search <Frontend> & Co: PASS → WARN'))
  t.equal(card.body[card.body.length - 1].text, '✅ 9 other apps PASS')
  const fallback = '🔴 NO GO · IIS pool: PRDIIS09 (Windows 2025) · Checkpoint 3 of 7 · 14 May 15:30 IST. 3 apps flagged, 9 other apps PASS.'
  t.equal(card.fallbackText, fallback, 'the card fallback is plain text: not escaped')
  t.same(card.actions, [
    { type: 'Action.OpenUrl', title: 'Rollout', url: 'https://gonogo.example.com/board/rollouts/ro_01JTEST' },
    { type: 'Action.OpenUrl', title: 'Recommendation', url: 'https://gonogo.example.com/v1/rollouts/ro_01JTEST/recommendation' }
  ])
})

t.test('no public URL: no actions; colours follow the recommendation', async t => {
  const result = noGoResult()
  const card = cardOf(teamsMessage(summarize(eventsFor(outcome({ result: { ...result, recommendation: 'INCONCLUSIVE' } }))[0])))
  t.equal(card.actions, undefined)
  t.equal(card.body[0].color, 'Warning')
  t.match(card.body[0].text, /^🟡 INCONCLUSIVE/)
})

t.test('many flagged apps stay under the card size with +N more', async t => {
  const result = noGoResult()
  const many: AppResult[] = Array.from({ length: 200 }, (_, i) => ({ ...result.apps[1], app: `App ${i}`, reasons: ['r '.repeat(400)] }))
  const m = teamsMessage(summarize(eventsFor(outcome({ result: { ...result, apps: many } }))[0], 'https://gonogo.example.com'))
  t.ok(JSON.stringify(m).length < 28_000, `${JSON.stringify(m).length} bytes`)
  const card = cardOf(m)
  t.ok(card.body.filter(e => e.type === 'Container').length <= TEAMS_LIMITS.appsListed)
  t.ok(texts(card).some(x => /^\*\*\+\d+ more flagged apps:\*\*/.test(x)))
})

t.test('app, host and rollout names show literally: markdown links, bold and italics are escaped', async t => {
  const result = noGoResult()
  const rename = (a: AppResult): AppResult => a.app === 'Checkout API'
    ? { ...a, app: '[link](http://x) app', reasons: ['error rate 3.9% on PRD_IIS*09 vs 1.0%'] }
    : a.app === 'Loyalty Portal' ? { ...a, app: '*Star* API', team: 'team_a' } : a
  const o = outcome({ result: { ...result, reasons: ['2 apps FAIL: [link](http://x) app, *Star* API'], apps: result.apps.map(rename) } })
  o.rollout.name = 'Pool _add_ [x](http://y)'
  o.rollout.canaryHosts = ['PRD_IIS*09']
  const card = cardOf(teamsMessage(summarize(eventsFor(o)[0])))
  const all = texts(card)
  t.equal(card.body[0].text, '🔴 NO GO · Pool \\_add\\_ \\[x\\]\\(http://y\\)')
  t.equal(card.body[1].text, 'Checkpoint 3 of 7 · 14 May 15:30 IST · canary PRD\\_IIS\\*09')
  t.ok(all.includes('- 2 apps FAIL: \\[link\\]\\(http://x\\) app, \\*Star\\* API'), 'rollout reasons')
  t.ok(all.includes('🔴 **\\[link\\]\\(http://x\\) app** · FAIL · critical'), 'the bold title is ours, the name inside is escaped')
  t.ok(all.includes('- error rate 3.9% on PRD\\_IIS\\*09 vs 1.0%'))
  t.ok(all.includes('⚫ **\\*Star\\* API** · NO DATA'))
  t.ok(all.includes('Team team\\_a'))
  t.match(all.join('\n'), /- \\\[link\\\]\\\(http:\/\/x\\\) app: none → FAIL/, 'what changed names the app escaped')
  t.match(card.fallbackText, /^🔴 NO GO · Pool _add_ \[x\]\(http:\/\/y\) · /, 'plain-text fallback as given')
  const unescaped = all.join('\n').replace(/\\./g, '')
  t.notMatch(unescaped.replace(/\*\*/g, ''), /[[\]()*_]/, 'no markdown character left unescaped but our own bold')
})

t.test('a backslash in a name is escaped too, so it cannot escape our own markup', async t => {
  const result = noGoResult()
  const o = outcome({ result: { ...result, apps: result.apps.map(a => a.app === 'Checkout API' ? { ...a, app: 'C:\\' } : a) } })
  t.ok(texts(cardOf(teamsMessage(summarize(eventsFor(o)[0])))).includes('🔴 **C:\\\\** · FAIL · critical'))
})

t.test('a cancellation: who and why, escaped, then what stood', async t => {
  const event = eventsFor(cancelOutcome({ by: 'ops_bot', reason: 'see [ticket](http://x)' }))[0]
  const card = cardOf(teamsMessage(summarize(event, 'https://gonogo.example.com')))
  t.same(texts(card), [
    '⛔ CANCELLED · IIS pool: PRDIIS09 \\(Windows 2025\\)',
    'Cancelled · 14 May 15:30 IST · canary PRDIIS09',
    '**Cancelled by** ops\\_bot: see \\[ticket\\]\\(http://x\\)',
    'The last recommendation was **NO GO**.'
  ])
  t.equal(card.body[0].color, 'Warning')
  t.equal(card.fallbackText, '⛔ CANCELLED · IIS pool: PRDIIS09 (Windows 2025) · Cancelled · 14 May 15:30 IST. ' +
    'Cancelled by ops_bot: see [ticket](http://x)')
  t.equal(card.actions?.length, 2)
})
