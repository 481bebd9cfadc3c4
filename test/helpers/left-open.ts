/**
 * When a test file's work is done but its process stays alive, tap only says "timeout!" after
 * minutes. This names what is still open (sockets with their ports, timers), so a hang that
 * only a loaded CI machine shows can be read from its log.
 */
import type { Socket } from 'node:net'

/** After every test of the file has ended, waits `ms` (unref'd: it never keeps the process alive) and prints what is left. */
export function reportLeftOpen (t: { teardown: (fn: () => void) => void }, ms = 20_000): void {
  t.teardown(() => {
    setTimeout(() => {
      const handles = (process as unknown as { _getActiveHandles: () => unknown[] })._getActiveHandles()
      const sockets = handles
        .filter((h): h is Socket => typeof (h as Socket).remotePort === 'number' || typeof (h as Socket).localPort === 'number')
        .map(s => `socket ${s.localPort ?? '?'} -> ${s.remotePort ?? '?'} (${s.destroyed ? 'destroyed' : 'open'})`)
      console.error(`# still alive ${ms} ms after the last test: ${process.getActiveResourcesInfo().join(', ')}`)
      for (const s of sockets) console.error(`#   ${s}`)
    }, ms).unref()
  })
}
