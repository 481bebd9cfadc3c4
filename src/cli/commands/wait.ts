/**
 * gonogo wait: for pipelines. Waits for a rollout's decision, reacting to its events and
 * polling all the same, with a progress line on stderr; exits 0 GO, 1 NO_GO, 2 INCONCLUSIVE and
 * 3 when it cannot tell (unreachable, timeout, cancelled, interrupted, no such rollout).
 */
import { CommanderError, Option, type Command } from 'commander'
import type { GateView } from '../../schemas/board.ts'
import type { Recommendation } from '../../schemas/common.ts'
import type { Rollout } from '../../schemas/rollout.ts'
import { duration } from '../args.ts'
import { ApiError, Unreachable } from '../client.ts'
import { printJson, type Ctx, type Cli } from '../context.ts'
import { CliError, EXIT } from '../exit.ts'
import { follow } from '../follow.ts'
import { readGate } from '../gate.ts'
import { report } from '../report.ts'
import { clean } from '../style.ts'
import { formatLocal, formatSpan, relative } from '../time.ts'

interface Options { timeout?: number, poll: number, retryFor: number }

const CODE: Record<Recommendation, number> = { GO: EXIT.OK, NO_GO: EXIT.FAILED, INCONCLUSIVE: EXIT.INCONCLUSIVE }

export function registerWait (program: Command, cli: Cli): void {
  program.command('wait')
    .summary('wait for the decision; exit 0 GO, 1 NO_GO, 2 INCONCLUSIVE, 3 unknown')
    .description('Waits until the rollout is decided (or overridden) and exits with its recommendation, for a pipeline ' +
      'to gate on. Progress goes to stderr, the outcome to stdout. It reacts to the rollout\'s events at once and ' +
      're-reads every --poll whatever the event stream does. The first read must succeed (a wrong URL, token or id ' +
      'fails at once); later outages are retried for --retry-for.')
    .argument('<id>', 'the rollout\'s id')
    .option('--timeout <duration>', 'give up after this long (8h, 90m, PT8H) and exit 3; default: no limit', duration)
    // Defaults shown as a person writes them, not as the milliseconds they parse to.
    .addOption(new Option('--poll <duration>', 're-read at least this often').argParser(duration).default(15_000, '15s'))
    .addOption(new Option('--retry-for <duration>', 'how long the service may stay unreachable (or answer 5xx) before exit 3')
      .argParser(duration).default(300_000, '5m'))
    .addHelpText('after', `
Exit codes: 0 GO, 1 NO_GO, 2 INCONCLUSIVE, 3 not known (unreachable, timeout, cancelled, interrupted, error).

Example (a deploy step that keeps the new host only on GO):
  gonogo wait "$ROLLOUT_ID" --timeout 8h || exit 1`)
    // Whatever goes wrong, wait's answer is "not known": never 1, which a pipeline reads as NO_GO.
    .exitOverride(err => { throw err.exitCode === 0 ? err : new CommanderError(EXIT.UNKNOWN, err.code, err.message) })
    .action(cli.action(async (ctx, id: string, opts: Options) => {
      try {
        return await waitFor(ctx, id, opts)
      } catch (err) {
        return report(ctx.io, err, EXIT.UNKNOWN)
      }
    }))
}

interface Outcome { code: number, line: string, body?: unknown, error?: unknown }

