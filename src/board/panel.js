// One app's panel (a modal <dialog>: Escape closes it and focus goes back to the cell): its verdict at each
// checkpoint with the reasons, the checks' numbers new hosts against existing hosts with the confidence interval,
// charts of its series, the waiver, the notes and sign-offs, and the forms that add them. The forms are built once
// per opening, so a live update never loses what someone is typing.
import { ApiError, getJson, getToken, send, seg } from './api.js'
import { drawCharts } from './charts.js'
import { comparedLine } from './compared.js'
import { announce, clock, fill, h, localTime, metricCell, pValue, ratio, verdictBadge } from './dom.js'

const CHECKS = { errorRate: 'Error rate', latency: 'Latency (p95)', throughput: 'Traffic', newErrors: 'New errors', coverage: 'Coverage' }
const EVENTS_FOR_APP = new Set(['note.added', 'waiver.changed', 'verdict.changed'])

export function createPanel ({ rolloutId, timezone, plan, state, onChanged }) {
  const dialog = document.getElementById('panel')
  let app = null
  let picked = null
  let opener = null
  let view = null
  let undraw = null
  let seriesKey = ''
  let loads = 0
  const parts = {}

  dialog.addEventListener('close', () => {
    app = null
    undraw?.()
    undraw = null
    const back = opener?.isConnected ? opener : findCell(opener)
    back?.focus()
  })
  // A click on the backdrop (outside the panel's box) closes it, as Escape does.
  dialog.addEventListener('click', e => { if (e.target === dialog) dialog.close() })

  function open (name, index, from) {
    app = name
    picked = index
    opener = from
    view = null
    seriesKey = ''
    undraw?.()
    undraw = null
    build()
    if (!dialog.open) dialog.showModal()
    parts.close.focus()
    load()
  }

  function build () {
    parts.title = h('h2', { id: 'panel-title' }, app)
    parts.meta = h('p', { class: 'meta' })
    parts.close = h('button', {
      type: 'button', class: 'close', 'aria-label': 'Close the panel (Escape)', onclick: () => dialog.close()
    }, '✕')
    parts.status = h('p', { class: 'status', role: 'status' }, 'Loading…')
    parts.history = h('div', { class: 'history', role: 'group', 'aria-label': 'Checkpoints' })
    parts.checkpoint = h('section', { class: 'checkpoint', 'aria-live': 'polite' })
    parts.charts = h('div', { class: 'charts' })
    parts.waiver = h('div', { class: 'waiver-box' })
    parts.notes = h('ol', { class: 'notes-list' })
    fill(dialog, h('div', { class: 'panel-box' },
      h('header', { class: 'panel-head' }, h('div', null, parts.title, parts.meta), parts.close),
      parts.status,
      parts.history,
      parts.checkpoint,
      h('section', { class: 'people-box' }, h('h3', null, 'Notes and sign-offs'), parts.notes, noteForm()),
      h('section', null, h('h3', null, 'Waiver'), parts.waiver),
      h('section', null, h('h3', null, 'Series of the latest checkpoint'), parts.charts)))
  }

  async function load () {
    if (app === null) return
    const mine = ++loads
    const name = app
    try {
      const { data, changed } = await getJson(`rollouts/${seg(rolloutId)}/apps/${seg(name)}`)
      if (mine !== loads || name !== app) return
      parts.status.hidden = true
      if (!changed && view !== null) return
      view = data
      render()
    } catch (err) {
      if (mine !== loads || name !== app) return
      parts.status.hidden = false
      parts.status.textContent = `Could not read ${name}: ${err.message}`
    }
  }

  function render () {
    const tz = timezone()
    fill(parts.meta,
      view.team === null ? 'no team' : `team ${view.team}`,
      view.owners.length === 0 ? '' : ` · owners ${view.owners.join(', ')}`,
      view.critical ? ' · critical' : '')
    const recorded = view.checkpoints
    if (picked === null || !recorded.some(c => c.index === picked)) {
      picked = recorded.length === 0 ? null : recorded[recorded.length - 1].index
    }
    fill(parts.history, recorded.length === 0
      ? h('p', { class: 'muted' }, 'No checkpoint recorded yet.')
      : recorded.map(c => h('button', {
        type: 'button',
        class: 'pick',
        'aria-pressed': String(c.index === picked),
        onclick: () => { picked = c.index; render() }
      },
      h('span', { class: 'when' }, c.kind === 'decision' ? 'Decision' : `#${c.index + 1}`),
      ' ', clock(c.at, tz), ' ', verdictBadge(c.verdict))))
    const c = recorded.find(x => x.index === picked)
    fill(parts.checkpoint, c === undefined ? null : checkpointView(c, tz, plan()))
    const s = view.series
    const key = s === null ? 'none' : `${s.start.length}:${s.start.at(-1)}:${s.canary.count.at(-1)}`
    if (key !== seriesKey) {
      seriesKey = key
      undraw?.()
      undraw = null
      fill(parts.charts)
      if (s === null || s.start.length === 0) parts.charts.append(h('p', { class: 'muted' }, 'No series recorded yet.'))
      else {
        drawCharts(parts.charts, s, tz)
          .then(f => { if (app === null) f(); else undraw = f })
          .catch(err => parts.charts.append(h('p', { class: 'muted' }, err.message)))
      }
    }
    fill(parts.waiver, waiverView(view.waiver, tz))
    fill(parts.notes, view.notes.length === 0
      ? h('li', { class: 'muted' }, 'No notes yet.')
      : view.notes.map(n => h('li', { class: 'note' },
        h('p', { class: 'note-head' },
          h('strong', null, n.by), ' · ', h('time', { datetime: n.at }, localTime(n.at, tz)),
          n.signOff === null
            ? null
            : [' · ', h('span', { class: `signoff signoff-${n.signOff}` }, n.signOff === 'ok' ? '✓ signed off ok' : '! concern')]),
        h('p', { class: 'note-text' }, n.text))))
  }

  function waiverView (w, tz) {
    const result = h('p', { class: 'form-status', role: 'status' })
    // Waivers change what the automated decision counts; once it is made, people's word is an override.
    const open = state() === 'scheduled' || state() === 'monitoring'
    const why = `The rollout is ${state()}: waivers are closed (an override records people's decision).`
    if (w !== null) {
      return [
        h('p', null, h('strong', null, `Waived by ${w.by}`),
          ` (${localTime(w.at, tz)}${w.fromIndex === null ? '' : `, from checkpoint ${w.fromIndex + 1}`}): `, w.reason),
        open
          ? h('button', {
            type: 'button',
            onclick: e => act(e.currentTarget, result, () => send('DELETE', `${appPath()}/waiver`), 'Waiver withdrawn')
          }, 'Withdraw waiver')
          : h('p', { class: 'muted' }, why),
        result
      ]
    }
    if (!open) return h('p', { class: 'muted' }, `No waiver. ${why}`)
    const reason = h('input', { id: 'waiver-reason', type: 'text', maxlength: 500, required: true, autocomplete: 'off' })
    return h('form', {
      class: 'waiver-form',
      onsubmit: e => {
        e.preventDefault()
        act(e.submitter, result, () => send('POST', `${appPath()}/waiver`, { reason: reason.value.trim() }), 'Waived')
      }
    },
    h('p', { class: 'muted' },
      'A waiver accepts this app\'s FAIL, NO DATA or INCONCLUSIVE: it no longer counts against the recommendation.'),
    h('label', { for: 'waiver-reason' }, 'Reason'), reason, ' ', h('button', { type: 'submit' }, 'Waive'), result)
  }

  function noteForm () {
    const text = h('textarea', { id: 'note-text', rows: 3, maxlength: 2000, required: true })
    const result = h('p', { class: 'form-status', role: 'status' })
    const radio = (value, text) => h('label', { class: 'radio' },
      h('input', { type: 'radio', name: 'signoff', value, checked: value === '' }), ' ', text)
    const form = h('form', {
      class: 'note-form',
      onsubmit: e => {
        e.preventDefault()
        const signOff = form.querySelector('input[name=signoff]:checked')?.value ?? ''
        const body = { text: text.value.trim(), ...(signOff === '' ? {} : { signOff }) }
        act(e.submitter, result, () => send('POST', `${appPath()}/notes`, body), signOff === '' ? 'Note added' : 'Signed off', () => {
          text.value = ''
          form.querySelector('input[name=signoff][value=""]').checked = true
        })
      }
    },
    h('label', { for: 'note-text' }, 'Note'), text,
    h('fieldset', null, h('legend', null, 'Sign-off'), radio('', 'none'), radio('ok', 'ok: the app is fine'), radio('concern', 'concern')),
    h('button', { type: 'submit' }, 'Add note'),
    getToken() === ''
      ? h('p', { class: 'muted' }, 'When the service has API tokens, saving needs yours: enter it in "API token" at the top.')
      : null,
    result)
    return form
  }

  function appPath () {
    return `rollouts/${seg(rolloutId)}/apps/${seg(app)}`
  }

  async function act (button, result, run, done, after) {
    await mutate(button, result, run, done, async () => {
      after?.()
      await load()
      onChanged()
    })
  }

  return {
    open,
    close: () => { if (dialog.open) dialog.close() },
    /** An event of the rollout's stream: re-read the open app when it may concern it. */
    changed (type, data) {
      if (app === null) return
      if (EVENTS_FOR_APP.has(type) && typeof data?.app === 'string' && data.app !== app) return
      load()
    }
  }
}

