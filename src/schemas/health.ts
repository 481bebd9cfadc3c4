import { Type } from '@sinclair/typebox'

export const Health = Type.Object({ status: Type.String({ examples: ['ok'] }) }, { title: 'Health' })

export const Readiness = Type.Object({
  status: Type.String({ description: 'ready or unavailable', examples: ['ready'] }),
  redis: Type.String({ description: "Redis's answer to PING, or why there was none", examples: ['PONG'] }),
  workers: Type.Optional(Type.Object({
    alive: Type.Integer({ minimum: 0, description: 'Worker processes that wrote a heartbeat within the last 30 s' }),
    lastHeartbeatSecondsAgo: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
      description: 'Seconds since any worker\'s latest heartbeat; null when none was ever recorded'
    })
  }, { description: 'Checkpoint workers on this Redis (absent when Redis did not answer)' })),
  reason: Type.Optional(Type.String({ description: 'Why it is unavailable', examples: ['no worker heartbeat for 45 s'] }))
}, { title: 'Readiness' })
