import neostandard, { plugins } from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'coverage/**', '.tap/**', 'node_modules/**', '.scratch/**'] }),
  {
    files: ['**/*.ts'],
    plugins: { '@typescript-eslint': plugins['typescript-eslint'].plugin },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      // TypeBox names a schema and its Static type alike; tsc catches real redeclarations.
      '@typescript-eslint/no-redeclare': 'off'
    }
  }
]
