#!/usr/bin/env node
// A terminal walk through the engine on a real sample: import → features → TA-Lib auto-labels.
//   node scripts/demo.js [data/samples/aapl_daily.csv]
const path = require('node:path');
const engine = require('..');

async function main() {
  const file = process.argv[2] ?? path.join(__dirname, '..', 'data', 'samples', 'aapl_daily.csv');
  const t0 = performance.now();
  const { series, rejected, detected } = await engine.importCsvFile(file, { onInvalidRow: 'skip' });
  const { candles, timeframe } = series[0];
  const n = candles.time.length;
  console.log(
    `${path.basename(file)}: ${n} candles, timeframe ${timeframe}, time format ${detected.timeFormat}` +
      `, ${rejected.length} rows rejected${rejected.length ? ` (e.g. row ${rejected[0].row}: ${rejected[0].reason})` : ''}`,
  );
  console.log(
    `  ${new Date(candles.time[0]).toISOString().slice(0, 10)} … ${new Date(candles.time[n - 1]).toISOString().slice(0, 10)}`,
  );

  const frame = await engine.computeFeatures(candles);
  console.log(`features: ${frame.names.length} columns, warm-up ${frame.warmup} candles`);

  const { report, summary } = await engine.autoLabel(candles);
  console.log(
    `TA-Lib auto-labels: ${summary.spans} spans over ${(summary.coverage * 100).toFixed(1)}% of candles, ` +
      `${summary.conflictCandles} candles with conflicting directions`,
  );
  const rows = report.filter((r) => r.count > 0).sort((a, b) => b.count - a.count);
  console.log('\n  pattern                 count  coverage  overlaps  conflicts');
  for (const r of rows) {
    console.log(
      `  ${r.label.padEnd(22)} ${String(r.count).padStart(6)}  ${(r.coverage * 100).toFixed(2).padStart(7)}%  ${String(r.overlaps).padStart(8)}  ${String(r.conflicts).padStart(9)}`,
    );
  }
  console.log(`\n  ${61 - rows.length} patterns never fired. Done in ${(performance.now() - t0).toFixed(0)} ms.`);
}

main().catch((err) => {
  console.error(`${err.code ?? 'ERROR'}: ${err.message}`);
  process.exit(1);
});
