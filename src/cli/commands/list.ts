/** gonogo ls: rollouts newest first, GET /v1/rollouts followed page by page (limit, cursor, nextCursor). */
import { Option, type Command } from 'commander'
import type { RolloutPage, RolloutSummary } from '../../schemas/rollout.ts'
import { integer } from '../args.ts'
import { printJson, type Cli } from '../context.ts'
import { renderList } from '../render/rollouts.ts'

const PAGE_MAX = 200

interface Options { state?: string, limit: number }

export function registerList (program: Command, cli: Cli): void {
  program.command('ls')
    .alias('list')
    .summary('list rollouts, newest first')
    .description('Lists rollouts newest first with their state, recommendation and progress (GET /v1/rollouts, ' +
      'following nextCursor until --limit rollouts are shown).')
    .addOption(new Option('--state <state>', 'only rollouts in this state').choices(['scheduled', 'monitoring', 'decided', 'cancelled']))
    .option('--limit <n>', 'most rollouts to show', integer(1, 100_000), 50)
    .action(cli.action(async (ctx, opts: Options) => {
      const items: RolloutSummary[] = []
      let cursor: string | undefined
      let nextCursor: string | null = null
      do {
        const limit = Math.min(PAGE_MAX, opts.limit - items.length)
        const { body } = await ctx.client.get<RolloutPage>('/v1/rollouts', { query: { state: opts.state, limit, cursor } })
        items.push(...body.items)
        nextCursor = body.nextCursor
        cursor = nextCursor ?? undefined
      } while (cursor !== undefined && items.length < opts.limit)
      if (ctx.json) {
        printJson(ctx, { items, nextCursor })
        return 0
      }
      if (items.length === 0) {
        ctx.print(`no rollouts${opts.state === undefined ? '' : ` ${opts.state}`}`)
        return 0
      }
      for (const line of renderList(items, ctx.out, ctx.width)) ctx.print(line)
      if (nextCursor !== null) ctx.print(ctx.out.dim(`(more: --limit ${opts.limit * 2})`))
      return 0
    }))
}
