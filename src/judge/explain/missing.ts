import type { MetricName } from '../../schemas/common.ts'

/** "no error data for Orders API": a check of an app no host reported. */
export function missingMetric (metric: MetricName, app: string): string {
  const what = metric === 'errorRate' ? 'error' : metric === 'newErrors' ? 'error class' : metric
  return `no ${what} data for ${app}`
}
