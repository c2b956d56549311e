/**
 * Preloaded into the plugin server of `npm run bench` (NODE_OPTIONS=--require): answers, on the Unix socket named
 * by BENCH_CACHE_PROBE_SOCKET, the verified-token cache's size and bounds as the loaded okta-auth plugin reports
 * them (its `VerifiedTokenStats` export, which kong-pdk ignores). One JSON line per connection. The cache lives in
 * the plugin server's process; no RPC of Kong's protocol asks for it, and the benchmark must not add one to the
 * server it measures.
 */
import fs from 'node:fs';
import net from 'node:net';

export interface CacheProbeAnswer {
  entries: number;
  bytes: number;
  maxEntries: number;
  maxBytes: number;
}

type StatsExport = { VerifiedTokenStats?: () => CacheProbeAnswer };

function pluginStats(): CacheProbeAnswer | { error: string } {
  for (const loaded of Object.values(require.cache)) {
    const stats = (loaded?.exports as StatsExport | undefined)?.VerifiedTokenStats;
    if (typeof stats === 'function') return stats();
  }
  return { error: 'no loaded plugin exports VerifiedTokenStats' };
}

const socketPath = process.env.BENCH_CACHE_PROBE_SOCKET;
if (socketPath) {
  fs.rmSync(socketPath, { force: true });
  const server = net.createServer((connection) => connection.end(`${JSON.stringify(pluginStats())}\n`));
  server.listen(socketPath);
  // The plugin server's life decides the process's: the probe never keeps it alive.
  server.unref();
}

/** Asks the probe of the plugin server listening on `socketPath`. */
export function askCacheProbe(socketPath: string): Promise<CacheProbeAnswer> {
  return new Promise((resolve, reject) => {
    let text = '';
    net
      .connect(socketPath)
      .setEncoding('utf8')
      .on('data', (chunk: string) => (text += chunk))
      .on('end', () => {
        const answer = JSON.parse(text) as CacheProbeAnswer | { error: string };
        if ('error' in answer) reject(new Error(answer.error));
        else resolve(answer);
      })
      .on('error', reject);
  });
}
