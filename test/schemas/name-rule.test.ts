/** One name rule: every character the request schemas accept, NRQL quoting can write, and the other way round. */
import t from 'tap'
import { validatorCompiler } from '../../src/http/validation.ts'
import { quoteString } from '../../src/newrelic/nrql.ts'
import { AppName, HostName, TeamName } from '../../src/schemas/common.ts'
import { describeChar } from '../../src/schemas/name-rule.ts'

const compile = (schema: object) => validatorCompiler({ schema, httpPart: 'body', method: 'POST', url: '/' }) as (v: unknown) => boolean

t.test('the schemas and NRQL quoting agree on every BMP character', async t => {
  for (const [title, schema] of [['AppName', AppName], ['HostName', HostName], ['TeamName', TeamName]] as const) {
    const valid = compile(schema)
    const disagree: string[] = []
    for (let code = 0; code <= 0xffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue // lone surrogates: refused by validateTarget, not by a pattern
      const name = `a${String.fromCharCode(code)}b`
      let quotable = true
      try { quoteString('x', name) } catch { quotable = false }
      if (valid(name) !== quotable) disagree.push(describeChar(String.fromCharCode(code)))
    }
    t.same(disagree, [], `${title}: characters one accepts and the other refuses`)
  }
})

t.test('characters are named by code point', async t => {
  t.equal(describeChar('\u2028'), 'U+2028 (LINE SEPARATOR)')
  t.equal(describeChar('\u0085'), 'U+0085 (NEXT LINE)')
  t.equal(describeChar('\u0001'), 'U+0001 (a control character)')
  t.equal(describeChar('\u00e9'), 'U+00E9')
})
