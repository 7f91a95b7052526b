#!/usr/bin/env node
// Where a Node process spent its CPU, from the V8 profiles `node --cpu-prof` wrote:
//   node bench/lib/cpuprofile-summary.js DIR_OR_FILE… [--top N] [--per N]
// Prints, over all samples except idle: self time by package (node_modules/<pkg>, node:internal,
// the app's own chunks, native / GC), the top functions by self time, and the top functions by
// inclusive time (each sample counted once per function however deep the recursion). With
// --per N, times are also divided by N (e.g. the requests the profile covered) to give a cost
// per request.
const fs = require('node:fs');
const path = require('node:path');

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const value = Number(args[i + 1]);
  args.splice(i, 2);
  return value;
};
const top = option('--top', 25);
const per = option('--per', 0);
const files = args.flatMap((p) =>
  fs.statSync(p).isDirectory()
    ? fs
        .readdirSync(p)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => path.join(p, f))
    : [p],
);
if (files.length === 0) {
  console.error('usage: cpuprofile-summary.js DIR_OR_FILE… [--top N] [--per N]');
  process.exit(2);
}

/** A package-level name for a script URL: which library (or the app) the code belongs to. */
function bucketOf(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node:internal';
  if (url.includes('/.next/')) return 'app (.next chunks)';
  return url.replace(/^file:\/\//, '');
}

const self = new Map(); // function key → µs
const inclusive = new Map();
const buckets = new Map();
let totalUs = 0;
let idleUs = 0;
for (const file of files) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (n) => {
    const f = n.callFrame;
    const where = f.url ? `${bucketOf(f.url, f.functionName)}:${f.lineNumber + 1}` : '';
    return `${f.functionName || '(anonymous)'} ${where}`.trim();
  };
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    const node = byId.get(profile.samples[i]);
    if (!node) continue;
    if (node.callFrame.functionName === '(idle)') {
      idleUs += dt;
      continue;
    }
    totalUs += dt;
    const key = keyOf(node);
    self.set(key, (self.get(key) ?? 0) + dt);
    const bucket = bucketOf(node.callFrame.url, node.callFrame.functionName);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + dt);
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parent.get(id)) {
      const k = keyOf(byId.get(id));
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
    }
  }
}

const ms = (us) => (us / 1000).toFixed(1).padStart(9);
const perRequest = (us) => (per > 0 ? `${(us / 1000 / per).toFixed(3).padStart(8)} ms/req` : '');
const pct = (us) => `${((100 * us) / totalUs).toFixed(1).padStart(5)} %`;
const table = (title, map, n) => {
  console.log(`\n${title}`);
  for (const [k, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n))
    console.log(`${ms(us)} ms ${pct(us)} ${perRequest(us)}  ${k}`);
};
console.log(
  `${files.length} profile(s): ${(totalUs / 1e3).toFixed(0)} ms on CPU, ${(idleUs / 1e3).toFixed(0)} ms idle` +
    (per > 0 ? `; ${(totalUs / 1e3 / per).toFixed(3)} ms on CPU per request over ${per}` : ''),
);
table('self time by package', buckets, top);
table('self time by function', self, top);
table('inclusive time by function', inclusive, top);
