// @ts-check
import eslint from '@eslint/js';
import eslintPluginPrettierRecommended from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'dist-bench/',
      'coverage/',
      'node_modules/',
      'eslint.config.mjs',
      'bench/results/',
      // Type-checked and linted as its own project by test/package/.
      'test/fixtures/consumer-app/',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  eslintPluginPrettierRecommended,
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.jest },
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports' },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
        },
      ],
      // The layer contract is async so that validation errors reject rather than throw.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['public/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      globals: globals.browser,
      sourceType: 'script',
      parserOptions: { projectService: false, project: false },
    },
  },
  {
    // Tests use the library as its users do: through the package's entry
    // points (src/channel-layer, src/consumers, src/testing, src), never a
    // file inside them. The app around the library (chat, config) is theirs.
    files: ['test/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/src/channel-layer/**',
                '**/src/consumers/**',
                '**/src/testing/**',
              ],
              message:
                'Import the library through its public entry points (src/channel-layer, src/consumers, src/testing), as a user of the package would.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts', 'src/testing/contract/**/*.ts'],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
);
