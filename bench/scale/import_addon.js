// The engine's CSV import as the app's upload route calls it (importCsv on the uploaded bytes,
// onInvalidRow 'fail'): best of REPEATS and the first run (what one upload pays: its memory is
// faulted in fresh), timed from the bytes in memory to candle columns.
//   node bench/scale/import_addon.js FILE.csv [REPEATS]   → one JSON line
const fs = require('node:fs');
const { importCsv } = require('@candle-annotator/engine');

async function main() {
  const [file, repeatsArg] = process.argv.slice(2);
  const repeats = Number(repeatsArg ?? 2);
  const bytes = fs.readFileSync(file);
  const runs = [];
  let rows = 0;
  for (let r = 0; r < repeats; r++) {
    const t0 = process.hrtime.bigint();
    const result = await importCsv(bytes, { onInvalidRow: 'fail' });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    rows = result.series.reduce((n, s) => n + s.candles.time.length, 0);
    if (result.rejected.length) throw new Error(`${result.rejected.length} rows rejected`);
    runs.push(seconds);
  }
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ rows, seconds: Math.min(...runs), firstSeconds: runs[0], peakRssMb }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
