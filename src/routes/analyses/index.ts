import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Config } from '../../config.ts'
import { AnalysisRequest } from '../../schemas/analysis.ts'
import { described, errors } from '../../schemas/responses.ts'
import { CheckpointResult } from '../../schemas/result.ts'
import { BadRequestError, UpstreamError } from '../../errors.ts'
import { withDeadline } from '../../deadline.ts'
import { ClientClosedError } from '../../http/client-closed.ts'
import { runAnalysis } from '../../analysis/run.ts'
import { parseTime, validateTarget, validateWindow } from '../../rollout/target.ts'

/** Allowed drift between the caller's clock and ours before `until` counts as the future. */
const CLOCK_SKEW_MS = 5 * 60_000

/** POST /v1/analyses: judge one window now and answer with the checkpoint result. */
const analyses: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  app.post('/v1/analyses', {
    schema: {
      tags: ['analyses'],
      summary: 'Analyse a window once',
      description: 'Fetches the window [from, until) from New Relic, compares canary hosts with baseline hosts app by app, ' +
        'and answers with the checkpoint result. Nothing is stored.',
      operationId: 'analyzeWindow',
      security: [{ bearerAuth: [] }],
      body: AnalysisRequest,
      response: {
        200: described(CheckpointResult, 'The checkpoint result of the window'),
        ...errors(400, 401, 413, 415, 429, 502, 504)
      }
    }
  }, async (req, reply) => {
    const now = Date.now()
    const target = validateTarget(req.body, config)
    const from = parseTime(req.body.from, 'from')
    let until = parseTime(req.body.until, 'until')
    validateWindow(from, until, ['from', 'until'], config, now)
    if (until > now + CLOCK_SKEW_MS) {
      throw new BadRequestError('body.until is in the future; analyse up to now, or create a rollout to be judged as data arrives')
    }
    until = Math.min(until, now)
    req.log.info({ apps: target.apps.length, from: req.body.from, until: req.body.until }, 'analysis started')
    // Abandoned work must stop sending requests: past the deadline, or when the client hangs up.
    const stop = new AbortController()
    let hungUp = false
    reply.raw.once('close', () => {
      if (reply.raw.writableFinished) return
      hungUp = true
      stop.abort()
    })
    let result
    try {
      // New Relic hanging through every retry would otherwise hold the request for minutes,
      // past any proxy's patience; at the deadline the work stops and frees the client's slots.
      const ms = config.GONOGO_ANALYSIS_TIMEOUT_MS
      ;({ result } = await withDeadline(runAnalysis(app.nerdgraph, target, { from, until }, { asOf: now, signal: stop.signal }), ms,
        () => new UpstreamError(`the analysis took longer than ${ms / 1000} s (GONOGO_ANALYSIS_TIMEOUT_MS): ` +
          'New Relic is slow or not answering; try again, or a shorter window or fewer apps', 504),
        () => stop.abort()))
    } catch (err) {
      // The abort makes New Relic reads fail as timeouts: that 504 is ours to hide, not the client's to see.
      if (hungUp) {
        app.metrics.checkpoints.inc({ kind: 'analysis', outcome: 'abandoned' })
        throw new ClientClosedError()
      }
      app.metrics.checkpoints.inc({ kind: 'analysis', outcome: 'failed' })
      throw err
    }
    app.metrics.checkpoints.inc({ kind: 'analysis', outcome: 'ok' })
    req.log.info({ recommendation: result.recommendation, summary: result.summary }, 'analysis done')
    return result
  })
}

export default analyses
