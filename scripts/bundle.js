'use strict';
// Bundles what Kong's plugin server loads: the plugin as ONE CommonJS file alone in its directory (every entry
// of that directory is loaded as a plugin), and the hardened start command with kong-pdk inside it. Kong spawns
// the start command with nginx's cleaned environment (no PATH, no NODE_PATH): so the command names its node by
// absolute path and resolves nothing at run time. PLUGIN_SERVER_NODE sets that path (the Dockerfile gives the
// image's); by default it is the node running this build.
const path = require('node:path');
const fs = require('node:fs');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');

function nodePath() {
  const node = process.env.PLUGIN_SERVER_NODE || process.execPath;
  if (!path.isAbsolute(node)) throw new Error(`PLUGIN_SERVER_NODE must be an absolute path, got ${node}`);
  return node;
}

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
    alias: { 'ts-node': path.join(root, 'pluginserver/no-ts-node.ts') },
    banner: { js: `#!${nodePath()}` },
    // kong-pdk requires each plugin file by a computed path, at run time, as it must.
    logOverride: { 'unsupported-require-call': 'silent' },
    logLevel: 'warning',
  });
  fs.chmodSync(startCommand, 0o755);
}

bundle().catch((err) => {
  console.error(err);
  process.exit(1);
});
