/**
 * The environment a test's child process starts from: PATH and HOME, plus what sets its clock.
 * Under libfaketime (`faketime '+400d' npx tap ...`, the date guard in .ci/run) the child must
 * share the test's fake clock: a child on the real clock would judge the test's times 400 days off.
 */
export function childEnv (): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && (k.startsWith('FAKETIME') || k === 'LD_PRELOAD' || k === 'DYLD_INSERT_LIBRARIES' || k === 'TZ')) env[k] = v
  }
  return env
}
