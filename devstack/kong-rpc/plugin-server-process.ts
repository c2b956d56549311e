import { spawn, type ChildProcess } from 'node:child_process';
import fs = require('node:fs');
import net = require('node:net');
import path = require('node:path');

const DEFAULT_SOCKET_NAME = 'js_pluginserver.sock';
const DEFAULT_START_TIMEOUT_MS = 15_000;
const KILL_GRACE_MS = 5_000;
const POLL_MS = 50;
// What stdout()/stderr() keep: the recent past, so a long-running dev stack does not grow without bound.
const KEPT_OUTPUT_CHARS = 256 * 1024;

export interface PluginServerProcessOptions {
  /** The start command: okta-auth-pluginserver or kong-pdk's kong-js-pluginserver. */
  command: string;
  /** Absolute plugins directory (kong-pdk requires it absolute). */
  pluginsDir: string;
  /** Kong prefix: the socket is created in it. */
  prefix: string;
  sockName?: string;
  extraArgs?: string[];
  startTimeoutMs?: number;
  /** The server's environment; default this process's. */
  env?: NodeJS.ProcessEnv;
  /** The server's working directory; default this process's. */
  cwd?: string;
  /** Also receives everything the server writes (e.g. to a log file). */
  onOutput?: (chunk: Buffer) => void;
}

export interface PluginServerProcess {
  socketPath: string;
  pid: number;
  stdout(): string;
  stderr(): string;
  alive(): boolean;
  exited(): Promise<void>;
  /** Resolves once stderr matches `pattern`; rejects if the process exits or the start timeout passes first. */
  waitForStderr(pattern: RegExp): Promise<void>;
  /** SIGTERM, then SIGKILL if it has not exited after a grace period. */
  stop(): Promise<void>;
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (hasExited(child)) resolve();
    else child.once('exit', () => resolve());
  });
}

function canConnect(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.createConnection(socketPath);
    socket.once('connect', () => socket.end(() => resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function waitUntil(condition: () => boolean | Promise<boolean>, child: ChildProcess, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (hasExited(child)) throw new Error(`plugin server exited:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`plugin server: condition not met within ${timeoutMs} ms:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Starts a plugin server the way Kong runs KONG_PLUGINSERVER_JS_START_CMD, and waits until its socket answers. */
export async function spawnPluginServer(options: PluginServerProcessOptions): Promise<PluginServerProcess> {
  const sockName = options.sockName ?? DEFAULT_SOCKET_NAME;
  const socketPath = path.join(options.prefix, sockName);
  const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const args = ['-d', options.pluginsDir, '-p', options.prefix, '--sock-name', sockName, ...(options.extraArgs ?? [])];
  const child = spawn(options.command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env, cwd: options.cwd });
  let stdout = '';
  let stderr = '';
  const keep = (kept: string, chunk: Buffer): string => {
    options.onOutput?.(chunk);
    return (kept + chunk.toString()).slice(-KEPT_OUTPUT_CHARS);
  };
  child.stdout?.on('data', (chunk: Buffer) => (stdout = keep(stdout, chunk)));
  child.stderr?.on('data', (chunk: Buffer) => (stderr = keep(stderr, chunk)));
  // A command that cannot run (missing, not executable) emits 'error' instead of 'exit'; unheard, it would crash
  // the caller. Kept for the start-up message.
  let childError = '';
  const output = (): string => childError + stdout + stderr;

  // The server must not outlive whoever started it (a test runner, `npm start`), even on an abrupt exit.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  child.on('error', (err) => {
    childError = `${err.message}\n`;
    if (child.pid === undefined) process.off('exit', killOnExit); // never started, so never exits
  });

  const stop = async (): Promise<void> => {
    if (hasExited(child)) return;
    const killer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    child.kill('SIGTERM');
    await exited(child);
    clearTimeout(killer);
  };

  try {
    await waitUntil(async () => fs.existsSync(socketPath) && (await canConnect(socketPath)), child, timeoutMs, output);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    socketPath,
    pid: child.pid as number,
    stdout: () => stdout,
    stderr: () => stderr,
    alive: () => !hasExited(child),
    exited: () => exited(child),
    waitForStderr: (pattern) => waitUntil(() => pattern.test(stderr), child, timeoutMs, output),
    stop,
  };
}
