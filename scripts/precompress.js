#!/usr/bin/env node
// Writes `<file>.br` (brotli, quality 11) and `<file>.gz` (gzip -9) beside each of the built
// app's files (wasm, js, css, svg, manifest) under the folders given, so the server sends them
// as they are (tower-http's ServeDir `precompressed_*`) instead of compressing a 3 MB wasm at
// the best level on every first visit: that cost seconds of server CPU and about 60 MB of peak
// memory per bundle (issue 9's server memory bar). Uses Node's own zlib: nothing to install.
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const EXTENSIONS = new Set(['.wasm', '.js', '.css', '.svg', '.webmanifest']);

function walk(dir, files) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, files);
    else if (EXTENSIONS.has(path.extname(entry.name))) files.push(full);
  }
  return files;
}

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error('usage: precompress.js DIR...');
  process.exit(2);
}
for (const dir of dirs) {
  for (const file of walk(dir, [])) {
    const raw = fs.readFileSync(file);
    const br = zlib.brotliCompressSync(raw, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      },
    });
    const gz = zlib.gzipSync(raw, { level: 9 });
    fs.writeFileSync(`${file}.br`, br);
    fs.writeFileSync(`${file}.gz`, gz);
    console.log(`${path.relative(process.cwd(), file)}: ${raw.length} bytes, ${br.length} br, ${gz.length} gz`);
  }
}
