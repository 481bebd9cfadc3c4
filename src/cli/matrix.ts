/** GET /v1/rollouts/{id}/matrix[?team=]: the rollout as a table, apps x checkpoints. */
import type { Matrix } from '../schemas/board.ts'
import type { Client } from './client.ts'

export async function readMatrix (client: Client, id: string, team?: string, signal?: AbortSignal): Promise<Matrix> {
  const { body } = await client.get<Matrix>(`/v1/rollouts/${encodeURIComponent(id)}/matrix`, { query: { team }, signal })
  return body
}
