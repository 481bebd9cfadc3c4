/** NerdGraph endpoints by New Relic region. */
export const NERDGRAPH_URLS = {
  us: 'https://api.newrelic.com/graphql',
  eu: 'https://api.eu.newrelic.com/graphql'
} as const

export type NewRelicRegion = keyof typeof NERDGRAPH_URLS

/**
 * The NerdGraph URL to call: an explicit `NERDGRAPH_URL` (the simulator, a proxy)
 * overrides the region's endpoint; the region defaults to `us`.
 */
export function nerdGraphUrl (opts: { url?: string | undefined, region?: string | undefined } = {}): string {
  if (opts.url !== undefined && opts.url !== '') {
    const parsed = new URL(opts.url)
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new TypeError(`NERDGRAPH_URL must be http(s), got ${parsed.protocol}`)
    }
    return parsed.toString()
  }
  const region = (opts.region === undefined || opts.region === '' ? 'us' : opts.region.toLowerCase())
  if (!(region in NERDGRAPH_URLS)) throw new TypeError(`unknown New Relic region "${region}" (use us or eu)`)
  return NERDGRAPH_URLS[region as NewRelicRegion]
}
