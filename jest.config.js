// Jest runs the TypeScript sources as native ES modules (jose 6 and oidc-provider 9 ship ESM
// only), so it is started with --experimental-vm-modules by `npm test`.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testMatch: ['<rootDir>/services/*/src/**/*.test.ts', '<rootDir>/tests/**/*.test.ts'],
  testTimeout: 60000,
  // Test files wait on PostgreSQL and on event delivery as much as they compute: two at a time
  // keep both cores busy (jest's default on a 2-core machine is one).
  maxWorkers: 2,
  // `npm run mutate` copies the repository there while it runs (stryker.config.js).
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/'],
  setupFiles: ['<rootDir>/tests/support/same-realm-structured-clone.js'],
};
