import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.data/', 'coverage/', 'services/*/src/generated/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'no-console': 'error',
    },
  },
  {
    // Services reach FHIR resources only through a Repository bound to the caller (shared
    // access/), never through the store underneath it, so no route can skip the access rules.
    files: ['services/*/src/**/*.ts'],
    ignores: ['services/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@peerbridge/shared',
              importNames: ['ResourceStore'],
              message:
                'Use Repositories.forCaller / forSystem: every access goes through the caller-scoped Repository.',
            },
          ],
          patterns: [{ group: ['**/fhir/store/*'], message: 'Use the caller-scoped Repository.' }],
        },
      ],
    },
  },
);
