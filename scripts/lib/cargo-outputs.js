#!/usr/bin/env node
// Reads cargo's JSON messages (`--message-format=json…`, one object per line) and prints what the
// build scripts produced, so scripts never guess a folder under the target dir:
//   node scripts/lib/cargo-outputs.js <messages.jsonl> shared-lib <package> <libname>
// prints the path of lib<libname>.so* that <package>'s build script left in its OUT_DIR.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

function fail(message) {
  process.stderr.write(`cargo-outputs: ${message}\n`);
  process.exit(1);
}

function buildScriptOutDirs(messagesFile, packageName) {
  const dirs = [];
  for (const line of fs.readFileSync(messagesFile, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      continue;
    }
    if (message.reason !== 'build-script-executed') continue;
    // package_id: "registry+https://…#xgboost_lib-sys@3.4.0" (or the older "name version (source)").
    const id = String(message.package_id);
    if (id.includes(`#${packageName}@`) || id.startsWith(`${packageName} `)) dirs.push(message.out_dir);
  }
  return dirs;
}

function findSharedLib(outDir, libName) {
  const pattern = new RegExp(`^lib${libName}\\.so(\\.\\d+)*$`);
  for (const sub of ['lib', 'lib64', '.']) {
    const dir = path.join(outDir, sub);
    if (!fs.existsSync(dir)) continue;
    const hits = fs
      .readdirSync(dir)
      .filter((f) => pattern.test(f) && !fs.lstatSync(path.join(dir, f)).isSymbolicLink());
    if (hits.length) return path.join(dir, hits.sort()[0]);
  }
  return null;
}

const [messagesFile, what, packageName, libName] = process.argv.slice(2);
if (what !== 'shared-lib' || !messagesFile || !packageName || !libName) {
  fail('usage: cargo-outputs.js <messages.jsonl> shared-lib <package> <libname>');
}
if (!fs.existsSync(messagesFile)) fail(`no cargo messages at ${messagesFile}`);
const outDirs = buildScriptOutDirs(messagesFile, packageName);
if (outDirs.length === 0) fail(`cargo reported no build script run for ${packageName} (see ${messagesFile})`);
if (new Set(outDirs).size > 1) fail(`${packageName} was built more than once: ${[...new Set(outDirs)].join(', ')}`);
const lib = findSharedLib(outDirs[0], libName);
if (!lib) fail(`lib${libName}.so not found in ${packageName}'s OUT_DIR ${outDirs[0]}`);
process.stdout.write(`${lib}\n`);
