import neostandard, { plugins } from 'neostandard'
import importX, { createNodeResolver } from 'eslint-plugin-import-x'

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'coverage/**', '.tap/**', 'node_modules/**', '.scratch/**'] }),
  {
    files: ['**/*.ts'],
    plugins: { '@typescript-eslint': plugins['typescript-eslint'].plugin, 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js']
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      // TypeBox names a schema and its Static type alike; tsc catches real redeclarations.
      '@typescript-eslint/no-redeclare': 'off',
      // No import circles in src/ (type-only imports included: a circle of types is a tangle too).
      // Layers are checked by test/layers.test.ts.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@stylistic/max-len': ['error', { code: 140, ignoreUrls: true, ignoreRegExpLiterals: true }]
    }
  },
  {
    // TODO: wrapped in the board work; remove this override then
    files: [
      'src/jobs/**', 'src/store/**', 'src/routes/rollouts/**', 'src/analysis/**', 'src/rollout/**',
      'src/schemas/result.ts', 'src/schemas/rollout.ts', 'src/schemas/thresholds.ts',
      'test/rollouts/**', 'test/routes/**'
    ],
    rules: { '@stylistic/max-len': 'off' }
  }
]
