import { Type, type Static } from '@sinclair/typebox'
import { TargetFields } from './target.ts'

export const AnalysisRequest = Type.Object({
  ...TargetFields,
  from: Type.String({ format: 'date-time', description: 'Start of the window (ISO-8601 with offset)' }),
  until: Type.String({ format: 'date-time', description: 'End of the window, exclusive' })
}, {
  title: 'AnalysisRequest',
  additionalProperties: false,
  description: 'What to compare (as for a rollout) over one window [from, until) that has passed'
})
export type AnalysisRequest = Static<typeof AnalysisRequest>
