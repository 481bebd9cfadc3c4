/**
 * The layering of src/, written down so it stays true: a file imports only from its own layer
 * or below. eslint's import-x/no-cycle keeps the layers free of circles.
 *
 *   server.ts, app.ts, cli/  >  routes/, http/  >  plugins/  >  jobs/, notify/  >  store/
 *   >  rollout/, analysis/  >  judge/, newrelic/, sim/  >  schemas/ and the foundation files
 */
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import t from 'tap'

const ROOT = resolve(import.meta.dirname, '..', 'src')

const LAYERS: Array<[number, string[]]> = [
  [7, ['server.ts', 'app.ts', 'demo.ts', 'cli/']],
  [6, ['routes/', 'http/']],
  [5, ['plugins/']],
  [4, ['jobs/', 'notify/']],
  [3, ['store/']],
  [2, ['rollout/', 'analysis/']],
  [1, ['judge/', 'newrelic/', 'sim/']],
  [0, ['schemas/', 'config.ts', 'errors.ts', 'logger.ts', 'metrics.ts', 'deadline.ts', 'worker-close.ts']]
]

/** The layer of a path under src/, or undefined for a file no layer names. */
function layerOf (path: string): number | undefined {
  for (const [layer, places] of LAYERS) if (places.some(p => p.endsWith('/') ? path.startsWith(p) : path === p)) return layer
  return undefined
}

function files (dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : []
  })
}

const IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/gm

/** Every relative import under src/: [importer, imported], both relative to src/. */
function imports (): Array<[string, string]> {
  const out: Array<[string, string]> = []
  for (const file of files(ROOT)) {
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(IMPORT)) {
      const target = resolve(dirname(file), m[1])
      if (!target.startsWith(ROOT)) continue
      out.push([relative(ROOT, file), relative(ROOT, target)])
    }
  }
  return out
}

t.test('every file of src/ has a layer', async t => {
  const unplaced = files(ROOT).map(f => relative(ROOT, f)).filter(f => layerOf(f) === undefined)
  t.same(unplaced, [], 'files no layer names (add their folder to LAYERS)')
})

t.test('no import runs up a layer', async t => {
  const upward = imports()
    .filter(([from, to]) => (layerOf(to) ?? 0) > (layerOf(from) ?? 0))
    .map(([from, to]) => `${from} (layer ${layerOf(from)}) imports ${to} (layer ${layerOf(to)})`)
  t.same(upward, [], 'upward imports')
})

t.test('the check sees imports at all', async t => {
  const all = imports()
  t.ok(all.length > 300, `${all.length} relative imports read`)
  t.ok(all.some(([from, to]) => from === 'app.ts' && to.startsWith('plugins/')), 'app.ts -> plugins/ is among them')
})
