// One rollout as the release table people kept by hand: apps grouped by team with their owners, a column per
// hourly checkpoint, the decision column, people's word (sign-offs, waivers, notes) beside the verdicts; the
// recommendation, the gate and the hosts above. Live: every event of the rollout's stream re-reads the matrix
// with If-None-Match (a 304 when nothing changed), never reloading the page.
import { follow, getJson, send, seg } from './api.js'
import { announce, clock, countdownEl, fill, h, label, localTime, overdueBadge, recBadge, VERDICTS } from './dom.js'
import { createPanel, mutate } from './panel.js'

const NO_TEAM = 'No team'
/** Rows built at once (more than a tall screen shows); the others follow CHUNK_ROWS at a time. */
const FIRST_ROWS = 30
const CHUNK_ROWS = 40

export function showRollout (el, id) {
  let matrix = null
  let stopped = false
  const filters = readFilters()
  /** The cell that holds the grid's one tab stop: [app, column]. */
  let active = null
  const head = h('div', { class: 'rollout-head' })
  const status = h('p', { class: 'status', role: 'status' }, 'Loading…')
  const filterBar = h('div', { class: 'filters' })
  const count = h('span', { class: 'muted', 'aria-live': 'polite' })
  const grid = h('div', { class: 'scroll matrix-scroll' })
  const liveState = h('span', { class: 'live-state', title: 'Updates arrive over the rollout\'s event stream' }, 'connecting…')
  const panel = createPanel({
    rolloutId: id,
    timezone: () => matrix?.timezone ?? 'UTC',
    plan: () => matrix?.plan ?? [],
    state: () => matrix?.state ?? 'scheduled',
    onChanged: () => refresh()
  })
  const overrideBox = overrideForm(id, () => refresh())

  const crumbs = h('p', { class: 'crumbs' },
    h('a', { href: './', 'data-nav': true }, 'Rollouts'), ' › ', h('span', null, 'rollout'), ' ', liveState)
  fill(el, crumbs,
    head, overrideBox, status, filterBar, count, grid)

  async function refresh () {
    try {
      const { data, changed } = await getJson(`rollouts/${seg(id)}/matrix`)
      if (stopped) return
      status.textContent = ''
      status.hidden = true
      if (!changed && matrix !== null) return
      const first = matrix === null
      const before = matrix?.recommendation
      matrix = data
      render()
      if (!first && before !== matrix.recommendation) announce(`Recommendation now ${label(matrix.recommendation ?? 'none')}`)
    } catch (err) {
      if (stopped) return
      status.hidden = false
      status.textContent = err.status === 404 && matrix === null ? `No rollout ${id}.` : `Could not read the rollout: ${err.message}`
    }
  }

  function render () {
    document.title = `${matrix.name} · gonogo`
    fill(head, header(matrix))
    overrideBox.hidden = matrix.state !== 'decided'
    fill(filterBar, filterControls(matrix, filters, () => {
      writeFilters(filters)
      renderGrid()
    }))
    renderGrid()
  }

  let generation = 0
  function renderGrid () {
    const focused = grid.contains(document.activeElement) ? document.activeElement.closest('[data-col]') : null
    const shown = matrix.apps.filter(r => matches(r, filters))
    count.textContent = `${shown.length} of ${matrix.apps.length} apps`
    const { table, rest } = matrixTable(matrix, shown)
    fill(grid, table)
    const mine = ++generation
    // Keep the one tab stop (and the focus, after a live update) where the person left it.
    const place = (final) => {
      const wanted = active === null
        ? null
        : table.querySelector(`button[data-app="${CSS.escape(active[0])}"][data-col="${CSS.escape(active[1])}"]`)
      if (wanted === null && !final) return false
      const stop = wanted ?? table.querySelector('button[data-col]')
      if (stop === null) return true
      for (const b of table.querySelectorAll('button[data-col][tabindex="0"]')) b.tabIndex = -1
      stop.tabIndex = 0
      active = [stop.dataset.app, stop.dataset.col]
      if (focused !== null) stop.focus({ preventScroll: true })
      return true
    }
    let placed = place(rest.length === 0)
    // The rows past the first screens follow in small tasks: the page answers a click meanwhile.
    const more = () => {
      if (mine !== generation) return
      for (const add of rest.splice(0, CHUNK_ROWS)) add()
      if (!placed) placed = place(rest.length === 0)
      if (rest.length > 0) setTimeout(more, 0)
    }
    if (rest.length > 0) setTimeout(more, 0)
  }

  grid.addEventListener('click', e => {
    const cell = e.target instanceof Element ? e.target.closest('button[data-col]') : null
    if (cell === null) return
    setActive(cell)
    const col = cell.dataset.col
    panel.open(cell.dataset.app, col === 'people' ? null : Number(col), cell)
  })
  grid.addEventListener('keydown', e => {
    const cell = e.target instanceof Element ? e.target.closest('button[data-col]') : null
    if (cell === null) return
    const target = move(cell, e)
    if (target === null) return
    e.preventDefault()
    setActive(target)
    target.focus()
  })

  function setActive (cell) {
    for (const b of grid.querySelectorAll('button[data-col][tabindex="0"]')) b.tabIndex = -1
    cell.tabIndex = 0
    active = [cell.dataset.app, cell.dataset.col]
  }

  let pending = null
  /** Events come in bursts (a checkpoint changes many apps): one re-read per burst. */
  function soon () {
    if (pending !== null) return
    pending = setTimeout(() => {
      pending = null
      refresh()
    }, 150)
  }
  const stopEvents = follow(`rollouts/${seg(id)}/events`, {
    onOpen: () => {
      liveState.textContent = '● live'
      liveState.className = 'live-state on'
      soon()
    },
    onDown: () => {
      liveState.textContent = 'reconnecting…'
      liveState.className = 'live-state off'
    },
    onEvent: ({ type, data }) => {
      soon()
      panel.changed(type, data)
    }
  })
  // A safety net for a proxy that buffers the stream: a conditional read costs a 304.
  const timer = setInterval(refresh, 30_000)
  refresh()
  return () => {
    stopped = true
    stopEvents()
    clearInterval(timer)
    clearTimeout(pending)
    panel.close()
  }
}

