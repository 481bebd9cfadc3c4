/**
 * What app verdicts and the recommendation rest on, shared by the decision (verdict.ts)
 * and its words (explain/recommendation.ts).
 */
import type { Status } from '../schemas/common.ts'
import type { AppResult } from '../schemas/result.ts'

export interface JudgedApp { result: AppResult, short: string }

/** Apps sharing a verdict, in the order they were judged. */
export interface VerdictGroup { status: Status, apps: JudgedApp[] }

/** What the recommendation rests on; explain/recommendation.ts words it. */
export type RecommendationFacts =
  | { kind: 'no-apps' }
  | { kind: 'blocked', blocking: VerdictGroup[], openCritical: JudgedApp[] }
  | { kind: 'inconclusive', apps: JudgedApp[], critical: boolean }
  | { kind: 'none-judged', apps: JudgedApp[] }
  | { kind: 'all-pass', total: number }
  | { kind: 'go', noGoOn: Status[], pass: number, total: number, others: VerdictGroup[], inconclusiveNotCritical: boolean }
