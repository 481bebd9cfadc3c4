// Copies the files the compiled service reads at run time next to its compiled code in
// dist/ (tsc copies only what it compiles): the Redis scripts under src/**/*.lua and the board's page,
// styles and browser scripts under src/board/.
import { cpSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

const ASSET = /\.lua$|^src\/board\/.+\.(?:html|css|js|svg)$/
const root = new URL('..', import.meta.url).pathname

function walk (dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) walk(path)
    else if (ASSET.test(relative(root, path))) cpSync(path, join(root, 'dist', relative(root, path)))
  }
}
walk(join(root, 'src'))
