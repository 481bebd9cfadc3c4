// Small DOM and formatting helpers of the board. Every text a person or New Relic wrote (app names such as
// O'Brien's API, notes, reasons) goes into the page as text nodes, never as HTML.

/**
 * h('button', { class: 'x', onclick: f, 'aria-label': 'y' }, 'text', child, [more]): an element.
 * Attributes whose value is null, undefined or false are left out; true sets an empty attribute.
 */
export function h (tag, attrs, ...children) {
  const el = document.createElement(tag)
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value)
    else if (key === 'class') el.className = value
    else if (key === 'dataset') Object.assign(el.dataset, value)
    else if (key === 'value' || key === 'checked') el[key] = value
    else el.setAttribute(key, value === true ? '' : String(value))
  }
  append(el, children)
  return el
}

function append (el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue
    if (Array.isArray(c)) append(el, c)
    else el.append(c instanceof Node ? c : String(c))
  }
}

/** Replaces an element's children. */
export function fill (el, ...children) {
  el.replaceChildren()
  append(el, children)
  return el
}

/** Verdicts: a word and a symbol always beside the colour (Okabe-Ito, in board.css), worst first. */
export const VERDICTS = ['FAIL', 'NO_DATA', 'WARN', 'INCONCLUSIVE', 'PASS']
const SYMBOL = { FAIL: '✕', NO_DATA: '∅', WARN: '!', INCONCLUSIVE: '?', PASS: '✓' }
const REC_SYMBOL = { GO: '✓', NO_GO: '✕', INCONCLUSIVE: '?' }

/** "NO_DATA" reads "NO DATA", as in chat messages; the API keeps the enum spelling. */
export function label (value) {
  return String(value).replace(/_/g, ' ')
}

/** A verdict badge: colour, symbol and word. */
export function verdictBadge (verdict, extra = '') {
  if (verdict === null || verdict === undefined) return h('span', { class: `v v-none ${extra}` }, '–')
  const sym = h('span', { class: 'sym', 'aria-hidden': 'true' }, SYMBOL[verdict] ?? '')
  return h('span', { class: `v v-${verdict} ${extra}` }, sym, ' ', label(verdict))
}

/** A recommendation badge: GO, NO GO, INCONCLUSIVE, or "no result yet". */
export function recBadge (rec, extra = '') {
  if (rec === null || rec === undefined) return h('span', { class: `rec rec-none ${extra}` }, 'no result yet')
  const sym = h('span', { class: 'sym', 'aria-hidden': 'true' }, REC_SYMBOL[rec] ?? '')
  return h('span', { class: `rec rec-${rec} ${extra}` }, sym, ' ', label(rec))
}

/** "overdue" beside a live rollout's state when a due checkpoint went unrecorded (its gate is closed); the reason on hover. */
export function overdueBadge (overdue) {
  if (overdue === null || overdue === undefined) return null
  return h('span', { class: 'overdue', title: overdue.reason }, 'overdue', h('span', { class: 'visually-hidden' }, `: ${overdue.reason}`))
}

const NAME_LOCALES = ['en-US', 'en-GB', 'en-IN', 'en-AU', 'en-CA', 'en-NZ', 'en-ZA', 'en-SG', 'en-IE']
const formats = new Map()

function format (key, make) {
  let f = formats.get(key)
  if (f === undefined) {
    f = make()
    formats.set(key, f)
  }
  return f
}

function zoneOf (tz) {
  try {
    format(`zone:${tz}`, () => new Intl.DateTimeFormat('en-GB', { timeZone: tz }))
    return tz
  } catch {
    return 'UTC'
  }
}

/** The zone's short name as people there say it ("IST", not "GMT+5:30"), as the chat messages do. */
function zoneName (date, tz) {
  let fallback = ''
  for (const locale of NAME_LOCALES) {
    const f = format(`name:${locale}:${tz}`, () => new Intl.DateTimeFormat(locale, { timeZone: tz, timeZoneName: 'short' }))
    const part = f.formatToParts(date).find(p => p.type === 'timeZoneName')?.value ?? ''
    if (fallback === '') fallback = part
    if (part !== '' && !/^(GMT|UTC)[+-−]/.test(part)) return part
  }
  return fallback
}

