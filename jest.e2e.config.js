/** Browser journeys: playwright-core driving Debian's Chromium, axe on every page visited. */
module.exports = {
  testEnvironment: '<rootDir>/test/e2e/support/environment.js',
  roots: ['<rootDir>/test/e2e'],
  testRegex: '\\.e2e\\.ts$',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/e2e/tsconfig.json', diagnostics: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 120000,
};