function header (m) {
  const next = m.plan.find(p => p.status === 'pending')
  const overridden = m.override !== null
  return [
    h('h1', null, m.name),
    h('dl', { class: 'facts' },
      fact('State', h('span', { class: `state state-${m.state}` }, m.state), overdueBadge(m.overdue)),
      fact('Recommendation', recBadge(m.recommendation, 'big'),
        m.automated !== m.recommendation || overridden
          ? [' ', h('span', { class: 'muted' }, 'automated: '), recBadge(m.automated)]
          : null),
      fact('Gate', h('span', { class: `gate ${m.gate.open ? 'gate-open' : 'gate-closed'}` }, m.gate.open ? 'open' : 'closed'),
        m.gate.final ? ' (final)' : '', h('br'), h('span', { class: 'muted' }, m.gate.reason)),
      fact('New hosts', m.canaryHosts.join(', ')),
      fact('Decision', h('time', { datetime: m.decisionAt }, localTime(m.decisionAt, m.timezone)), ' ', countdownEl(m.decisionAt)),
      fact('Next checkpoint', next === undefined
        ? h('span', { class: 'muted' }, m.state === 'cancelled' ? 'none: cancelled' : 'none: decided')
        : [h('time', { datetime: next.at }, localTime(next.at, m.timezone)), ' ', countdownEl(next.at)])),
    overridden
      ? h('p', { class: 'override' },
        `Overridden to ${label(m.override.recommendation)} by ${m.override.by} (${localTime(m.override.at, m.timezone)}): `,
        m.override.reason)
      : null,
    m.reasons.length === 0 ? null : h('ul', { class: 'reasons' }, m.reasons.map(r => h('li', null, r)))
  ]
}

/**
 * After the decision, the people making the call can record theirs beside the automated one (the gate follows
 * it). Built once, so a live update does not wipe a reason being typed.
 */
function overrideForm (id, changed) {
  const rec = h('select', { id: 'override-rec', required: true },
    h('option', { value: '' }, 'choose…'), ['GO', 'NO_GO', 'INCONCLUSIVE'].map(r => h('option', { value: r }, label(r))))
  const reason = h('input', { id: 'override-reason', type: 'text', maxlength: 500, required: true, autocomplete: 'off' })
  const result = h('p', { class: 'form-status', role: 'status' })
  const form = h('form', {
    class: 'override-form',
    onsubmit: e => {
      e.preventDefault()
      const body = { recommendation: rec.value, reason: reason.value.trim() }
      mutate(e.submitter, result, () => send('POST', `rollouts/${seg(id)}/override`, body),
        'Override recorded', () => {
          reason.value = ''
          changed()
        })
    }
  },
  h('label', { for: 'override-rec' }, 'Decision'), rec,
  h('label', { for: 'override-reason' }, 'Why'), reason,
  h('button', { type: 'submit' }, 'Record override'), result)
  return h('details', { class: 'override-box', hidden: true }, h('summary', null, 'Record people\'s decision (override)'), form)
}

