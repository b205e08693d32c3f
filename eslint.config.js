// ESLint: typescript-eslint's type-checked rules on the TypeScript (src/, test/), the recommended
// JavaScript rules on the scripts and benches. `npm run lint`, run by `npm test`, allows no warning.
// Formatting is Prettier's job (`npm run format:check`), so there are no stylistic rules here.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'native/build/**', 'src/generated/**', 'reports/**', '**/*.d.ts', 'vitest.config.ts'] },
  js.configs.recommended,
  { languageOptions: { globals: { ...globals.node } } },
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // an async function that does not await still turns a throw into a rejection, which the
      // callers (host ops, capture engines) rely on
      '@typescript-eslint/require-await': 'off',
      // decoders and escapers match control characters on purpose
      'no-control-regex': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // Tests read JSON that the code under test wrote (run.json, results.json, tshark's -T json)
    // and assert on its shape with expect(); the schema tests check those shapes against
    // schemas/. Typing every parsed document again in the tests would be a second model.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    rules: { 'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }] },
  },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
);