async function waitFor (ctx: Ctx, id: string, opts: Options): Promise<number> {
  const started = Date.now()
  const stop = new AbortController()
  const onAbort = (): void => { stop.abort() }
  ctx.io.signal.addEventListener('abort', onAbort, { once: true })
  let outcome: Outcome | undefined
  let progressNow = 'no answer yet'
  let answered = false
  let failingSince: number | undefined
  const timer = opts.timeout === undefined
    ? undefined
    : setTimeout(() => {
      outcome ??= { code: EXIT.UNKNOWN, line: '', error: new CliError(`timed out after ${formatSpan(opts.timeout ?? 0)}: ${progressNow}`) }
      stop.abort()
    }, opts.timeout)
  const progress = new ProgressLine(ctx)
  try {
    await follow({
      client: ctx.client,
      id,
      pollMs: opts.poll,
      signal: stop.signal,
      check: async () => {
        try {
          const step = await look(ctx, id, stop.signal)
          answered = true
          failingSince = undefined
          if ('code' in step) {
            outcome ??= step
            return true
          }
          progressNow = step.progress
          progress.show(`waiting ${formatSpan(Date.now() - started)}: ${step.progress}`, step.progress)
          return false
        } catch (err) {
          if (stop.signal.aborted) return true
          if (!answered || !transient(err)) {
            outcome ??= { code: EXIT.UNKNOWN, line: '', error: err }
            return true
          }
          failingSince ??= Date.now()
          if (Date.now() - failingSince >= opts.retryFor) {
            outcome ??= { code: EXIT.UNKNOWN, line: '', error: err }
            return true
          }
          const why = `${(err as Error).message}; retrying for up to ${formatSpan(opts.retryFor - (Date.now() - failingSince))}`
          progress.show(`waiting ${formatSpan(Date.now() - started)}: ${why}`, 'unreachable')
          return false
        }
      }
    })
  } finally {
    clearTimeout(timer)
    ctx.io.signal.removeEventListener('abort', onAbort)
    progress.end()
  }
  outcome ??= { code: EXIT.UNKNOWN, line: '', error: new CliError(`interrupted: ${progressNow}`) }
  if (outcome.body !== undefined && ctx.json) printJson(ctx, outcome.body)
  else if (outcome.line !== '') ctx.print(outcome.line)
  if (outcome.error !== undefined) return report(ctx.io, outcome.error, EXIT.UNKNOWN)
  return outcome.code
}

type Step = Outcome | { progress: string }

/** One look: the gate first (final once decided or overridden), then the rollout's state and progress. */
async function look (ctx: Ctx, id: string, signal: AbortSignal): Promise<Step> {
  const gate = await readGate(ctx.client, id, signal)
  if (final(gate)) return decided(ctx, gate)
  const { body: r } = await ctx.client.get<Rollout>(`/v1/rollouts/${encodeURIComponent(id)}`, { signal })
  if (r.state === 'cancelled') {
    const c = r.cancellation
    const why = c === undefined ? '' : ` by ${clean(c.by)}${c.reason === null ? '' : `: ${clean(c.reason)}`}`
    return { code: EXIT.UNKNOWN, line: '', body: gate, error: new CliError(`rollout ${id} was cancelled${why}`) }
  }
  if (r.state === 'decided') {
    // Decided between the two reads: the gate has the final word now.
    const again = await readGate(ctx.client, id, signal)
    if (final(again)) return decided(ctx, again)
  }
  const failed = r.progress.failed > 0 ? ` (${r.progress.failed} failed)` : ''
  const so = r.recommendation === null ? 'no recommendation yet' : `${r.recommendation} so far`
  return {
    progress: `${r.state}, ${r.progress.ok}/${r.progress.total} checkpoints${failed}, ${so}; ` +
      `decision ${formatLocal(r.decisionAt, r.timezone)} (${relative(r.decisionAt)}) · ${clean(r.name)}`
  }
}

function final (g: GateView): g is GateView & { recommendation: Recommendation } {
  return g.final && g.recommendation !== null
}

function decided (ctx: Ctx, g: GateView & { recommendation: Recommendation }): Outcome {
  return { code: CODE[g.recommendation], line: `${ctx.out.recommendation(g.recommendation)} (final): ${clean(g.reason)}`, body: g }
}

/** Worth retrying: no answer, a 5xx, a 429. A 4xx (no such rollout, bad token) will not get better. */
function transient (err: unknown): boolean {
  return err instanceof Unreachable || (err instanceof ApiError && (err.status >= 500 || err.status === 429))
}

/** One line on stderr: rewritten in place on a terminal, printed when it changes otherwise. */
class ProgressLine {
  private shown = false
  private lastKey = ''
  constructor (private readonly ctx: Ctx) {}

  show (text: string, key: string): void {
    const err = this.ctx.io.stderr
    if (err.isTTY === true) {
      const width = err.columns ?? 120
      err.write(`\r\u001b[2K${[...text].slice(0, Math.max(20, width - 1)).join('')}`)
      this.shown = true
    } else if (key !== this.lastKey) {
      err.write(text + '\n')
    }
    this.lastKey = key
  }

  end (): void {
    if (this.shown) this.ctx.io.stderr.write('\n')
    this.shown = false
  }
}
