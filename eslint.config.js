// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Folders that detect (codes and data, no words): they must never reach into the renderers. */
const DETECTION = ['classifiers', 'state', 'containerlogs', 'memory', 'codecs', 'sources', 'eventlog', 'input', 'diagnose'];

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/', 'src/codecs/vendor/', 'test/real-spark/target/', '**/*.mjs', 'bin/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { project: ['./tsconfig.test.json'], tsconfigRootDir: import.meta.dirname } },
    rules: {
      // The rules that catch real bugs here: unhandled promises (a stream error lost), switches that
      // miss a new code, templates that print "[object Object]" or "undefined".
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNullish: false }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/prefer-promise-reject-errors': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always'],
      'no-control-regex': 'off', // escaping control characters is this project's job
    },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
  {
    files: DETECTION.map((d) => `src/${d}/**/*.ts`),
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/render/**'], message: 'Detection emits codes and data; words belong to src/render.' }] },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests read JSON the CLI printed; zod checks its shape where it matters.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Tests feed readers async generators of fixed chunks, which need no await.
      '@typescript-eslint/require-await': 'off',
    },
  },
);
