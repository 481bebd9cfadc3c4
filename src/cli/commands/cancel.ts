/** gonogo cancel: stop a scheduled or monitoring rollout (POST /v1/rollouts/{id}/cancel). */
import type { Command } from 'commander'
import type { Rollout } from '../../schemas/rollout.ts'
import { printJson, type Cli } from '../context.ts'
import { clean } from '../style.ts'

export function registerCancel (program: Command, cli: Cli): void {
  program.command('cancel')
    .summary('cancel a scheduled or monitoring rollout')
    .description('Cancels a rollout: no further checkpoint runs; the reason is stored and sent to its chat targets.')
    .argument('<id>', 'the rollout\'s id')
    .option('--reason <text>', 'why, for people (one line)')
    .action(cli.action(async (ctx, id: string, opts: { reason?: string }) => {
      const body = opts.reason === undefined ? {} : { reason: opts.reason }
      const { body: r } = await ctx.client.post<Rollout>(`/v1/rollouts/${encodeURIComponent(id)}/cancel`, body)
      if (ctx.json) printJson(ctx, r)
      else {
        const by = r.cancellation === undefined ? '' : ` by ${clean(r.cancellation.by)}`
        ctx.print(`cancelled ${r.id} ${clean(JSON.stringify(r.name))}${by}`)
      }
      return 0
    }))
}
