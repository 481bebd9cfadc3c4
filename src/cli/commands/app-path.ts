/** The path of one app of a rollout: both parts URL-encoded (apps are named like O'Brien's API or Auth.Gateway v2). */
export function appPath (id: string, app: string, tail = ''): string {
  return `/v1/rollouts/${encodeURIComponent(id)}/apps/${encodeURIComponent(app)}${tail}`
}
