import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const REPOSITORY_ONLY = {
  name: '@peerbridge/shared',
  importNames: ['ResourceStore'],
  message: 'Use Repositories.forCaller / forSystem: every access goes through the caller-scoped Repository.',
};
const SANDBOX_LIBRARY = {
  name: 'oidc-provider',
  message: 'The authorization server library belongs to @peerbridge/sandbox.',
};
const SANDBOX_EHR_LIBRARY = {
  name: '@medplum/fhir-router',
  message: "Medplum's FHIR server code runs the sandbox EHR only (@peerbridge/sandbox).",
};
const SANDBOX_PACKAGE = {
  group: ['@peerbridge/sandbox', '@peerbridge/sandbox/*', '**/sandbox/src', '**/sandbox/src/**'],
  message: 'Only the development host (services/gateway) may import the development sandbox.',
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.data/',
      'coverage/',
      'services/*/src/generated/',
      '.stryker-tmp/',
      'reports/',
    ],
  },
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
    // And the development sandbox is wired in by the development host (services/gateway) only:
    // no service may import it, so it can never run in a deployed service.
    files: ['services/**/*.ts'],
    ignores: ['services/gateway/**', 'services/sandbox/**', 'services/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [REPOSITORY_ONLY, SANDBOX_LIBRARY, SANDBOX_EHR_LIBRARY],
          patterns: [
            SANDBOX_PACKAGE,
            { group: ['**/fhir/store/*'], message: 'Use the caller-scoped Repository.' },
          ],
        },
      ],
    },
  },
  {
    // Not the shared kit either.
    files: ['services/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [SANDBOX_LIBRARY, SANDBOX_EHR_LIBRARY], patterns: [SANDBOX_PACKAGE] },
      ],
    },
  },
  {
    // The browser test's tiny SMART app: a plain script in a page, with fhirclient's global FHIR.
    files: ['tests/browser/smart-app/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { window: 'readonly', document: 'readonly', FHIR: 'readonly' },
    },
  },
);
