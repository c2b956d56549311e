import net = require('node:net');
import { decodeMultiStream, encode } from '@msgpack/msgpack';
import { PluginServerConnectionError, PluginServerRpcError } from './errors';

const REQUEST = 0;
const RESPONSE = 1;

interface PendingCall {
  msgid: number;
  method: string;
  resolve: (result: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * One unix-socket connection to the plugin server, used the way Kong uses it: one request per write and no
 * second request before the answer (two frames in one write crash kong-pdk's listener).
 */
export class RpcConnection {
  private pending: PendingCall | undefined;
  private failure: Error | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.on('error', (err) => this.fail(new PluginServerConnectionError(`plugin server connection: ${err.message}`)));
    void this.readAnswers();
  }

  static connect(socketPath: string): Promise<RpcConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection(socketPath);
      const refused = (err: Error): void => reject(new PluginServerConnectionError(`connecting to ${socketPath}: ${err.message}`));
      socket.once('connect', () => {
        socket.removeListener('error', refused);
        resolve(new RpcConnection(socket));
      });
      socket.once('error', refused);
    });
  }

  /** False once the connection failed or closed: the pool then opens a new one. */
  get usable(): boolean {
    return this.failure === undefined;
  }

  request(msgid: number, method: string, arg: unknown, timeoutMs: number): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pending) return Promise.reject(new Error(`${method}: connection busy (never pipeline requests)`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new PluginServerConnectionError(`${method}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending = { msgid, method, resolve, reject, timer };
      this.socket.write(encode([REQUEST, msgid, method, [arg]]));
    });
  }

  close(): void {
    this.fail(new PluginServerConnectionError('connection closed by the client'));
  }

  private async readAnswers(): Promise<void> {
    try {
      for await (const frame of decodeMultiStream(this.socket)) this.settle(frame);
      this.fail(new PluginServerConnectionError('plugin server closed the connection'));
    } catch (err) {
      this.fail(new PluginServerConnectionError(`reading from the plugin server: ${(err as Error).message}`));
    }
  }

  private settle(frame: unknown): void {
    const call = this.pending;
    const [kind, msgid, err, result] = Array.isArray(frame) ? frame : [];
    if (!call || kind !== RESPONSE || msgid !== call.msgid) {
      this.fail(new PluginServerConnectionError('unexpected frame from the plugin server'));
      return;
    }
    this.pending = undefined;
    clearTimeout(call.timer);
    if (err !== null && err !== undefined) call.reject(new PluginServerRpcError(call.method, String(err)));
    else call.resolve(result);
  }

  private fail(failure: Error): void {
    this.failure ??= failure;
    this.socket.destroy();
    const call = this.pending;
    if (!call) return;
    this.pending = undefined;
    clearTimeout(call.timer);
    call.reject(failure);
  }
}
