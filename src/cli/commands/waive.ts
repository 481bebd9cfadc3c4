/** gonogo waive: accept an app's verdict with a reason (POST .../waiver), or withdraw that (DELETE .../waiver). */
import type { Command } from 'commander'
import type { Waiver } from '../../schemas/board.ts'
import { printJson, type Cli } from '../context.ts'
import { CliError } from '../exit.ts'
import { clean } from '../style.ts'
import { appPath } from './app-path.ts'

interface Options { withdraw?: boolean }

export function registerWaive (program: Command, cli: Cli): void {
  program.command('waive')
    .summary('accept an app\'s FAIL, NO_DATA or INCONCLUSIVE, with a reason (or --withdraw)')
    .description('Waives one app of a rollout: its FAIL, NO_DATA or INCONCLUSIVE no longer counts against the ' +
      'recommendation (the automated verdict stays visible). --withdraw removes the waiver.')
    .argument('<id>', 'the rollout\'s id')
    .argument('<app>', 'the app, as named in the rollout')
    .argument('[reason]', 'why the verdict is accepted')
    .option('--withdraw', 'remove the app\'s waiver')
    .addHelpText('after', `
Examples:
  gonogo waive "$ID" Billing.Service "Known 404 on /health; fix in next release"
  gonogo waive "$ID" Billing.Service --withdraw`)
    .action(cli.action(async (ctx, id: string, app: string, reason: string | undefined, opts: Options) => {
      if (opts.withdraw === true) {
        if (reason !== undefined) throw new CliError('--withdraw takes no reason')
        const { body } = await ctx.client.delete<Waiver>(appPath(id, app, '/waiver'))
        if (ctx.json) printJson(ctx, body)
        else ctx.print(`waiver of ${clean(body.app)} withdrawn (it was given by ${clean(body.by)}: ${clean(body.reason)})`)
        return 0
      }
      if (reason === undefined || reason.trim() === '') throw new CliError('a waiver needs a reason (or use --withdraw)')
      const { body } = await ctx.client.post<Waiver>(appPath(id, app, '/waiver'), { reason })
      if (ctx.json) printJson(ctx, body)
      else ctx.print(`${clean(body.app)} waived by ${clean(body.by)}: ${clean(body.reason)}`)
      return 0
    }))
}
