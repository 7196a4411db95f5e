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
    // The development sandbox is wired in by the development host (services/gateway) only: no
    // service and not the shared kit may import it, so it can never run in a deployed service.
    files: ['services/**/*.ts'],
    ignores: ['services/gateway/**', 'services/sandbox/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'oidc-provider',
              message: 'The authorization server library belongs to @peerbridge/sandbox.',
            },
          ],
          patterns: [
            {
              group: ['@peerbridge/sandbox', '@peerbridge/sandbox/*', '**/sandbox/src', '**/sandbox/src/**'],
              message: 'Only the development host (services/gateway) may import the development sandbox.',
            },
          ],
        },
      ],
    },
  },
);
