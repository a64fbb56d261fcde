// ESLint (flat config) with typescript-eslint's type-aware rules, run by `npm test` before the specs
// (`npm run lint`). Formatting is Prettier's (`.prettierrc.json`); eslint-config-prettier turns off the
// stylistic rules that would disagree with it.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // Generated code and build output; test/clients holds the scenarios run against generated clients,
    // typechecked by their own tsconfig in test/generated-clients.e2e-spec.ts.
    ignores: ['dist/**', 'node_modules/**', 'var/**', 'coverage/**', 'libs/database/src/generated/**', 'test/clients/**', '**/*.js', '**/*.cjs', '**/*.mjs'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A promise nobody awaits loses its error; a promise where a void callback is expected runs unawaited.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/require-await': 'off',
      // A variable a closure reads before its one assignment (a handler installed before the app exists).
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Input validation matches NUL and other control characters on purpose (issue 15: they are refused).
      'no-control-regex': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  prettier,
);
