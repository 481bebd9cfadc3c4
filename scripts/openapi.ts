/**
 * Writes openapi/openapi.json from the route schemas (`npm run openapi`).
 * test/openapi.test.ts fails when the checked-in document differs from what
 * this renders, so the document never drifts from the code.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'

export const OPENAPI_PATH = fileURLToPath(new URL('../openapi/openapi.json', import.meta.url))

/** The OpenAPI document of an API-role app, as the checked-in file should read. */
export async function renderOpenApi (): Promise<string> {
  // API role: every public route and no worker. The values below do not reach the document.
  const config = loadConfig({
    NEW_RELIC_API_KEY: 'openapi',
    GONOGO_ROLE: 'api',
    GONOGO_REDIS_PREFIX: 'gonogo-openapi',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    LOG_LEVEL: 'silent'
  })
  const app = await buildApp({ config, logger: false })
  try {
    await app.ready()
    return JSON.stringify(app.swagger(), null, 2) + '\n'
  } finally {
    await app.close()
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const doc = await renderOpenApi()
  mkdirSync(dirname(OPENAPI_PATH), { recursive: true })
  writeFileSync(OPENAPI_PATH, doc)
  process.stdout.write(`wrote ${OPENAPI_PATH} (${doc.length} bytes)\n`)
}
