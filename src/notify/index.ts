/**
 * What the rest of gonogo uses from notify: the rollouts routes validate and
 * show targets, the rollouts worker publishes outcomes, server start-up
 * checks the default target, receivers (and tests) verify signatures.
 */
export { Notifier, type NotifierOptions, type DeliverySettings } from './notifier.ts'
export { validateNotifyTargets, type ValidateOptions, type Resolve } from './targets/validate.ts'
export { defaultTargets } from './targets/defaults.ts'
export { viewTarget, targetOrigin } from './targets/view.ts'
export { verifySignature, signatureHeader } from './deliver/signature.ts'
export { eventsFor, eventId, type NotifyEvent, type Change } from './events.ts'
export type { CancelOutcome, CheckpointOutcome, NotifyOutcome } from '../rollout/outcome.ts'
