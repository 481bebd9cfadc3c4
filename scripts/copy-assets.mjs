// Copies the files the compiled service reads at run time next to its compiled code in
// dist/ (tsc copies only what it compiles): the Redis scripts under src/**/*.lua.
import { cpSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

const ASSET = /\.lua$/
const root = new URL('..', import.meta.url).pathname

function walk (dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) walk(path)
    else if (ASSET.test(name)) cpSync(path, join(root, 'dist', relative(root, path)))
  }
}
walk(join(root, 'src'))
