'use strict';
// jose is ESM-only and jest (before Node 24.9) cannot require ESM, so its files are compiled to CommonJS
// for the test runtime (cookie: ESM-only since 2.0, required by fastify's inject). oidc-provider is not
// loadable this way: tests run it as a child process.
const esmOnly = ['jose', 'cookie'];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    [`node_modules/(${esmOnly.join('|')})/.+\\.js$`]: [
      'babel-jest',
      { babelrc: false, configFile: false, plugins: ['@babel/plugin-transform-modules-commonjs'] },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/test/support/plain-summary-reporter.js'],
};
