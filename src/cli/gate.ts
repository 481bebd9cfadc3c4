/**
 * GET /v1/rollouts/{id}/gate read as the lean GateView `{open, final, recommendation, reason}`,
 * whether the service answers with it or with the older full RecommendationView (whose open
 * and reason sit under `gate`). 200 and 409 are both answers.
 */
import type { GateView } from '../schemas/board.ts'
import type { Client } from './client.ts'

export interface GateAnswer { view: GateView, body: unknown }

export async function readGate (client: Client, id: string, signal?: AbortSignal): Promise<GateAnswer> {
  const { body } = await client.get<Record<string, unknown>>(`/v1/rollouts/${encodeURIComponent(id)}/gate`, { accept: [409], signal })
  return { view: gateView(body), body }
}

export function gateView (body: Record<string, unknown>): GateView {
  const nested = typeof body.gate === 'object' && body.gate !== null ? body.gate as Record<string, unknown> : body
  const rec = body.recommendation
  return {
    open: nested.open === true,
    final: body.final === true,
    recommendation: rec === 'GO' || rec === 'NO_GO' || rec === 'INCONCLUSIVE' ? rec : null,
    reason: typeof nested.reason === 'string' ? nested.reason : ''
  }
}
