/** gonogo note: a note on one app of a rollout, optionally a sign-off (POST .../apps/{app}/notes). */
import { Option, type Command } from 'commander'
import type { Note } from '../../schemas/board.ts'
import { printJson, type Cli } from '../context.ts'
import { clean } from '../style.ts'
import { appPath } from './app-path.ts'

interface Options { ok?: boolean, concern?: boolean }

export function registerNote (program: Command, cli: Cli): void {
  program.command('note')
    .summary('add a note on an app, optionally signing it off (--ok) or raising a concern')
    .description('Adds what a person saw or did to one app of a rollout, recorded under the token\'s name; --ok or ' +
      '--concern makes it the team\'s sign-off of the app.')
    .argument('<id>', 'the rollout\'s id')
    .argument('<app>', 'the app, as named in the rollout (quote names with spaces)')
    .argument('<text>', 'the note')
    .addOption(new Option('--ok', 'sign the app off: the team says it is fine').conflicts('concern'))
    .addOption(new Option('--concern', 'the team says the app is not fine').conflicts('ok'))
    .addHelpText('after', `
Example:
  gonogo note "$ID" "Auth.Gateway v2" "Works fine. Tested along with Okta authentication" --ok`)
    .action(cli.action(async (ctx, id: string, app: string, text: string, opts: Options) => {
      const signOff = opts.ok === true ? 'ok' : opts.concern === true ? 'concern' : undefined
      const { body } = await ctx.client.post<Note>(appPath(id, app, '/notes'), { text, ...(signOff === undefined ? {} : { signOff }) })
      if (ctx.json) printJson(ctx, body)
      else ctx.print(`note added to ${clean(body.app)} by ${clean(body.by)}${body.signOff === null ? '' : ` (sign-off: ${body.signOff})`}`)
      return 0
    }))
}
