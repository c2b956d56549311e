import { RpcConnection } from './connection';
import { PluginServerConnectionError } from './errors';

interface Waiter {
  resolve: (connection: RpcConnection) => void;
  reject: (err: Error) => void;
}

export interface PoolOptions {
  socketPath: string;
  /** Connections kept open (Kong uses a keepalive pool per worker). At least 8 so concurrency is real. */
  poolSize?: number;
  /** Longest wait for one answer; Kong's socket timeout is 60 s. */
  requestTimeoutMs?: number;
}

const DEFAULT_POOL_SIZE = 8;
const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/**
 * Kong's keepalive pool: each RPC takes an idle connection, sends one request, waits for its answer and gives the
 * connection back. Idle connections are reused oldest first, so consecutive RPCs of one event (HandleEvent, then
 * its Steps) usually travel on different connections, as they may in Kong. A broken connection is replaced.
 */
export class ConnectionPool {
  private readonly idle: RpcConnection[] = [];
  private readonly waiters: Waiter[] = [];
  private open = 0;
  private msgid = 0;
  private closed = false;
  readonly size: number;
  private readonly requestTimeoutMs: number;
  private readonly socketPath: string;

  constructor(options: PoolOptions) {
    this.socketPath = options.socketPath;
    this.size = Math.max(1, options.poolSize ?? DEFAULT_POOL_SIZE);
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  }

  /** Opens every connection up front, so an unreachable server fails here rather than on the first request. */
  async fill(): Promise<void> {
    const missing = this.size - this.open;
    this.open += missing;
    const opened = await Promise.allSettled(Array.from({ length: missing }, () => RpcConnection.connect(this.socketPath)));
    for (const result of opened) {
      if (result.status === 'fulfilled') this.release(result.value);
      else this.open -= 1;
    }
    const failed = opened.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async call(method: string, arg: unknown): Promise<unknown> {
    const connection = await this.acquire();
    try {
      this.msgid += 1;
      return await connection.request(this.msgid, method, arg, this.requestTimeoutMs);
    } finally {
      this.release(connection);
    }
  }

  close(): void {
    this.closed = true;
    for (const connection of this.idle.splice(0)) connection.close();
    for (const waiter of this.waiters.splice(0)) waiter.reject(new PluginServerConnectionError('pool closed'));
  }

  private acquire(): Promise<RpcConnection> {
    if (this.closed) return Promise.reject(new PluginServerConnectionError('pool closed'));
    for (let idle = this.idle.shift(); idle; idle = this.idle.shift()) {
      if (idle.usable) return Promise.resolve(idle);
      this.open -= 1; // closed while idle, e.g. the plugin server restarted
    }
    if (this.open < this.size) return this.openConnection();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private async openConnection(): Promise<RpcConnection> {
    this.open += 1;
    try {
      return await RpcConnection.connect(this.socketPath);
    } catch (err) {
      this.open -= 1;
      throw err;
    }
  }

  private release(connection: RpcConnection): void {
    if (this.closed || !connection.usable) {
      connection.close();
      this.open -= 1;
      const waiter = this.waiters.shift();
      if (waiter && !this.closed) this.openConnection().then(waiter.resolve, waiter.reject);
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(connection);
    else this.idle.push(connection);
  }
}