function fact (term, ...value) {
  return h('div', null, h('dt', null, term), h('dd', null, value))
}

function readFilters () {
  const q = new URLSearchParams(location.search)
  return { team: q.get('team') ?? '', verdict: q.get('verdict') ?? '' }
}

/** The filters live in the address, so a link to "finance's FAILs" can be passed around. */
function writeFilters (f) {
  const url = new URL(location.href)
  for (const key of ['team', 'verdict']) {
    if (f[key] === '') url.searchParams.delete(key)
    else url.searchParams.set(key, f[key])
  }
  history.replaceState(null, '', url)
}

function filterControls (m, f, changed) {
  const team = h('select', { id: 'team-filter', onchange: () => { f.team = team.value; changed() } },
    h('option', { value: '' }, 'every team'),
    m.teams.map(t => h('option', { value: t }, t)),
    m.apps.some(r => r.team === null) ? h('option', { value: '-' }, NO_TEAM) : null)
  team.value = f.team
  const verdict = h('select', { id: 'verdict-filter', onchange: () => { f.verdict = verdict.value; changed() } },
    h('option', { value: '' }, 'any verdict'),
    h('option', { value: 'flagged' }, 'not PASS'),
    VERDICTS.map(v => h('option', { value: v }, label(v))))
  verdict.value = f.verdict
  return [
    h('label', { for: 'team-filter' }, 'Team'), team,
    h('label', { for: 'verdict-filter' }, 'Latest verdict'), verdict
  ]
}

function latest (row) {
  for (let i = row.verdicts.length - 1; i >= 0; i--) if (row.verdicts[i] !== null) return row.verdicts[i]
  return null
}

function matches (row, f) {
  if (f.team === '-' && row.team !== null) return false
  if (f.team !== '' && f.team !== '-' && row.team !== f.team) return false
  const v = latest(row)
  if (f.verdict === 'flagged') return v !== null && v !== 'PASS'
  return f.verdict === '' || v === f.verdict
}

/**
 * The table with its first FIRST_ROWS app rows, and `rest`: the other rows, each a function that appends it
 * to its team's tbody, in order.
 */
function matrixTable (m, rows) {
  const groups = new Map()
  for (const r of rows) {
    const team = r.team ?? NO_TEAM
    if (!groups.has(team)) groups.set(team, [])
    groups.get(team).push(r)
  }
  const teams = [...groups.keys()].sort((a, b) => (a === NO_TEAM) - (b === NO_TEAM) || a.localeCompare(b))
  const width = m.plan.length + 2
  const rest = []
  let built = 0
  const bodies = teams.map(team => {
    const n = groups.get(team).length
    const body = h('tbody', null, h('tr', { class: 'group' }, h('th', { scope: 'rowgroup', colspan: width },
      h('span', { class: 'group-name' }, team, h('span', { class: 'muted' }, ` · ${n} app${n === 1 ? '' : 's'}`)))))
    for (const r of groups.get(team)) {
      if (built++ < FIRST_ROWS) body.append(appRow(r, m))
      else rest.push(() => body.append(appRow(r, m)))
    }
    return body
  })
  // Fixed column widths: the browser lays the table out from its columns, not by measuring 3,600 cells.
  const table = h('table', { class: 'matrix' },
    h('colgroup', null, h('col', { class: 'c-app' }), m.plan.map(() => h('col', { class: 'c-cell' })), h('col', { class: 'c-people' })),
    h('caption', { class: 'visually-hidden' },
      'Each app\'s verdict at each checkpoint; arrow keys move between cells, Enter opens the app'),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col', class: 'app' }, 'App'),
      m.plan.map(p => columnHead(p, m.timezone)),
      h('th', { scope: 'col', class: 'people' }, 'People'))),
    bodies)
  // board.css sizes the table from its column count (a custom property, which the CSP allows, unlike a style attribute).
  table.style.setProperty('--columns', String(m.plan.length))
  return { table, rest }
}

function columnHead (p, tz) {
  const decision = p.kind === 'decision'
  return h('th', { scope: 'col', class: decision ? 'col decision' : 'col', dataset: { index: p.index } },
    h('span', { class: 'when' }, decision ? 'Decision' : `#${p.index + 1}`),
    h('time', { datetime: p.at, title: localTime(p.at, tz) }, clock(p.at, tz)),
    p.status === 'ok' ? recBadge(p.recommendation, 'small') : h('span', { class: `plan plan-${p.status}` }, p.status))
}

