import { Value } from '@sinclair/typebox/value'
import type { Config } from '../../config.ts'
import { ConfigError } from '../../errors.ts'
import { NotifyTarget } from '../../schemas/notify.ts'
import { checkUrlStatic, UrlPolicyError } from '../deliver/url-policy.ts'

/**
 * The targets in GONOGO_NOTIFY_DEFAULT (one JSON target or a JSON array of
 * them), which receive the events of every rollout. Throws a ConfigError
 * naming the variable, so a bad value stops start-up with a clear message
 * instead of failing every delivery later. DNS is not consulted here (a
 * resolver blip must not stop the service); delivery guards the address.
 */
export function defaultTargets (config: Pick<Config, 'GONOGO_NOTIFY_DEFAULT' | 'webhookAllowHosts'>): NotifyTarget[] {
  const raw = config.GONOGO_NOTIFY_DEFAULT
  if (raw === undefined || raw.trim() === '') return []
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    throw new ConfigError(['GONOGO_NOTIFY_DEFAULT must be JSON like {"kind":"slack","url":"https://hooks.slack.com/services/..."}'])
  }
  const list = Array.isArray(parsed) ? parsed : [parsed]
  const problems: string[] = []
  const targets: NotifyTarget[] = []
  for (const [i, item] of list.entries()) {
    const where = Array.isArray(parsed) ? `GONOGO_NOTIFY_DEFAULT[${i}]` : 'GONOGO_NOTIFY_DEFAULT'
    if (!Value.Check(NotifyTarget, item)) {
      // The first schema error only: the union's errors are long and would quote the secret back.
      const first = [...Value.Errors(NotifyTarget, item)][0]
      const path = first?.path !== undefined && first.path !== '' ? ` at ${first.path}` : ''
      problems.push(`${where} must be {"kind":"slack"|"teams","url":...} ` +
        `or {"kind":"webhook","url":...,"secret":<16+ chars>} (problem${path})`)
      continue
    }
    try {
      checkUrlStatic(item.url, item.kind, config.webhookAllowHosts)
    } catch (err) {
      if (!(err instanceof UrlPolicyError)) throw err
      problems.push(`${where} url ${err.message}`)
      continue
    }
    targets.push(item)
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return targets
}
