/**
 * The change tracking events a simulator has recorded (by the
 * `changeTrackingCreateEvent` mutation, see change-tracking.ts).
 */
import { hash128 } from '../rng.ts'

export type ChangeEvent = Record<string, unknown>

/** The change events recorded, oldest first. */
export class ChangeLog {
  events: ChangeEvent[] = []
  #count = 0

  nextId (seed: number): string {
    const [a, b, c, d] = hash128(`${seed}\u0001change\u0001${++this.#count}`).map(x => x.toString(16).padStart(8, '0'))
    return `${a}-${b.slice(0, 4)}-4${b.slice(5)}-${c.slice(0, 4)}-${c.slice(4)}${d}`
  }
}