function appRow (r, m) {
  return h('tr', { dataset: { app: r.app } },
    h('th', { scope: 'row', class: 'app' },
      h('span', { class: 'name' }, breakable(r.app)),
      r.critical ? h('span', { class: 'tag' }, 'critical') : null,
      r.owners.length === 0 ? null : h('span', { class: 'owners' }, r.owners.join(', '))),
    m.plan.map((p, i) => h('td', { class: p.kind === 'decision' ? 'decision' : null }, cell(r, p, i, m))),
    h('td', { class: 'people' }, peopleCell(r)))
}

/** "Notifications.Worker" may wrap after its dots in a narrow column, not in the middle of a word. */
function breakable (name) {
  const parts = name.split(/(?<=[./_-])/)
  return parts.flatMap((p, i) => i === 0 ? [p] : [h('wbr'), p])
}

function waivedAt (r, i) {
  return r.waiver !== null && (r.waiver.fromIndex === null || i >= r.waiver.fromIndex)
}

/**
 * A cell is one button and two spans (150 apps x 24 checkpoints is 3,600 of them): the symbol beside the word
 * comes from the stylesheet, the colour from the button's class.
 */
function cell (r, p, i, m) {
  const tz = m.timezone
  const v = r.verdicts[i] ?? null
  const why = m.shortReasons[r.reasons[i] ?? -1] ?? null
  const waived = v !== null && v !== 'PASS' && waivedAt(r, i)
  const when = `${p.kind === 'decision' ? 'decision' : `checkpoint ${p.index + 1}`} ${clock(p.at, tz)}`
  const word = v === null ? (p.status === 'failed' ? 'checkpoint failed' : p.status) : label(v)
  const button = document.createElement('button')
  button.type = 'button'
  button.className = `cell v-${v ?? 'none'}${waived ? ' waived' : ''}`
  button.tabIndex = -1
  button.dataset.app = r.app
  button.dataset.col = String(i)
  button.setAttribute('aria-label', `${r.app}, ${when}: ${word}${why === null ? '' : `, ${why}`}${waived ? ', waived' : ''}`)
  const shown = document.createElement('span')
  shown.className = 'word'
  shown.textContent = v === null ? (p.status === 'failed' ? 'failed' : '–') : `${label(v)}${waived ? ' · waived' : ''}`
  button.append(shown)
  if (why !== null) {
    button.title = why
    const small = document.createElement('span')
    small.className = 'why'
    small.textContent = why
    button.append(small)
  }
  return button
}

function peopleCell (r) {
  const parts = []
  if (r.signOff !== null) {
    const word = r.signOff.value === 'ok' ? '✓ ok' : '! concern'
    parts.push(h('span', { class: `signoff signoff-${r.signOff.value}` }, word, ` · ${r.signOff.by}`))
  }
  if (r.waiver !== null) parts.push(h('span', { class: 'waiver' }, `waived · ${r.waiver.by}`))
  parts.push(h('span', { class: 'notes' }, r.notes === 0 ? 'no notes' : `${r.notes} note${r.notes === 1 ? '' : 's'}`))
  const said = [r.signOff === null ? 'no sign-off' : `signed off ${r.signOff.value} by ${r.signOff.by}`,
    r.waiver === null ? null : `waived by ${r.waiver.by}`, `${r.notes} notes`].filter(Boolean).join(', ')
  return h('button', {
    type: 'button', class: 'cell people-cell', tabindex: -1, dataset: { app: r.app, col: 'people' }, 'aria-label': `${r.app}: ${said}`
  }, parts)
}

/** Arrow keys, Home and End move between the cells; rows are the visible buttons' rows. */
function move (cell, e) {
  const row = cell.closest('tr')
  const inRow = [...row.querySelectorAll('button[data-col]')]
  const at = inRow.indexOf(cell)
  const rows = [...row.closest('table').querySelectorAll('tbody tr[data-app]')]
  const r = rows.indexOf(row)
  const pick = (tr, i) => {
    const bs = tr === undefined ? [] : [...tr.querySelectorAll('button[data-col]')]
    return bs[Math.min(i, bs.length - 1)] ?? null
  }
  switch (e.key) {
    case 'ArrowRight': return inRow[at + 1] ?? null
    case 'ArrowLeft': return inRow[at - 1] ?? null
    case 'ArrowDown': return pick(rows[r + 1], at)
    case 'ArrowUp': return pick(rows[r - 1], at)
    case 'Home': return e.ctrlKey ? pick(rows[0], 0) : inRow[0]
    case 'End': return e.ctrlKey ? pick(rows[rows.length - 1], inRow.length - 1) : inRow[inRow.length - 1]
    default: return null
  }
}
