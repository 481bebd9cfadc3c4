/**
 * The release board: a page served by the service itself (users run it on closed networks, so
 * nothing comes from a CDN). `/` and `/board` redirect to `/board/`; `/board/` (the rollouts) and
 * `/board/rollouts/<id>` (one rollout) answer the same page, which routes in the browser; its
 * files are a fixed list read once at start: src/board/ and uPlot's two files from node_modules.
 * No directory is served, so no path reaches a file that is not on the list.
 */
import { createHash } from 'node:crypto'
import { readFileSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'

interface Asset { body: Buffer, type: string, etag: string }

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml'
}

/** Only the service's own origin: a page that tried to load or send anything elsewhere would be stopped by the browser. */
export const BOARD_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "base-uri 'self'", "form-action 'none'", "frame-ancestors 'none'"
].join('; ')

const HIDDEN = { hide: true }

function asset (body: Buffer, type: string): Asset {
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` }
}

/** src/board/*.{html,css,js,svg} (next to this file's folder in src/ and in dist/) and uPlot's iife build and CSS. */
function loadAssets (): Map<string, Asset> {
  const dir = fileURLToPath(new URL('../../board/', import.meta.url))
  const assets = new Map<string, Asset>()
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)]
    if (type !== undefined) assets.set(name, asset(readFileSync(join(dir, name)), type))
  }
  const require = createRequire(import.meta.url)
  assets.set('vendor/uPlot.iife.min.js', asset(readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js')), TYPES['.js']))
  assets.set('vendor/uPlot.min.css', asset(readFileSync(require.resolve('uplot/dist/uPlot.min.css')), TYPES['.css']))
  return assets
}

/**
 * The page at a depth: `<base href>` is relative, so the page, its files and its API calls work
 * under a path prefix of a reverse proxy as well as at the root.
 */
function pageAt (template: Buffer, base: string): Asset {
  return asset(Buffer.from(template.toString('utf8').replace('<base href="./">', `<base href="${base}">`)), TYPES['.html'])
}

function send (req: FastifyRequest, reply: FastifyReply, a: Asset): FastifyReply {
  reply
    .header('etag', a.etag)
    // Revalidate every time (a 304 is a few bytes): a new release never runs with an old script.
    .header('cache-control', 'no-cache')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
  if (a.type.startsWith('text/html')) reply.header('content-security-policy', BOARD_CSP)
  if (req.headers['if-none-match'] === a.etag) return reply.code(304).send()
  return reply.type(a.type).send(a.body)
}

const board: FastifyPluginAsync = async (app) => {
  const assets = loadAssets()
  const template = assets.get('index.html')
  if (template === undefined) throw new Error('src/board/index.html is missing')
  assets.delete('index.html')
  const top = pageAt(template.body, './')
  const rolloutPage = pageAt(template.body, '../')

  // Relative, so it lands on the board under a reverse proxy's path prefix too: from / and from /board both mean /board/.
  const redirect = async (_req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => await reply.redirect('board/', 302)
  app.get('/', { schema: HIDDEN }, redirect)
  app.get('/board', { schema: HIDDEN }, redirect)
  app.get('/board/', { schema: HIDDEN }, async (req, reply) => send(req, reply, top))
  app.get<{ Params: { id: string } }>('/board/rollouts/:id', { schema: HIDDEN }, async (req, reply) => send(req, reply, rolloutPage))

  const file = async (req: FastifyRequest<{ Params: { file: string } }>, reply: FastifyReply, prefix: string): Promise<FastifyReply> => {
    const a = assets.get(prefix + req.params.file)
    if (a === undefined) {
      const message = `no board file ${prefix}${req.params.file.slice(0, 100)}`
      return await reply.code(404).send({ statusCode: 404, error: 'Not Found', message })
    }
    return send(req, reply, a)
  }
  app.get<{ Params: { file: string } }>('/board/assets/:file', { schema: HIDDEN }, async (req, reply) => await file(req, reply, ''))
  app.get<{ Params: { file: string } }>('/board/assets/vendor/:file', { schema: HIDDEN },
    async (req, reply) => await file(req, reply, 'vendor/'))
}

export default board
