/**
 * The board's browser tests: a real service (embedded simulator on the bundled scenario, real Redis)
 * listening on a free port, and Debian's Chromium driven by playwright-core.
 */
import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { chromium, type Browser, type Page } from 'playwright-core'
import type { Test } from 'tap'
import type { Scenario } from '../../src/sim/index.ts'
import { buildTestApp, poolAddRollout } from '../helpers/app.ts'
import { cleanPrefix, uniquePrefix } from '../helpers/redis.ts'
import { waitForState } from '../helpers/wait.ts'

// Debian's chromium (.ci/run installs it); Playwright cannot download a browser of its own here.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync']

// Kept in the tree for a person to look at (the README shows them); each run draws them afresh.
// GONOGO_SCREENSHOTS=<dir> puts them elsewhere, for a run that must leave the tree untouched.
export const SCREENSHOTS = `${resolve(process.env.GONOGO_SCREENSHOTS ?? new URL('./__screenshots__/', import.meta.url).pathname)}/`
export const DESKTOP = { width: 1280, height: 900 }
export const PHONE = { width: 390, height: 844 }

export interface Board {
  app: FastifyInstance
  /** http://127.0.0.1:<port> */
  base: string
  browser: Browser
}

/** The service on a free port and a browser, both closed at the end of the test. */
export async function startBoard (
  t: Test, name: string, opts: { tokens?: string, env?: Record<string, string>, scenario?: Scenario } = {}
): Promise<Board> {
  const prefix = uniquePrefix(name)
  const { app, close } = await buildTestApp({ prefix, tokens: opts.tokens, env: opts.env, warm: true, scenario: opts.scenario })
  t.teardown(async () => {
    await close()
    await cleanPrefix(prefix)
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('the service is not listening on a port')
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS })
  t.teardown(async () => { await browser.close() })
  mkdirSync(SCREENSHOTS, { recursive: true })
  return { app, base: `http://127.0.0.1:${address.port}`, browser }
}

/** The README's rollout (PRDIIS09 joins the IIS pool, a past window): created, and decided by catch-up. */
export async function readmeRollout (app: FastifyInstance, token?: string): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/rollouts',
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    payload: poolAddRollout({
      apps: ['Customer Portal', 'RESTAPI', 'Search Service', 'Auth.Gateway v2', 'Orders API', 'Inventory.Sync', 'Billing.Service',
        'Shipping Rates', 'Loyalty.Points', "O'Brien's API", 'Notifications.Worker', { name: 'Payroll.Export', team: 'finance' }],
      checkpointEvery: 'PT1H'
    })
  })
  if (res.statusCode !== 201) throw new Error(`creating the rollout answered ${res.statusCode}: ${res.body}`)
  const id = (res.json() as { id: string }).id
  await waitForState(app, id, 'decided', 120_000)
  return id
}

export interface Watched {
  page: Page
  /** Every URL the page asked for. */
  requests: string[]
  /** Console errors and uncaught exceptions (a CSP violation is one). */
  errors: string[]
}

/** A new page (own context: own sessionStorage) that records its requests and errors. */
export async function openPage (board: Board, viewport = DESKTOP): Promise<Watched> {
  const context = await board.browser.newContext({ viewport, timezoneId: 'Europe/Paris', locale: 'en-GB' })
  const page = await context.newPage()
  const requests: string[] = []
  const errors: string[] = []
  page.on('request', r => { requests.push(r.url()) })
  // A failed load's console line does not say which: the response does.
  page.on('console', m => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text()) })
  page.on('response', r => { if (r.status() >= 400) errors.push(`${r.status()} ${r.request().method()} ${r.url()}`) })
  page.on('pageerror', e => { errors.push(e.message) })
  return { page, requests, errors }
}

/** Requests that left the service (a CDN, a font, anything): there must be none. */
export function outside (requests: string[], base: string): string[] {
  return requests.filter(u => !u.startsWith(`${base}/`) && !u.startsWith('data:'))
}
