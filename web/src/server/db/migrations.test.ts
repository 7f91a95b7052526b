import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { CANDLES_PER_BLOCK, loadCandlesInTimeRange } from './candleBlocks';
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
    const applied = migrate(db, [
      ...MIGRATIONS,
      { version: 999, name: 'test column', up: 'ALTER TABLE labels ADD COLUMN extra TEXT' },
    ]);
    expect(applied).toEqual([999]);
    expect(schemaVersion(db)).toBe(999);
    db.close();
  });

  it('upgrade a version-1 database in place: its rows are kept, the later tables added', () => {
    const file = path.join(dir, 'v1.db');
    const old = new Database(file);
    migrate(
      old,
      MIGRATIONS.filter((m) => m.version === 1),
    );
    old.prepare("INSERT INTO projects (name, created_at, updated_at) VALUES ('kept', 1, 1)").run();
    old.close();
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(MIGRATIONS.at(-1)!.version);
    expect(db.prepare('SELECT name FROM projects').pluck().all()).toEqual(['kept']);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    expect(tables).toEqual(
      expect.arrayContaining(['training_jobs', 'reviewed_regions', 'ls_annotations', 'ls_annotation_spans']),
    );
    db.close();
  });

  it("upgrade a version-5 database to the 'similar' span source: spans and Label Studio links are kept", () => {
    const file = path.join(dir, 'v4.db');
    const old = new Database(file);
    old.pragma('foreign_keys = ON');
    migrate(
      old,
      MIGRATIONS.filter((m) => m.version <= 5),
    );
    old.exec(`
      INSERT INTO projects (id, name, created_at, updated_at) VALUES (1, 'p', 1, 1);
      INSERT INTO datasets (id, project_id, name, candle_count, created_at, updated_at) VALUES (1, 1, 'd', 0, 1, 1);
      INSERT INTO labels (id, project_id, name, color, created_at, updated_at) VALUES (1, 1, 'double top', '#fff', 1, 1);
      INSERT INTO annotations (id, dataset_id, label_id, start_time, end_time, source, annotator, created_at, updated_at)
        VALUES ('a1', 1, 1, 10, 20, 'human', 'ana', 1, 1);
      INSERT INTO ls_annotations (ls_annotation_id, synced_at) VALUES ('7', 1);
      INSERT INTO ls_annotation_spans (ls_annotation_id, region_key, annotation_id) VALUES ('7', 'r1', 'a1');
    `);
    expect(() =>
      old
        .prepare(
          "INSERT INTO annotations (id, dataset_id, label_id, start_time, end_time, source, annotator, created_at, updated_at) VALUES ('x', 1, 1, 1, 2, 'similar', 'ana', 1, 1)",
        )
        .run(),
    ).toThrow(/CHECK/);
    old.close();

    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(MIGRATIONS.at(-1)!.version);
    expect(db.prepare('SELECT id, source, start_time FROM annotations').all()).toEqual([
      { id: 'a1', source: 'human', start_time: 10 },
    ]);
    expect(db.prepare('SELECT annotation_id FROM ls_annotation_spans').pluck().all()).toEqual(['a1']);
    db.prepare(
      "INSERT INTO annotations (id, dataset_id, label_id, start_time, end_time, source, annotator, created_at, updated_at) VALUES ('s1', 1, 1, 30, 40, 'similar', 'ana', 1, 1)",
    ).run();
    // The link still follows its span: deleting the span drops the link.
    db.prepare("DELETE FROM annotations WHERE id = 'a1'").run();
    expect(db.prepare('SELECT COUNT(*) FROM ls_annotation_spans').pluck().get()).toBe(0);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    const indexes = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'annotations'")
      .pluck()
      .all();
    expect(indexes).toEqual(expect.arrayContaining(['annotations_dataset_time', 'annotations_label']));
    db.close();
  });

  it('upgrade a version-8 database to candle blocks: every candle kept, the row table dropped', () => {
    const file = path.join(dir, 'v8.db');
    const old = new Database(file);
    old.pragma('foreign_keys = ON');
    migrate(
      old,
      MIGRATIONS.filter((m) => m.version <= 8),
    );
    const sizes = { 1: 2 * CANDLES_PER_BLOCK + 5, 2: 3, 3: 0 };
    old.exec("INSERT INTO projects (id, name, created_at, updated_at) VALUES (1, 'p', 1, 1)");
    const insert = old.prepare(
      'INSERT INTO candles (dataset_id, time, open, high, low, close, volume) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const row = (i: number) => [1_600_000_000_000 + i * 60_000, 10 + i / 3, 11 + i, 9 - i / 7, 10.5, i * 1.25];
    old.transaction(() => {
      for (const [id, n] of Object.entries(sizes)) {
        old
          .prepare(
            'INSERT INTO datasets (id, project_id, name, candle_count, created_at, updated_at) VALUES (?, 1, ?, ?, 1, 1)',
          )
          .run(Number(id), `d${id}`, n);
        // Inserted newest first: the blocks must come out in time order all the same.
        for (let i = n - 1; i >= 0; i--) insert.run(Number(id), ...row(i));
      }
    })();
    old.close();

    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(MIGRATIONS.at(-1)!.version);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'candles'").get()).toBeUndefined();
    for (const [id, n] of Object.entries(sizes)) {
      const c = loadCandlesInTimeRange(db, Number(id), Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
      const rows = Array.from({ length: n }, (_, i) => row(i));
      const columns = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
      columns.forEach((name, k) =>
        expect(Array.from(c[name]), `dataset ${id}, ${name}`).toEqual(rows.map((r) => r[k])),
      );
    }
    expect(db.prepare('SELECT dataset_id, first_index, count FROM candle_blocks ORDER BY 1, 2').all()).toEqual([
      { dataset_id: 1, first_index: 0, count: CANDLES_PER_BLOCK },
      { dataset_id: 1, first_index: CANDLES_PER_BLOCK, count: CANDLES_PER_BLOCK },
      { dataset_id: 1, first_index: 2 * CANDLES_PER_BLOCK, count: 5 },
      { dataset_id: 2, first_index: 0, count: 3 },
    ]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });

  it('upgrade a version-9 database to level blocks: the old level rows dropped, the candles kept', () => {
    const file = path.join(dir, 'v9.db');
    const old = new Database(file);
    old.pragma('foreign_keys = ON');
    migrate(
      old,
      MIGRATIONS.filter((m) => m.version <= 9),
    );
    old.exec(`
      INSERT INTO projects (id, name, created_at, updated_at) VALUES (1, 'p', 1, 1);
      INSERT INTO datasets (id, project_id, name, candle_count, created_at, updated_at) VALUES (1, 1, 'd', 1, 1, 1);
      INSERT INTO candle_blocks (dataset_id, first_index, first_time, last_time, count, time, open, high, low, close, volume)
        VALUES (1, 0, 60000, 60000, 1, zeroblob(8), zeroblob(8), zeroblob(8), zeroblob(8), zeroblob(8), zeroblob(8));
      INSERT INTO candle_levels (dataset_id, level, time, end_time, first_index, count, open, high, low, close, volume)
        VALUES (1, 16, 60000, 60000, 0, 1, 1, 1, 1, 1, 1);
    `);
    old.close();

    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(MIGRATIONS.at(-1)!.version);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'candle_levels'").get()).toBeUndefined();
    // Levels are derived: none are carried over, the dataset is levelled again on its first view.
    expect(db.prepare('SELECT COUNT(*) FROM candle_level_blocks').pluck().get()).toBe(0);
    expect(db.prepare('SELECT COUNT(*) FROM candle_blocks WHERE dataset_id = 1').pluck().get()).toBe(1);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });

  it('roll back a failing migration entirely', () => {
    const file = path.join(dir, 'c.db');
    const db = openDatabase(file);
    const before = schemaVersion(db);
    expect(() =>
      migrate(db, [
        ...MIGRATIONS,
        { version: 1000, name: 'broken', up: 'CREATE TABLE t1 (x); SELECT * FROM no_such_table;' },
      ]),
    ).toThrow();
    expect(schemaVersion(db)).toBe(before);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 't1'").get()).toBeUndefined();
    db.close();
  });
});
