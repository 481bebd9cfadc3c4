import { Type, type Static } from '@sinclair/typebox'
import { Recommendation } from './common.ts'

const Time = (description: string) => Type.String({ format: 'date-time', description })

export const Override = Type.Object({
  recommendation: Recommendation,
  automated: Type.Union([Recommendation, Type.Null()], { description: 'The automated decision it overrides' }),
  reason: Type.String(),
  by: Type.String(),
  at: Time('When it was given')
}, { title: 'Override', description: 'A human decision recorded beside the automated one; the gate follows it' })
export type Override = Static<typeof Override>
