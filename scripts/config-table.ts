/** Prints the README's configuration table from the one env schema (npx tsx scripts/config-table.ts). */
import { EnvSchema } from '../src/config.ts'

const rows = Object.entries(EnvSchema.properties).map(([key, schema]) => {
  const s = schema as { default?: unknown, description?: string }
  const def = s.default === undefined ? '' : `\`${String(s.default)}\``
  return `| \`${key}\` | ${def} | ${s.description ?? ''} |`
})
process.stdout.write(['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n') + '\n')
