'use strict';
// The pages' templates (.eta) and assets are read at run time beside the compiled code: copy them into dist
// under the same paths (tsc copies only what it compiles).
const path = require('node:path');
const fs = require('node:fs');

const root = path.resolve(__dirname, '..');
const source = path.join(root, 'sidecar');
const target = path.join(root, 'dist', 'sidecar');

const isPageFile = (relative) => relative.endsWith('.eta') || relative.split(path.sep).includes('assets');

for (const relative of fs.readdirSync(source, { recursive: true })) {
  const from = path.join(source, relative);
  if (!fs.statSync(from).isFile() || !isPageFile(relative)) continue;
  const to = path.join(target, relative);
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}
