import type Database from 'better-sqlite3';

const preparedByDb = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/**
 * `db.prepare(sql)`, compiled once per connection and reused: for the statements requests run
 * over and over (the guard's credential lookups, the candle-block reads), where compiling the SQL
 * each time took ≈ 0.03 ms a statement (CPU profiles of bench/predict). Only for fixed SQL text
 * run with `get`/`run`/`all`: a cached statement is shared, so it must not be left in
 * `pluck`/`raw` mode or held open by `iterate`.
 *
 * A module of its own, with no imports from the app: the migrations' helpers use it too, and
 * `database.ts` imports the migrations.
 */
export function preparedOnce(db: Database.Database, sql: string): Database.Statement {
  let statements = preparedByDb.get(db);
  if (!statements) preparedByDb.set(db, (statements = new Map()));
  let statement = statements.get(sql);
  if (!statement) statements.set(sql, (statement = db.prepare(sql)));
  return statement;
}
