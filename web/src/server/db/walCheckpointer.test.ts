import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from './database';
import { startWalCheckpointer, type WalCheckpointer } from './walCheckpointer';

const dirs: string[] = [];
const checkpointers: WalCheckpointer[] = [];
afterEach(async () => {
  await Promise.all(checkpointers.splice(0).map((c) => c.stop()));
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDb() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-wal-'));
  dirs.push(dir);
  const file = path.join(dir, 'candle.db');
  const db = openDatabase(file);
  db.exec('CREATE TABLE payload (id INTEGER PRIMARY KEY, bytes BLOB)');
  return { db, file };
}

const walBytes = (file: string) => (fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0);

describe('WAL checkpointer', () => {
  it('copies a large commit into the database file off the committing thread, and empties the WAL', async () => {
    const { db, file } = tempDb();
    checkpointers.push(startWalCheckpointer(db, file, 20));
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const mainFileBefore = fs.statSync(file).size;
    const insert = db.prepare('INSERT INTO payload (bytes) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 64; i++) insert.run(Buffer.alloc(256 * 1024, i));
    })();
    // With the automatic checkpoint off the commit left all 16 MB in the WAL…
    expect(walBytes(file)).toBeGreaterThan(16 * 1024 * 1024);
    // …and the worker moves it into the database file, then truncates the WAL.
    await vi.waitFor(() => expect(walBytes(file)).toBe(0), { timeout: 20_000, interval: 50 });
    expect(fs.statSync(file).size).toBeGreaterThan(mainFileBefore + 16 * 1024 * 1024);
    expect(db.prepare('SELECT count(*) AS n, sum(length(bytes)) AS bytes FROM payload').get()).toEqual({
      n: 64,
      bytes: 64 * 256 * 1024,
    });
    db.close();
  });

  it('leaves a commit durable before it is copied: a new connection reads it from the WAL', async () => {
    const { db, file } = tempDb();
    const checkpointer = startWalCheckpointer(db, file, 60_000);
    checkpointers.push(checkpointer);
    db.prepare('INSERT INTO payload (bytes) VALUES (?)').run(Buffer.from('kept'));
    await checkpointer.stop();
    expect(walBytes(file)).toBeGreaterThan(0);
    const other = openDatabase(file);
    expect(other.prepare('SELECT bytes FROM payload').get()).toEqual({ bytes: Buffer.from('kept') });
    other.close();
    db.close();
  });

  it('switches the automatic checkpoint back on when the worker cannot open the database', async () => {
    const { db, file } = tempDb();
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    checkpointers.push(startWalCheckpointer(db, `${file}.missing`, 20));
    await vi.waitFor(() => expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000), {
      timeout: 10_000,
      interval: 20,
    });
    expect(logged.mock.calls.join('\n')).toMatch(/checkpoint worker unavailable/);
    logged.mockRestore();
    db.close();
  });
});
