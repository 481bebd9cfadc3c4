/**
 * APM application entities: ids and guids as New Relic forms them. A guid is the
 * base64 (unpadded) of `accountId|APM|APPLICATION|applicationId`; the simulator
 * derives a stable 9-digit application id from the account and the app name.
 */
import { hash128 } from './rng.ts'

export interface EntityIds {
  guid: string
  applicationId: number
}

function base64NoPad (text: string): string {
  return Buffer.from(text, 'utf8').toString('base64').replace(/=+$/, '')
}

/** The application id New Relic would have given the app (stable for account and name). */
export function derivedApplicationId (accountId: number, name: string): number {
  return 100_000_000 + (hash128(`${accountId}\u0001APM\u0001${name}`)[0] % 900_000_000)
}

export function guidOf (accountId: number, applicationId: number): string {
  return base64NoPad(`${accountId}|APM|APPLICATION|${applicationId}`)
}

/** The application id inside a guid of New Relic's shape for this account, or null. */
function applicationIdIn (guid: string, accountId: number): number | null {
  const parts = Buffer.from(guid, 'base64').toString('utf8').split('|')
  if (parts.length !== 4 || parts[0] !== String(accountId) || parts[1] !== 'APM' || parts[2] !== 'APPLICATION') return null
  return /^[1-9][0-9]{0,15}$/.test(parts[3]) ? Number(parts[3]) : null
}

/**
 * Ids of every app, in order: a given guid is kept (its application id read from it
 * when it has New Relic's shape); derived ids that collide move to the next free number.
 */
export function entityIds (accountId: number, apps: Array<{ name: string, guid?: string }>): EntityIds[] {
  const taken = new Set<number>()
  const given = apps.map(a => a.guid === undefined ? null : applicationIdIn(a.guid, accountId))
  for (const id of given) if (id !== null) taken.add(id)
  return apps.map((a, i) => {
    let id = given[i]
    if (id === null) {
      id = derivedApplicationId(accountId, a.name)
      while (taken.has(id)) id = id >= 999_999_999 ? 100_000_000 : id + 1
      taken.add(id)
    }
    return { guid: a.guid ?? guidOf(accountId, id), applicationId: id }
  })
}
