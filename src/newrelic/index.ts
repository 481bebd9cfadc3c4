/** The New Relic side of gonogo: NerdGraph client, NRQL templating, checkpoint fetcher. */
export { NerdGraphClient, MAX_CONCURRENCY, type NerdGraphClientOptions, type NrqlResult, type RequestInfo } from './client.ts'
export { nerdGraphUrl, NERDGRAPH_URLS, type NewRelicRegion } from './endpoint.ts'
export * from './errors.ts'
export { fetchCheckpointData, type FetchOptions, type FetchRequest } from './fetch-checkpoint.ts'
export { renderNrql, quoteString, quoteList, type TemplateName, type NrqlValue } from './nrql.ts'
