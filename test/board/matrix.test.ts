/**
 * One rollout on the board, in a real browser: the README rollout's matrix (every app, every checkpoint, grouped
 * by team), the filters, a FAIL cell's panel with its reason, numbers and charts, the keyboard, a note added with a
 * token and seen live in a second page, screenshots at 1280 px and phone width, and nothing loaded from outside.
 */
import t from 'tap'
import { openPage, outside, PHONE, readmeRollout, SCREENSHOTS, startBoard } from './helpers.ts'

const SECRET = 'board-matrix-secret-0123456789'
const board = await startBoard(t, 'board-matrix', { tokens: `alice:${SECRET}` })
const { base } = board
const id = await readmeRollout(board.app, SECRET)
const APPS = ['Customer Portal', 'RESTAPI', 'Search Service', 'Auth.Gateway v2', 'Orders API', 'Inventory.Sync', 'Billing.Service',
  'Shipping Rates', 'Loyalty.Points', "O'Brien's API", 'Notifications.Worker', 'Payroll.Export']

// Run in the page (this file is type-checked without the DOM's types): the focused cell's app and column.
const FOCUSED_APP = 'document.activeElement?.dataset.app'
const FOCUSED_COL = 'document.activeElement?.dataset.col'

const one = await openPage(board)
const { page } = one

t.test('the matrix: every app and checkpoint, grouped by team, the decision column, the gate and the hosts', async t => {
  await page.goto(`${base}/board/rollouts/${id}`)
  await page.locator('table.matrix').waitFor()
  await page.locator('.live-state.on').waitFor()
  const rows = page.locator('table.matrix tbody tr[data-app]')
  t.same((await rows.evaluateAll(trs => trs.map(tr => tr.getAttribute('data-app')))).sort(), [...APPS].sort(), 'every app has a row')
  const heads = await page.locator('table.matrix thead th.col').allInnerTexts()
  t.equal(heads.length, 6, 'a column per plan entry')
  t.same(heads.map(h => h.split('\n').slice(0, 2).join(' ')),
    ['#1 11:00', '#2 12:00', '#3 13:00', '#4 14:00', '#5 15:00', 'Decision 15:30'],
    'at the rollout\'s local times (the browser is in Paris)')
  t.equal(await page.locator('table.matrix button.cell[data-col]:not(.people-cell)').count(), 12 * 6, 'a cell per app and checkpoint')
  t.same(await page.locator('table.matrix tr.group .group-name').evaluateAll(ths => ths.map(th => th.firstChild?.textContent)),
    ['finance', 'No team'], 'apps grouped by team')

  const billing = page.locator('tr[data-app="Billing.Service"] button[data-col="5"]')
  t.match(await billing.innerText(), /FAIL/, 'a cell says its verdict in a word')
  t.match(await billing.getAttribute('aria-label'), /^Billing\.Service, decision 15:30: FAIL, error rate/)
  t.match(await page.locator('tr[data-app="O\'Brien\'s API"] button[data-col="5"]').innerText(), /NO DATA/)
  // A cell's short reason wraps to two lines rather than losing its end ("traffic x…", "on …"); a longer one
  // is cut after two, and its whole text is the cell's title.
  const whys = await page.locator('table.matrix .cell .why').evaluateAll(els => els.map(e => ({
    text: e.textContent ?? '', title: e.parentElement?.title, cut: e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1
  })))
  t.ok(whys.some(w => w.text.length > 22 && w.text.length <= 40), 'some reasons are longer than one line')
  t.same(whys.filter(w => w.text.length <= 40 && w.cut).map(w => w.text), [], 'every short reason of two lines or less is shown whole')
  t.same(whys.filter(w => w.title !== w.text).map(w => w.text), [], 'the whole reason on hover')

  const facts = (await page.locator('dl.facts').innerText()).replace(/\s+/g, ' ')
  t.match(facts, /Recommendation ✕ NO GO/i)
  t.match(facts, /Gate closed \(final\) the recommendation is NO_GO/i)
  t.match(facts, /New hosts PRDIIS09/i)
  t.match(facts, /Decision 25 Nov 15:30 IST .* ago/i)
  t.match(facts, /Next checkpoint none: decided/i)
  await page.screenshot({ path: `${SCREENSHOTS}rollout-1280.png`, fullPage: true })
})

