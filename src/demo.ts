/**
 * `npm run demo`: the board shows something at once. The README's rollout on the bundled past
 * scenario (decided by catch-up within seconds) and a live one on the live scenario's account
 * (PRDIIS09 joined two hours before the start; a checkpoint every 5 minutes), so the matrix
 * fills while a newcomer watches. A restart keeps the README's rollout (same Idempotency-Key
 * and body) and cancels the previous live one.
 */
import type { FastifyInstance } from 'fastify'

const LIVE_NAME = 'PRDIIS09 joins the IIS pool (live)'
const CRITICAL = ['Auth.Gateway v2', 'Customer Portal']
const APPS = ['Customer Portal', 'RESTAPI', 'Search Service', 'Auth.Gateway v2', 'Orders API', 'Inventory.Sync', 'Billing.Service',
  'Shipping Rates', 'Loyalty.Points', "O'Brien's API", 'Notifications.Worker']

/** The README's rollout, as its "Try it" section creates it. */
export const README_ROLLOUT = {
  name: 'PRDIIS09 joins the IIS pool',
  apps: [...APPS, { name: 'Payroll.Export', team: 'finance' }],
  canaryHosts: ['PRDIIS09'],
  startAt: '2026-11-25T10:00:00+05:30',
  decisionAt: '2026-11-25T15:30:00+05:30',
  checkpointEvery: 'PT1H',
  timezone: 'Asia/Kolkata'
}

export interface DemoRollouts { past: string, live: string | null }

/**
 * Creates the demo's rollouts through the API itself (as a user would). `liveAccount` is the
 * live scenario's account and `loadedAt` when the simulator read it: the scenario's "now".
 */
export async function seedDemo (
  app: FastifyInstance, token: string | undefined, liveAccount: number | undefined, loadedAt: number
): Promise<DemoRollouts> {
  const headers = { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) }
  const past = await app.inject({
    method: 'POST', url: '/v1/rollouts', headers: { ...headers, 'idempotency-key': 'demo-readme-rollout' }, payload: README_ROLLOUT
  })
  if (past.statusCode !== 201) throw new Error(`the demo could not create the README's rollout: ${past.body}`)
  if (liveAccount === undefined) return { past: past.json().id as string, live: null }
  for (const state of ['scheduled', 'monitoring']) {
    const page = (await app.inject(`/v1/rollouts?state=${state}&limit=200`)).json() as { items: Array<{ id: string, name: string }> }
    for (const r of page.items.filter(i => i.name === LIVE_NAME)) {
      await app.inject({ method: 'POST', url: `/v1/rollouts/${r.id}/cancel`, headers, payload: { reason: 'the demo restarted' } })
    }
  }
  const minute = Math.floor(loadedAt / 60_000) * 60_000
  const live = await app.inject({
    method: 'POST',
    url: '/v1/rollouts',
    headers,
    payload: {
      name: LIVE_NAME,
      accountId: liveAccount,
      apps: [
        ...APPS.map(name => ({ name, team: teamOf(name), owners: ownersOf(name), critical: CRITICAL.includes(name) })),
        { name: 'Payroll.Export', team: 'finance', owners: ['Priya'] }
      ],
      canaryHosts: ['PRDIIS09'],
      startAt: new Date(minute - 2 * 3_600_000).toISOString(),
      decisionAt: new Date(minute + 2 * 3_600_000).toISOString(),
      checkpointEvery: 'PT5M',
      timezone: 'Asia/Kolkata'
    }
  })
  if (live.statusCode !== 201) throw new Error(`the demo could not create its live rollout: ${live.body}`)
  return { past: past.json().id as string, live: live.json().id as string }
}

/** Made-up teams and owners, so the board groups rows the way the seed's table does. */
function teamOf (app: string): string {
  if (['Customer Portal', 'Auth.Gateway v2', 'Loyalty.Points'].includes(app)) return 'CCON'
  if (['Billing.Service', 'Shipping Rates', 'Orders API'].includes(app)) return 'commerce'
  if (['Search Service', 'Inventory.Sync'].includes(app)) return 'catalog'
  return 'platform'
}

function ownersOf (app: string): string[] {
  const byTeam: Record<string, string[]> = {
    CCON: ['Deepthi', 'Surya'], commerce: ['Ana', 'Rahul'], catalog: ['Mei'], platform: ['Ops on call']
  }
  return byTeam[teamOf(app)]
}
