// The table of bench/predict/run.sh from its runs (one JSON line per run):
// per side and client count, the median run by p50 and the spread of p50 over the runs; then the
// product-to-reference ratios per model.
//   node report.js RUNS.jsonl
const fs = require('node:fs');

const runs = fs
  .readFileSync(process.argv[2], 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l));
const groups = new Map();
for (const { name, clients, run } of runs) {
  const key = `${name}#${clients}`;
  if (!groups.has(key)) groups.set(key, { name, clients, runs: [] });
  groups.get(key).runs.push(run);
}
const median = (g) => {
  const sorted = [...g.runs].sort((a, b) => a.p50 - b.p50);
  return {
    ...sorted[Math.floor((sorted.length - 1) / 2)],
    min: sorted[0].p50,
    max: sorted.at(-1).p50,
    n: sorted.length,
  };
};
const f = (x, d = 2) => (x === null || x === undefined ? '-' : x.toFixed(d));

console.log(
  `\n${'model'.padEnd(9)} ${'side'.padEnd(34)} ${'clients'.padStart(7)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ` +
    `${'req/s'.padStart(8)} ${'CPU ms/req'.padStart(10)}  p50 over runs`,
);
const results = new Map();
for (const g of groups.values()) {
  const m = median(g);
  const [model, side] = g.name.split('|');
  results.set(`${model}|${side}|${g.clients}`, m);
  console.log(
    `${model.padEnd(9)} ${side.padEnd(34)} ${String(g.clients).padStart(7)} ${f(m.p50).padStart(8)} ${f(m.p99).padStart(8)} ` +
      `${f(m.rps, 0).padStart(8)} ${f(m.serverCpuMsPerRequest).padStart(10)}  ${f(m.min)}–${f(m.max)} (${m.n} runs)`,
  );
}
console.log('\nratios (reference ÷ product for time, product ÷ reference for throughput):');
// Each product form against the reference's request for the same work.
const PAIRS = [
  ['product, binary', 'reference (FastAPI)'],
  ['product, JSON', 'reference (FastAPI)'],
  ['product, dataset range', 'reference, dataset range'],
];
for (const model of new Set([...groups.values()].map((g) => g.name.split('|')[0]))) {
  for (const [side, reference] of PAIRS) {
    const ref1 = results.get(`${model}|${reference}|1`);
    const ref8 = results.get(`${model}|${reference}|8`);
    const p1 = results.get(`${model}|${side}|1`);
    const p8 = results.get(`${model}|${side}|8`);
    if (!ref1 || !ref8 || !p1 || !p8) continue;
    console.log(
      `  ${model.padEnd(9)} ${side.padEnd(22)} p50 1 client ${f(ref1.p50 / p1.p50)}x, p50 8 clients ${f(ref8.p50 / p8.p50)}x, ` +
        `throughput 8 clients ${f(p8.rps / ref8.rps)}x, CPU per request ${f(ref1.serverCpuMsPerRequest / p1.serverCpuMsPerRequest)}x`,
    );
  }
}
