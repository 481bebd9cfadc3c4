import type { Recommendation } from '../../schemas/common.ts'
import { joinWithin } from './lines.ts'
import {
  actedBy, cancelledBy, changeLine, clip, contextLine, escapeSummary, fallbackText, gateWhileOverdue, label, lastStood, ownershipLine,
  passLine,
  VERDICT_EMOJI,
  type FlaggedApp, type Summary
} from './summary.ts'

/**
 * Teams refuses cards over about 28 KB; flagged apps are listed while the
 * card stays well under that, the rest summed up as "+N more".
 */
export const TEAMS_LIMITS = { cardBytes: 20_000, appsListed: 25, reasonsPerApp: 3, textChars: 2000 }

const COLOR: Record<Recommendation, string> = { GO: 'Good', NO_GO: 'Attention', INCONCLUSIVE: 'Warning' }

type Element = Record<string, unknown>

/**
 * Text shown literally in an Adaptive Card TextBlock, whose markdown takes CommonMark
 * backslash escapes: links ([text](url)), bold and italic (* and _), and the backslash itself.
 */
export function teamsEscape (text: string): string {
  return text.replace(/[\\[\]()*_]/g, c => `\\${c}`)
}

/**
 * The body a Teams Workflows webhook ("Post to a channel when a webhook
 * request is received") expects: a message with one Adaptive Card 1.4
 * attachment. Same story as the Slack message; links are Action.OpenUrl.
 */
export function teamsMessage (summary: Summary): Record<string, unknown> {
  // TextBlocks are markdown: built from escaped text. The card's fallbackText is plain.
  const s = escapeSummary(summary, teamsEscape)
  const body: Element[] = [
    text(`${s.headline} · ${s.rolloutName}`, {
      size: 'Large', weight: 'Bolder', color: s.recommendation === null ? 'Warning' : COLOR[s.recommendation]
    }),
    text(contextLine(s), { isSubtle: true, spacing: 'None' })
  ]
  if (s.act !== undefined) {
    body.push(text(actedBy(s.act, t => `**${t}**`)))
    if (s.reasons.length > 0) body.push(text(joinWithin(s.reasons.map(r => `- ${r}`), TEAMS_LIMITS.textChars, n => `- +${n} more`)))
  } else if (s.cancellation !== undefined) {
    body.push(text(cancelledBy(s.cancellation, t => `**${t}**`)))
    body.push(text(lastStood(s.previousRecommendation, t => `**${t}**`), { spacing: 'None' }))
  } else if (s.overdue !== undefined) {
    body.push(text(`**Overdue:** ${s.overdue}`))
    body.push(text(gateWhileOverdue(s.previousRecommendation, t => `**${t}**`), { spacing: 'None' }))
  } else if (s.recommendation === null) {
    body.push(text(`**Error:** ${s.error ?? 'unknown'}`))
    if (s.previousRecommendation !== undefined) {
      body.push(text(`The last recommendation still stands: **${label(s.previousRecommendation)}**.`))
    }
  } else {
    // A markdown list: Teams joins plain single-newline lines into one paragraph.
    if (s.reasons.length > 0) body.push(text(joinWithin(s.reasons.map(r => `- ${r}`), TEAMS_LIMITS.textChars, n => `- +${n} more`)))
    if (s.changes.length > 0) {
      body.push(text('What changed', { weight: 'Bolder' }))
      body.push(text(
        joinWithin(s.changes.map(c => `- ${changeLine(c)}`), TEAMS_LIMITS.textChars, n => `- +${n} more changes`),
        { spacing: 'None' }
      ))
    }
  }
  const tail: Element[] = s.recommendation === null || s.appCount === 0 ? [] : [text(`✅ ${passLine(s)}`, { separator: true })]
  const card = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    // Without this Teams draws the card narrow and wraps every reason.
    msteams: { width: 'Full' },
    fallbackText: fallbackText(summary),
    body,
    ...(s.links.rollout === undefined || s.links.recommendation === undefined
      ? {}
      : {
          actions: [
            { type: 'Action.OpenUrl', title: 'Rollout', url: s.links.rollout },
            { type: 'Action.OpenUrl', title: 'Recommendation', url: s.links.recommendation }
          ]
        })
  }
  addApps(card.body, s.flagged, JSON.stringify(card).length + JSON.stringify(tail).length)
  card.body.push(...tail)
  return {
    type: 'message',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }]
  }
}

function addApps (body: Element[], flagged: FlaggedApp[], usedBytes: number): void {
  let budget = TEAMS_LIMITS.cardBytes - usedBytes - TEAMS_LIMITS.textChars
  let listed = 0
  for (const app of flagged) {
    const element = appContainer(app)
    const size = JSON.stringify(element).length
    if (listed >= TEAMS_LIMITS.appsListed || size > budget) break
    body.push(element)
    budget -= size
    listed++
  }
  const rest = flagged.slice(listed)
  if (rest.length > 0) {
    const names = rest.map(a => `${VERDICT_EMOJI[a.verdict]} ${a.app} (${label(a.verdict)})`)
    body.push(text(`**+${rest.length} more flagged app${rest.length === 1 ? '' : 's'}:** ${names.join(', ')}`, { separator: true }))
  }
}

function appContainer (app: FlaggedApp): Element {
  const reasons = app.reasons.slice(0, TEAMS_LIMITS.reasonsPerApp).map(r => `- ${clip(r, 500)}`)
  if (app.reasons.length > TEAMS_LIMITS.reasonsPerApp) reasons.push(`- +${app.reasons.length - TEAMS_LIMITS.reasonsPerApp} more reasons`)
  const owners = ownershipLine(app)
  return {
    type: 'Container',
    separator: true,
    items: [
      text(`${VERDICT_EMOJI[app.verdict]} **${app.app}** · ${label(app.verdict)}${app.critical ? ' · critical' : ''}`),
      ...(reasons.length > 0 ? [text(reasons.join('\n'), { spacing: 'None' })] : []),
      ...(owners === '' ? [] : [text(owners, { isSubtle: true, size: 'Small', spacing: 'None' })])
    ]
  }
}

function text (value: string, extra: Element = {}): Element {
  return { type: 'TextBlock', text: clip(value, TEAMS_LIMITS.textChars), wrap: true, ...extra }
}
