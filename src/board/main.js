// The release board: the rollouts, and one rollout as the table people used to keep by hand (see matrix.js).
// Routes in the browser: <root>/ lists the rollouts, <root>/rollouts/<id> (or #/rollouts/<id>) shows one.
import { getJson, getToken, seg, setToken } from './api.js'
import { announce, countdownEl, fill, h, localTime, overdueBadge, recBadge, tickCountdowns } from './dom.js'
import { showRollout } from './matrix.js'

const root = new URL('./', document.baseURI)
const main = document.getElementById('main')
let leave = null

function route () {
  leave?.()
  leave = null
  const rel = location.pathname.startsWith(root.pathname) ? location.pathname.slice(root.pathname.length) : ''
  const m = /^rollouts\/([^/]+)\/?$/.exec(rel) ?? /^#\/?rollouts\/([^/]+)$/.exec(location.hash)
  leave = m === null ? showList(main) : showRollout(main, decodeURIComponent(m[1]))
}

/** Links marked data-nav change the page without a reload (new tab, middle click and modifiers still work). */
document.addEventListener('click', e => {
  const a = e.target instanceof Element ? e.target.closest('a[data-nav]') : null
  if (a === null || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
  e.preventDefault()
  history.pushState(null, '', a.href)
  route()
  main.focus()
})
window.addEventListener('popstate', route)
setInterval(() => tickCountdowns(), 1000)

function tokenForm () {
  const input = document.getElementById('token')
  const state = document.getElementById('token-state')
  const show = () => { state.textContent = getToken() === '' ? 'no token' : 'token set for this tab' }
  input.value = getToken()
  show()
  document.getElementById('token-form').addEventListener('submit', e => {
    e.preventDefault()
    setToken(input.value.trim())
    show()
    announce(state.textContent)
    // What the page could not read without the token, it reads now.
    route()
  })
  document.getElementById('token-forget').addEventListener('click', () => {
    input.value = ''
    setToken('')
    show()
    announce(state.textContent)
    route()
  })
}

const STATES = ['', 'scheduled', 'monitoring', 'decided', 'cancelled']

/** The rollouts, newest first: state, recommendation, name, hosts, the decision with a countdown, the next checkpoint. */
function showList (el) {
  document.title = 'Rollouts · gonogo'
  const params = new URLSearchParams(location.search)
  let state = STATES.includes(params.get('state') ?? '') ? params.get('state') ?? '' : ''
  let items = []
  let next = null
  let stopped = false
  const status = h('p', { class: 'status', role: 'status' }, 'Loading…')
  const body = h('tbody')
  const more = h('button', { type: 'button', class: 'more', hidden: true, onclick: () => load(next) }, 'Older rollouts')
  const pickState = () => {
    state = select.value
    const url = new URL(location.href)
    if (state === '') url.searchParams.delete('state')
    else url.searchParams.set('state', state)
    history.replaceState(null, '', url)
    items = []
    load(null)
  }
  const select = h('select', { id: 'state-filter', onchange: pickState },
    STATES.map(s => h('option', { value: s }, s === '' ? 'every state' : s)))
  select.value = state

  fill(el,
    h('h1', null, 'Rollouts'),
    h('div', { class: 'filters' }, h('label', { for: 'state-filter' }, 'State'), select),
    status,
    h('div', { class: 'scroll' }, h('table', { class: 'list' },
      h('caption', { class: 'visually-hidden' }, 'Rollouts, newest first'),
      h('thead', null, h('tr', null, ['State', 'Recommendation', 'Rollout', 'New hosts', 'Decision', 'Next checkpoint', 'Progress']
        .map(t => h('th', { scope: 'col' }, t)))),
      body)),
    more)

  function row (r) {
    return h('tr', { dataset: { id: r.id } },
      h('td', null, h('span', { class: `state state-${r.state}` }, r.state), overdueBadge(r.overdue)),
      h('td', null, r.override
        // People's decision is what the gate follows: first, with the automated one beside it (as on the rollout's page).
        ? [recBadge(r.override.recommendation), h('span', { class: 'sub' }, 'override · automated: ', recBadge(r.recommendation))]
        : recBadge(r.recommendation)),
      h('td', null, h('a', { href: `rollouts/${seg(r.id)}`, 'data-nav': true }, r.name)),
      h('td', null, r.canaryHosts.join(', ')),
      h('td', null, h('time', { datetime: r.decisionAt }, localTime(r.decisionAt, r.timezone)), h('br'), countdownEl(r.decisionAt)),
      h('td', null, r.nextAt === null
        ? h('span', { class: 'muted' }, r.state === 'cancelled' ? 'cancelled' : 'none: decided')
        : [h('time', { datetime: r.nextAt }, localTime(r.nextAt, r.timezone)), h('br'), countdownEl(r.nextAt)]),
      h('td', null, progress(r.progress)))
  }

  async function load (cursor) {
    const q = new URLSearchParams({ limit: '50' })
    if (state !== '') q.set('state', state)
    if (cursor !== null) q.set('cursor', cursor)
    try {
      const { data } = await getJson(`rollouts?${q}`)
      if (stopped) return
      items = cursor === null ? data.items : items.concat(data.items)
      next = data.nextCursor
      fill(body, items.map(row))
      more.hidden = next === null
      status.textContent = items.length === 0
        ? `No rollouts${state === '' ? '' : ` ${state}`}.`
        : `${items.length} rollout${items.length === 1 ? '' : 's'}`
    } catch (err) {
      if (!stopped) status.textContent = `Could not read the rollouts: ${err.message}`
    }
  }
  load(null)
  // States and recommendations move on their own: the first page is read again every 30 s.
  const timer = setInterval(() => { if (items.length <= 50) load(null) }, 30_000)
  return () => {
    stopped = true
    clearInterval(timer)
  }
}

function progress (p) {
  const text = `${p.ok} of ${p.total}${p.failed > 0 ? `, ${p.failed} failed` : ''}`
  const meter = h('meter', { min: 0, max: p.total, value: p.ok + p.failed, 'aria-label': `checkpoints run: ${text}` })
  return h('span', { class: 'progress' }, meter, ' ', text)
}

tokenForm()
route()