/** Runs a mutation from a button: busy while it runs, then says what happened (in a status the screen reader reads). */
export async function mutate (button, result, run, done, after) {
  if (button) button.disabled = true
  result.textContent = 'Saving…'
  try {
    await run()
    result.textContent = done
    announce(done)
    await after?.()
  } catch (err) {
    result.textContent = err instanceof ApiError && err.status === 401
      ? 'The service needs a valid token for this: enter it in "API token" at the top.'
      : `Not saved: ${err.message}`
  } finally {
    if (button?.isConnected) button.disabled = false
  }
}

function checkpointView (c, tz, planEntries) {
  const entry = planEntries.find(p => p.index === c.index)
  const name = c.kind === 'decision' ? 'Decision' : c.kind === 'manual' ? 'Manual checkpoint' : `Checkpoint ${c.index + 1}`
  return [
    h('h3', null, `${name} · ${localTime(entry?.at ?? c.at, tz)} `, verdictBadge(c.verdict)),
    comparedLine(c),
    c.reasons.length === 0
      ? h('p', { class: 'muted' }, 'No reason given: every check passed.')
      : h('ul', { class: 'reasons' }, c.reasons.map(r => h('li', null, r))),
    h('div', { class: 'scroll' }, h('table', { class: 'metrics' },
      h('caption', { class: 'visually-hidden' }, `${name}: each check, new hosts against existing hosts`),
      h('thead', null, h('tr', null,
        ['Check', 'Status', 'New hosts', 'Existing hosts', 'Effect', '95% interval', 'p'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', null, c.metrics.map(m => h('tr', null,
        h('th', { scope: 'row' }, CHECKS[m.metric] ?? m.metric),
        h('td', null, verdictBadge(m.status)),
        h('td', { class: 'num' }, metricCell(m, 'canary')),
        h('td', { class: 'num' }, metricCell(m, 'baseline')),
        // Latency's effect is the p95 ratio, its interval the slow share's: both labelled, or they read as one claim.
        h('td', { class: 'num' }, ratio(m.effect), m.metric === 'latency' && m.effect !== null ? h('span', { class: 'sub' }, 'p95') : null),
        h('td', { class: 'num' }, interval(m)),
        h('td', { class: 'num' }, pValue(m.pValue)))))))
  ]
}

/** The latency check tests the slow share (requests over the existing hosts' p95), not the p95 ratio beside it: say so. */
function interval (m) {
  if (m.ci === null || m.ci === undefined) return '–'
  // Rounded outwards, as the reasons round their bounds: the interval shown never claims more than the data.
  const range = `${bound(m.ci.low, Math.floor)}–${bound(m.ci.high, Math.ceil)}`
  return m.metric === 'latency' ? `slow share ${range}` : range
}

function bound (v, round) {
  if (v === null || v === undefined) return '–'
  const d = v >= 10 ? 0 : 2
  return `x${(round(v * 10 ** d + (round === Math.ceil ? -1e-9 : 1e-9)) / 10 ** d).toFixed(d)}`
}

function findCell (was) {
  if (!was) return null
  const { app, col } = was.dataset
  return document.querySelector(`button[data-app="${CSS.escape(app)}"][data-col="${CSS.escape(col)}"]`)
}
