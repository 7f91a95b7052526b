const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { engine } = require('./helpers');

test('index.d.ts types the API precisely (a usage file compiles; misuses do not)', () => {
  const tsc = path.join(__dirname, '..', 'node_modules', '.bin', 'tsc');
  const args = [
    '--noEmit',
    '--strict',
    '--skipLibCheck',
    '--types',
    'node',
    '--module',
    'commonjs',
    '--target',
    'es2022',
    '--esModuleInterop',
    path.join(__dirname, 'types', 'usage.ts'),
  ];
  try {
    execFileSync(tsc, args, { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`tsc failed:\n${err.stdout}${err.stderr}`);
  }
});

test('engineVersion is the package version', () => {
  expect(engine.engineVersion()).toBe(require('../package.json').version);
});
