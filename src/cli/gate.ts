/** GET /v1/rollouts/{id}/gate: the lean GateView `{open, final, recommendation, reason}`; 200 (open) and 409 (closed) are both answers. */
import type { GateView } from '../schemas/board.ts'
import type { Client } from './client.ts'

export async function readGate (client: Client, id: string, signal?: AbortSignal): Promise<GateView> {
  const { body } = await client.get<GateView>(`/v1/rollouts/${encodeURIComponent(id)}/gate`, { accept: [409], signal })
  return body
}
