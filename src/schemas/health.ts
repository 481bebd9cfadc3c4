import { Type } from '@sinclair/typebox'

export const Health = Type.Object({ status: Type.String({ examples: ['ok'] }) }, { title: 'Health' })

export const Readiness = Type.Object({
  status: Type.String({ description: 'ready or unavailable', examples: ['ready'] }),
  redis: Type.String({ description: "Redis's answer to PING, or why there was none", examples: ['PONG'] })
}, { title: 'Readiness' })
