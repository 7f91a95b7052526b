'use strict';
/**
 * The engine addon for the CLI scripts: this checkout's build (index.js at the repo root), or —
 * in the runtime image, which ships the addon as a package — @candle-annotator/engine.
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');

module.exports = require(fs.existsSync(path.join(ROOT, 'index.js')) ? ROOT : '@candle-annotator/engine');
