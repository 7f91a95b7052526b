import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate, schemaVersion } from './migrations';
import { openDatabase } from './database';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-migrations-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('migrations', () => {
  it('apply once, record their version, and are skipped when reopened', () => {
    const file = path.join(dir, 'a.db');
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(MIGRATIONS.at(-1)!.version);
    expect(migrate(db)).toEqual([]);
    db.close();
    const again = openDatabase(file);
    expect(migrate(again)).toEqual([]);
    expect(again.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(again.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(again.pragma('foreign_keys', { simple: true })).toBe(1);
    again.close();
  });

  it('apply a newer migration on top of an existing database', () => {
    const file = path.join(dir, 'b.db');
    openDatabase(file).close();
    const db = openDatabase(file);
    const applied = migrate(db, [...MIGRATIONS, { version: 999, name: 'test column', up: 'ALTER TABLE labels ADD COLUMN extra TEXT' }]);
    expect(applied).toEqual([999]);
    expect(schemaVersion(db)).toBe(999);
    db.close();
  });

  it('upgrade a version-1 database in place: its rows are kept, the later tables added', () => {
    const file = path.join(dir, 'v1.db');
    const old = new Database(file);
    migrate(old, MIGRATIONS.filter((m) => m.version === 1));
    old.prepare("INSERT INTO projects (name, created_at, updated_at) VALUES ('kept', 1, 1)").run();
    old.close();
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(MIGRATIONS.at(-1)!.version);
    expect(db.prepare('SELECT name FROM projects').pluck().all()).toEqual(['kept']);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['training_jobs', 'reviewed_regions', 'ls_annotations', 'ls_annotation_spans']));
    db.close();
  });

  it('roll back a failing migration entirely', () => {
    const file = path.join(dir, 'c.db');
    const db = openDatabase(file);
    const before = schemaVersion(db);
    expect(() => migrate(db, [...MIGRATIONS, { version: 1000, name: 'broken', up: 'CREATE TABLE t1 (x); SELECT * FROM no_such_table;' }])).toThrow();
    expect(schemaVersion(db)).toBe(before);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 't1'").get()).toBeUndefined();
    db.close();
  });
});
