/** Jest runs the addon's JS contract tests in __test__/ (plain Node, no transform). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__test__'],
  testMatch: ['**/*.spec.js'],
  testTimeout: 60000,
};
