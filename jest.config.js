// Three projects so CI and developers can run the fast unit suite alone. Integration and
// e2e tests share one DynamoDB Local (Java) per run, started by test/support/global-setup.ts.
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }] };
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'], setupFiles: ['<rootDir>/test/support/env.ts'] };
const withDynamo = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/test/support/long-timeout.ts'],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/**/*.unit.test.ts'] },
    { ...common, ...withDynamo, displayName: 'integration', testMatch: ['<rootDir>/test/**/*.int.test.ts'] },
    { ...common, ...withDynamo, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e.test.ts'] },
  ],
};
