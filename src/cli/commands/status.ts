/**
 * gonogo status: the matrix of one rollout (apps by team x checkpoints, the decision, people's
 * word, the gate, the hosts); --watch redraws it on every event of the rollout, and at least
 * every --poll.
 */
import { Option, type Command } from 'commander'
import type { Rollout } from '../../schemas/rollout.ts'
import { ApiError } from '../client.ts'
import { duration } from '../args.ts'
import { printJson, type Ctx, type Cli } from '../context.ts'
import { follow, type StreamState } from '../follow.ts'
import { readMatrix } from '../matrix.ts'
import { report } from '../report.ts'
import { renderMatrix, type MatrixRenderOptions } from '../render/matrix.ts'
import { formatSpan } from '../time.ts'

interface Options { team?: string, watch?: boolean, poll: number }

export function registerStatus (program: Command, cli: Cli): void {
  program.command('status')
    .summary('the rollout as a table: apps x checkpoints, the decision, the gate')
    .description('Shows a rollout\'s matrix: its apps grouped by team with their owners, one column per checkpoint ' +
      '(each verdict a letter, coloured on a terminal), the decision, sign-offs, waivers and notes, the gate and the hosts. ' +
      'With --watch it redraws whenever the rollout changes, until Ctrl-C.')
    .argument('<id>', 'the rollout\'s id')
    .option('--team <team>', 'only this team\'s apps')
    .option('-w, --watch', 'redraw on every change (server-sent events, and a poll as a fallback)')
    .addOption(new Option('--poll <duration>', 'with --watch: re-read at least this often').argParser(duration).default(15_000, '15s'))
    .action(cli.action(async (ctx, id: string, opts: Options) => {
      const { body: rollout } = await ctx.client.get<Rollout>(`/v1/rollouts/${encodeURIComponent(id)}`)
      if (opts.watch === true) return await watch(ctx, rollout, opts)
      const matrix = await readMatrix(ctx.client, id, opts.team)
      if (ctx.json) printJson(ctx, matrix)
      else for (const line of renderMatrix(matrix, renderOptions(ctx, rollout))) ctx.print(line)
      return 0
    }))
}

async function watch (ctx: Ctx, rollout: Rollout, opts: Options): Promise<number> {
  const tty = ctx.io.stdout.isTTY === true && !ctx.json
  let stream: StreamState | 'connecting' = 'connecting'
  let last = ''
  let failure: number | undefined
  if (tty) ctx.io.stdout.write('\u001b[?25l\u001b[2J')
  try {
    await follow({
      client: ctx.client,
      id: rollout.id,
      pollMs: opts.poll,
      signal: ctx.io.signal,
      onStream: s => { stream = s },
      check: async () => {
        let lines: string[]
        try {
          const matrix = await readMatrix(ctx.client, rollout.id, opts.team, ctx.io.signal)
          if (ctx.json) lines = [JSON.stringify(matrix)]
          else lines = renderMatrix(matrix, renderOptions(ctx, rollout))
        } catch (err) {
          if (ctx.io.signal.aborted) return true
          if (err instanceof ApiError && err.status === 404) {
            failure = report(ctx.io, err)
            return true
          }
          lines = last === '' ? [] : last.split('\n')
          lines.push(ctx.out.paint('red', `cannot refresh: ${(err as Error).message}`))
        }
        const frame = lines.join('\n')
        const updated = new Date().toLocaleTimeString('en-GB')
        const footer = ctx.out.dim(`watching: ${streamWord(stream, opts.poll)} · updated ${updated} · Ctrl-C to stop`)
        if (tty) {
          ctx.io.stdout.write(`\u001b[H${[...lines, '', footer].map(l => `${l}\u001b[K`).join('\n')}\u001b[J`)
        } else if (frame !== last) {
          // A pipe or a log gets each new state once, not a frame per poll.
          ctx.print(ctx.json || last === '' ? frame : `\n${frame}`)
        }
        last = frame
        return false
      }
    })
  } finally {
    if (tty) ctx.io.stdout.write('\n\u001b[?25h')
  }
  return failure ?? 0
}

function renderOptions (ctx: Ctx, rollout: Rollout): MatrixRenderOptions {
  return { style: ctx.out, width: ctx.width, baselineHosts: rollout.baselineHosts }
}

function streamWord (state: StreamState | 'connecting', pollMs: number): string {
  const poll = `every ${formatSpan(pollMs)}`
  if (state === 'live') return `live, and re-read ${poll}`
  if (state === 'unavailable') return `polling ${poll} (the service sends no events)`
  return `polling ${poll} (${state === 'connecting' ? 'connecting to events' : 'events reconnecting'})`
}
