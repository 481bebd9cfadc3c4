// The board's calls to the service's API: relative to the page's <base> (the board's root), so the board
// works under a reverse proxy's path prefix. The token a person typed is kept in sessionStorage (gone
// with the tab) and sent as "Authorization: Bearer" on every call. Reads are conditional: each answer's
// ETag is kept and sent back as If-None-Match, and a 304 reuses what was read.

const TOKEN_KEY = 'gonogo.token'
const API = new URL('../v1/', document.baseURI)
const MAX_CACHED = 64

export function getToken () {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? ''
  } catch {
    return ''
  }
}

export function setToken (value) {
  try {
    if (value === '') sessionStorage.removeItem(TOKEN_KEY)
    else sessionStorage.setItem(TOKEN_KEY, value)
  } catch {
    // Storage refused (private mode): the token lasts only as long as this page's memory.
  }
}

export function apiUrl (path) {
  return new URL(path, API).href
}

/** Path segments are encoded: app names such as "O'Brien's API" or "a/b" travel as one segment. */
export function seg (value) {
  return encodeURIComponent(value)
}

function headers (extra) {
  const out = { accept: 'application/json', ...extra }
  const token = getToken()
  if (token !== '') out.authorization = `Bearer ${token}`
  return out
}

export class ApiError extends Error {
  constructor (status, body) {
    super(typeof body?.message === 'string' ? body.message : `HTTP ${status}`)
    this.status = status
    this.body = body
  }
}

async function bodyOf (res) {
  const text = await res.text()
  if (text === '') return null
  try {
    return JSON.parse(text)
  } catch {
    return { message: text.slice(0, 300) }
  }
}

const cache = new Map()

/** GET a JSON resource; `changed` is false when the service answered 304 to the ETag of the last read. */
export async function getJson (path, { signal } = {}) {
  const url = apiUrl(path)
  const known = cache.get(url)
  const res = await fetch(url, {
    headers: headers(known === undefined ? {} : { 'if-none-match': known.etag }),
    cache: 'no-store',
    signal
  })
  if (res.status === 304 && known !== undefined) return { data: known.data, changed: false, status: 304 }
  const data = await bodyOf(res)
  if (!res.ok) throw new ApiError(res.status, data)
  const etag = res.headers.get('etag')
  if (etag !== null) {
    cache.delete(url)
    cache.set(url, { etag, data })
    if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value)
  }
  return { data, changed: true, status: res.status }
}

/** POST or DELETE; resolves the answer's body, throws ApiError on a 4xx or 5xx. */
export async function send (method, path, body) {
  const res = await fetch(apiUrl(path), {
    method,
    headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }),
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store'
  })
  const data = await bodyOf(res)
  if (!res.ok) throw new ApiError(res.status, data)
  return data
}

/**
 * Follows a server-sent event stream (text/event-stream) with fetch rather than EventSource, which
 * cannot send an Authorization header (needed when GONOGO_READ_TOKENS_REQUIRED is on). Reconnects
 * with backoff; `onOpen` is told on every (re)connection, when events may have been missed.
 * Returns a function that stops it.
 */
export function follow (path, { onEvent, onOpen, onDown }) {
  const run = { stopped: false }
  let ctrl = null
  let delay = 1000
  const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))

  async function loop () {
    while (!run.stopped) {
      ctrl = new AbortController()
      try {
        const res = await fetch(apiUrl(path), {
          headers: headers({ accept: 'text/event-stream' }), cache: 'no-store', signal: ctrl.signal
        })
        if (!res.ok || res.body === null) throw new ApiError(res.status, null)
        delay = 1000
        onOpen?.()
        await read(res.body, onEvent)
      } catch {
        // Refused, dropped or not there (yet): try again after a while.
      }
      if (run.stopped) return
      onDown?.()
      await sleep(delay)
      delay = Math.min(delay * 2, 30_000)
    }
  }
  loop()
  return () => {
    run.stopped = true
    ctrl?.abort()
  }
}

async function read (body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
    buffer += value
    for (;;) {
      const end = /\r?\n\r?\n/.exec(buffer)
      if (end === null) break
      const block = buffer.slice(0, end.index)
      buffer = buffer.slice(end.index + end[0].length)
      const event = parseBlock(block)
      if (event !== null) onEvent(event)
    }
  }
}

/** One event of the stream: `event:` and `data:` lines; comments (": ping") are keep-alives. */
function parseBlock (block) {
  let type = 'message'
  const data = []
  for (const line of block.split(/\r?\n/)) {
    if (line === '' || line.startsWith(':')) continue
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
    if (field === 'event') type = value
    else if (field === 'data') data.push(value)
  }
  if (data.length === 0) return null
  try {
    return { type, data: JSON.parse(data.join('\n')) }
  } catch {
    return { type, data: null }
  }
}
