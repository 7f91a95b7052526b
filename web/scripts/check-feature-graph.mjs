// The features of the web app form no cycle: a feature (web/src/features/<name>) may use another
// only if that one does not, directly or through others, use it back. ESLint's import-x/no-cycle
// sees module cycles; this sees feature cycles, which module-level checks miss when the modules
// involved differ. Prints the feature graph's cycles and exits 1 when there is one.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const featuresDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'features');
const specifier = /(?:from\s+|import\s*\(\s*|import\s+)'@\/features\/([a-z][\w-]*)/g;

function sourceFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

const features = fs.readdirSync(featuresDir, { withFileTypes: true }).filter((e) => e.isDirectory());
const uses = new Map(features.map((f) => [f.name, new Set()]));
for (const feature of features) {
  for (const file of sourceFiles(path.join(featuresDir, feature.name))) {
    for (const [, other] of fs.readFileSync(file, 'utf8').matchAll(specifier)) {
      if (other !== feature.name) uses.get(feature.name).add(other);
    }
  }
}

// Depth-first search; a back edge closes a cycle.
const cycles = [];
const state = new Map(); // feature -> 'open' | 'done'
const stack = [];
function visit(feature) {
  state.set(feature, 'open');
  stack.push(feature);
  for (const next of uses.get(feature) ?? []) {
    if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
    else if (!state.has(next)) visit(next);
  }
  stack.pop();
  state.set(feature, 'done');
}
for (const feature of uses.keys()) if (!state.has(feature)) visit(feature);

if (cycles.length) {
  console.error('feature cycles (web/src/features):');
  for (const cycle of cycles) console.error(`  ${cycle.join(' -> ')}`);
  process.exit(1);
}
const edges = [...uses.values()].reduce((n, s) => n + s.size, 0);
console.log(`feature graph: ${uses.size} features, ${edges} dependencies, no cycle`);
