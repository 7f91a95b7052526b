import 'server-only';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/**
 * Copies the WAL into the database file on a connection of its own, in a worker thread, instead
 * of inside the commit that crossed SQLite's automatic-checkpoint threshold. better-sqlite3 is
 * synchronous, so that commit's checkpoint ran on the JS thread: storing a 10M-candle upload
 * (480 MB) spent ≈ 2 s of its request copying the WAL (`bench/scale/sqlite_store.js`), and any
 * small write that happened to cross the threshold paid for everyone's.
 *
 * Durability is unchanged: a commit is durable once its WAL frames are fsynced (synchronous=FULL),
 * and a WAL not yet copied is replayed by the next connection after a crash. The worker
 * checkpoints PASSIVE (it never waits for, or blocks, the app's writer), then truncates the WAL
 * when every frame was copied, so the file does not stay at its high-water mark. If the worker
 * cannot run, the connection's automatic checkpoint is switched back on.
 */

/** How often the worker looks for WAL frames to copy: a commit is copied within this time. */
const CHECKPOINT_INTERVAL_MS = 250;
/** SQLite's own default (pages), restored when the worker is unavailable. */
const AUTOMATIC_CHECKPOINT_PAGES = 1000;

// CommonJS run by the worker (eval: its `require` resolves from the server's working directory,
// where better-sqlite3 is installed — also in the standalone image).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const Database = require('better-sqlite3');
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 0');
const wal = workerData.file + '-wal';
const walBytes = () => { try { return fs.statSync(wal).size; } catch { return 0; } };
let failures = 0;
setInterval(() => {
  if (walBytes() === 0) return;
  try {
    const [passive] = db.pragma('wal_checkpoint(PASSIVE)');
    if (passive.busy === 0 && passive.log > 0 && passive.checkpointed === passive.log) db.pragma('wal_checkpoint(TRUNCATE)');
    failures = 0;
  } catch (error) {
    if (++failures === 1) parentPort.postMessage({ error: String(error && error.message || error) });
  }
}, workerData.intervalMs);
`;

export interface WalCheckpointer {
  stop(): Promise<void>;
}

/** Starts checkpointing `file` (the database `db` is open on) off the JS thread. */
export function startWalCheckpointer(
  db: Database.Database,
  file: string,
  intervalMs = CHECKPOINT_INTERVAL_MS,
): WalCheckpointer {
  let stopping = false;
  const fallBack = (why: string) => {
    if (stopping || !db.open) return;
    console.error(`[db] WAL checkpoint worker unavailable (${why}); checkpointing in commits again`);
    db.pragma(`wal_autocheckpoint = ${AUTOMATIC_CHECKPOINT_PAGES}`);
  };
  db.pragma('wal_autocheckpoint = 0');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, intervalMs } });
  worker.unref();
  worker.on('message', (m: { error?: string }) => {
    if (m.error) console.error(`[db] WAL checkpoint failed, retrying: ${m.error}`);
  });
  worker.on('error', (error) => fallBack(error.message));
  worker.on('exit', (code) => fallBack(`exited with code ${code}`));
  return {
    async stop() {
      stopping = true;
      await worker.terminate();
    },
  };
}
