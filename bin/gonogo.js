#!/usr/bin/env node
// The `gonogo` command: runs the compiled CLI in dist/ (made by `npm run build`).
import { existsSync } from 'node:fs'

const main = new URL('../dist/src/cli/main.js', import.meta.url)
if (!existsSync(main)) {
  process.stderr.write('error: the gonogo CLI is not built: run `npm run build` in the gonogo checkout first\n')
  process.exit(3)
}
await import(main.href)
