// Where a 10M-candle upload's "store" phase goes in SQLite, with the app's settings (WAL,
// synchronous=FULL, 4 KB pages) and its block layout (6 Float64 BLOBs of 4,096 candles per row),
// next to the disk's own rate for the same bytes written and flushed (the durability floor).
// Prints the statements' time, the commit's time with the automatic checkpoint (the app's
// default), and the commit and checkpoint separately with the automatic checkpoint off.
//   node bench/scale/sqlite_store.js [ROWS]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Database = require('better-sqlite3');

const rows = Number(process.argv[2] ?? 10_000_000);
const PER_BLOCK = 4096;
const columns = ['time', 'open', 'high', 'low', 'close', 'volume'];
const data = Object.fromEntries(columns.map((c, k) => [c, Float64Array.from({ length: rows }, (_, i) => i * 1.5 + k)]));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-store-'));

function store(autocheckpoint) {
  const file = path.join(dir, `store-${autocheckpoint}.db`);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma(`wal_autocheckpoint = ${autocheckpoint}`);
  db.exec(`CREATE TABLE blocks (dataset_id INTEGER, first_index INTEGER, first_time REAL, last_time REAL,
    count INTEGER, ${columns.map((c) => `${c} BLOB`).join(', ')}, PRIMARY KEY (dataset_id, first_index))`);
  const insert = db.prepare(`INSERT INTO blocks VALUES (${Array(11).fill('?').join(', ')})`);
  const t0 = performance.now();
  db.exec('BEGIN IMMEDIATE');
  for (let first = 0; first < rows; first += PER_BLOCK) {
    const end = Math.min(rows, first + PER_BLOCK);
    const blobs = columns.map((c) => Buffer.from(data[c].buffer, first * 8, (end - first) * 8));
    insert.run(1, first, data.time[first], data.time[end - 1], end - first, ...blobs);
  }
  const t1 = performance.now();
  db.exec('COMMIT');
  const t2 = performance.now();
  db.pragma('wal_checkpoint(TRUNCATE)');
  const t3 = performance.now();
  db.close();
  return { statements: t1 - t0, commit: t2 - t1, checkpoint: t3 - t2 };
}

function diskFloor(bytes) {
  const file = path.join(dir, 'floor.bin');
  const chunk = Buffer.alloc(1 << 20, 1);
  const t0 = performance.now();
  const fd = fs.openSync(file, 'w');
  for (let written = 0; written < bytes; written += chunk.length) fs.writeSync(fd, chunk);
  fs.fdatasyncSync(fd);
  fs.closeSync(fd);
  return performance.now() - t0;
}

try {
  const bytes = rows * columns.length * 8;
  const ms = (x) => `${(x / 1000).toFixed(2)} s`;
  const auto = store(1000);
  const off = store(0);
  console.log(`${rows.toLocaleString('en')} candles, ${(bytes / 1e6).toFixed(0)} MB of column data`);
  console.log(
    `app settings: statements ${ms(auto.statements)}, commit (WAL fsync + automatic checkpoint) ${ms(auto.commit)}`,
  );
  console.log(`automatic checkpoint off: commit ${ms(off.commit)}, checkpoint ${ms(off.checkpoint)}`);
  console.log(`reference: the same bytes written and fdatasync'd as one file: ${ms(diskFloor(bytes))}`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