t.test('filters by team and by verdict, kept in the address', async t => {
  const rows = page.locator('table.matrix tbody tr[data-app]')
  await page.selectOption('#verdict-filter', 'FAIL')
  const fails = await rows.evaluateAll(trs => trs.map(tr => tr.getAttribute('data-app')))
  t.ok(fails.includes('Billing.Service') && !fails.includes('RESTAPI'), `FAIL only: ${fails.join(', ')}`)
  t.match(page.url(), /verdict=FAIL/)
  await page.selectOption('#verdict-filter', '')
  await page.selectOption('#team-filter', 'finance')
  t.same(await rows.evaluateAll(trs => trs.map(tr => tr.getAttribute('data-app'))), ['Payroll.Export'])
  await page.selectOption('#team-filter', '')
  t.equal(await rows.count(), 12)
})

t.test('a click on a FAIL cell opens the app: its reason, numbers and charts; Escape closes it', async t => {
  const cell = page.locator('tr[data-app="Billing.Service"] button[data-col="5"]')
  await cell.click()
  const panel = page.getByRole('dialog', { name: 'Billing.Service' })
  await panel.waitFor()
  await panel.locator('.checkpoint ul.reasons li').first().waitFor()
  t.match(await panel.locator('.checkpoint h3').innerText(), /^Decision · 25 Nov 15:30 IST/)
  t.match(await panel.locator('.checkpoint ul.reasons').innerText(),
    /error rate [\d.]+% on PRDIIS09 vs [\d.]+% on 4 existing hosts \(x3\.\d/)
  const errorRow = (await panel.locator('table.metrics tr', { hasText: 'Error rate' }).innerText()).replace(/\s+/g, ' ')
  t.match(errorRow, /Error rate ✕ FAIL [\d.]+% [\d.]+% x[\d.]+ x[\d.]+–x[\d.]+ p<0\.001/, 'canary, baseline, effect, interval and p')
  const latencyRow = (await panel.locator('table.metrics tr', { hasText: 'Latency' }).innerText()).replace(/\s+/g, ' ')
  t.match(latencyRow, /x[\d.]+ p95 slow share x[\d.]+–x[\d.]+/, 'the effect says it is the p95 ratio, the interval that it bounds the slow share')
  t.match(latencyRow, / p(=1|=0\.\d{1,4}|<0\.001)$/, `p as the reasons write it ("p=1", not "p=1.000"): ${latencyRow}`)
  await panel.locator('.uplot canvas').nth(2).waitFor()
  t.equal(await panel.locator('.chart-figure figcaption').count(), 3, 'traffic, error rate and p95 charts')
  await panel.getByRole('button', { name: /^#3/ }).click()
  t.match(await panel.locator('.checkpoint h3').innerText(), /^Checkpoint 3 · 25 Nov 13:00 IST/, 'an earlier checkpoint')
  await page.screenshot({ path: `${SCREENSHOTS}panel-1280.png` })
  await page.keyboard.press('Escape')
  await panel.waitFor({ state: 'hidden' })
  t.equal(await page.evaluate<string | undefined>(FOCUSED_APP), 'Billing.Service', 'focus goes back to the cell')
})

t.test('by keyboard: one tab stop, arrows move, Enter opens, visible focus', async t => {
  const cell = page.locator('tr[data-app="Billing.Service"] button[data-col="5"]')
  await cell.focus()
  await page.keyboard.press('ArrowLeft')
  t.same([await page.evaluate(FOCUSED_APP), await page.evaluate(FOCUSED_COL)], ['Billing.Service', '4'])
  await page.keyboard.press('ArrowDown')
  t.equal(await page.evaluate<string | undefined>(FOCUSED_COL), '4', 'down keeps the column')
  t.equal(await page.locator('table.matrix button[tabindex="0"]').count(), 1, 'a single tab stop in the grid')
  const outline = await page.evaluate<string>('getComputedStyle(document.activeElement).outlineStyle')
  t.equal(outline, 'solid', 'the focused cell has an outline')
  await page.keyboard.press('ArrowUp')
  await page.keyboard.press('Enter')
  const panel = page.getByRole('dialog', { name: 'Billing.Service' })
  await panel.waitFor()
  t.match(await panel.locator('.checkpoint h3').innerText(), /^Checkpoint 5/, 'Enter opens the app at that checkpoint')
  await page.keyboard.press('Escape')
  await panel.waitFor({ state: 'hidden' })
})

t.test('a note with a sign-off, sent with the token, appears live in a second page', async t => {
  const two = await openPage(board)
  await two.page.goto(`${base}/board/rollouts/${id}`)
  await two.page.locator('.live-state.on').waitFor()
  await two.page.evaluate('window.marker = 1')
  await two.page.locator('tr[data-app="Billing.Service"] button[data-col="people"]').click()
  const watching = two.page.getByRole('dialog', { name: 'Billing.Service' })
  await watching.getByText('No notes yet.').waitFor()

  await page.getByLabel('API token').fill(SECRET)
  await page.getByRole('button', { name: 'Save' }).click()
  await page.locator('table.matrix').waitFor()
  await page.locator('tr[data-app="Billing.Service"] button[data-col="5"]').click()
  const panel = page.getByRole('dialog', { name: 'Billing.Service' })
  await panel.getByLabel('Note').fill('Works fine. Tested along with Okta authentication')
  await panel.getByLabel('ok: the app is fine').check()
  await panel.getByRole('button', { name: 'Add note' }).click()
  await panel.locator('.form-status', { hasText: 'Signed off' }).waitFor()
  await panel.locator('.note', { hasText: 'Okta' }).waitFor()
  await page.keyboard.press('Escape')
  await panel.waitFor({ state: 'hidden' })

  const note = watching.locator('.note', { hasText: 'Works fine. Tested along with Okta authentication' })
  await note.waitFor({ timeout: 10_000 })
  t.match(await note.innerText(), /alice · 25 Nov|alice · \d+ \w+ \d\d:\d\d IST/, 'with who wrote it')
  t.match(await note.innerText(), /signed off ok/)
  await two.page.keyboard.press('Escape')
  await two.page.locator('tr[data-app="Billing.Service"] .people-cell', { hasText: '1 note' }).waitFor()
  t.match(await two.page.locator('tr[data-app="Billing.Service"] .people-cell').innerText(), /ok · alice/, 'the matrix shows the sign-off')
  t.equal(await two.page.evaluate<number | undefined>('window.marker'), 1, 'the second page did not reload')
  t.same(outside(two.requests, base), [])
  t.same(two.errors, [])
  await two.page.context().close()
})

t.test('after the decision: no waivers, an override beside the automated decision', async t => {
  await page.locator('tr[data-app="Billing.Service"] button[data-col="5"]').click()
  const panel = page.getByRole('dialog', { name: 'Billing.Service' })
  await panel.locator('.waiver-box', { hasText: 'waivers are closed' }).waitFor()
  t.pass('the waiver form is gone once decided')
  await panel.locator('.people-box').scrollIntoViewIfNeeded()
  await page.screenshot({ path: `${SCREENSHOTS}panel-notes-1280.png` })
  await page.keyboard.press('Escape')
  await page.getByText('Record people\'s decision (override)').click()
  await page.getByLabel('Decision', { exact: true }).selectOption('GO')
  await page.getByLabel('Why').fill('Billing errors are the known ticket PAY-812; approved by the CAB')
  await page.getByRole('button', { name: 'Record override' }).click()
  await page.locator('p.override', { hasText: 'Overridden to GO by alice' }).waitFor()
  const facts = (await page.locator('dl.facts').innerText()).replace(/\s+/g, ' ')
  t.match(facts, /Recommendation ✓ GO automated: ✕ NO GO/i, 'the automated decision stays visible')
  t.match(facts, /Gate open/i)
})

t.test('a waiver given and withdrawn while the rollout runs', async t => {
  const soon = Date.now() + 3_600_000
  const res = await board.app.inject({
    method: 'POST',
    url: '/v1/rollouts',
    headers: { authorization: `Bearer ${SECRET}` },
    payload: {
      name: 'PRDIIS10 joins the IIS pool',
      apps: APPS,
      canaryHosts: ['PRDIIS10'],
      timezone: 'Asia/Kolkata',
      startAt: new Date(soon).toISOString(),
      decisionAt: new Date(soon + 3 * 3_600_000).toISOString()
    }
  })
  t.equal(res.statusCode, 201, res.body)
  await page.goto(`${base}/board/rollouts/${res.json().id as string}`)
  await page.locator('tr[data-app="Billing.Service"] button[data-col="people"]').click()
  const panel = page.getByRole('dialog', { name: 'Billing.Service' })
  await panel.getByText('No checkpoint recorded yet.').waitFor()
  await panel.getByLabel('Reason').fill('Known ticket PAY-812; fix in the next release')
  await panel.getByRole('button', { name: 'Waive' }).click()
  await panel.getByRole('button', { name: 'Withdraw waiver' }).waitFor()
  t.match(await panel.locator('.waiver-box').innerText(), /Waived by alice/)
  await page.keyboard.press('Escape')
  await page.locator('tr[data-app="Billing.Service"] .people-cell', { hasText: 'waived · alice' }).waitFor()
  await page.locator('tr[data-app="Billing.Service"] button[data-col="people"]').click()
  await panel.getByRole('button', { name: 'Withdraw waiver' }).click()
  await panel.getByRole('button', { name: 'Waive' }).waitFor()
  await page.keyboard.press('Escape')
  await page.locator('tr[data-app="Billing.Service"] .people-cell', { hasNotText: 'waived' }).waitFor()
  t.pass('the matrix no longer shows the waiver')
  t.same(one.errors, [], 'no script error, no CSP violation')
  t.same(outside(one.requests, base), [], 'nothing is loaded from outside the service')
})

t.test('at phone width: the matrix scrolls sideways in its box with the app column in view', async t => {
  const phone = await openPage(board, PHONE)
  await phone.page.goto(`${base}/board/rollouts/${id}`)
  await phone.page.locator('table.matrix').waitFor()
  const widths = await phone.page.evaluate<{ page: number, box: number }>(`({
    page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    box: document.querySelector('.matrix-scroll').scrollWidth - document.querySelector('.matrix-scroll').clientWidth
  })`)
  t.ok(widths.page <= 0, `the page does not scroll sideways: ${widths.page}px`)
  t.ok(widths.box > 0, 'the matrix does, in its box')
  await phone.page.locator('.matrix-scroll').evaluate(el => { el.scrollLeft = 300 })
  const app = phone.page.locator('tr[data-app="Billing.Service"] th.app')
  const left = await app.evaluate(el =>
    el.getBoundingClientRect().left - (el.closest('.matrix-scroll')?.getBoundingClientRect().left ?? NaN))
  t.ok(Math.abs(left) <= 2, `the app column stays at the left when scrolled: ${left}px`)
  await phone.page.screenshot({ path: `${SCREENSHOTS}rollout-phone.png`, fullPage: true })
  await phone.page.locator('tr[data-app="Billing.Service"] button[data-col="5"]').click()
  await phone.page.getByRole('dialog', { name: 'Billing.Service' }).locator('.uplot canvas').first().waitFor()
  await phone.page.screenshot({ path: `${SCREENSHOTS}panel-phone.png` })
  t.same(outside(phone.requests, base), [])
  t.same(phone.errors, [])
  await phone.page.context().close()
})

t.teardown(async () => { await page.context().close() })
