'use strict';
// Bundles what Kong's plugin server loads: the plugin as ONE CommonJS file alone in its directory (every entry
// of that directory is loaded as a plugin), and the hardened start command, which keeps kong-pdk external
// because Kong's image installs kong-pdk itself.
const path = require('node:path');
const fs = require('node:fs');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');

async function bundle() {
  const pluginDir = path.join(dist, 'kong-plugins');
  fs.rmSync(pluginDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [path.join(root, 'plugins/okta-auth/index.ts')],
    outfile: path.join(pluginDir, 'okta-auth.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
  });

  const startCommand = path.join(dist, 'bin', 'okta-auth-pluginserver');
  await esbuild.build({
    entryPoints: [path.join(root, 'pluginserver/main.ts')],
    outfile: startCommand,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['kong-pdk', 'kong-pdk/*'],
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'warning',
  });
  fs.chmodSync(startCommand, 0o755);
}

bundle().catch((err) => {
  console.error(err);
  process.exit(1);
});
