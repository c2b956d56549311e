import { randomUUID } from 'node:crypto';
import { KongPlugin } from './plugin';
import { ConnectionPool, type PoolOptions } from './pool';
import type { PluginScope } from './types';

/**
 * Plays Kong's side of the external plugin protocol against a running plugin server (kong-js-pluginserver or
 * okta-auth-pluginserver), over a pool of unix-socket connections.
 *
 * @example
 * const client = await KongPluginServerClient.connect({ socketPath });
 * const plugin = client.plugin('okta-auth', { issuer }, { routeId });
 * const outcome = await plugin.access({ method: 'GET', path: '/', headers: { authorization: 'Bearer ...' } });
 * client.close();
 */
export class KongPluginServerClient {
  private seq = 0;
  // Kong's default workspace id is per installation; one per client is as good.
  private readonly workspaceId = randomUUID();

  private constructor(private readonly pool: ConnectionPool) {}

  /** Opens the whole pool (default 8 connections) before resolving. */
  static async connect(options: PoolOptions): Promise<KongPluginServerClient> {
    const pool = new ConnectionPool(options);
    try {
      await pool.fill();
    } catch (err) {
      pool.close();
      throw err;
    }
    return new KongPluginServerClient(pool);
  }

  /** A plugin entity (its own `__plugin_id`), attached where `scope` says; its instance starts on first use. */
  plugin(name: string, config: Record<string, unknown>, scope: PluginScope = {}): KongPlugin {
    return new KongPlugin(this.pool, name, config, scope, {
      pluginId: randomUUID(),
      workspaceId: this.workspaceId,
      nextSeq: () => ++this.seq,
    });
  }

  /** One raw RPC (`plugin.GetPluginInfo`, `plugin.ServerStats`, ...); rejects with the server's error string. */
  call(method: string, arg: unknown): Promise<unknown> {
    return this.pool.call(method, arg);
  }

  close(): void {
    this.pool.close();
  }
}
