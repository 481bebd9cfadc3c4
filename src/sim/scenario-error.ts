/** A scenario file that does not follow the format; `field` names the culprit. */
export class ScenarioError extends Error {
  readonly field: string

  constructor (field: string, problem: string) {
    super(field === '' ? problem : `${field} ${problem}`)
    this.name = 'ScenarioError'
    this.field = field
  }
}
