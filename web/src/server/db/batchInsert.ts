import type { Db } from './database';

/** Rows per INSERT statement: better-sqlite3's per-call cost halves the rate of one row per statement. */
const ROWS_PER_STATEMENT = 100;

/**
 * Inserts `count` rows into `table` (`columns`), many rows per statement, in the caller's
 * transaction. `write(values, at, i)` puts row i's values at values[at … at + columns.length − 1].
 */
export function insertRows(
  db: Db,
  table: string,
  columns: readonly string[],
  count: number,
  write: (values: unknown[], at: number, i: number) => void,
): void {
  const width = columns.length;
  const statement = (rows: number) =>
    db.prepare(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array(rows)
        .fill(`(${Array(width).fill('?').join(', ')})`)
        .join(', ')}`,
    );
  const full = count >= ROWS_PER_STATEMENT ? statement(ROWS_PER_STATEMENT) : null;
  const values: unknown[] = new Array(ROWS_PER_STATEMENT * width);
  let i = 0;
  for (; full && i + ROWS_PER_STATEMENT <= count; i += ROWS_PER_STATEMENT) {
    for (let r = 0; r < ROWS_PER_STATEMENT; r++) write(values, r * width, i + r);
    full.run(values);
  }
  const rest = count - i;
  if (rest === 0) return;
  const last = new Array(rest * width);
  for (let r = 0; r < rest; r++) write(last, r * width, i + r);
  statement(rest).run(last);
}
