// Imports every benchmark instrument through the engine's importer (the product's own reading of
// the files) and writes each as a plain CSV (time in epoch ms, open, high, low, close, volume), so
// the labelling, the Python reference and the engine all see the very same candles.
//   node bench/quality/candles.js OUT_DIR
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const engine = require('../../index.js');
const { INSTRUMENTS } = require('./instruments.js');

async function main() {
  const out = process.argv[2];
  fs.mkdirSync(out, { recursive: true });
  for (const inst of INSTRUMENTS) {
    const imported = await engine.importCsvFile(path.join(__dirname, '../..', inst.path));
    const c = imported.series[0].candles;
    const lines = ['time,open,high,low,close,volume'];
    for (let i = 0; i < c.time.length; i++)
      lines.push(
        [c.time[i], c.open[i], c.high[i], c.low[i], c.close[i], Number.isFinite(c.volume[i]) ? c.volume[i] : 0].join(
          ',',
        ),
      );
    fs.writeFileSync(path.join(out, `${inst.symbol}.csv`), lines.join('\n') + '\n');
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
