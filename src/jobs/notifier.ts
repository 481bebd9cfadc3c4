import type { CheckpointOutcome } from '../rollout/outcome.ts'

/**
 * What the checkpoint worker needs from notifications: the narrow face of
 * src/notify's Notifier, so the worker is testable without it. publish() must
 * not throw for delivery problems (the notifier queues and retries deliveries).
 */
export interface CheckpointNotifier {
  publish: (outcome: CheckpointOutcome) => Promise<void>
}

/** Tells nobody; the default until a real notifier is wired in. */
export const noopNotifier: CheckpointNotifier = {
  publish: async () => {}
}
