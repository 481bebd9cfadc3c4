import type { CancelOutcome, CheckpointOutcome } from '../rollout/outcome.ts'

/**
 * What the checkpoint worker and the outbox need from notifications: the narrow face of
 * src/notify's Notifier, so they are testable without it. publish() must not throw for
 * delivery problems (the notifier queues and retries deliveries); it rejects only when the
 * notify queue cannot be written. Publishing the same outcome again queues nothing new.
 */
export interface CheckpointNotifier {
  /** `occurredAt`: the events' time, fixed by the outbox entry so a re-publish renders the same bodies. */
  publish: (outcome: CheckpointOutcome | CancelOutcome, occurredAt?: Date) => Promise<void>
}

/** Tells nobody; the default until a real notifier is wired in. */
export const noopNotifier: CheckpointNotifier = {
  publish: async () => {}
}
