import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './database';
import { preparedOnce } from './preparedOnce';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-prepared-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('preparedOnce', () => {
  it('compiles a statement once per connection and still reads what was written since', () => {
    const db = openDatabase(path.join(dir, 'a.db'));
    db.exec('CREATE TABLE t (v INTEGER)');
    const sql = 'SELECT COUNT(*) AS n FROM t WHERE v > ?';
    const first = preparedOnce(db, sql);
    expect(first.get(0)).toEqual({ n: 0 });
    db.prepare('INSERT INTO t (v) VALUES (?)').run(5);
    const again = preparedOnce(db, sql);
    expect(again).toBe(first);
    expect(again.get(0)).toEqual({ n: 1 }); // the statement is reused, never its result
    expect(preparedOnce(db, 'SELECT COUNT(*) AS n FROM t')).not.toBe(first);

    const other = openDatabase(path.join(dir, 'b.db'));
    other.exec('CREATE TABLE t (v INTEGER)');
    expect(preparedOnce(other, sql)).not.toBe(first); // a statement belongs to its connection
    expect(preparedOnce(other, sql).get(0)).toEqual({ n: 0 });
    other.close();
    db.close();
  });
});
