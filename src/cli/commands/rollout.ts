/** gonogo rollout create: a rollout from a YAML or JSON file, POST /v1/rollouts. */
import { readFileSync } from 'node:fs'
import { extname } from 'node:path'
import type { Command } from 'commander'
import { parse as parseYaml } from 'yaml'
import type { Rollout } from '../../schemas/rollout.ts'
import { printJson, type Io, type Cli } from '../context.ts'
import { CliError } from '../exit.ts'
import { renderCreated } from '../render/rollouts.ts'

interface Options { file: string, idempotencyKey?: string, quiet?: boolean }

const EXAMPLE = `
A rollout file (YAML, or JSON when it ends in .json; - reads standard input):
  name: PRDIIS09 joins the IIS pool
  canaryHosts: [PRDIIS09]
  apps:
    - Customer Portal
    - RESTAPI
    - { name: Payroll.Export, team: finance, owners: [ana@example.com], critical: true }
  startAt: 2026-11-25T10:00:00+05:30
  decisionAt: 2026-11-25T15:30:00+05:30
  checkpointEvery: PT1H
  timezone: Asia/Kolkata

The fields are those of POST /v1/rollouts (see /docs): also baselineHosts, accountId, policy,
thresholds and notify. A window already past is caught up at once and decided within seconds.

Example:
  id=$(gonogo rollout create -f rollout.yaml -q) && gonogo wait "$id"`

export function registerRollout (program: Command, cli: Cli): void {
  const rollout = program.command('rollout')
    .summary('create rollouts (see: gonogo rollout create --help)')
    .description('Rollouts: new hosts joining a pool, judged every checkpoint until the decision.')
  rollout.command('create')
    .summary('create a rollout from a YAML or JSON file')
    .description('Creates a rollout from a file (POST /v1/rollouts) and prints its id, window, plan and any warnings ' +
      'from the service\'s look at New Relic.')
    .requiredOption('-f, --file <path>', 'the rollout as YAML or JSON (- for standard input)')
    .option('--idempotency-key <key>', 'sent as Idempotency-Key: a retry with the same key creates one rollout')
    .option('-q, --quiet', 'print only the new rollout\'s id')
    .addHelpText('after', EXAMPLE)
    .action(cli.action(async (ctx, opts: Options) => {
      const spec = await readSpec(opts.file, ctx.io)
      const headers = opts.idempotencyKey === undefined ? undefined : { 'idempotency-key': opts.idempotencyKey }
      const { body } = await ctx.client.post<Rollout>('/v1/rollouts', spec, { headers })
      if (ctx.json) printJson(ctx, body)
      else if (opts.quiet === true) ctx.print(body.id)
      else for (const line of renderCreated(body, ctx.out, ctx.width)) ctx.print(line)
      return 0
    }))
}

async function readSpec (file: string, io: Io): Promise<unknown> {
  let text: string
  try {
    text = file === '-' ? await readAll(io.stdin) : readFileSync(file, 'utf8')
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
  let spec: unknown
  try {
    spec = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text)
  } catch (err) {
    throw new CliError(`${file} is not valid ${extname(file).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}`)
  }
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new CliError(`${file} must hold one rollout: an object with name, apps, canaryHosts, startAt and decisionAt`)
  }
  return spec
}

async function readAll (stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk))
  return Buffer.concat(chunks).toString('utf8')
}
