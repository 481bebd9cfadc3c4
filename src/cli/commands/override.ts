/** gonogo override: people's decision beside the automated one, after the decision (POST /v1/rollouts/{id}/override). */
import { Argument, type Command } from 'commander'
import type { Override } from '../../schemas/board.ts'
import type { Recommendation } from '../../schemas/common.ts'
import { printJson, type Cli } from '../context.ts'
import { clean } from '../style.ts'

export function registerOverride (program: Command, cli: Cli): void {
  program.command('override')
    .summary('record a human decision over the automated one (the gate follows it)')
    .description('Records what people decided after the automated decision, with why; the automated verdict stays visible ' +
      'beside it and the gate follows the override.')
    .argument('<id>', 'the rollout\'s id')
    .addArgument(new Argument('<recommendation>', 'the decision').choices(['GO', 'NO_GO', 'INCONCLUSIVE']))
    .argument('<reason>', 'why people decided otherwise')
    .addHelpText('after', `
Example:
  gonogo override "$ID" GO "Billing errors are the known ticket PAY-812; approved by the CAB"`)
    .action(cli.action(async (ctx, id: string, recommendation: Recommendation, reason: string) => {
      const { body } = await ctx.client.post<Override>(`/v1/rollouts/${encodeURIComponent(id)}/override`, { recommendation, reason })
      if (ctx.json) printJson(ctx, body)
      else {
        const rec = ctx.out.recommendation(body.recommendation)
        ctx.print(`override ${rec} recorded by ${clean(body.by)} (automated ${body.automated ?? 'none'})`)
      }
      return 0
    }))
}
