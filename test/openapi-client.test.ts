/** A client generated from openapi/openapi.json compiles against a typed use of its model names. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import openapiTS, { astToString } from 'openapi-typescript'
import ts from 'typescript'
import t from 'tap'
import { OPENAPI_PATH } from '../scripts/openapi.ts'

const EXAMPLES = fileURLToPath(new URL('../src/schemas/examples.ts', import.meta.url))

// What a caller of a generated client writes: model names from components, operations by operationId.
const USAGE = `
import type { components, operations, paths } from './gonogo.ts'
import {
  ANALYSIS_REQUEST, ANALYSIS_RESULT, CHECKPOINT_PAGE, DECIDED_ROLLOUT, NO_GO_RECOMMENDATION, ROLLOUT_PAGE, ROLLOUT_REQUEST
} from ${JSON.stringify(EXAMPLES)}

type Schemas = components['schemas']

// The service's own examples are values of the generated types.
export const spec: Schemas['RolloutSpec'] = ROLLOUT_REQUEST
export const analysis: NonNullable<operations['analyzeWindow']['requestBody']>['content']['application/json'] = ANALYSIS_REQUEST
export const result: operations['analyzeWindow']['responses'][200]['content']['application/json'] = ANALYSIS_RESULT
export const rollout: Schemas['Rollout'] = DECIDED_ROLLOUT
export const page: paths['/v1/rollouts']['get']['responses'][200]['content']['application/json'] = ROLLOUT_PAGE
export const checkpoints: operations['listCheckpoints']['responses'][200]['content']['application/json'] = CHECKPOINT_PAGE
export const closed: operations['getGate']['responses'][409]['content']['application/json'] = NO_GO_RECOMMENDATION

export function worst (r: Schemas['CheckpointResult']): Schemas['AppResult'] | undefined {
  return r.apps.find(a => a.verdict === 'FAIL' || a.verdict === 'NO_DATA')
}
export function pValues (app: Schemas['AppResult']): Array<number | null> {
  return app.metrics.map((m: Schemas['MetricResult']) => m.pValue)
}
export const gate: Schemas['Gate'] = { open: false, reason: 'the recommendation is NO_GO' }
export const error: Schemas['Error'] = { statusCode: 404, error: 'Not Found', message: 'no rollout with id 01M8REC11S4F2QFPRSDAAYXZ01' }
export const slack: Schemas['NotifyTarget'] = { kind: 'slack', url: 'https://hooks.slack.com/services/T/B/X' }
export const next: string | null = page.nextCursor
export const done: Schemas['Progress'] = rollout.progress
export const cursor: operations['listCheckpoints']['parameters']['query'] = { limit: 10, cursor: '3' }

// The types are precise, not any: each of these is refused.
// @ts-expect-error MAYBE is not a Status
export const verdict: Schemas['Status'] = 'MAYBE'
// @ts-expect-error a rollout spec needs canaryHosts
export const partial: Schemas['RolloutSpec'] = { name: 'x', apps: ['RESTAPI'], startAt: 'a', decisionAt: 'b' }
// @ts-expect-error a notify target of kind webhook needs its secret
export const unsigned: Schemas['NotifyTarget'] = { kind: 'webhook', url: 'https://example.com/hook' }
// @ts-expect-error recommendation is GO, NO_GO or INCONCLUSIVE
export const call: Schemas['Recommendation'] = 'YES'
`

t.test('openapi-typescript generates a client that a typed use compiles against', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-client-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const generated = astToString(await openapiTS(pathToFileURL(OPENAPI_PATH)))
  t.match(generated, /Rollout: \{/, 'Rollout is a named model')
  t.match(generated, /analyzeWindow: \{/, 'operations are named by operationId')
  writeFileSync(join(dir, 'gonogo.ts'), generated)
  writeFileSync(join(dir, 'usage.ts'), USAGE)
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n')
  const program = ts.createProgram([join(dir, 'usage.ts')], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    allowImportingTsExtensions: true,
    skipLibCheck: true,
    types: []
  })
  const diagnostics = ts.getPreEmitDiagnostics(program).map(d => {
    const line = (d.file?.getLineAndCharacterOfPosition(d.start ?? 0).line ?? -1) + 1
    return `${d.file?.fileName ?? ''}:${line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`
  })
  t.same(diagnostics, [], 'tsc: no error')
})
