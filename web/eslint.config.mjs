// ESLint for the web app (a lint gate in `npm test`, scripts/lint.sh). Formatting is Prettier's job.
// Import boundaries: a feature is used by others only through its public entry points — `index.ts`
// (client-safe: components, hooks, types, schemas, API client) and `server.ts` (server-only code) —
// and there are no import cycles, neither between modules nor between features
// (web/scripts/check-feature-graph.mjs checks the feature level: features form no cycle).
import js from '@eslint/js';
import nextPlugin from '@next/eslint-plugin-next';
import importX from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['.next/**', 'next-env.d.ts', 'test-results/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mjs}'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { 'import-x': importX, 'react-hooks': reactHooks, '@next/next': nextPlugin },
    settings: {
      'import-x/resolver': { typescript: { project: './tsconfig.json' } },
    },
    rules: {
      // The classic hook rules. eslint-plugin-react-hooks 7 also ships the React Compiler's
      // diagnostics (refs, set-state-in-effect, immutability, …) in `recommended`; they say where the
      // compiler could not optimise a component. This app does not build with React Compiler, so
      // those rules are not in the gate; the two that catch real bugs without it are.
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      ...nextPlugin.configs.recommended.rules,
      ...nextPlugin.configs['core-web-vitals'].rules,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      // One import statement per module (`import type` folded in as inline `type` specifiers).
      'import-x/no-duplicates': ['error', { 'prefer-inline': true }],
      // A feature's internals are its own: others (features, routes, server modules) import it through
      // `@/features/<name>` (index.ts) or `@/features/<name>/server` (server.ts). Inside a feature,
      // relative imports. Tests may reach into the module they test (see the override below).
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@/features/*/*', '!@/features/*/server'],
              message:
                "Import another feature through its entry point: '@/features/<name>' or '@/features/<name>/server'.",
            },
          ],
        },
      ],
    },
  },
  {
    // Route tests read JSON bodies whose shape the assertions check: `any` there is the point.
    files: ['tests/**/*.ts', 'src/**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', 'no-restricted-imports': 'off' },
  },
);
