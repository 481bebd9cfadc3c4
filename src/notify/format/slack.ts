import { joinWithin } from './lines.ts'
import {
  actedBy, cancelledBy, changeLine, clip, contextLine, escapeSummary, fallbackText, gateWhileOverdue, label, lastStood, ownershipLine,
  passLine,
  VERDICT_EMOJI,
  type FlaggedApp, type Summary
} from './summary.ts'

/** Slack's documented limits for a message posted through an incoming webhook. */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  headerText: 150,
  contextText: 2000,
  /**
   * Slack refuses messages whose blocks hold much more than ~13,000 characters
   * in all (msg_blocks_too_long) although each block is within its own limit;
   * stay well under it.
   */
  totalText: 11_000,
  fallbackText: 3000
}
const REASONS_PER_APP = 3

type Text = { type: 'mrkdwn', text: string } | { type: 'plain_text', text: string, emoji?: boolean }
/** The Block Kit blocks this formatter uses. */
export type SlackBlock =
  | { type: 'header', text: Text }
  | { type: 'section', text: Text }
  | { type: 'context', elements: Text[] }
  | { type: 'divider' }

export interface SlackMessage {
  /** Shown in notifications and by clients that cannot draw blocks. */
  text: string
  blocks: SlackBlock[]
}

/** Zero-width space: breaks a mrkdwn delimiter without showing. */
const ZWSP = '\u200B'

/**
 * Text shown literally in Slack mrkdwn. &, < and > become entities, as Slack requires
 * (unescaped, "<!channel>" in an app name would ping a channel). mrkdwn has no escape for
 * its formatting characters (* _ ~ `), so each gets a zero-width space on both sides:
 * a delimiter needs a space or punctuation on one side and text on the other, and with
 * U+200B on both sides one of the two is wrong whichever way Slack classes U+200B.
 */
export function slackEscape (text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/[*_~`]/g, c => `${ZWSP}${c}${ZWSP}`)
}

const md = (text: string): Text => ({ type: 'mrkdwn', text })

/**
 * A Block Kit message for an incoming webhook: recommendation first, then
 * what changed, the flagged apps with reasons, team and owners, a count of
 * the rest, and links. Long lists are cut to Slack's limits with "+N more".
 */
export function slackMessage (summary: Summary): SlackMessage {
  // The header is plain_text (shown as given); everything else is mrkdwn, built from escaped text.
  const s = escapeSummary(summary, slackEscape)
  const blocks: SlackBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: clip(`${summary.headline} · ${summary.rolloutName}`, SLACK_LIMITS.headerText), emoji: true }
    },
    { type: 'context', elements: [md(clip(contextLine(s), SLACK_LIMITS.contextText))] }
  ]
  if (s.act !== undefined) {
    blocks.push({ type: 'section', text: md(clip(actedBy(s.act, t => `*${t}*`), SLACK_LIMITS.sectionText)) })
    if (s.reasons.length > 0) blocks.push({ type: 'section', text: md(joinWithin(s.reasons, SLACK_LIMITS.sectionText)) })
  } else if (s.cancellation !== undefined) {
    blocks.push({ type: 'section', text: md(clip(cancelledBy(s.cancellation, t => `*${t}*`), SLACK_LIMITS.sectionText)) })
    blocks.push({ type: 'section', text: md(lastStood(s.previousRecommendation, t => `*${t}*`)) })
  } else if (s.overdue !== undefined) {
    blocks.push({ type: 'section', text: md(clip(`*Overdue:* ${s.overdue}`, SLACK_LIMITS.sectionText)) })
    blocks.push({ type: 'section', text: md(gateWhileOverdue(s.previousRecommendation, t => `*${t}*`)) })
  } else if (s.recommendation === null) {
    blocks.push({ type: 'section', text: md(clip(`*Error:* ${s.error ?? 'unknown'}`, SLACK_LIMITS.sectionText)) })
    if (s.previousRecommendation !== undefined) {
      blocks.push({ type: 'section', text: md(`The last recommendation still stands: *${label(s.previousRecommendation)}*.`) })
    }
  } else {
    if (s.reasons.length > 0) blocks.push({ type: 'section', text: md(joinWithin(s.reasons, SLACK_LIMITS.sectionText)) })
    if (s.changes.length > 0) {
      const lines = s.changes.map(c => `• ${changeLine(c)}`)
      blocks.push({
        type: 'section', text: md(joinWithin(['*What changed*', ...lines], SLACK_LIMITS.sectionText, n => `+${n} more changes`))
      })
    }
  }
  const tail: SlackBlock[] = []
  if (s.recommendation !== null && s.appCount > 0) tail.push({ type: 'context', elements: [md(`✅ ${passLine(s)}`)] })
  const links = linkLine(s)
  if (links !== undefined) tail.push({ type: 'context', elements: [md(links)] })
  if (s.flagged.length > 0) {
    blocks.push({ type: 'divider' }, ...appBlocks(s.flagged, blocks.length + tail.length, used(blocks) + used(tail)))
  }
  blocks.push(...tail)
  return { text: clip(fallbackText(s), SLACK_LIMITS.fallbackText), blocks }
}

/**
 * One section per flagged app, worst first, while both the block count and
 * the total text budget allow; the rest become one "+N more" section.
 */
function appBlocks (flagged: FlaggedApp[], otherBlocks: number, otherChars: number): SlackBlock[] {
  // One block is the divider already counted by the caller's push; keep one for "+N more".
  const maxBlocks = SLACK_LIMITS.blocks - otherBlocks - 2
  let budget = SLACK_LIMITS.totalText - otherChars - SLACK_LIMITS.sectionText / 3
  const out: SlackBlock[] = []
  for (const app of flagged) {
    const text = appText(app)
    if (out.length >= maxBlocks || text.length > budget) break
    out.push({ type: 'section', text: md(text) })
    budget -= text.length
  }
  const rest = flagged.slice(out.length)
  if (rest.length > 0) {
    const names = rest.map(a => `${VERDICT_EMOJI[a.verdict]} ${a.app} (${label(a.verdict)})`)
    const text = joinWithin(
      [`*+${rest.length} more flagged app${rest.length === 1 ? '' : 's'}:*`, ...names], SLACK_LIMITS.sectionText / 3, n => `+${n} more`
    )
    out.push({ type: 'section', text: md(text) })
  }
  return out
}

function appText (app: FlaggedApp): string {
  const title = `${VERDICT_EMOJI[app.verdict]} *${app.app}* · ${label(app.verdict)}${app.critical ? ' · critical' : ''}`
  const reasons = app.reasons.slice(0, REASONS_PER_APP).map(r => `• ${r}`)
  if (app.reasons.length > REASONS_PER_APP) reasons.push(`• +${app.reasons.length - REASONS_PER_APP} more reasons`)
  const owners = ownershipLine(app)
  const lines = [title, ...reasons, ...(owners === '' ? [] : [`_${owners}_`])]
  return joinWithin(lines, SLACK_LIMITS.sectionText)
}

function linkLine (s: Summary): string | undefined {
  if (s.links.rollout === undefined || s.links.recommendation === undefined) return undefined
  return `<${s.links.rollout}|Rollout> · <${s.links.recommendation}|Recommendation>`
}

function used (blocks: SlackBlock[]): number {
  let n = 0
  for (const b of blocks) {
    if (b.type === 'header' || b.type === 'section') n += b.text.text.length
    else if (b.type === 'context') n += b.elements.reduce((sum, e) => sum + e.text.length, 0)
  }
  return n
}
