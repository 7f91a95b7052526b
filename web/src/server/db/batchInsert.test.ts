import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { insertRows } from './batchInsert';

describe('insertRows', () => {
  it.each([0, 1, 99, 100, 250])('inserts %i rows in order, whole statements and the rest', (count) => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (i INTEGER PRIMARY KEY, square REAL NOT NULL)');
    insertRows(db, 't', ['i', 'square'], count, (values, at, i) => {
      values[at] = i;
      values[at + 1] = i * i;
    });
    const rows = db.prepare('SELECT i, square FROM t ORDER BY i').all() as { i: number; square: number }[];
    expect(rows).toEqual(Array.from({ length: count }, (_, i) => ({ i, square: i * i })));
    db.close();
  });
});
