import { spawn, type ChildProcess } from 'node:child_process';
import fs = require('node:fs');
import path = require('node:path');
import readline = require('node:readline');
import { KongRaisedError } from '../../kong-rpc/errors';
import { isPdkFunction, runPdkCall } from '../../kong-rpc/pdk';
import type { GatewayRequestState } from '../../kong-rpc/request-state';

/** How one run of a serverless function ended, as Kong's access phase sees it. */
export type LuaRunResult = { kind: 'done' } | { kind: 'exit' } | { kind: 'error'; message: string };

interface VmMessage {
  op: 'ready' | 'loaded' | 'call' | 'done' | 'exit' | 'error';
  id?: number;
  error?: string;
  method?: string;
  args?: unknown;
  message?: string;
}

/** A code string that does not compile (Kong refuses it when it loads kong.yml). */
export class LuaSyntaxError extends Error {
  override readonly name = 'LuaSyntaxError';
}

/** Debian's LuaJIT, as Kong runs OpenResty's: Lua 5.1 semantics. */
const LUAJIT = 'luajit';
const INSTALL_HINT = "the dev gateway runs kong.yml's Lua in Debian's luajit with lua-cjson: apt-get install luajit lua-cjson";

/** host.lua sits beside this file in the sources; from dist/ it is found in the repository's devstack/. */
function hostScript(): string {
  let dir = __dirname;
  const relative = path.join('devstack', 'gateway', 'serverless', 'host.lua');
  if (fs.existsSync(path.join(dir, 'host.lua'))) return path.join(dir, 'host.lua');
  while (!fs.existsSync(path.join(dir, relative)) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, relative);
}

/**
 * One LuaJIT process running the serverless functions of kong.yml (host.lua), one run at a time. Every kong.* call
 * a function makes is answered here by the same PDK the JavaScript plugins get, on the request's own state.
 */
export class LuaVm {
  private readonly lines: AsyncIterator<string>;
  private nextId = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private failure: Error | undefined;
  private readonly ended: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4096)));
    child.stdin?.on('error', () => undefined); // the process is gone: 'error' or 'exit' says why
    this.ended = new Promise((resolve) => {
      child.on('error', (err) => {
        this.failure ??= new Error(`${LUAJIT}: ${err.message} (${INSTALL_HINT})`);
        resolve();
      });
      child.on('exit', (code, signal) => {
        this.failure ??= new Error(`${LUAJIT} exited (${signal ?? code}): ${stderr.trim()} (${INSTALL_HINT})`);
        resolve();
      });
    });
    this.lines = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  }

  /** Resolves once the VM is ready; rejects, saying what to install, when luajit or lua-cjson is missing. */
  static async start(): Promise<LuaVm> {
    const vm = new LuaVm(spawn(LUAJIT, [hostScript()], { stdio: ['pipe', 'pipe', 'pipe'] }));
    await vm.receive();
    return vm;
  }

  /** Compiles one code string (Kong refuses a kong.yml whose function does not parse). Returns its id. */
  load(name: string, code: string): Promise<number> {
    const id = ++this.nextId;
    return this.exclusive(async () => {
      this.send({ op: 'load', id, name, code });
      const answer = await this.receive();
      if (answer.error !== undefined) throw new LuaSyntaxError(answer.error);
      return id;
    });
  }

  /** Runs a loaded function for one request; its kong.* calls read and change `state`. */
  run(id: number, state: GatewayRequestState): Promise<LuaRunResult> {
    return this.exclusive(async () => {
      this.send({ op: 'run', id });
      for (;;) {
        const message = await this.receive();
        if (message.op === 'done' || message.op === 'exit') return { kind: message.op };
        if (message.op === 'error') return { kind: 'error', message: message.message ?? 'unknown Lua error' };
        this.send(answer(state, message.method ?? '', Array.isArray(message.args) ? message.args : []));
      }
    });
  }

  close(): void {
    this.child.kill();
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private send(message: object): void {
    if (this.failure) throw this.failure;
    this.child.stdin!.write(`${JSON.stringify(message)}\n`);
  }

  private async receive(): Promise<VmMessage> {
    const next = await this.lines.next();
    if (next.done) {
      await this.ended;
      throw this.failure;
    }
    return JSON.parse(next.value) as VmMessage;
  }
}

/** One kong.* call answered with Kong's semantics; a PDK argument error is a Lua error in the function. */
function answer(state: GatewayRequestState, method: string, args: unknown[]): object {
  // In Kong a name the PDK does not have is nil, and calling it a Lua error.
  if (!isPdkFunction(method)) return { kind: 'raise', message: `${method}: not a PDK function the dev gateway implements` };
  try {
    const reply = runPdkCall(state, method, args.map((arg) => arg ?? undefined));
    if (reply.kind === 'value') return reply.value === undefined ? { kind: 'value' } : { kind: 'value', value: reply.value };
    return reply;
  } catch (err) {
    if (err instanceof KongRaisedError) return { kind: 'raise', message: err.message };
    throw err;
  }
}
