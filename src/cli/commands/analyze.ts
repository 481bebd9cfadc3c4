/** gonogo analyze: one look at a past window, POST /v1/analyses. */
import type { Command } from 'commander'
import type { CheckpointResult } from '../../schemas/result.ts'
import { instant, integer, list } from '../args.ts'
import { printJson, type Cli } from '../context.ts'
import { renderAnalysis } from '../render/analysis.ts'

/** The service bounds an analysis (GONOGO_ANALYSIS_TIMEOUT_MS, 120 s with its simulator); wait a little longer. */
const ANALYSIS_TIMEOUT_MS = 180_000

/** Refuses a bad time while parsing (commander names the option); the value is read once per command line. */
function checked (value: string): string {
  instant(value)
  return value
}

interface Options { apps: string[], canary: string[], baseline?: string[], from: string, until: string, account?: number }

export function registerAnalyze (program: Command, cli: Cli): void {
  program.command('analyze')
    .summary('judge new hosts against existing ones over a past window, once')
    .description('Judges the new (canary) hosts against the existing ones over [from, until) and prints the ' +
      'recommendation, its reasons and each app\'s verdict (POST /v1/analyses). Exits 0 whatever the recommendation.')
    .requiredOption('--apps <names>', 'APM app names, comma-separated (the option may be repeated)', list)
    .requiredOption('--canary <hosts>', 'the new hosts, comma-separated', list)
    .option('--baseline <hosts>', 'the existing hosts to compare with (default: every other host reporting each app)', list)
    .requiredOption('--from <time>', 'start of the window: ISO-8601 with offset, or relative (now-6h)', checked)
    .requiredOption('--until <time>', 'end of the window, exclusive (ISO-8601, now, now-1h)', checked)
    .option('--account <id>', 'New Relic account id (default: the service\'s NEW_RELIC_ACCOUNT_ID)', integer(1))
    .addHelpText('after', `
Example:
  gonogo analyze --apps RESTAPI,Billing.Service --canary PRDIIS09 \\
    --from 2026-11-25T10:00:00+05:30 --until 2026-11-25T15:30:00+05:30`)
    .action(cli.action(async (ctx, opts: Options) => {
      // One "now" for both ends: --from now-2h --until now-1h is exactly an hour.
      const now = Date.now()
      const body = {
        apps: opts.apps,
        canaryHosts: opts.canary,
        ...(opts.baseline === undefined ? {} : { baselineHosts: opts.baseline }),
        from: instant(opts.from, now),
        until: instant(opts.until, now),
        ...(opts.account === undefined ? {} : { accountId: opts.account })
      }
      const { body: result } = await ctx.client.post<CheckpointResult>('/v1/analyses', body, { timeoutMs: ANALYSIS_TIMEOUT_MS })
      if (ctx.json) printJson(ctx, result)
      else for (const line of renderAnalysis(result, ctx.out, ctx.width)) ctx.print(line)
      return 0
    }))
}
