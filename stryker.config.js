// Mutation testing (`npm run mutate`; docs/testing.md). Not part of CI: one module at a time, on
// the tests that exercise it, so that a run fits a 2-core machine. MUTATION_MODULE names the
// module (domain, search or auth; domain by default); `-- --mutate <file>` narrows it further.
import process from 'node:process';
import jestConfig from './jest.config.js';

/** Each module: the files to mutate and the tests that are meant to catch their mutants. */
const MODULES = {
  domain: {
    mutate: ['services/referral/src/domain/**/*.ts'],
    tests: ['services/referral/src/domain/**/*.test.ts'],
  },
  search: {
    mutate: ['services/shared/src/fhir/search/**/*.ts'],
    tests: ['services/shared/src/fhir/search/**/*.test.ts'],
  },
  auth: {
    mutate: ['services/shared/src/auth/**/*.ts'],
    tests: ['services/shared/src/auth/**/*.test.ts'],
  },
};

const name = process.env.MUTATION_MODULE ?? 'domain';
const module = MODULES[name];
if (!module) {
  throw new Error(`MUTATION_MODULE must be one of ${Object.keys(MODULES).join(', ')}; got ${name}`);
}

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  // The suite's own ESM set-up (package.json "test").
  testRunnerNodeArgs: ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning'],
  jest: {
    projectType: 'custom',
    // Only this module's tests; each mutant then runs only the tests that reached it.
    enableFindRelatedTests: false,
    config: {
      ...jestConfig,
      testMatch: module.tests.map((glob) => `<rootDir>/${glob}`),
      moduleNameMapper: {
        // The workspaces resolve through node_modules symlinks to the original sources; the
        // mutated copies are the ones in Stryker's sandbox.
        '^@peerbridge/(shared|referral|sandbox)$': '<rootDir>/services/$1/src/index.ts',
        ...jestConfig.moduleNameMapper,
      },
    },
  },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: [...module.mutate, '!**/*.test.ts'],
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: `reports/mutation/${name}-incremental.json`,
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  reporters: ['clear-text', 'progress', 'html', 'json'],
  concurrency: 1,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  timeoutMS: 10000,
};
