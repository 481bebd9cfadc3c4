import t from 'tap'
import { eventsFor } from '../../src/notify/events.ts'
import { SLACK_LIMITS, slackMessage, type SlackBlock, type SlackMessage } from '../../src/notify/format/slack.ts'
import { summarize } from '../../src/notify/format/summary.ts'
import type { AppResult } from '../../src/schemas/result.ts'
import { cancelOutcome, noGoResult, outcome } from './helpers/fixtures.ts'

const BASE = 'https://gonogo.example.com/'
const textOf = (b: SlackBlock): string => b.type === 'header' || b.type === 'section'
  ? b.text.text
  : b.type === 'context' ? b.elements.map(e => e.text).join(' ') : ''
const all = (m: SlackMessage): string => m.blocks.map(textOf).join('\n')

t.test('an hourly NO GO update reads top-down like a release manager would write it', async t => {
  const [event] = eventsFor(outcome())
  const m = slackMessage(summarize(event, BASE))
  t.equal(m.blocks[0].type, 'header')
  t.equal(textOf(m.blocks[0]), '🔴 NO GO · IIS pool: PRDIIS09 (Windows 2025)', 'recommendation first, with its emoji')
  t.equal(textOf(m.blocks[1]), 'Checkpoint 3 of 7 · 14 May 15:30 IST · canary PRDIIS09', 'checkpoint n of N and the time in Asia/Kolkata')
  t.match(textOf(m.blocks[2]), /Checkout API FAIL/, 'the rollout reasons')
  t.match(textOf(m.blocks[3]), /\*What changed\*\n• Recommendation: GO → NO GO\n• Checkout API: PASS → FAIL/)
  t.equal(m.blocks[4].type, 'divider')

  const apps = m.blocks.slice(5, 8).map(textOf)
  t.match(apps[0], /^🔴 \*Checkout API\* · FAIL · critical\n• error rate 3\.9% on PRDIIS09 vs 1\.0% on 3 existing hosts \(x3\.9, 95% CI 3\.1-4\.8, p&lt;0\.001\)\n• new error class/, 'worst first, with its one-line reasons')
  t.match(apps[0], /_Team payments · Owners asha\.rao@example\.com, li\.wei@example\.com_/)
  t.match(apps[1], /^⚫ \*Loyalty Portal\* · NO DATA\n• no data from PRDIIS09/)
  t.match(apps[1], /Team loyalty · Owners maria\.g@example\.com/, 'team and owners from the rollout when the result has none')
  t.match(apps[2], /^🟠 \*Search &lt;Frontend&gt; &amp; Co\* · WARN\n• p95 latency 612 ms/,
    'metric details stand in for missing reasons; mrkdwn escaped')
  t.equal(textOf(m.blocks[8]), '✅ 9 other apps PASS')
  t.equal(textOf(m.blocks[9]), '<https://gonogo.example.com/v1/rollouts/ro_01JTEST|Rollout> · ' +
    '<https://gonogo.example.com/v1/rollouts/ro_01JTEST/recommendation|Recommendation>')
  t.equal(m.blocks.length, 10)
  t.match(m.text,
    /^🔴 NO GO · IIS pool: PRDIIS09 \(Windows 2025\) · Checkpoint 3 of 7 · 14 May 15:30 IST\. 3 apps flagged, 9 other apps PASS\.$/)
  t.notMatch(all(m), /Catalog API|Orders API/, 'passing apps are only counted')
})

