#!/usr/bin/env node
'use strict';
/**
 * Points the registry's `champion` alias at a version.
 *
 *   npm run promote -- <version> [--registry models]
 *
 * <version>: v0003, v3, 3 or an alias (latest). Exit 1 with `[CODE] message` on failure
 * (MODEL_NOT_FOUND, NO_MODEL, CORRUPT_MODEL, IO_ERROR), 2 on bad usage.
 */
const path = require('node:path');
const { parseArgs } = require('node:util');

const HELP = `usage: npm run promote -- <version> [--registry DIR]

  <version>        v0003 / v3 / 3, or an alias such as latest
  --registry DIR   the model registry folder (default: $CANDLE_MODELS_DIR or ./models)`;

async function main() {
  let values, positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      options: { registry: { type: 'string', short: 'r' }, help: { type: 'boolean', short: 'h', default: false } },
    }));
  } catch (e) {
    process.stderr.write(`promote: ${e.message}\n\n${HELP}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (positionals.length !== 1) {
    process.stderr.write(`promote: expected exactly one version\n\n${HELP}\n`);
    return 2;
  }
  const engine = require('..');
  const registry = values.registry !== undefined ? path.resolve(values.registry) : undefined;
  try {
    const before = (await engine.listModels(registry)).find((v) => v.aliases.includes('champion'));
    const v = await engine.promote(positionals[0], registry);
    const s = v.summary || {};
    const f = (x) => (typeof x === 'number' ? x.toFixed(3) : '—');
    process.stdout.write(
      `champion: ${before ? before.version : '—'} → ${v.version} (${v.type}, trained ${v.trainedAt})\n` +
        `  validation pattern-F1 ${f(s.validationPatternF1)}, span-F1 ${f(s.validationSpanF1)}; ` +
        `test pattern-F1 ${f(s.testPatternF1)}, span-F1 ${f(s.testSpanF1)}, exact boundaries ${f(s.testExactBoundaryShare)}\n` +
        `  aliases: ${v.aliases.join(', ')}\n`,
    );
    return 0;
  } catch (err) {
    process.stderr.write(`promote failed: [${err.code || 'ERROR'}] ${err.message}\n`);
    return 1;
  }
}

main().then((code) => {
  process.exitCode = code;
});
