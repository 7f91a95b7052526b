import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { webRoot } from '../paths';
import { migrate } from './migrations';
import { startWalCheckpointer, type WalCheckpointer } from './walCheckpointer';

/**
 * The one SQLite connection of this server process.
 *
 * Durability: WAL journal with synchronous=FULL — every commit is fsynced to the WAL before
 * better-sqlite3 returns, so a write the API acknowledged survives `kill -9` of the server and
 * also an OS crash or power loss. (NORMAL would survive kill -9 too, but not power loss.)
 */
export type Db = Database.Database;

/** `CANDLE_DB_PATH`, or `web/.data/candle.db`. */
export function databasePath(): string {
  return process.env.CANDLE_DB_PATH
    ? path.resolve(process.env.CANDLE_DB_PATH)
    : path.join(webRoot(), '.data', 'candle.db');
}

export function openDatabase(file: string): Db {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

// Kept on globalThis so that dev-server module reloads reuse the same connection.
const holder = globalThis as unknown as { __candleDb?: { file: string; db: Db; checkpointer: WalCheckpointer } };

export function getDb(): Db {
  const file = databasePath();
  if (holder.__candleDb && holder.__candleDb.file === file && holder.__candleDb.db.open) return holder.__candleDb.db;
  closeDb();
  const db = openDatabase(file);
  // The WAL is copied into the database file by a worker thread, not inside a request's commit.
  holder.__candleDb = { file, db, checkpointer: startWalCheckpointer(db, file) };
  return db;
}

/** Closes the process's connection (tests and shutdown). */
export function closeDb(): void {
  void holder.__candleDb?.checkpointer?.stop();
  if (holder.__candleDb?.db.open) holder.__candleDb.db.close();
  holder.__candleDb = undefined;
}