t.test('no public URL: no links', async t => {
  const m = slackMessage(summarize(eventsFor(outcome())[0]))
  t.notMatch(all(m), /https?:\/\//)
})

t.test('the decision and a GO', async t => {
  const result = noGoResult()
  const go = {
    ...result, recommendation: 'GO' as const, reasons: ['no app failed'], apps: result.apps.map(a => ({ ...a, verdict: 'PASS' as const }))
  }
  const m = slackMessage(summarize(eventsFor(outcome({ kind: 'decision', checkpointIndex: 6, result: go, previous: go }))[0], BASE))
  t.equal(textOf(m.blocks[0]), '🟢 GO · IIS pool: PRDIIS09 (Windows 2025)')
  t.match(textOf(m.blocks[1]), /^Decision · 14 May 15:30 IST/)
  t.match(all(m), /✅ All 12 apps PASS/)
  t.notOk(m.blocks.some(b => b.type === 'divider'), 'no flagged section')
})

t.test('a failed checkpoint says so and what still stands', async t => {
  const m = slackMessage(summarize(
    eventsFor(outcome({ result: null, error: 'NerdGraph timed out after 30000 ms\n    at Client.nrql' }))[0], BASE
  ))
  t.equal(textOf(m.blocks[0]), '⚠️ Checkpoint failed · IIS pool: PRDIIS09 (Windows 2025)')
  t.match(all(m), /\*Error:\* NerdGraph timed out after 30000 ms at Client\.nrql/)
  t.match(all(m), /The last recommendation still stands: \*GO\*/)
})

t.test('hourly timezone formatting in other zones', async t => {
  const ny = outcome()
  ny.rollout.timezone = 'America/New_York'
  t.match(textOf(slackMessage(summarize(eventsFor(ny)[0])).blocks[1]), /14 May 06:00 EDT/)
  const bad = outcome()
  bad.rollout.timezone = 'Not/AZone'
  t.match(textOf(slackMessage(summarize(eventsFor(bad)[0])).blocks[1]), /14 May 10:00 UTC/)
  const noCount = outcome()
  delete noCount.rollout.checkpointCount
  t.match(textOf(slackMessage(summarize(eventsFor(noCount)[0])).blocks[1]), /^Checkpoint 3 of 7 /,
    'hourly plan assumed from startAt/decisionAt')
})

t.test('300 flagged apps stay within Slack limits and say how many were left out', async t => {
  const result = noGoResult()
  const many: AppResult[] = Array.from({ length: 300 }, (_, i) => ({
    ...result.apps[1],
    app: `App ${String(i).padStart(3, '0')} ${'x'.repeat(40)}`,
    owners: Array.from({ length: 20 }, (_, j) => `owner${j}@example.com`),
    reasons: Array.from({ length: 6 }, (_, j) => `reason ${j} ${'detail '.repeat(60)}`)
  }))
  const m = slackMessage(summarize(eventsFor(outcome({
    result: { ...result, apps: many, reasons: Array.from({ length: 100 }, () => 'r'.repeat(100)) }
  }))[0], BASE))
  t.ok(m.blocks.length <= SLACK_LIMITS.blocks, `${m.blocks.length} blocks`)
  for (const b of m.blocks) {
    if (b.type === 'section') t.ok(b.text.text.length <= SLACK_LIMITS.sectionText, `section ${b.text.text.length} chars`)
    if (b.type === 'header') t.ok(b.text.text.length <= SLACK_LIMITS.headerText)
  }
  const total = m.blocks.reduce((n, b) => n + textOf(b).length, 0)
  t.ok(total <= SLACK_LIMITS.totalText + 200, `total ${total} chars`)
  t.match(all(m), /\*\+\d+ more flagged apps:\*/)
  t.match(all(m), /• \+3 more reasons/)
  t.match(all(m), /\+\d+ more/, 'rollout reasons truncated with +N more')
  t.match(all(m), /No other app passes/)
})

t.test('the context line names the canary as the result spells it, not as the rollout was typed', async t => {
  const typed = outcome()
  typed.rollout.canaryHosts = ['prdiis09', 'prdiis77']
  t.equal(textOf(slackMessage(summarize(eventsFor(typed)[0])).blocks[1]),
    'Checkpoint 3 of 7 · 14 May 15:30 IST · canary PRDIIS09, prdiis77')
  const failed = outcome({ result: null, error: 'timeout' })
  failed.rollout.canaryHosts = ['prdiis09']
  t.match(textOf(slackMessage(summarize(eventsFor(failed)[0])).blocks[1]), /canary prdiis09$/, 'no result: the rollout\'s spelling')
})

t.test('app, host and rollout names show literally: mrkdwn formatting is broken up, <, > and & are entities', async t => {
  const Z = '\u200B'
  const lit = (c: string) => `${Z}${c}${Z}`
  const result = noGoResult()
  const o = outcome({
    result: {
      ...result,
      reasons: ['2 apps FAIL: *Star* API, ~old~ `svc`'],
      apps: result.apps.map(a => a.app === 'Checkout API'
        ? { ...a, app: '*Star* API', team: 'team_a', reasons: ['error rate 3.9% on PRD_IIS09 vs 1.0% <!channel>'] }
        : a.app === 'Loyalty Portal' ? { ...a, app: '[link](http://x) app' } : a)
    }
  })
  o.rollout.name = '_Pool_ & <b>'
  o.rollout.canaryHosts = ['PRD_IIS09']
  const m = slackMessage(summarize(eventsFor(o)[0]))
  t.equal(textOf(m.blocks[0]), '🔴 NO GO · _Pool_ & <b>', 'the header is plain_text: shown as given')
  t.equal(textOf(m.blocks[1]), `Checkpoint 3 of 7 · 14 May 15:30 IST · canary PRD${lit('_')}IIS09`)
  t.equal(textOf(m.blocks[2]), `2 apps FAIL: ${lit('*')}Star${lit('*')} API, ${lit('~')}old${lit('~')} ${lit('`')}svc${lit('`')}`)
  const star = m.blocks.map(textOf).find(x => x.includes('Star') && x.includes('critical')) ?? ''
  t.match(star, new RegExp(`^🔴 \\*${Z}\\*${Z}Star${Z}\\*${Z} API\\* · FAIL · critical\n`), 'our bold around the escaped name')
  t.match(star, new RegExp(`• error rate 3\\.9% on PRD${Z}_${Z}IIS09 vs 1\\.0% &lt;!channel&gt;`))
  t.match(star, new RegExp(`_Team team${Z}_${Z}a · Owners`))
  t.match(all(m), /⚫ \*\[link\]\(http:\/\/x\) app\* · NO DATA/, 'square brackets mean nothing to mrkdwn')
  t.match(m.text, new RegExp(`^🔴 NO GO · ${lit('_')}Pool${lit('_')} &amp; &lt;b&gt; · Checkpoint`), 'the fallback text is mrkdwn too')
  // Take out our own markup: every formatting character left must sit between zero-width spaces.
  const ours = all(m).replace(/^🔴 NO GO · .*\n/, '')
    .replace(/ \*(?=\S)|(?<=\S)\* ·|^_|_$|\*What changed\*/gm, '')
    .replace(/^🟠 \*Search .*\* ·/m, '')
  t.notMatch(ours.replace(new RegExp(`${Z}[*_~\`]${Z}`, 'g'), ''), /[*_~`]/, 'no bare formatting character from a name or reason')
})

t.test('a cancellation: who and why, escaped, then what stood', async t => {
  const Z = '\u200B'
  const m = slackMessage(summarize(eventsFor(cancelOutcome({ by: 'ops_bot', reason: 'back to *staging* <!here>' }))[0], BASE))
  t.equal(textOf(m.blocks[0]), '⛔ CANCELLED · IIS pool: PRDIIS09 (Windows 2025)')
  t.equal(textOf(m.blocks[1]), 'Cancelled · 14 May 15:30 IST · canary PRDIIS09')
  t.equal(textOf(m.blocks[2]), `*Cancelled by* ops${Z}_${Z}bot: back to ${Z}*${Z}staging${Z}*${Z} &lt;!here&gt;`)
  t.equal(textOf(m.blocks[3]), 'The last recommendation was *NO GO*.')
  t.match(textOf(m.blocks[4]), /^<https:\/\/gonogo\.example\.com\/v1\/rollouts\/ro_01JTEST\|Rollout>/)
  t.equal(m.blocks.length, 5, 'no apps, no pass line')
  t.equal(m.text, '⛔ CANCELLED · IIS pool: PRDIIS09 (Windows 2025) · Cancelled · 14 May 15:30 IST. ' +
    `Cancelled by ops${Z}_${Z}bot: back to ${Z}*${Z}staging${Z}*${Z} &lt;!here&gt;`)
  const bare = slackMessage(summarize(eventsFor(cancelOutcome({ reason: null, previous: null }))[0]))
  t.equal(textOf(bare.blocks[2]), '*Cancelled by* release-manager, no reason given.')
  t.equal(textOf(bare.blocks[3]), 'No checkpoint had succeeded.')
  t.equal(bare.blocks.length, 4, 'no links without a public URL')
})
