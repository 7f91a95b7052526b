// What users' files can be: FIFOs, devices, symlinks to them, folders, a config nested 100k deep,
// a registry whose files are special or whose lock a crash left behind. Every call ends quickly
// with a coded error (or, for the stale lock, succeeds), and none blocks libuv's thread pool.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { engine, rejection, syntheticCandles } = require('./helpers');

let dir;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-files-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const fifo = (name) => {
  const p = path.join(dir, name);
  execFileSync('mkfifo', [p]);
  return p;
};

/** The call's error, and how long it took. */
async function timed(promise) {
  const t0 = Date.now();
  const error = await rejection(promise);
  return { error, ms: Date.now() - t0 };
}

test('FIFOs, devices and symlinks to them are refused before they are opened', async () => {
  const pipe = fifo('prices.csv');
  const link = path.join(dir, 'zero.csv');
  fs.symlinkSync('/dev/zero', link);
  // Four blocked reads would fill libuv's pool and stall everything else; run more than four.
  const calls = [pipe, pipe, pipe, pipe, pipe, '/dev/zero', '/dev/urandom', link].map((p) =>
    timed(engine.importCsvFile(p)),
  );
  for (const { error, ms } of await Promise.all(calls)) {
    expect(error.code).toBe('IO_ERROR');
    expect(error.message).toMatch(/not a regular file/);
    expect(ms).toBeLessThan(5000);
  }
  const { error } = await timed(engine.importCsvFile(link));
  expect(error.message).toContain('a symlink to /dev/zero');
  for (const configPath of [pipe, '/dev/zero', link, dir]) {
    expect((await timed(engine.train({ configPath }))).error.code).toBe('IO_ERROR');
  }
});

test('a config nested 100k levels deep is refused at once', async () => {
  const deep = path.join(dir, 'deep.yaml');
  fs.writeFileSync(deep, '['.repeat(100000));
  const { error, ms } = await timed(engine.train({ configPath: deep }));
  expect(error.code).toBe('INVALID_CONFIG');
  expect(error.message).toMatch(/nests more than 32 levels/);
  expect(ms).toBeLessThan(2000);
  const big = path.join(dir, 'big.yaml');
  fs.writeFileSync(big, `# ${'x'.repeat(2 * 1024 * 1024)}\n`);
  expect((await timed(engine.train({ configPath: big }))).error.code).toBe('IO_ERROR');
});

test('annotations and series files that are special files fail the run at load', async () => {
  const config = {
    data: { series: [{ path: 'data/samples/ibm_daily.csv' }] },
    labels: { annotations: [fifo('spans.json')] },
    model: { type: 'lightgbm', threads: 1 },
    registry: { root: path.join(dir, 'models') },
  };
  const { error, ms } = await timed(engine.train({ config, rootDir: path.join(__dirname, '..') }));
  expect(error.code).toBe('IO_ERROR');
  expect(ms).toBeLessThan(10000);
});

test('registry files that are special files: coded errors, no hang', async () => {
  const candles = syntheticCandles(400);
  const registry = path.join(dir, 'registry');
  fs.mkdirSync(path.join(registry, 'versions', 'v0001'), { recursive: true });
  execFileSync('mkfifo', [path.join(registry, 'versions', 'v0001', 'model.json')]);
  for (const call of [
    () => engine.predict(candles, { registry, model: 'v0001' }),
    () => engine.modelInfo('v0001', registry),
    () => engine.promote('v0001', registry),
  ]) {
    const { error, ms } = await timed(call());
    expect(['IO_ERROR', 'CORRUPT_MODEL']).toContain(error.code);
    expect(ms).toBeLessThan(5000);
  }
  // A special file as aliases.json is never opened; it costs the aliases, not the versions
  // (docs/training.md: aliases.json is read leniently, the next alias write repairs it).
  execFileSync('mkfifo', [path.join(registry, 'aliases.json')]);
  const started = Date.now();
  const versions = await engine.listModels(registry);
  expect(Date.now() - started).toBeLessThan(5000);
  expect(Array.isArray(versions)).toBe(true);
  for (const v of versions) expect(v.aliases ?? []).toEqual([]);
});
