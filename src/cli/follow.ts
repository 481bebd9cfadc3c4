/**
 * Following a rollout: a check at the start, on every server-sent event of
 * GET /v1/rollouts/{id}/events (bursts coalesced), and every `pollMs` whatever the stream does,
 * so a dropped or silent stream (a proxy that buffers, a service without /events) only makes
 * the reaction slower, never stops it. The stream reconnects with backoff; a 404 means the
 * service has no event stream and polling alone goes on.
 */
import type { RolloutEvent } from '../schemas/board.ts'
import type { Client } from './client.ts'
import { readEvents } from './sse.ts'

export type Why = 'start' | 'event' | 'poll'
export type StreamState = 'live' | 'reconnecting' | 'unavailable'

export interface FollowOptions {
  client: Client
  id: string
  pollMs: number
  signal: AbortSignal
  /** Runs at the start, after events and every pollMs, never twice at once; true stops following. */
  check: (why: Why, events: RolloutEvent[]) => Promise<boolean>
  onStream?: (state: StreamState) => void
  /** A stream that sends nothing (not even `: ping`) for this long is dropped and reopened. */
  idleMs?: number
  /** Events this close together make one check. */
  settleMs?: number
}

export async function follow (opts: FollowOptions): Promise<void> {
  const stop = new AbortController()
  const onAbort = (): void => { stop.abort() }
  if (opts.signal.aborted) return
  opts.signal.addEventListener('abort', onAbort, { once: true })
  const trigger = new Trigger(opts.settleMs ?? 150)
  const streaming = stream(opts, trigger, stop.signal)
  try {
    let why: Why = 'start'
    let events: RolloutEvent[] = []
    while (!stop.signal.aborted) {
      if (await opts.check(why, events)) break
      ;({ why, events } = await trigger.next(opts.pollMs, stop.signal))
    }
  } finally {
    opts.signal.removeEventListener('abort', onAbort)
    stop.abort()
    await streaming
  }
}

async function stream (opts: FollowOptions, trigger: Trigger, stop: AbortSignal): Promise<void> {
  let backoff = 1000
  let lastId: string | undefined
  while (!stop.aborted) {
    const conn = new AbortController()
    const drop = (): void => { conn.abort() }
    stop.addEventListener('abort', drop, { once: true })
    let idle: NodeJS.Timeout | undefined
    const touch = (): void => {
      clearTimeout(idle)
      idle = setTimeout(drop, opts.idleMs ?? 90_000)
    }
    try {
      const headers: Record<string, string> = { accept: 'text/event-stream' }
      if (lastId !== undefined) headers['last-event-id'] = lastId
      touch()
      const path = `/v1/rollouts/${encodeURIComponent(opts.id)}/events`
      const res = await opts.client.open(path, { signal: conn.signal, timeoutMs: 0, headers })
      const type = res.headers.get('content-type') ?? ''
      if (res.status === 404 || res.status === 405) {
        await res.body?.cancel()
        opts.onStream?.('unavailable')
        return
      }
      if (res.ok && type.startsWith('text/event-stream') && res.body !== null) {
        backoff = 1000
        opts.onStream?.('live')
        for await (const ev of readEvents(res.body, touch)) {
          if (ev.id !== undefined) lastId = ev.id
          trigger.fire(parseEvent(ev.event, ev.data))
        }
      } else {
        await res.body?.cancel()
      }
    } catch {
      // Refused, reset, idle or stopped: polling covers the gap; reconnect below unless stopped.
    } finally {
      clearTimeout(idle)
      stop.removeEventListener('abort', drop)
    }
    if (stop.aborted) return
    opts.onStream?.('reconnecting')
    await sleep(backoff, stop)
    backoff = Math.min(backoff * 2, 30_000)
  }
}

function parseEvent (type: string, data: string): RolloutEvent {
  try {
    return JSON.parse(data) as RolloutEvent
  } catch {
    return { type, rolloutId: '', rev: 0, at: new Date().toISOString() } as unknown as RolloutEvent
  }
}

/** Wakes the loop: at once on a stop, `settleMs` after the first of a burst of events, or after a poll interval. */
class Trigger {
  private events: RolloutEvent[] = []
  private wake: (() => void) | undefined

  constructor (private readonly settleMs: number) {}

  fire (event: RolloutEvent): void {
    this.events.push(event)
    const wake = this.wake
    if (wake !== undefined) {
      this.wake = undefined
      setTimeout(wake, this.settleMs)
    }
  }

  async next (pollMs: number, stop: AbortSignal): Promise<{ why: Why, events: RolloutEvent[] }> {
    if (this.events.length === 0 && !stop.aborted) {
      await new Promise<void>(resolve => {
        const done = (): void => {
          clearTimeout(timer)
          stop.removeEventListener('abort', done)
          this.wake = undefined
          resolve()
        }
        const timer = setTimeout(done, pollMs)
        stop.addEventListener('abort', done, { once: true })
        this.wake = done
      })
    }
    const events = this.events
    this.events = []
    return { why: events.length > 0 ? 'event' : 'poll', events }
  }
}

async function sleep (ms: number, stop: AbortSignal): Promise<void> {
  if (stop.aborted) return
  await new Promise<void>(resolve => {
    const done = (): void => {
      clearTimeout(timer)
      stop.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    stop.addEventListener('abort', done, { once: true })
  })
}