/** "25 Nov 15:30 IST": an instant in the rollout's timezone. */
export function localTime (iso, timezone) {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return String(iso)
  const tz = zoneOf(timezone)
  const day = format(`day:${tz}`, () => new Intl.DateTimeFormat('en-GB', { timeZone: tz, day: 'numeric', month: 'short' })).format(date)
  return `${day} ${clock(iso, tz)} ${zoneName(date, tz)}`
}

/** "15:30" in the timezone. */
export function clock (iso, timezone) {
  const tz = zoneOf(timezone)
  const make = () => new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
  return format(`clock:${tz}`, make)
    .format(new Date(iso))
}

/** "in 2 h 05 min", "in 40 s", "3 h 10 min ago". */
export function countdown (iso, now = Date.now()) {
  const ms = new Date(iso).getTime() - now
  const abs = Math.abs(ms)
  const s = Math.floor(abs / 1000)
  let text
  if (s < 60) text = `${s} s`
  else if (s < 3600) text = `${Math.floor(s / 60)} min`
  else if (s < 86400 * 2) text = `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`
  else text = `${Math.floor(s / 86400)} days`
  return ms >= 0 ? `in ${text}` : `${text} ago`
}

/** A countdown element the page's one-second timer keeps current (see tickCountdowns). */
export function countdownEl (iso) {
  return h('span', { class: 'countdown', dataset: { at: iso } }, countdown(iso))
}

export function tickCountdowns (root = document) {
  const now = Date.now()
  for (const el of root.querySelectorAll('.countdown[data-at]')) {
    const text = countdown(el.dataset.at, now)
    if (el.textContent !== text) el.textContent = text
  }
}

/** A metric's canary or baseline number in its unit. */
export function metricValue (metric, v) {
  if (v === null || v === undefined) return '–'
  if (metric === 'errorRate') return percent(v)
  if (metric === 'latency') return seconds(v)
  return Math.round(v).toLocaleString('en-US')
}

/**
 * A check's number for one side with what it counts, as the judge gives it: throughput is requests per minute of one
 * host against a typical existing host's (whole-window transaction counts when it could not compare: no effect);
 * coverage counts transactions in the window; new errors counts errors of classes the existing hosts never had.
 * `m.host` names the one new host the numbers are of, when they are not the new hosts' together.
 */
export function metricCell (m, side) {
  const v = side === 'canary' ? m.canary : m.baseline
  if (v === null || v === undefined) return '–'
  const sub = text => h('span', { class: 'sub' }, text)
  const whose = side === 'canary' && m.host ? sub(m.host) : null
  if (m.metric === 'throughput' && m.effect !== null && m.effect !== undefined) {
    return [`${rpm(v)} rpm`, side === 'canary' ? whose : sub('typical host')]
  }
  if (m.metric === 'throughput' || m.metric === 'coverage') return [metricValue(m.metric, v), sub('transactions'), whose]
  if (m.metric === 'newErrors') return [metricValue(m.metric, v), side === 'canary' ? sub('errors of new classes') : null]
  return [metricValue(m.metric, v), whose]
}

/** Requests per minute, two significant digits under 100 (as the reasons write them): "0.42", "6.3", "68", "1,240". */
export function rpm (v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–'
  if (v === 0) return '0'
  if (v >= 100) return Math.round(v).toLocaleString('en-US')
  if (v >= 10) return v.toFixed(0)
  if (v >= 1) return v.toFixed(1)
  return v.toPrecision(2)
}

export function percent (v) {
  if (v === null || v === undefined) return '–'
  const p = v * 100
  return `${p >= 10 ? p.toFixed(1) : p >= 1 ? p.toFixed(2) : p.toPrecision(2)}%`
}

export function seconds (v) {
  if (v === null || v === undefined) return '–'
  return v >= 1 ? `${v.toFixed(2)} s` : `${Math.round(v * 1000)} ms`
}

export function ratio (v) {
  if (v === null || v === undefined) return '–'
  return `x${v >= 10 ? v.toFixed(0) : v.toFixed(2)}`
}

/** As the reasons write it (judge/explain/format.ts formatP), so the table and the sentence agree: "p=0.083", "p=1". */
export function pValue (p) {
  if (p === null || p === undefined) return '–'
  if (p < 0.001) return 'p<0.001'
  if (p >= 0.995) return 'p=1'
  return `p=${Number(p.toPrecision(2))}`
}

/** Announces a change to screen readers (the page's live region). */
export function announce (text) {
  const live = document.getElementById('live')
  if (live !== null) live.textContent = text
}
