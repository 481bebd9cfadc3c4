/**
 * Swagger UI at /docs as a new user meets it: the demo service (embedded simulator on the
 * bundled scenario) in its own process, a real headless Chromium, "Try it out" with the example.
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { chromium, type Browser } from 'playwright-core'
import t, { type Test } from 'tap'
import { cleanPrefix, REDIS_URL, uniquePrefix } from './helpers/redis.ts'

const ROOT = new URL('../', import.meta.url).pathname
// Debian's chromium (.ci/run installs it); Playwright cannot download a browser of its own here.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync']

/** Starts the service as `npm run demo` does, on a free port; resolves its base URL. */
async function startDemo (t: Test, prefix: string): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      GONOGO_SIM_SCENARIO: 'src/sim/scenarios/pool-add.json',
      REDIS_URL,
      GONOGO_REDIS_PREFIX: prefix,
      PORT: '0',
      LOG_LEVEL: 'info'
    },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  t.teardown(async () => {
    if (child.exitCode !== null) return
    const exited = new Promise(resolve => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  })
  const lines = createInterface({ input: child.stdout })
  const docs = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the service was not ready within 60 s')), 60_000)
    child.once('exit', code => { clearTimeout(timer); reject(new Error(`the service exited with ${String(code)}`)) })
    lines.on('line', line => {
      const entry = JSON.parse(line) as { docs?: string }
      if (entry.docs !== undefined) { clearTimeout(timer); resolve(entry.docs) }
    })
  })
  return docs.replace(/\/docs$/, '')
}

t.test('Try it out on POST /v1/analyses with the example answers 200 with a recommendation', async t => {
  const prefix = uniquePrefix('openapi-ui')
  t.teardown(async () => { await cleanPrefix(prefix) })
  const base = await startDemo(t, prefix)
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS })
  t.teardown(async () => { await browser.close() })
  const page = await browser.newPage()
  const requests: string[] = []
  page.on('request', r => { requests.push(r.url()) })

  await page.goto(`${base}/docs`)
  const op = page.locator('#operations-analyses-analyzeWindow')
  await op.waitFor({ timeout: 30_000 })
  await op.locator('.opblock-summary').first().click()
  await op.getByRole('button', { name: 'Try it out' }).click()
  const body = JSON.parse(await op.locator('textarea.body-param__text').inputValue()) as { canaryHosts: string[], apps: string[] }
  t.same(body.canaryHosts, ['PRDIIS09'], 'the body is prefilled with the README example')
  t.ok(body.apps.includes('Billing.Service'))

  await op.getByRole('button', { name: 'Execute' }).click()
  const live = op.locator('.live-responses-table tbody tr.response')
  await live.first().waitFor({ timeout: 120_000 })
  t.equal((await live.first().locator('.response-col_status').innerText()).trim(), '200', 'the service answered 200')
  const answered = await live.first().locator('.response-col_description .microlight').first().innerText()
  const result = JSON.parse(answered) as { recommendation: string, apps: Array<{ app: string, verdict: string }> }
  t.equal(result.recommendation, 'NO_GO', 'with the recommendation the README shows')
  t.same(result.apps.map(a => [a.app, a.verdict]), [
    ['RESTAPI', 'PASS'], ['Billing.Service', 'FAIL'], ['Customer Portal', 'FAIL'], ["O'Brien's API", 'NO_DATA']
  ])

  // Generated examples read as data, not as samples of a regex (the RolloutId pattern, app names).
  const create = page.locator('#operations-rollouts-createRollout')
  await create.locator('.opblock-summary').first().click()
  const example = await create.locator('.body-param__example, .highlight-code').first().innerText()
  t.match(example, /"name": "PRDIIS09 joins the IIS pool"/)
  const get = page.locator('#operations-rollouts-getRollout')
  await get.locator('.opblock-summary').first().click()
  await get.locator('.parameters').first().waitFor()
  t.match(await get.locator('.parameters').first().innerText(), /Example : 01M8REC11S4F2QFPRSDAAYXZ01/, 'the id parameter shows a real id')

  const outside = requests.filter(u => !u.startsWith(`${base}/`) && !u.startsWith('data:'))
  t.same(outside, [], 'Swagger UI loads nothing from outside the service')
  t.ok(requests.some(u => u.startsWith(`${base}/docs/static/swagger-ui-bundle.js`)), 'its assets come from the service')
})
