/**
 * The board's entry: / redirects to /board/, its files come from the service (ETags, a CSP of 'self'), and the
 * rollouts page lists the README's rollout, in a real browser, with reads needing a token
 * (GONOGO_READ_TOKENS_REQUIRED): the page loads without one and reads once it is typed in.
 */
import t from 'tap'
import { BOARD_CSP } from '../../src/routes/board/index.ts'
import { openPage, outside, PHONE, readmeRollout, SCREENSHOTS, startBoard } from './helpers.ts'

const SECRET = 'board-list-secret-0123456789'
/** How far the page itself scrolls sideways (run in the page: this file is type-checked without the DOM's types). */
const SIDEWAYS = 'document.documentElement.scrollWidth - document.documentElement.clientWidth'
const board = await startBoard(t, 'board-list', { tokens: `alice:${SECRET}`, env: { GONOGO_READ_TOKENS_REQUIRED: 'true' } })
const { base } = board
const id = await readmeRollout(board.app, SECRET)

t.test('/ and /board redirect to /board/, which needs no token', async t => {
  for (const path of ['/', '/board']) {
    const res = await fetch(`${base}${path}`, { redirect: 'manual' })
    t.equal(res.status, 302, path)
    t.equal(new URL(res.headers.get('location') ?? '', `${base}${path}`).href, `${base}/board/`, `${path} -> /board/`)
  }
  const page = await fetch(`${base}/board/`)
  t.equal(page.status, 200)
  t.match(page.headers.get('content-type'), /^text\/html/)
  t.equal(page.headers.get('content-security-policy'), BOARD_CSP)
  t.match(await page.text(), /<base href="\.\/">/)
  const deep = await fetch(`${base}/board/rollouts/${id}`)
  t.equal(deep.status, 200, 'a rollout\'s page is the same page')
  t.match(await deep.text(), /<base href="\.\.\/">/, 'with a base for its depth')
  t.equal((await fetch(`${base}/v1/rollouts`)).status, 401, 'while the data itself needs the token')
})

t.test('the board\'s files: a fixed list, with ETags', async t => {
  for (const [path, type] of [['/board/assets/main.js', /^text\/javascript/], ['/board/assets/board.css', /^text\/css/],
    ['/board/assets/vendor/uPlot.iife.min.js', /^text\/javascript/], ['/board/assets/vendor/uPlot.min.css', /^text\/css/]] as const) {
    const res = await fetch(`${base}${path}`)
    t.equal(res.status, 200, path)
    t.match(res.headers.get('content-type'), type)
    t.equal(res.headers.get('x-content-type-options'), 'nosniff')
    const etag = res.headers.get('etag') ?? ''
    t.match(etag, /^"[\w-]+"$/)
    const again = await fetch(`${base}${path}`, { headers: { 'if-none-match': etag } })
    t.equal(again.status, 304, `${path} again: 304`)
  }
  const off = ['/board/assets/nope.js', '/board/assets/index.html', '/board/assets/..%2F..%2Fpackage.json',
    '/board/assets/vendor/uPlot.esm.js']
  for (const path of off) {
    const res = await fetch(`${base}${path}`)
    // A name off the list is a 404; one no board file could have is not even let past the token check (401).
    t.ok(res.status === 404 || (res.status === 401 && path.includes('%')), `${path}: ${res.status}`)
  }
})

t.test('the rollouts page: the README rollout, decided NO GO, times in IST, a click opens it without a reload', async t => {
  const { page, requests, errors } = await openPage(board)
  await page.goto(`${base}/`)
  t.equal(new URL(page.url()).pathname, '/board/')
  await page.getByRole('status').filter({ hasText: /Could not read the rollouts/ }).waitFor()
  t.match(await page.locator('main .status').innerText(), /needs an "Authorization: Bearer <token>" header/, 'without a token it says why')

  await page.getByLabel('API token').fill(SECRET)
  await page.getByRole('button', { name: 'Save' }).click()
  const row = page.locator(`tr[data-id="${id}"]`)
  await row.waitFor()
  t.equal(await page.evaluate<string | null>('sessionStorage.getItem("gonogo.token")'), SECRET, 'the token is kept in sessionStorage')
  const cells = (await row.locator('td').allInnerTexts()).map(s => s.replace(/\s+/g, ' ').trim())
  t.equal(cells[0], 'decided')
  t.match(cells[1], /NO GO/)
  t.equal(cells[2], 'PRDIIS09 joins the IIS pool')
  t.equal(cells[3], 'PRDIIS09')
  t.match(cells[4], /^25 Nov 15:30 IST .* ago$/, 'the decision in the rollout\'s timezone (the browser is in Paris), with a countdown')
  t.match(cells[5], /none: decided/)
  t.match(cells[6], /6 of 6/)
  await page.screenshot({ path: `${SCREENSHOTS}rollouts-1280.png`, fullPage: true })

  await page.evaluate('window.marker = 1')
  await row.getByRole('link', { name: 'PRDIIS09 joins the IIS pool' }).click()
  await page.waitForURL(`${base}/board/rollouts/${id}`)
  await page.locator('h1', { hasText: 'PRDIIS09 joins the IIS pool' }).waitFor()
  t.equal(await page.evaluate<number | undefined>('window.marker'), 1, 'no full reload')
  await page.goBack()
  await row.waitFor()

  await page.selectOption('#state-filter', 'cancelled')
  await page.locator('main .status', { hasText: 'No rollouts cancelled.' }).waitFor()
  t.match(page.url(), /\?state=cancelled$/, 'the filter is in the address')

  const bearer = requests.filter(u => u.includes('/v1/'))
  t.ok(bearer.length >= 2, 'the page read the API')
  t.same(outside(requests, base), [], 'nothing is loaded from outside the service')
  t.same(errors.filter(e => !/401/.test(e)), [], 'no script error, no CSP violation')
  await page.context().close()
})

t.test('at phone width', async t => {
  const { page, requests } = await openPage(board, PHONE)
  await page.goto(`${base}/board/`)
  await page.evaluate(`sessionStorage.setItem('gonogo.token', ${JSON.stringify(SECRET)})`)
  await page.reload()
  await page.locator(`tr[data-id="${id}"]`).waitFor()
  const overflow = await page.evaluate<number>(SIDEWAYS)
  t.ok(overflow <= 0, `the page itself does not scroll sideways (the table does, in its box): ${overflow}px`)
  await page.screenshot({ path: `${SCREENSHOTS}rollouts-phone.png`, fullPage: true })
  t.same(outside(requests, base), [])
  await page.context().close()
})
